// The heaters' metal inside a placed netlist (docs/layout.md, "Bumps"): each column's heaters share
// one ground bus over their input-end contacts, and each heater's output-end contact goes to a lane
// of its own in a straight lane section right after the column. The lead leaves the contact
// sideways (across its waveguide, into the gap beside it) and runs to its lane in that gap, between
// the column's straight tracks, so M2 runs along no waveguide; the lanes cross the section's
// straight tracks at right angles. The column's upper half turns up, its lower half down, nearest
// heater nearest the column, so no two leads cross on the one metal layer. Lanes and buses end where
// the bump fields (layout/bumps.ts) take them.
import type { Shape } from "./cell.ts";
import { snap } from "./geometry.ts";
import { RULES } from "./layers.ts";
import { LayoutError } from "./layout-error.ts";

/** A phase shifter as placed: its instance name, its o1 pin (the heater's start) and length. */
export interface PlacedHeater {
  name: string;
  x: number;
  y: number;
  length: number;
}

/** A placement column holding heaters: its left and right edges. */
export interface HeaterColumn {
  x: number;
  right: number;
  heaters: PlacedHeater[];
}

/** One lead leaving the mesh: its x (centre), the y where it turns toward the field, its net. */
export interface LeadEnd {
  x: number;
  y: number;
  /** `s:<heater instance>` for a heater's signal, `g:<column>` for a column's ground. */
  net: string;
}

const W = RULES.metalWidth;
const S = RULES.metalSpace;
const HALF = RULES.heaterWidth / 2 + RULES.contactOverhang; // the contacts' half height
/** First lane's centre from the column's right edge: its edge 8.5 µm from any contact there. */
const LANE0 = S + 0.5 + W / 2;

/** Lanes a column of `n` heaters needs (half go up, half down). */
export function lanesFor(n: number): number {
  return Math.ceil(n / 2);
}

/** The straight section after a column of `n` heaters that holds its lanes: tracks run straight across it. */
export function laneSection(n: number): number {
  const k = lanesFor(n);
  return k ? snap(LANE0 + (k - 1) * RULES.leadPitch + W / 2 + 1) : 0; // 1 µm before the first bend
}

/** The width the lanes take up to the next column's ground bus (the M2 space past the last lane). */
export function laneWidth(n: number): number {
  const k = lanesFor(n);
  return k ? snap(LANE0 + (k - 1) * RULES.leadPitch + W / 2 + S) : 0;
}

type Rect = [number, number, number, number];
const box = ([x0, y0, x1, y1]: Rect): Shape => ({ kind: "box", layer: "metal", x0: snap(x0), y0: snap(y0), x1: snap(x1), y1: snap(y1) });
/** Distance between two boxes (0 when they touch or overlap). */
const dist = (a: Rect, b: Rect): number => Math.hypot(Math.max(0, b[0] - a[2], a[0] - b[2]), Math.max(0, b[1] - a[3], a[1] - b[3]));

/** The mesh's leads: drawn shapes, and the ends the upper and the lower bump field take over. */
export function meshLeads(columns: HeaterColumn[]): { shapes: Shape[]; up: LeadEnd[]; down: LeadEnd[] } {
  const shapes: Shape[] = [];
  const up: LeadEnd[] = [];
  const down: LeadEnd[] = [];
  columns.forEach((col, c) => {
    if (!col.heaters.length) return;
    const byY = [...col.heaters].sort((a, b) => b.y - a.y || (a.name < b.name ? -1 : 1));
    // the ground bus: the input-end contacts of the whole column (cells are left-aligned in it)
    const bottom = byY.at(-1)!.y - HALF;
    const top = byY[0]!.y;
    shapes.push(box([col.x, bottom, col.x + RULES.contactLength, top + HALF]));
    up.push({ x: snap(col.x + RULES.contactLength / 2), y: top, net: `g:${c}` });
    const k = lanesFor(byY.length);
    // metal of other nets the column already holds: every output-end contact, then each lead drawn
    const contact = (h: PlacedHeater): Rect => [h.x + h.length - RULES.contactLength, h.y - HALF, h.x + h.length, h.y + HALF];
    const taken: { net: number; r: Rect }[] = byY.map((h, i) => ({ net: i, r: contact(h) }));
    byY.forEach((h, i) => {
      const goesUp = i < k;
      const lane = goesUp ? i : byY.length - 1 - i; // nearest the column: the outermost heater
      const lx = snap(col.right + LANE0 + lane * RULES.leadPitch);
      const [cx0] = contact(h);
      // the lead's run to its lane: a W-high strip on the contact's side, in the gap beside the
      // waveguide, the lead's own side first (above for a lead that turns up)
      const options = (goesUp ? [1, -1] : [-1, 1]).map((s) => {
        const run: Rect = s > 0 ? [cx0, h.y + HALF, lx + W / 2, h.y + HALF + W] : [cx0, h.y - HALF - W, lx + W / 2, h.y - HALF];
        const turn = goesUp ? run[1] : run[3]; // the lane runs from the strip toward its field
        const laneR: Rect = goesUp ? [lx - W / 2, turn, lx + W / 2, Infinity] : [lx - W / 2, -Infinity, lx + W / 2, turn];
        return { run, laneR, turn };
      });
      const ok = options.find((o) => taken.every((t) => t.net === i || (dist(t.r, o.run) >= S - 1e-9 && dist(t.r, o.laneR) >= S - 1e-9)));
      if (!ok) throw new LayoutError(`heater ${h.name}: no gap beside its contact for its lead (another heater's metal within ${S} µm)`);
      taken.push({ net: i, r: ok.run }, { net: i, r: ok.laneR });
      shapes.push(box(ok.run));
      (goesUp ? up : down).push({ x: lx, y: snap(ok.turn), net: `s:${h.name}` });
    });
  });
  return { shapes, up, down };
}
