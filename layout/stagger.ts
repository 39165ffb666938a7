// Staggered heater columns (docs/design/layout.md §4.2). A column of heaters
// stacked whole keeps the heater clearance on both sides of every heater, and where heaters
// alternate with the MZIs' reference arms every gap is a clearance. Spread over k columns, the
// heaters alternating top-down, each heater's neighbours in its own column are tracks that pass
// it, which may sit at the ordinary cell gap from each other: the column gets about k times
// shorter for k − 1 more heater lengths of width. place-route.ts stacks each candidate, measures
// it (extent.ts) and keeps the smallest cell.
import { columnsOf, type End, type Item, type PlaceNode } from "./columns.ts";
import { stackedHeight } from "./stack.ts";

/** Most columns one column's heaters are spread over. */
export const MAX_STAGGER = 4;

export interface Columns {
  level: number[];
  last: number;
  cols: Item[][];
}

/** A staggered placement: its columns, each column's items top-down, and how many base columns were spread. */
export interface Staggering extends Columns {
  order: number[][];
  spread: number;
}

/**
 * The distinct staggerings of a stacked placement worth laying out: for each k ≤ MAX_STAGGER and
 * for columns of heaters and tracks only or every column with heaters, the columns are spread over
 * just enough sub-columns (at most k) to bring them to the height of the tallest column left.
 * `order` is each column's item indices top-down, as stacked.
 */
export function staggerings(
  base: Columns & { order: number[][] },
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  clearance: number,
  pinY: (e: End) => number,
): Staggering[] {
  const kindOf = (it: Item): string | undefined => (it.kind === "node" ? nodes[it.node]!.cell?.kind : undefined);
  const heightOf = (it: Item): number => {
    const cell = it.kind === "node" ? nodes[it.node]!.cell : null;
    return cell ? cell.bbox.y1 - cell.bbox.y0 : 0;
  };
  const ordered = base.cols.map((items, c) => base.order[c]!.map((i) => items[i]!));
  const heaters = ordered.map((items) => items.filter((it) => kindOf(it) === "phase").length);
  // sub-column j of k holds the heaters of rank j mod k and (j = 0) every other node; the rest pass as tracks
  const subHeight = (items: Item[], k: number): number => {
    let most = 0;
    for (let j = 0; j < k; j++) {
      let rank = 0;
      const stacked = items.map((it) => {
        const mine = kindOf(it) === "phase" ? rank++ % k === j : j === 0;
        return mine ? { kind: kindOf(it), h: heightOf(it) } : { h: 0 };
      });
      most = Math.max(most, stackedHeight(stacked, clearance));
    }
    return most;
  };
  const heights = ordered.map((items, c) =>
    Array.from({ length: Math.min(MAX_STAGGER, Math.max(1, heaters[c]!)) }, (_, i) => subHeight(items, i + 1)),
  );
  const onlyHeaters = ordered.map((items) =>
    items.every((it) => it.kind === "dummy" || ["phase", "waveguide", "terminator"].includes(kindOf(it) ?? "")),
  );
  const out: Staggering[] = [];
  const seen = new Set<string>();
  for (const every of [false, true])
    for (let kmax = 2; kmax <= MAX_STAGGER; kmax++) {
      const movable = heaters.map((n, c) => n >= 2 && (every || onlyHeaters[c]!));
      const rest = Math.max(0, ...heights.map((hs, c) => (movable[c] ? 0 : hs[0]!)));
      const cap = Math.max(rest, ...heights.map((hs, c) => (movable[c] ? Math.min(...hs.slice(0, kmax)) : 0)));
      const k = heights.map((hs, c) => (movable[c] ? Math.min(kmax, hs.findIndex((x) => x <= cap) + 1) : 1));
      const key = k.join(",");
      if (k.every((x) => x === 1) || seen.has(key)) continue;
      seen.add(key);
      out.push(spread(base, ordered, kindOf, k, edges, pinY));
    }
  return out;
}

/**
 * Column c's heaters, top-down, into columns c … c + k[c] − 1 in turn; every later column moves
 * right. Each new column keeps the base's top-down order (an item sits where the node or track it
 * came from sat, a node's tracks in its pins' order), so the staggering adds no crossing.
 */
function spread(
  base: Columns & { order: number[][] },
  ordered: Item[][],
  kindOf: (it: Item) => string | undefined,
  k: number[],
  edges: { from: End; to: End }[],
  pinY: (e: End) => number,
): Staggering {
  const lv = base.level.slice();
  const from: number[] = []; // new column → the base column it came from
  for (let c = 0; c < ordered.length; c++) for (let j = 0; j < k[c]!; j++) from.push(c);
  for (let c = ordered.length - 1; c >= 0; c--) {
    const kc = k[c]!;
    if (kc < 2) continue;
    lv.forEach((l, i) => {
      if (l > c) lv[i] = l + kc - 1;
    });
    ordered[c]!.filter((it) => kindOf(it) === "phase").forEach((it, j) => {
      lv[(it as { node: number }).node] = c + (j % kc);
    });
  }
  const out = columnsOf(lv, edges);
  // top-down rank of every node and track in its base column
  const nodeRank = new Map<number, number>();
  const trackRank = ordered.map((items) => {
    const m = new Map<number, number>();
    items.forEach((it, r) => (it.kind === "node" ? nodeRank.set(it.node, r) : m.set(it.edge, r)));
    return m;
  });
  const key = (it: Item, col: number): [number, number] => {
    if (it.kind === "node") return [nodeRank.get(it.node)!, 0];
    const e = edges[it.edge]!;
    const cb = from[col]!;
    const r = trackRank[cb]!.get(it.edge);
    if (r !== undefined) return [r, 0];
    // the track leaves a node of the base column, or enters one of its heaters
    const end = base.level[e.from.node] === cb ? e.from : e.to;
    return [nodeRank.get(end.node)!, -pinY(end)];
  };
  const order = out.cols.map((items, col) => {
    const keys = items.map((it) => key(it, col));
    return items.map((_, i) => i).sort((a, b) => keys[a]![0] - keys[b]![0] || keys[a]![1] - keys[b]![1] || a - b);
  });
  return { ...out, order, spread: k.filter((x) => x > 1).length };
}
