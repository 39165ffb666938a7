// What route = auto minimizes (the spec's `optimize`): the order the structure search tries its
// candidates in, and how its notes and reason name the winner (docs/design/structures.md §1).
import type { Optimize } from "../../dsl/spec.ts";
import type { StructureRow } from "../types.ts";

const byCost = (a: Ranked, b: Ranked): number => a.cost.mzi - b.cost.mzi || a.cost.oeoOnCriticalPath - b.cost.oeoOnCriticalPath;

/** What the search orders a candidate by: its cost and its light. */
export type Ranked = Pick<StructureRow, "cost" | "light">;

/**
 * A candidate's value of what the spec minimizes (`optimize`), or null when it has none: energy
 * and laser power exist only for a candidate whose light closes.
 */
export function objectiveValue(optimize: Optimize, c: Ranked): number | null {
  if (optimize === "energy") return c.light?.pjPerBit ?? null;
  if (optimize === "laser") return c.light?.laserW ?? null;
  return optimize === "latency" ? c.cost.latencySeconds : c.cost.mzi;
}

/**
 * The search's order: under a light budget the candidates that close it first; within a group the
 * least of what the spec minimizes, then the fewest MZIs (and O-E-O stages). A candidate without
 * the objective's value (its light does not close) is ordered by MZIs alone.
 */
export function searchOrder(optimize: Optimize): (a: Ranked, b: Ranked) => number {
  return (a, b) => {
    const closes = Number(!a.light?.closes) - Number(!b.light?.closes);
    if (closes !== 0) return closes;
    const x = objectiveValue(optimize, a);
    const y = objectiveValue(optimize, b);
    return (x !== null && y !== null ? x - y : 0) || byCost(a, b);
  };
}

/**
 * How the search's notes and reason name a chosen row: by the objective when it ranked the row
 * (energy and laser power rank only rows whose light closes; latency every row), else "the
 * cheapest" (MZIs).
 */
export function leastText(optimize: Optimize, chosen: StructureRow): { note: string; reason: string } {
  const ranked = optimize === "latency" || (optimize !== "area" && !!chosen.light?.closes);
  if (!ranked) return { note: "the cheapest", reason: `the cheapest structure (${chosen.cost.mzi} MZIs)` };
  const what = { energy: "the least energy per bit", laser: "the least laser power", latency: "the least latency" }[optimize];
  const value =
    optimize === "energy"
      ? `${chosen.light!.pjPerBit!.toPrecision(3)} pJ/bit`
      : optimize === "laser"
        ? `${chosen.light!.laserW!.toPrecision(3)} W of lasers`
        : `${chosen.cost.oeoOnCriticalPath} O-E-O stages`;
  return { note: what, reason: `the structure with ${what} (${value}, ${chosen.cost.mzi} MZIs)` };
}
