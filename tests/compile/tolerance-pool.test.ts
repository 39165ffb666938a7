// The compile's tolerance section on two threads (pipeline/pools/tolerance-pool.ts) must be the
// one-thread section: the same axes, in the same order, with the same figures. A different seed
// gives different dies, so the comparison can fail.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { chipDesigns, closedFormStructure } from "../../pipeline/compile/closed-form.ts";
import { toleranceOfCellChip } from "../../pipeline/compile/evaluate.ts";
import { toleranceOfCellChipPooled, type ToleranceJob } from "../../pipeline/pools/tolerance-pool.ts";

const text = `aggregator pool {
  workers = 3
  precision = 2 bits
  levels = 4
  route = closed-form
  technology { preset = calibrated }
}
`;

describe("tolerance section on two threads", () => {
  const spec = loadSpec("pool.optinc", text).checked!.spec;
  const built = closedFormStructure(spec);
  built.emitted();
  const designs = chipDesigns(built.steps).map((d) => ({ name: d.name, circuit: d.circuit, copies: d.copies }));
  const job = (seed: number): ToleranceJob => ({ designs, spec, seed, o: { trials: 3, receiver: "fitted" } });

  it("equals the one-thread section, axis for axis", () => {
    const one = toleranceOfCellChip(designs, spec, 7, { trials: 3, receiver: "fitted" });
    const two = toleranceOfCellChipPooled(job(7), { jobs: 2, minWork: 0 });
    expect(two.axes.map((a) => a.axis)).toEqual(["couplerImbalance", "phaseError", "mziLoss", "dacBits", "detectorNoise", "technology"]);
    expect(two).toEqual(one);
    // The comparison can fail: another seed draws other dies.
    const other = toleranceOfCellChipPooled(job(8), { jobs: 2, minWork: 0 });
    expect(other).not.toEqual(one);
  }, 120_000);
});
