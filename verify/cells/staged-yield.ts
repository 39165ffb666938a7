// A yield claim in two stages. A first stage of fixed size states the yield of a design that fails
// (k/n with its exact interval: the stage size is fixed, so the interval holds). Only a design
// whose first stage is all exact goes on to the chips that can show the target: 299 of 299 at
// 99 % yield and 95 % confidence. Stopping after a failure can only withhold a "met", never grant
// one, so a "met" keeps its confidence.
import { drawsForConfidence } from "../../math/binomial.ts";
import { chipPassCount, chipYield, type ChipRun, type PoolOptions } from "./chip-pool.ts";
import type { ChipTrials } from "./chip-yield.ts";

/** Chips that, all exact, show the target at its confidence. */
export function chipsToShow(target: { yield: number; confidence: number }): number {
  return drawsForConfidence(1 - target.yield, target.confidence);
}

/** The chips of a staged run: `firstStage` of them, then the rest of those that show `target`. */
export type StagedRun = Omit<ChipRun, "trials" | "start"> & { target: { yield: number; confidence: number }; firstStage: number };

export function stagedChipYield(run: StagedRun, pool?: PoolOptions): ChipTrials {
  const { target, firstStage, ...chips } = run;
  const first = chipYield({ ...chips, trials: firstStage }, pool);
  const total = chipsToShow(target);
  if (first.passing < first.trials || total <= firstStage) return first;
  const rest = chipYield({ ...chips, trials: total - firstStage, start: firstStage }, pool);
  return {
    trials: total,
    passing: first.passing + rest.passing,
    yield: (first.passing + rest.passing) / total,
    exactCopies: [...first.exactCopies, ...rest.exactCopies],
    perDesign: first.perDesign.map((d, i) => ({ ...d, passing: d.passing + rest.perDesign[i]!.passing })),
  };
}

/**
 * The same stages counting passing chips only (chipPassCount: a chip stops at its first inexact
 * copy), for the structure search. When every chip passed, every copy of every chip was checked
 * and exact, so the full record is known and returned as `all`.
 */
export function stagedChipPasses(run: StagedRun, pool?: PoolOptions): { trials: number; passing: number; all: ChipTrials | null } {
  const { target, firstStage, ...chips } = run;
  const { designs } = chips;
  let trials = firstStage;
  let passing = chipPassCount({ ...chips, trials: firstStage }, pool);
  const total = chipsToShow(target);
  if (passing === trials && total > firstStage) {
    passing += chipPassCount({ ...chips, trials: total - firstStage, start: firstStage }, pool);
    trials = total;
  }
  const all: ChipTrials | null =
    passing === trials
      ? {
          trials,
          passing,
          yield: 1,
          exactCopies: Array.from({ length: trials }, () => 1),
          perDesign: designs.map((d) => ({ name: d.name, copies: d.copies, passing: trials })),
        }
      : null;
  return { trials, passing, all };
}
