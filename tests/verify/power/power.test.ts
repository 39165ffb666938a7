// optinc verify --power on a compiled closed-form chip: the analytic error rate (linearized noise
// propagation) against a noise Monte-Carlo of 10⁶ decisions through the nonlinear cell, the verdict
// with lasers that give the design's taps and 10 dB below them (the planted fault: it must fail and
// name the binding decision), the power at every read against an independent propagation (the
// Python reference simulator of docs/reference/netlists.md and its power_mw), and a trained circuit
// refused with its code.
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
import { describeDecision, powerBudget } from "../../../verify/power/analyze.ts";
import { readCellLight, shareCellLight } from "../../../verify/power/budget.ts";
import { cellRates, chipRate, chipRateFloor, decisionOf } from "../../../verify/power/decisions.ts";
import { designLoMw, tapForTarget } from "../../../verify/power/lasers.ts";
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
  const loMw = designLoMw(light);
  const loaded = loadCircuits(out, out);
  const cells = loaded.map((l) => readCellLight(l.circuit, l.netlistPath, 0.1));
  const needed = tapForTarget(cells, light, 1e-12, loMw)!;

  it("a walk shared by two circuits of one cell keeps each circuit's name, file and copies", () => {
    const l = loaded[0]!;
    const other = { ...l.circuit, info: { ...l.circuit.info, cell_instances: 7 } };
    const key = {};
    shareCellLight(l.circuit, key);
    shareCellLight(other, key);
    const a = readCellLight(l.circuit, "a.netlist.json", 0.2);
    const b = readCellLight(other, "b.netlist.json", 0.2);
    // One walk (the same arrays), each with its own copies: a copy count taken from the first
    // circuit read would price the second structure's lasers for the first one's copies.
    expect(b.light).toBe(a.light);
    expect([a.copies, b.copies]).toEqual([cells[0]!.copies, 7]);
    expect(b.netlist).toBe("b.netlist.json");
  });

  it("solves the modulator tap of the target: met at it, missed 1 % below", () => {
    expect(needed).toBeGreaterThan(1e-3);
    expect(chipRate(cells, light, { tapMw: needed, loMw })).toBeLessThanOrEqual(1e-12);
    expect(chipRate(cells, light, { tapMw: needed * 0.99, loMw })).toBeGreaterThan(1e-12);
  });

  it("the floor without kinks bounds the rate from below; the rates of the sweep are the full decisions", () => {
    const op = { tapMw: needed / 4, loMw };
    // Kinks matter here: some read is blocked, and leaving its noise out lowers the rate.
    expect(cells.some((c) => c.blocked().count > 0)).toBe(true);
    const floor = chipRateFloor(cells, light, op);
    const full = chipRate(cells, light, op);
    expect(floor).toBeGreaterThan(0);
    expect(floor).toBeLessThanOrEqual(full);
    // Where noise is a hundred times the design's, a kink's passage shows in the mean rate.
    const dim = { tapMw: needed / 100, loMw };
    expect(cells.some((c) => cellRates(c, light, dim, false).meanPerUse < cellRates(c, light, dim).meanPerUse)).toBe(true);
    for (const cell of cells) {
      const r = cellRates(cell, light, op);
      expect(cellRates(cell, light, op, false).worstPerUse).toBeLessThanOrEqual(r.worstPerUse);
      // The sweep's allocation-free rate is decisionOf's, decision by decision.
      let worst = 0;
      for (let c = 0; c < cell.cases; c++)
        for (let k = 0; k < cell.outputs.length; k++) worst = Math.max(worst, decisionOf(cell, light, op, k, c).rate);
      expect(r.binding.rate).toBe(worst);
      expect(decisionOf(cell, light, op, r.binding.k, r.binding.c).rate).toBe(r.binding.rate);
    }
  });

  it("the analytic rate agrees with a noise Monte-Carlo of 10⁶ decisions within a factor 2 where it is ≥ 1e-4", () => {
    const i = cells.map((_, k) => k).sort((a, b) => cells[b]!.cases - cells[a]!.cases)[0]!;
    const cell = cells[i]!;
    // Scale the tap down until the mean rate per decision is about 1e-3.
    let tapMw = needed;
    while (cellRates(cell, light, { tapMw, loMw }).meanPerUse / cell.outputs.length < 1e-3) tapMw /= 1.05;
    const mc = noiseMonteCarlo(loaded[i]!.circuit, cell, light, { tapMw, loMw }, 0.1, 1_000_000, 3);
    expect(mc.expected / mc.decisions).toBeGreaterThanOrEqual(1e-4);
    expect(mc.errors / mc.expected).toBeGreaterThan(0.5);
    expect(mc.errors / mc.expected).toBeLessThan(2);
    // The planted fault: a TIA a quarter as noisy in the Monte-Carlo's light is caught (the count collapses).
    const quiet = { ...light, receiver: { ...light.receiver, noiseDensityPaRtHz: light.receiver.noiseDensityPaRtHz / 4 } };
    const wrong = noiseMonteCarlo(loaded[i]!.circuit, cell, quiet, { tapMw, loMw }, 0.1, 200_000, 3);
    expect(wrong.errors / (mc.expected / 5)).toBeLessThan(0.5);
  });

  it("passes with lasers that give the design's taps and fails 10 dB below, naming the binding decision", () => {
    // Lasers strong enough for this chip's taps, and waveguides that carry them (a world where it closes).
    const strong = { ...light, laser: { ...light.laser, powerMw: needed * 40 }, maxWaveguideMw: needed * 40 };
    const circuits = loaded.map((l) => ({ circuit: l.circuit, netlist: l.netlistPath }));
    const at = (laserMw: number) => powerBudget(circuits, { light: strong, lightSource: "test", mziLossDb: 0.1, laserMw, target: 1e-12 });
    const ok = at(strong.laser.powerMw);
    expect(ok.pass).toBe(true);
    expect(ok.operating.tapMw).toBeGreaterThanOrEqual(needed * 10 ** (strong.regenerator.designMarginDb / 10) * 0.999);
    const weak = at(strong.laser.powerMw / 10);
    expect(weak.pass).toBe(false);
    expect(weak.ratePerValue).toBeGreaterThan(1e-12);
    expect(describeDecision(weak.binding)).toMatch(/\w+ \w+ at level \d, inputs [\d,]+: Q [\d.e+-]+; \d+ % of its noise from \w+/);
  });

  it("at the foundry preset the chip misses the target: exit 1, OPT6009 naming the binding decision, ≤ 6 short lines", async () => {
    const weak = await cli(["--json", "verify", out, "--power", "--technology", "foundry"]);
    expect(weak.code).toBe(1);
    const diags = (weak.doc as { diagnostics: { code: string; message: string }[] }).diagnostics;
    const d = diags.find((x) => x.code === VERIFY.powerTarget);
    expect(d?.message).toMatch(/binding decision: \w+ \w+ at level \d, inputs [\d,]+: Q /);
    const text = await cli(["verify", out, "--power", "--technology", "foundry"]);
    expect(text.out).toMatch(/errors per value > 1\.0e-12/);
    expect(text.out.trimEnd().split("\n").length).toBeLessThanOrEqual(6);
    for (const line of text.out.trimEnd().split("\n").slice(-4)) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("refuses a trained circuit with its code, and --laser-mw without --power", async () => {
    writeFileSync(join(dir, "tiny.netlist.json"), writeNetlistJson(tinyCircuit()));
    const r = await cli(["--json", "verify", join(dir, "tiny.netlist.json"), "--power"]);
    expect(r.code).toBe(1);
    expect(JSON.stringify(r.doc)).toContain(VERIFY.powerRoute);
    expect((await cli(["verify", out, "--laser-mw", "5"])).code).toBe(2);
  });

  itWith(PYTHON_NUMPY, "python3 with numpy")(
    "the Python reference simulator's power_mw gives the power at every read within 0.1 dB",
    () => {
      const tapMw = 1;
      const fs = tapMw * 10 ** (-light.regenerator.modulatorLossDb / 10);
      let compared = 0;
      // The planted fault: light that does not restart at the activations (segment 0's κ everywhere).
      let unrestarted = 0;
      for (const l of loaded) {
        const cell = readCellLight(l.circuit, l.netlistPath, 0);
        const stem = l.netlistPath.replace(/\.netlist\.json$/, "");
        // Every read: the input pins of each activation and of the detector.
        const reads = cell.light.steps.filter((s) => s.kind === "activation" || s.kind === "detector").flatMap((s) => s.reads);
        const pins = reads.filter((r) => !r.startsWith("in") && !r.startsWith("dark:"));
        const d = Array.from({ length: cell.cases }, (_, c) => [Array.from(cell.inputs.subarray(c * cell.ports, (c + 1) * cell.ports))]);
        writeFileSync(join(dir, "cases.json"), JSON.stringify(d));
        const script = `${referenceSimulatorSource()}\n${powerSnippet()}\nimport sys\nnetlist = json.load(open(sys.argv[1])); ports = json.load(open(sys.argv[2])); d = np.array(json.load(open(sys.argv[3])))\njson.dump([power_mw(netlist, ports, d, p, ${tapMw}, ${light.regenerator.modulatorLossDb}).tolist() for p in json.loads(sys.argv[4])], sys.stdout)\n`;
        writeFileSync(join(dir, "power.py"), script);
        const r = spawnSync(
          PYTHON_NUMPY.command,
          [join(dir, "power.py"), `${stem}.netlist.json`, `${stem}.ports.json`, join(dir, "cases.json"), JSON.stringify(pins)],
          { encoding: "utf8", maxBuffer: 1 << 28 },
        );
        expect(r.status, r.stderr).toBe(0);
        const py: number[][] = JSON.parse(r.stdout);
        pins.forEach((pin, k) => {
          const f = cell.light.fields.get(pin)!;
          const kappa = fs * cell.segments[cell.segmentOf.get(pin.split(",")[0]!)!]!;
          for (let c = 0; c < cell.cases; c++) {
            const ts = kappa * (f.re[c]! ** 2 + f.im[c]! ** 2);
            const p = py[k]![c]!;
            // Within 0.1 dB where there is light (a dark read is 0 in both, to rounding).
            if (ts > 1e-15 * tapMw || p > 1e-15 * tapMw)
              expect(Math.abs(10 * Math.log10(ts / p)), `${stem} pin ${pin} case ${c}`).toBeLessThan(0.1);
            const flat = fs * cell.segments[0]! * (f.re[c]! ** 2 + f.im[c]! ** 2);
            if (p > 1e-15 * tapMw && Math.abs(10 * Math.log10(flat / p)) > 10) unrestarted++;
            compared++;
          }
        });
      }
      expect(compared).toBeGreaterThan(100);
      expect(unrestarted).toBeGreaterThan(10);
      // The circuit read back is the one emitted (the comparison is of the files).
      expect(readNetlistJson(readFileSync(loaded[0]!.netlistPath, "utf8")).name).toBe(loaded[0]!.circuit.name);
    },
  );
});
