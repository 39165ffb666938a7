// A digit-sliced aggregator end to end: every slice trained to exact match on its own space, each
// emitted netlist verified alone (optinc verify reads the slice function from the circuit info),
// and the chain of emitted circuits composed against the flat golden average on every case.
import { describe, expect, it } from "vitest";
import { compileSpec } from "../../compiler/compile.ts";
import { loadSpec } from "../../dsl/load.ts";
import { readNetlistJson } from "../../netlist/json-io.ts";
import { unitFromInfo, verifyCircuit } from "../../verify/circuit/run.ts";

const SPEC = `aggregator sliced {
  workers   = 2
  precision = 6 bits
  levels    = 4
  network     { hidden = [24, 12, 24]  slices = always }
  approximate { method = unitary-diagonal  layers = all  segment = 4 }
  training    { seed = 2  epochs = 200  learning_rate = 0.01 }
}
`;

describe("optinc compile with digit slices", () => {
  const r = loadSpec("sliced.optinc", SPEC);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const out = compileSpec(r.checked!, { skipEvaluation: true });
  const report = out.report;

  it("plans a slice chain and trains every slice to exact match on its own space", () => {
    expect(report.slices).not.toBeNull();
    const chain = report.slices![0]!;
    expect(chain.multiplier).toBe(2); // 4^1 / 2
    expect(chain.slices.map((s) => s.file)).toEqual(chain.slices.map((_, j) => `sliced.S${j}`));
    for (const u of report.onn.units) {
      expect(u.exact_match, u.file).toBe(1);
      expect(u.cases_checked, u.file).toBe(u.dataset.space_size);
    }
  });

  it("composes the emitted circuits into the exact flat average on all 7^3 digit-sum vectors", () => {
    expect(report.onn.composed).toMatchObject({ mode: "exhaustive", cases: 343, exact: 343 });
    expect(report.onn.exact_match).toBe(1);
    expect(report.onn.error_histogram).toEqual({ "0": 343 });
    expect(report.ok).toBe(true);
  });

  it("lets optinc verify check one slice from its netlist alone", () => {
    const last = report.slices![0]!.slices.at(-1)!;
    const circuit = readNetlistJson(out.files.get(`${last.file}.netlist.json`)!);
    const unit = unitFromInfo(circuit.info);
    expect(unit?.weights?.length).toBeGreaterThan(0);
    const v = verifyCircuit(circuit, { nonIdealities: {}, trials: 0, seed: 1, minExact: 1, minYield: 1, maxCases: 1e6, rounding: "nearest-even", preprocess: true, unit });
    expect(v.nominal.cases).toBe(last.cases);
    expect(v.pass).toBe(true);
  });
});
