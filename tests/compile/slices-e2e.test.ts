// A digit-sliced aggregator end to end: every slice trained to exact match on its own space, each
// emitted netlist verified alone (optinc verify reads the slice function from the circuit info),
// and the chain of emitted circuits composed against the flat golden average on every case.
import { describe, expect, it } from "vitest";
import { compileSpec } from "../../pipeline/compile/trained.ts";
import { loadSpec } from "../../dsl/load.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { readUnitInfo } from "../../aggregate/circuit-info.ts";
import { verifyCircuit } from "../../verify/circuit/run.ts";
import { tier } from "../helpers/tier.ts";

const spec = (workers: number, bits: number, hidden: string) => `aggregator sliced {
  workers   = ${workers}
  precision = ${bits} bits
  levels    = 4
  route     = trained
  network     { hidden = ${hidden}  slices = always }
  approximate { method = unitary-diagonal  layers = all  segment = 4 }
  training    { seed = 2  epochs = 200  learning_rate = 0.01 }
}
`;

// 2 workers: M = 4/2 = 2 (even), slice 0 rounds itself. 4 workers: M = 4/4 = 1 (odd), slice 0
// sends ⌊x⌋ and the tie class and slice 1 rounds (docs/design/onn.md). The 4-worker slices sized by
// `hidden = auto` train in 11.5 s, at [16, 8, 16] in 3 s: npm test takes the explicit size, the full
// tier auto (autoHidden itself: tests/docs/onn.test.ts).
describe.each([
  [2, 6, 2, 7 ** 3, "[24, 12, 24]"],
  [4, 4, 1, 13 ** 2, tier("[16, 8, 16]", "auto")],
])("optinc compile with digit slices: %i workers × %i bits", (workers, bits, multiplier, space, hidden) => {
  const r = loadSpec("sliced.optinc", spec(workers, bits, hidden));
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const out = compileSpec(r.checked!, { skipEvaluation: true });
  const report = out.report;

  it("plans a slice chain and trains every slice to exact match on its own space", () => {
    expect(report.slices).not.toBeNull();
    const chain = report.slices![0]!;
    expect(chain.multiplier).toBe(multiplier);
    expect(chain.slices.map((s) => s.file)).toEqual(chain.slices.map((_, j) => `sliced.S${j}`));
    for (const u of report.onn.units) {
      expect(u.exactMatch, u.file).toBe(1);
      expect(u.casesChecked, u.file).toBe(u.dataset.spaceSize);
    }
  });

  it("composes the emitted circuits into the exact flat average on every digit-sum vector", () => {
    expect(report.onn.composed).toMatchObject({ mode: "exhaustive", cases: space, exact: space });
    expect(report.onn.exactMatch).toBe(1);
    expect(report.onn.errorHistogram).toEqual({ "0": space });
    expect(report.ok).toBe(true);
  });

  it("lets optinc verify check one slice from its netlist alone", () => {
    const last = report.slices![0]!.slices.at(-1)!;
    const circuit = readNetlistJson(out.files.get(`${last.file}.netlist.json`)!);
    const unit = readUnitInfo(circuit.info);
    expect(unit?.weights?.length).toBeGreaterThan(0);
    const v = verifyCircuit(circuit, {
      nonIdealities: {},
      trials: 0,
      seed: 1,
      minExact: 1,
      minYield: 1,
      maxCases: 1e6,
      rounding: "nearest-even",
      preprocess: true,
      unit,
    });
    expect(v.nominal.cases).toBe(last.cases);
    expect(v.pass).toBe(true);
  });
});
