// The structure search as text: the table `optinc compile --explain` prints (and a refusal shows),
// one row per structure in cost order, with the yield as k/n and its interval.
import type { StructureRow, StructureSearch } from "../types.ts";
import { percent as pct, yieldInterval } from "../../verify/tolerance/statistics.ts";
import { boundText } from "./decision-bound.ts";

export function rowYield(r: StructureRow): string {
  if (!r.yield) return "—";
  const y = r.yield;
  return `${y.passing}/${y.trials} (${yieldInterval(y.passing, y.trials)}) ${y.verdict === "met" ? "met" : y.verdict === "missed" ? "MISSED" : "not shown"}`;
}

export function rowTolerance(r: StructureRow, technology: string): string {
  const t = r.tolerance;
  if (!t) return "—";
  return `${+t.scale.toPrecision(2)}× ${technology} (${t.dies} dies, ${Math.round(100 * t.confidence)}% conf.)`;
}

/** The link ↔ inner-base conversion of a row: "—", or "PAM-16→4: 8 rx, 18 mod" (its 2 O-E-O stages are in the O-E-O column). */
export function conversionText(r: StructureRow): string {
  const c = r.cost.conversion;
  return c ? `PAM-${c.linkLevels}→${c.innerLevels}: ${c.receivers} rx, ${c.modulators} mod` : "—";
}

/** The table's head and cells, shared by the text table and the report's section. */
export function structureColumns(s: StructureSearch): { head: string[]; rows: string[][] } {
  const head = [
    "structure",
    "MZIs",
    "couplers",
    "cells on path (O-E-O)",
    "heaters W",
    "widest θ",
    "cases/chip",
    "link conversion",
    "yield k/n (95% CI) vs target",
    "technology scale tolerated",
    "note",
  ];
  const rows = s.rows.map((r) => [
    r.label,
    String(r.cost.mzi),
    String(r.cost.fixedCouplers),
    `${r.cost.cellsOnCriticalPath} (${r.cost.oeoOnCriticalPath})`,
    r.cost.heaterWatts.toFixed(2),
    String(r.cost.widestDecision.theta),
    String(r.cost.checkCases),
    conversionText(r),
    rowYield(r),
    rowTolerance(r, s.technology),
    r.note,
  ]);
  return { head, rows };
}

export function structureTable(s: StructureSearch): string[] {
  const { head, rows } = structureColumns(s);
  const marked = rows.map((r, i) => [`${i === s.chosen ? "* " : "  "}${r[0]}`, ...r.slice(1)]);
  const width = head.map((h, c) => Math.max(h.length + (c === 0 ? 2 : 0), ...marked.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((x, c) => (c === 0 || c >= 7 ? x.padEnd(width[c]!) : x.padStart(width[c]!))).join("  ")}`.trimEnd();
  return [
    `structures considered (route = auto; target ${pct(s.target.yield)} yield at ${pct(s.target.confidence)} confidence; technology ${s.technology}):`,
    ...s.decisionBounds.map((b) => `  decision bound, ${boundText(b)}`),
    line([`  ${head[0]!}`, ...head.slice(1)]),
    ...marked.map(line),
    `  ${s.reason}`,
  ];
}
