// The structure search as text: the table `optinc compile --explain` prints (and a refusal shows),
// one row per structure in the order tried, with its latency, the light each needs, what it costs
// to run (pJ per input bit with thermo-optic shifters, the lasers' total power) and the yield as k/n
// and its interval.
import type { StructureRow, StructureSearch } from "../types.ts";
import { percent as pct, yieldInterval } from "../../verify/tolerance/statistics.ts";
import { boundText } from "./decision-bound.ts";
import { unbuiltLines } from "./shape-bound.ts";

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

/**
 * A row's light: the modulator tap its cells need for 1e-12 errors per value, marked "over" when it
 * does not close the budget (more than a laser gives, or a waveguide over its ceiling); "—" with no
 * light budget (`ideal`) or a cell too wide to budget.
 */
export function lightText(r: StructureRow): string {
  const l = r.light;
  if (!l || l.tapMw === null) return "—";
  return l.closes ? tapText(l.tapMw) : `${tapText(l.tapMw)} (over)`;
}

/** A structure's latency (its O-E-O regenerations at OEO_HOP_SECONDS each) in ns or µs. */
export const latencyText = (seconds: number): string =>
  seconds >= 1e-6 ? `${+(seconds * 1e6).toPrecision(3)} µs` : `${+(seconds * 1e9).toPrecision(3)} ns`;

/** A modulator tap in W, mW or µW, to 3 digits. */
export const tapText = (mw: number): string =>
  mw >= 1000 ? `${(mw / 1000).toPrecision(3)} W` : mw >= 1 ? `${mw.toPrecision(3)} mW` : `${(mw * 1000).toPrecision(3)} µW`;

/** The table's head and cells, shared by the text table and the report's section. */
export function structureColumns(s: StructureSearch): { head: string[]; rows: string[][] } {
  const head = [
    "structure",
    "MZIs",
    "couplers",
    "cells on path (O-E-O)",
    "latency",
    "heaters W",
    "widest θ",
    "cases/chip",
    "light/modulator",
    "pJ/bit",
    "lasers W",
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
    latencyText(r.cost.latencySeconds),
    r.cost.heaterWatts.toFixed(2),
    String(r.cost.widestDecision.theta),
    String(r.cost.checkCases),
    lightText(r),
    r.light?.pjPerBit != null ? r.light.pjPerBit.toPrecision(3) : "—",
    r.light?.laserW != null ? r.light.laserW.toPrecision(3) : "—",
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
    `  ${cells.map((x, c) => (c === 0 || c >= 11 ? x.padEnd(width[c]!) : x.padStart(width[c]!))).join("  ")}`.trimEnd();
  return [
    `structures considered (route = auto; target ${pct(s.target.yield)} yield at ${pct(s.target.confidence)} confidence; technology ${s.technology}):`,
    ...s.decisionBounds.map((b) => `  decision bound, ${boundText(b)}`),
    line([`  ${head[0]!}`, ...head.slice(1)]),
    ...marked.map(line),
    ...unbuiltLines(s.unbuilt ?? []).map((l) => `  ${l}`),
    `  ${s.reason}`,
  ];
}
