// A design whose light closes: the quick start as route = auto builds it, binary cells inside, at the
// calibrated preset (the global setup's compile, tests/global-setup.ts, copied). Its cells take the
// regenerated form (an activation gain per mode, the threshold rows limited), stay exact, and meet
// 1e-12 errors per aggregated value from 25 mW lasers; a laser 10 dB weaker misses it and names the
// binding decision; without the threshold rows' limit the same cells need far more light (the
// planted fault); the Python reference simulator decodes every regenerated cell's tables from its
// files.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { VERIFY } from "../../../codes/catalogue.ts";
import { lightBudgetOf } from "../../../dsl/technology-presets.ts";
import { readNetlistJson } from "../../../netlist/formats/json-io.ts";
import type { Circuit } from "../../../netlist/ir.ts";
import { loadCircuits } from "../../../verify/circuit/load.ts";
import { readCellLight } from "../../../verify/power/budget.ts";
import { tapForTarget } from "../../../verify/power/lasers.ts";
import { memoryIo } from "../../helpers/io.ts";
import { referenceSimulatorSource } from "../../netlist/reference-source.ts";
import { itWith, PYTHON_NUMPY } from "../../netlist/tools.ts";

async function cli(args: string[]): Promise<{ code: number; out: string; doc: Record<string, unknown> | null }> {
  const io = memoryIo();
  const code = await main(args, io);
  const out = io.out();
  return { code, out, doc: args.includes("--json") ? JSON.parse(out) : null };
}

describe("a design whose light closes (paper-4x8 with binary cells inside)", () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-closing-"));
  const out = join(dir, "out");
  cpSync(join(inject("hostileCompiles"), "cf"), out, { recursive: true });
  const light = lightBudgetOf("calibrated")!;
  const loaded = loadCircuits(out, out);

  it("compiles exact, with every cell regenerated, and its report's light closes at 25 mW lasers", () => {
    const report = JSON.parse(readFileSync(join(out, "paper_4x8.report.json"), "utf8"));
    expect(report.structure.rows[report.structure.chosen].label).toBe("flat cells, PAM-2 inside");
    expect(report.onn.exactMatch).toBe(1);
    expect(report.light).toMatchObject({ preset: "calibrated", laserMw: 25, pass: true });
    expect(report.light.ratePerValue).toBeLessThanOrEqual(1e-12);
    // One 25 mW laser per modulator gives 17.7 mW, more than the tap the target needs.
    expect(report.light.neededTapMw).toBeLessThan(17.7);
    for (const l of loaded) {
      const acts = Object.values(l.circuit.netlists[l.circuit.top]!.instances).filter((i) => i.component === "activation");
      expect(acts.length).toBeGreaterThan(0);
      for (const a of acts) expect(Array.isArray(a.settings.gain), l.circuit.name).toBe(true);
      expect(acts.some((a) => Array.isArray(a.settings.limit))).toBe(true);
    }
  });

  it("verify --power passes, and fails 10 dB below the preset's laser, naming the binding decision", async () => {
    const ok = await cli(["verify", out, "--power"]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/errors per value ≤ 1\.0e-12/);
    const weak = await cli(["--json", "verify", out, "--power", "--laser-mw", "2.5"]);
    expect(weak.code).toBe(1);
    const d = (weak.doc as { diagnostics: { code: string; message: string }[] }).diagnostics.find((x) => x.code === VERIFY.powerTarget);
    expect(d?.message).toMatch(/binding decision: \w+ \w+ at level \d, inputs [\d,]+: Q [\d.e+-]+; \d+ % of its noise from \w+/);
  });

  it("the threshold rows' limit is what closes it: without it the same cell needs ten times the light", () => {
    const add = loaded.find((l) => l.netlistPath.endsWith(".add1.netlist.json"))!;
    const unlimited = structuredClone(add.circuit) as Circuit;
    for (const inst of Object.values(unlimited.netlists[unlimited.top]!.instances)) delete inst.settings.limit;
    const tap = (c: Circuit) => tapForTarget([{ ...readCellLight(c, c.name, 0.1), copies: 1 }], light, 1e-12)!;
    expect(tap(unlimited)).toBeGreaterThan(10 * tap(add.circuit));
  });

  itWith(PYTHON_NUMPY, "python3 with numpy")("the Python reference simulator decodes every regenerated cell as optinc does", () => {
    const script = join(dir, "ref.py");
    writeFileSync(
      script,
      `${referenceSimulatorSource()}\nimport sys\nout = simulate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), np.array(json.load(open(sys.argv[3]))))\njson.dump(out.tolist(), sys.stdout)\n`,
    );
    let compared = 0;
    for (const l of loaded) {
      const cell = readCellLight(l.circuit, l.netlistPath, 0);
      const stem = l.netlistPath.replace(/\.netlist\.json$/, "");
      const d = Array.from({ length: cell.cases }, (_, c) => [Array.from(cell.inputs.subarray(c * cell.ports, (c + 1) * cell.ports))]);
      writeFileSync(join(dir, "cases.json"), JSON.stringify(d));
      const p = spawnSync(PYTHON_NUMPY.command, [script, l.netlistPath, `${stem}.ports.json`, join(dir, "cases.json")], {
        encoding: "utf8",
      });
      expect(p.status, p.stderr).toBe(0);
      const got: number[][] = JSON.parse(p.stdout);
      const W = cell.outputs.length;
      got.forEach((row, c) => expect(row, `${stem} case ${c}`).toEqual(Array.from(cell.digits.subarray(c * W, (c + 1) * W))));
      compared += got.length;
      // The file read back is the one emitted.
      expect(readNetlistJson(readFileSync(l.netlistPath, "utf8")).name).toBe(l.circuit.name);
    }
    expect(compared).toBeGreaterThan(20);
  });
});
