// Stacking a placement column (docs/design/layout.md §4): the gap below each cell,
// and which columns are split in two sub-columns (layout/leads.ts splitZone).
import type { LayoutCell } from "./cell.ts";
import { RULES } from "./layers.ts";

/**
 * The gap below a cell of kind a when one of kind b follows it in a column. `clearance` is a
 * heater strip's gap to the nearest Si of a neighbouring cell (µm; `optinc layout
 * --heater-clearance`), measured past the contact's edge.
 */
export function cellGap(a: string | undefined, b: string | undefined, clearance: number = RULES.heaterClearance): number {
  const clear = clearance + RULES.wgWidth / 2 - RULES.contactOverhang;
  // two heaters in a row leave room for one heater's lead between their contacts (leads.ts)
  if (a === "phase" && b === "phase") return Math.max(RULES.heaterLeadGap, clear);
  return a === "phase" || b === "phase" ? Math.max(RULES.cellGap, clear) : RULES.cellGap;
}

/** A column's items top-down as the stacking sees them: a cell's kind and height, or a track (no kind, 0). */
export type Stacked = { kind?: string; h: number }[];

/** The height of a column stacked whole: each cell and its gap below, a grating coupler one I/O pitch. */
export function stackedHeight(items: Stacked, clearance: number = RULES.heaterClearance): number {
  return items.reduce(
    (a, it, j) => a + (it.kind === "grating_coupler" ? RULES.ioPitch : it.h + cellGap(it.kind, items[j + 1]?.kind, clearance)),
    0,
  );
}

/**
 * Per column (its items: a cell, a bare port (null) or a feed-through): whether it is split. A
 * column of heaters and feed-throughs only is split when, stacked whole, it would be the tallest
 * column and the split makes it shorter: elsewhere the split's width would buy no height. Heights here are in item order (the
 * gaps hardly depend on it).
 */
export function splitColumns(cols: (LayoutCell | null | "feed")[][], clearance: number = RULES.heaterClearance): boolean[] {
  const kind = (it: LayoutCell | null | "feed" | undefined): string | undefined => (it && it !== "feed" ? it.kind : undefined);
  const heights = cols.map((items) =>
    stackedHeight(
      items.map((it) => ({ kind: kind(it), h: it && it !== "feed" ? it.bbox.y1 - it.bbox.y0 : 0 })),
      clearance,
    ),
  );
  return cols.map((items, c) => {
    const heaters = items.filter((it) => kind(it) === "phase").length;
    const others = Math.max(0, ...heights.filter((_, k) => k !== c));
    // at a clearance of 20 µm or more the split's pitch is the stacked one: it buys no height
    const splitHeight = items.length * RULES.splitHeaterPitch;
    return heaters > 1 && items.every((it) => it === "feed" || kind(it) === "phase") && heights[c]! > others && splitHeight < heights[c]!;
  });
}
