// The heaters' metal inside a placed netlist (docs/design/layout.md §6): each column's heaters share
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
  /** In the right sub-column of a split column: its signal is its input-end contact, its ground the output end. */
  mirrored?: boolean;
}

/** A placement column holding heaters: its left and right edges. */
export interface HeaterColumn {
  x: number;
  right: number;
  heaters: PlacedHeater[];
  /** A split column (splitZone): the lane zone between its two sub-columns. */
  zone?: [number, number];
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

/**
 * A column of heaters only, stacked directly, is split in two sub-columns: heaters alternate
 * between the left one (signal at the output end, as in any column) and the right one (signal at
 * the input end), each heater with the other sub-column's straight track beside it, so heaters
 * stack at RULES.splitHeaterPitch instead of needing a lead's room between their contacts. Both
 * sub-columns' leads run into the zone between them, the left family's lanes from its left edge,
 * the right family's from its right edge; up and down leads share lane positions (the upper half's
 * leads go up, the lower half's down, so an up lane and a down lane at one position never meet).
 * The zone's width for `n` heaters (index 0 on the left).
 */
export function splitZone(n: number): number {
  return snap(2 * LANE0 + (splitLanes(n) - 1) * RULES.leadPitch);
}

/** Lane positions a split column needs: its up leads, or its down leads, whichever are more. */
function splitLanes(n: number): number {
  const k = lanesFor(n);
  return Math.max(k, n - k);
}

type Rect = [number, number, number, number];
const box = ([x0, y0, x1, y1]: Rect): Shape => ({ kind: "box", layer: "metal", x0: snap(x0), y0: snap(y0), x1: snap(x1), y1: snap(y1) });
/** Distance between two boxes (0 when they touch or overlap). */
const dist = (a: Rect, b: Rect): number => Math.hypot(Math.max(0, b[0] - a[2], a[0] - b[2]), Math.max(0, b[1] - a[3], a[1] - b[3]));

/**
 * The mesh's leads: drawn shapes, and the ends the upper and the lower bump field take over. A
 * column's ground bus runs on to the upper field, or to the lower one where `groundDown` says so.
 */
export function meshLeads(columns: HeaterColumn[], groundDown: boolean[] = []): { shapes: Shape[]; up: LeadEnd[]; down: LeadEnd[] } {
  const shapes: Shape[] = [];
  const up: LeadEnd[] = [];
  const down: LeadEnd[] = [];
  columns.forEach((col, c) => {
    if (!col.heaters.length) return;
    const byY = [...col.heaters].sort((a, b) => b.y - a.y || (a.name < b.name ? -1 : 1));
    // the ground bus: the input-end contacts of the whole column (cells are left-aligned in it);
    // a split column has one per sub-column, the right one over its output-end contacts
    const bus = (hs: PlacedHeater[], x0: number, net: string): void => {
      shapes.push(box([x0, hs.at(-1)!.y - HALF, x0 + RULES.contactLength, hs[0]!.y + HALF]));
      if (groundDown[c]) down.push({ x: snap(x0 + RULES.contactLength / 2), y: hs.at(-1)!.y, net });
      else up.push({ x: snap(x0 + RULES.contactLength / 2), y: hs[0]!.y, net });
    };
    const right = byY.filter((h) => h.mirrored);
    bus(
      byY.filter((h) => !h.mirrored),
      col.x,
      `g:${c}`,
    );
    if (right.length) bus(right, col.right - RULES.contactLength, `g:${c}r`);
    const k = lanesFor(byY.length);
    // each heater's lane: nearest its edge, the outermost heater of its family and direction
    const lane = new Map<PlacedHeater, number>();
    const count = [0, 0, 0, 0];
    byY.forEach((h, i) => i < k && lane.set(h, count[h.mirrored ? 1 : 0]!++));
    for (let i = byY.length - 1; i >= k; i--) lane.set(byY[i]!, count[byY[i]!.mirrored ? 3 : 2]!++);
    const [zl, zr] = col.zone ?? [col.right, col.right];
    const laneX = (h: PlacedHeater): number =>
      snap(h.mirrored ? zr - LANE0 - lane.get(h)! * RULES.leadPitch : zl + LANE0 + lane.get(h)! * RULES.leadPitch);
    // metal of other nets the column already holds: every signal contact, then each lead drawn
    const contact = (h: PlacedHeater): Rect =>
      h.mirrored
        ? [h.x, h.y - HALF, h.x + RULES.contactLength, h.y + HALF]
        : [h.x + h.length - RULES.contactLength, h.y - HALF, h.x + h.length, h.y + HALF];
    const taken: { net: number; r: Rect }[] = byY.map((h, i) => ({ net: i, r: contact(h) }));
    byY.forEach((h, i) => {
      const goesUp = i < k;
      const lx = laneX(h);
      const [cx0, , cx1] = contact(h);
      // the lead's run to its lane: a W-high strip on the contact's side, in the gap beside the
      // waveguide, the lead's own side first (above for a lead that turns up)
      const [ra, rb] = h.mirrored ? [lx - W / 2, cx1] : [cx0, lx + W / 2];
      const options = (goesUp ? [1, -1] : [-1, 1]).map((s) => {
        const run: Rect = s > 0 ? [ra, h.y + HALF, rb, h.y + HALF + W] : [ra, h.y - HALF - W, rb, h.y - HALF];
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
