// The closed-form chip yield (verify/cells/chip-yield.ts) compiles each design once and re-binds a
// copy's die as stage matrices. Checked per copy against the straightforward path (the die drawn as
// a map of leaves, the circuit compiled on it), and that a re-bound die's values are the ones used.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../../dsl/load.ts";
import type { Technology } from "../../../dsl/technology.ts";
import type { CMat } from "../../../math/cmat.ts";
import { readNetlistJson } from "../../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../../netlist/sim/simulate.ts";
import { compileAggregator } from "../../../pipeline/compile/route.ts";
import { cellCases } from "../../../aggregate/cell-cases.ts";
import { cellOf } from "../../../verify/cells/cell-verify.ts";
import { chipTrial, dieCopyCheck, prepareDesigns, type ChipDesign } from "../../../verify/cells/chip-yield.ts";
import { chipPassCount, chipYield, runChips } from "../../../verify/cells/chip-pool.ts";
import { stagedChipPasses, stagedChipYield } from "../../../verify/cells/staged-yield.ts";

const SPEC = `aggregator cf {
  workers   = 3
  precision = 4 bits
  levels    = 4
  technology { preset = optimistic }
}
`;

/** The closed-form cells of a small aggregator, 3 copies each so that copies re-bind one compiled design. */
function designs(): ChipDesign[] {
  const c = compileAggregator(loadSpec("cf.optinc", SPEC).checked!, { skipEvaluation: true });
  if (c.route !== "closed-form") throw new Error("expected the closed-form route");
  const files = [...c.result.files.keys()].filter((f) => f.endsWith(".netlist.json")).sort();
  return files.map((f) => {
    const circuit = readNetlistJson(c.result.files.get(f)!, f);
    return { name: f, circuit, cell: cellOf(circuit), copies: 3 };
  });
}

// Levels at which some copies of a chip decode every input and others do not.
const TECHNOLOGIES: Partial<Technology>[] = [
  { splitterImbalance: 0.01, phaseNoise: 0.02, mziLossDb: 0.1, dacBits: 8, detectorNoise: 0.03 },
  { splitterImbalance: 0.005, phaseNoise: 0.03, mziLossDb: 0.1, dacBits: 7, detectorNoise: 0.05 },
  { splitterImbalance: 0.02 },
  { detectorNoise: 0.15 },
];

describe("closed-form chip yield", () => {
  const ds = designs();

  for (const o of TECHNOLOGIES) {
    it(`every copy's outcome is the straightforward path's: ${JSON.stringify(o)}`, () => {
      const prepared = prepareDesigns(ds);
      const seen = new Set<boolean>();
      for (let t = 0; t < 3; t++) {
        const r = chipTrial(prepared, o, 5, t);
        const ref = ds.map((d, di) => {
          const set = cellCases(d.cell);
          return Array.from({ length: d.copies }, (_, k) => {
            const c = dieCopyCheck(d, set, o, 5, di, k, t);
            return c.exact === c.cases;
          });
        });
        expect(r.copyExact, `trial ${t}`).toEqual(ref);
        for (const x of ref.flat()) seen.add(x);
      }
      expect([...seen].sort()).toEqual([false, true]);
    });
  }

  it("chipYield's figures are those of the per-copy outcomes", () => {
    const o = TECHNOLOGIES[0]!;
    const y = chipYield({ designs: ds, o, trials: 3, seed: 5 });
    const prepared = prepareDesigns(ds);
    const trials = [0, 1, 2].map((t) => chipTrial(prepared, o, 5, t));
    expect(y.exactCopies).toEqual(trials.map((r) => r.copyExact.flat().filter(Boolean).length / r.copies));
    expect(y.perDesign.map((d) => d.passing)).toEqual(ds.map((_, di) => trials.filter((r) => r.copyExact[di]!.every(Boolean)).length));
    expect(y.passing).toBe(trials.filter((r) => r.pass).length);
  });

  it("a re-bound die's matrices are the ones run, and the compiled circuit it came from is unchanged", () => {
    const d = ds[0]!;
    const set = cellCases(d.cell);
    const base = compileCircuit(d.circuit, {});
    const inputs = set.inputs.subarray(0, set.cases * d.cell.ports.length);
    const digits = (c: typeof base): number[] => Array.from(c.run(inputs, set.cases).digits);
    const before = digits(base);
    // One element of one stage changed: the light of its first input dropped.
    const stages = new Map<string, CMat>(base.stageMatrices.map((s) => [s.instance, s.matrix]));
    const first = base.stageMatrices.find((s) => s.matrix.cols > 1)!;
    const m = { ...first.matrix, re: first.matrix.re.slice(), im: first.matrix.im.slice() };
    for (let q = 0; q < m.rows; q++) {
      m.re[q * m.cols] = 0;
      m.im[q * m.cols] = 0;
    }
    stages.set(first.instance, m);
    const bound = base.withMatrices(stages, { seed: 0, trial: 0 });
    const fresh = compileCircuit(d.circuit, { matrices: stages });
    expect(digits(bound)).toEqual(digits(fresh));
    expect(digits(bound)).not.toEqual(before);
    expect(digits(base)).toEqual(before);
  });

  it("counting passing chips only (each stops at its first inexact copy) gives chipYield's count, and the staged runs agree", () => {
    const counts = TECHNOLOGIES.map((o) => {
      const full = chipYield({ designs: ds, o, trials: 12, seed: 9 });
      expect(chipPassCount({ designs: ds, o, trials: 12, seed: 9 }), JSON.stringify(o)).toBe(full.passing);
      expect(chipPassCount({ designs: ds, o, trials: 7, seed: 9, start: 5 })).toBe(
        chipYield({ designs: ds, o, trials: 7, seed: 9, start: 5 }).passing,
      ); // a later stage
      return full.passing;
    });
    expect(
      counts.some((k) => k > 0 && k < 12),
      `${counts}`,
    ).toBe(true); // some chips pass, some fail
    // A target shown by 10 chips: all-exact runs stop there; a failing one stays at its first stage.
    const target = { yield: 0.7, confidence: 0.95 };
    const easy = { splitterImbalance: 0.001 };
    const a = stagedChipPasses({ designs: ds, o: easy, target, seed: 3, firstStage: 5 });
    const b = stagedChipYield({ designs: ds, o: easy, target, seed: 3, firstStage: 5 });
    expect([a.trials, a.passing]).toEqual([9, 9]);
    expect(a.all).toEqual(b);
    const hard = TECHNOLOGIES[0]!;
    const h = stagedChipPasses({ designs: ds, o: hard, target, seed: 9, firstStage: 12 });
    expect(h).toMatchObject({ trials: 12, passing: chipYield({ designs: ds, o: hard, trials: 12, seed: 9 }).passing, all: null });
  });

  it("with a pool thread doing every chip after the first, every chip's result is the one-thread result, in trial order", () => {
    const o = TECHNOLOGIES.find((t) => {
      const y = chipYield({ designs: ds, o: t, trials: 8, seed: 4 });
      return y.passing > 0 && y.passing < 8;
    })!;
    expect(o).toBeDefined();
    const one = runChips({ designs: ds, o, seed: 4, start: 0, trials: 8, mode: "full" }, { jobs: 1 });
    const two = runChips({ designs: ds, o, seed: 4, start: 0, trials: 8, mode: "full" }, { jobs: 2, afterMs: 0, callerWorks: false });
    expect(two).toEqual(one);
    const passOne = runChips({ designs: ds, o, seed: 4, start: 3, trials: 8, mode: "pass" }, { jobs: 1 });
    const passTwo = runChips({ designs: ds, o, seed: 4, start: 3, trials: 8, mode: "pass" }, { jobs: 2, afterMs: 0, callerWorks: false });
    expect(passTwo.map((r) => r.pass)).toEqual(passOne.map((r) => r.pass));
    // The comparison can fail: chips from another start are other chips.
    const shifted = runChips({ designs: ds, o, seed: 4, start: 1, trials: 8, mode: "full" }, { jobs: 2, afterMs: 0 });
    expect(shifted.map((r) => r.exactFraction)).not.toEqual(one.map((r) => r.exactFraction));
  }, 60_000);
});
