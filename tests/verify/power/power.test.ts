// optinc verify --power on a compiled closed-form chip: the analytic error rate against a noise
// Monte-Carlo of 10⁶ decisions, the verdict at the laser power the target needs and 10 dB below it
// (the planted fault: it must fail and name the binding decision), the detector powers against an
// independent propagation (the Python reference simulator of docs/reference/netlists.md and its
// power_mw), and a trained circuit refused with its code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { VERIFY } from "../../../codes/catalogue.ts";
import { lightBudgetOf } from "../../../dsl/technology-presets.ts";
import { readNetlistJson, writeNetlistJson } from "../../../netlist/formats/json-io.ts";
import { loadCircuits } from "../../../verify/circuit/load.ts";
import { cellRates, chipRate, kappaOf, laserForTarget, readCellLight } from "../../../verify/power/budget.ts";
import { noiseMonteCarlo } from "../../../verify/power/noise-mc.ts";
import { memoryIo } from "../../helpers/io.ts";
import { referenceSimulatorSource } from "../../netlist/reference-source.ts";
import { itWith, PYTHON_NUMPY } from "../../netlist/tools.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";

async function cli(args: string[]): Promise<{ code: number; out: string; doc: Record<string, unknown> | null }> {
  const io = memoryIo();
  const code = await main(args, io);
  const out = io.out();
  return { code, out, doc: args.includes("--json") ? JSON.parse(out) : null };
}

function powerSnippet(): string {
  const doc = readFileSync(new URL("../../../docs/reference/netlists.md", import.meta.url), "utf8");
  const m = /<!-- power-at-port:begin -->\n```python\n([\s\S]*?)```\n<!-- power-at-port:end -->/.exec(doc);
  if (!m) throw new Error("docs/reference/netlists.md has no power-at-port block");
  return m[1]!;
}

describe("optinc verify --power", async () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-power-"));
  writeFileSync(join(dir, "cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
  const out = join(dir, "out");
  expect((await cli(["compile", join(dir, "cf.optinc"), "-o", out, "--no-evaluate"])).code).toBe(0);
  const light = lightBudgetOf("foundry")!;
  const loaded = loadCircuits(out, out);
  const cells = loaded.map((l) => readCellLight(l.circuit, l.netlistPath, 0.1));
  const needed = laserForTarget(cells, light, 1e-12)!;

  it("solves the laser power of the target: met at it, missed 1 % below", () => {
    expect(needed).toBeGreaterThan(1);
    expect(chipRate(cells, light, needed)).toBeLessThanOrEqual(1e-12);
    expect(chipRate(cells, light, needed * 0.99)).toBeGreaterThan(1e-12);
  });

  it("the analytic rate agrees with a noise Monte-Carlo of 10⁶ decisions within a factor 2 where it is ≥ 1e-4", () => {
    const cell = [...cells].sort((a, b) => b.cases - a.cases)[0]!;
    // Scale the laser down until the mean rate per decision is about 1e-3.
    let mw = needed;
    while (cellRates(cell, light, mw).meanPerUse / cell.outputs.length < 1e-3) mw /= 1.05;
    const mc = noiseMonteCarlo(cell, light, mw, 1_000_000, 3);
    expect(mc.expected / mc.decisions).toBeGreaterThanOrEqual(1e-4);
    expect(mc.errors / mc.expected).toBeGreaterThan(0.5);
    expect(mc.errors / mc.expected).toBeLessThan(2);
    // The planted fault: σ halved in the Monte-Carlo's light is caught (the count collapses).
    const quiet = { ...light, receiver: { ...light.receiver, noiseDensityPaRtHz: light.receiver.noiseDensityPaRtHz / 4 } };
    const wrong = noiseMonteCarlo({ ...cell }, quiet, mw, 200_000, 3);
    expect(wrong.errors / (mc.expected / 5)).toBeLessThan(0.5);
  });

  it("passes at twice the power the target needs and fails 10 dB below, naming the binding decision", async () => {
    const args = ["--json", "verify", out, "--power", "--technology", "foundry"];
    const ok = await cli([...args, "--laser-mw", String(needed * 2)]);
    expect(ok.code).toBe(0);
    const weak = await cli([...args, "--laser-mw", String((needed * 2) / 10)]);
    expect(weak.code).toBe(1);
    const diags = (weak.doc as { diagnostics: { code: string; message: string }[] }).diagnostics;
    const d = diags.find((x) => x.code === VERIFY.powerTarget);
    expect(d?.message).toMatch(/binding decision: \w+ \w+ at level \d, inputs [\d,]+: Q /);
    const power = (weak.doc as { result: { power: { pass: boolean; binding: { cell: string } } } }).result.power;
    expect(power.pass).toBe(false);
    const text = await cli(["verify", out, "--power", "--technology", "foundry", "--laser-mw", String((needed * 2) / 10)]);
    expect(text.out).toMatch(/errors per value > 1\.0e-12/);
    // Six lines and the energy line (docs/design/energy.md §5), each ≤ 100 characters.
    expect(text.out.trimEnd().split("\n").length).toBeLessThanOrEqual(6);
    const energy = text.out.split("\n").find((l) => l.startsWith("  energy per input bit"));
    expect(energy?.length).toBeLessThanOrEqual(100);
  });

  it("refuses a trained circuit with its code, and --laser-mw without --power", async () => {
    writeFileSync(join(dir, "tiny.netlist.json"), writeNetlistJson(tinyCircuit()));
    const r = await cli(["--json", "verify", join(dir, "tiny.netlist.json"), "--power"]);
    expect(r.code).toBe(1);
    expect(JSON.stringify(r.doc)).toContain(VERIFY.powerRoute);
    expect((await cli(["verify", out, "--laser-mw", "5"])).code).toBe(2);
  });

  itWith(PYTHON_NUMPY, "python3 with numpy")(
    "the Python reference simulator's power_mw gives every detector input's power within 0.1 dB",
    () => {
      const laserMw = 1000;
      let compared = 0;
      for (const l of loaded) {
        const cell = readCellLight(l.circuit, l.netlistPath, 0);
        const stem = l.netlistPath.replace(/\.netlist\.json$/, "");
        const ports = JSON.parse(readFileSync(`${stem}.ports.json`, "utf8"));
        const det = ports.detectors[0];
        const pins: string[] = [...ports.outputs.map((o: { reads: string }) => o.reads), det.referenceReads];
        const d = Array.from({ length: cell.cases }, (_, c) => [Array.from(cell.inputs.subarray(c * cell.ports, (c + 1) * cell.ports))]);
        writeFileSync(join(dir, "cases.json"), JSON.stringify(d));
        const script = `${referenceSimulatorSource()}\n${powerSnippet()}\nimport sys\nnetlist = json.load(open(sys.argv[1])); ports = json.load(open(sys.argv[2])); d = np.array(json.load(open(sys.argv[3])))\njson.dump([power_mw(netlist, ports, d, p, ${laserMw}, ${light.facetLossDb}).tolist() for p in json.loads(sys.argv[4])], sys.stdout)\n`;
        writeFileSync(join(dir, "power.py"), script);
        const r = spawnSync(
          PYTHON_NUMPY.command,
          [join(dir, "power.py"), `${stem}.netlist.json`, `${stem}.ports.json`, join(dir, "cases.json"), JSON.stringify(pins)],
          { encoding: "utf8", maxBuffer: 1 << 28 },
        );
        expect(r.status, r.stderr).toBe(0);
        const py: number[][] = JSON.parse(r.stdout);
        const kappa = kappaOf(cell, light, laserMw);
        const fields = [...cell.light.detector.modes, cell.light.detector.referenceField!];
        fields.forEach((f, k) => {
          for (let c = 0; c < cell.cases; c++) {
            const ts = kappa * (f.re[c]! ** 2 + f.im[c]! ** 2);
            const p = py[k]![c]!;
            // Within 0.1 dB where there is light (a dark level is 0 in both, to rounding).
            if (ts > 1e-12 * laserMw || p > 1e-12 * laserMw)
              expect(Math.abs(10 * Math.log10(ts / p)), `${stem} pin ${pins[k]} case ${c}`).toBeLessThan(0.1);
            compared++;
          }
        });
      }
      expect(compared).toBeGreaterThan(40);
      // The circuit read back is the one emitted (the comparison is of the files).
      expect(readNetlistJson(readFileSync(loaded[0]!.netlistPath, "utf8")).name).toBe(loaded[0]!.circuit.name);
    },
  );
});
