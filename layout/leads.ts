// The heaters' metal inside a placed netlist (docs/layout.md, "Bumps"): each column's heaters share
// one ground bus over their input-end contacts, and each heater's output-end contact runs right,
// over its own waveguide, to a lane of its own in the channel after the column; the column's upper
// half turns up, its lower half down, nearest heater nearest the column, so no two leads cross on
// the one metal layer. Lanes and buses end where the bump fields (layout/bumps.ts) take them.
import type { Shape } from "./cell.ts";
import { snap } from "./geometry.ts";
import { RULES } from "./layers.ts";

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
const HALF = RULES.heaterWidth / 2 + RULES.contactOverhang; // the contacts' half height
/** First lane's centre from the column's right edge: its edge 8.5 µm from any contact there. */
const LANE0 = RULES.metalSpace + 0.5 + W / 2;

/** Lanes a column of `n` heaters needs in the channel after it (half go up, half down). */
export function lanesFor(n: number): number {
  return Math.ceil(n / 2);
}

/** The channel width the lanes of a column of `n` heaters take, up to the next column's ground bus. */
export function laneWidth(n: number): number {
  const k = lanesFor(n);
  return k ? snap(LANE0 + (k - 1) * RULES.leadPitch + W / 2 + RULES.metalSpace) : 0;
}

const box = (x0: number, y0: number, x1: number, y1: number): Shape => ({
  kind: "box",
  layer: "metal",
  x0: snap(Math.min(x0, x1)),
  y0: snap(Math.min(y0, y1)),
  x1: snap(Math.max(x0, x1)),
  y1: snap(Math.max(y0, y1)),
});

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
    shapes.push(box(col.x, bottom, col.x + RULES.contactLength, top + HALF));
    up.push({ x: snap(col.x + RULES.contactLength / 2), y: top, net: `g:${c}` });
    const k = lanesFor(byY.length);
    byY.forEach((h, i) => {
      const goesUp = i < k;
      const lane = goesUp ? i : byY.length - 1 - i; // nearest the column: the outermost heater
      const lx = snap(col.right + LANE0 + lane * RULES.leadPitch);
      shapes.push(box(h.x + h.length - RULES.contactLength, h.y - HALF, lx + W / 2, h.y + HALF));
      (goesUp ? up : down).push({ x: lx, y: h.y, net: `s:${h.name}` });
    });
  });
  return { shapes, up, down };
}
