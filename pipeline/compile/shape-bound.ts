// What a structure's shape alone says about its widest decision, before anything is built: the
// structure search leaves unbuilt a candidate whose bound is at or past its base's wall
// (pipeline/compile/decision-bound.ts), where every die of the probe cell fails.
import type { Spec } from "../../dsl/spec.ts";
import type { DecisionBound, Structure, UnbuiltStructure } from "../types.ts";

/**
 * A lower bound on a structure's widest decision from its shape alone. The first adder of a unit
 * of u workers sums u digits of at most L − 1, and its low output digit, v mod L, turns at every
 * multiple of L up to u(L − 1): it has a threshold at L·⌊u(L − 1)/L⌋ − ½ (tests/compile/unbuilt.test.ts
 * checks the bound against built candidates).
 */
export function widestDecisionAtLeast(workers: number, s: Structure, levels: number): number {
  const u = s.kind === "flat" ? workers : Math.min(s.radix, workers);
  const L = s.innerLevels ?? levels;
  return L * Math.floor((u * (L - 1)) / L) - 0.5;
}

/**
 * A candidate whose bound reaches this many steps has its base's wall measured before it is built
 * and is left unbuilt at or past it. Below every preset's wall (41.5–59.5), so a small spec builds
 * every candidate; a 1024-worker flat chip (θ ≥ 3071.5) took minutes just to plan.
 */
export const SEARCH_PRECHECK_THETA = 40;

/** The candidates to build, and those left unbuilt because their shape decides at or past the wall. */
export function pastTheWall(
  candidates: Structure[],
  spec: Spec,
  boundOf: (levels: number) => DecisionBound,
  label: (s: Structure) => string,
): { structures: Structure[]; unbuilt: UnbuiltStructure[] } {
  const unbuilt: UnbuiltStructure[] = [];
  const structures = candidates.filter((s) => {
    const theta = widestDecisionAtLeast(spec.workers, s, spec.levels);
    if (theta < SEARCH_PRECHECK_THETA) return true;
    const b = boundOf(s.innerLevels ?? spec.levels);
    if (b.wall === null || theta < b.wall) return true;
    unbuilt.push({ label: label(s), widestAtLeast: theta, levels: b.levels, wall: b.wall });
    return false;
  });
  return { structures, unbuilt };
}

/** The table's line for the unbuilt structures, or none. */
export function unbuiltLines(unbuilt: UnbuiltStructure[]): string[] {
  return unbuilt.map(
    (u) => `not built: ${u.label}: its first adder decides at θ ≥ ${u.widestAtLeast}, at or past the PAM-${u.levels} wall at θ = ${u.wall}`,
  );
}
