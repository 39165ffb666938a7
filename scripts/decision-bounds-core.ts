// The decision-bound table of docs/studies/structures.md §1: one row per technology
// preset, one cell per cell base, each cell what decisionBound measures (seed 1, what limits it
// included). scripts/decision-bounds.ts prints it; tests/docs/structures.test.ts compares it.
import { technologyPreset } from "../dsl/technology-presets.ts";
import { technologyOf } from "../dsl/technology.ts";
import { decisionBound } from "../pipeline/compile/decision-bound.ts";
import type { DecisionBound } from "../pipeline/types.ts";

export const BOUND_PRESETS = ["calibrated", "optimistic", "foundry"] as const;
export const BOUND_BASES = [2, 4, 8, 16] as const;

export function presetBound(preset: string, levels: number, withLimits = true): DecisionBound {
  return decisionBound(technologyOf(technologyPreset(preset)!), levels, 1, withLimits);
}

/** "θ ≤ 19.5; 23.5: 86/100 (no error alone); wall 41.5": the bound, the first rung that failed a die and under what, the wall. */
export function boundCell(b: DecisionBound): string {
  const first = b.ladder.find((p) => p.exactDies < p.dies);
  const parts = [b.theta === null ? "no probe exact on every die" : `θ ≤ ${b.theta}`];
  if (first && first.theta !== b.wall) {
    const lim = b.limitedBy === null ? "" : b.limitedBy.length ? ` (${b.limitedBy.join(", ")} alone)` : " (no error alone)";
    parts.push(`${first.theta}: ${first.exactDies}/${first.dies}${lim}`);
  }
  parts.push(b.wall === null ? `no wall to θ = ${b.ladder.at(-1)!.theta}` : `wall ${b.wall}`);
  return parts.join("; ");
}

export function boundRow(preset: string, cells: string[]): string {
  return `| ${preset} | ${cells.join(" | ")} |`;
}
