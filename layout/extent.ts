// The area a stacked placement will take once its channels are planned (place-route.ts step 3),
// without drawing: the stacking and the channel plans alone set the width and height.
import type { Item } from "./columns.ts";
import { planChannel, type ChannelPlan } from "./channel.ts";
import { laneSection, laneWidth } from "./leads.ts";
import { RULES } from "./layers.ts";
import { snap } from "./geometry.ts";

/**
 * The straight section a column's n signal lanes need before its channel (leads.ts), less the
 * straight trim section a crossing channel starts with (its bump, ≤ 2.2 µm high, stays clear of
 * the leads beside its track, which start 2.75 µm from its centre line).
 */
export function lanesBefore(n: number, plan: ChannelPlan): number {
  return snap(Math.max(0, laneSection(n) - (plan.cross ? RULES.trimLength : 0)));
}

/** The width from a column's right edge to the next column: its lanes' section and the channel, or the lanes' own width. */
export function channelSpan(n: number, plan: ChannelPlan): number {
  return Math.max(lanesBefore(n, plan) + plan.width, laneWidth(n));
}

export interface StackedPlacement {
  last: number;
  cols: Item[][];
  /** Each edge's first and last column (its source's and its sink's). */
  span: (edge: number) => [number, number];
  /** Per column: width, stacked height, and 0 or a split column's sub-column width. */
  colW: number[];
  colH: number[];
  splitLen: number[];
  /** A track's height where it leaves column c (or enters column c + 1). */
  yLeft: (edge: number, c: number) => number;
  yRight: (edge: number, c: number) => number;
  heatersIn: (items: Item[]) => number;
  crossing: { width: number; pitch: number; exactWidth: number };
  edges: number;
}

/** Per channel c (between columns c and c + 1), the edges whose track crosses it, in edge order. */
export function edgesThrough(last: number, edges: number, span: (edge: number) => [number, number]): number[][] {
  const through: number[][] = Array.from({ length: last }, () => []);
  for (let i = 0; i < edges; i++) {
    const [a, b] = span(i);
    for (let c = a; c < b; c++) through[c]!.push(i);
  }
  return through;
}

/**
 * Width × height, µm², as place-route.ts will draw the placement (its mesh, without the bump
 * fields), the height taken as at least `floor`.
 */
export function stackedArea(p: StackedPlacement, floor = 0): number {
  const through = edgesThrough(p.last, p.edges, p.span);
  let width = p.colW.reduce((a, b) => a + b, 0);
  for (let c = 0; c < p.last; c++) {
    const plan = planChannel(
      through[c]!.map((i) => ({ yl: p.yLeft(i, c), yr: p.yRight(i, c) })),
      p.crossing,
    );
    const n = p.splitLen[c] ? 0 : p.heatersIn(p.cols[c]!);
    width += channelSpan(n, plan);
  }
  return width * Math.max(floor, ...p.colH);
}
