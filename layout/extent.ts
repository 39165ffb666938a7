// The area a stacked placement will take once its channels are planned (place-route.ts step 3),
// without drawing: the stacking and the channel plans alone set the width and height.
import type { Item } from "./columns.ts";
import { planChannel } from "./channel.ts";
import { laneSection, laneWidth } from "./leads.ts";
import { RULES } from "./layers.ts";

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

/** Width × height, µm², as place-route.ts will draw the placement. */
export function stackedArea(p: StackedPlacement): number {
  const through: number[][] = Array.from({ length: p.last }, () => []);
  for (let i = 0; i < p.edges; i++) {
    const [a, b] = p.span(i);
    for (let c = a; c < b; c++) through[c]!.push(i);
  }
  let width = p.colW.reduce((a, b) => a + b, 0);
  for (let c = 0; c < p.last; c++) {
    const plan = planChannel(
      through[c]!.map((i) => ({ yl: p.yLeft(i, c), yr: p.yRight(i, c) })),
      p.crossing,
    );
    const n = p.splitLen[c] ? 0 : p.heatersIn(p.cols[c]!);
    width += Math.max(Math.max(0, laneSection(n) - (plan.cross ? RULES.trimLength : 0)) + plan.width, laneWidth(n));
  }
  return width * Math.max(0, ...p.colH);
}
