// A netlist cell's columns before any geometry: each node's longest-path column, and each column's
// items as the ordering sees them (order.ts). Split from place-route.ts, which draws them.
import type { LayoutCell, Pin } from "./cell.ts";
import { LayoutError } from "./layout-error.ts";
import type { OrderItem } from "./order-cost.ts";

/** One end of a connection: a node's pin. */
export interface End {
  node: number;
  pin: string;
}

export interface PlaceNode {
  /** Instance name (or port name for a port node). */
  name: string;
  /** The cell to place; a bare port (sub-circuit boundary) has none. */
  cell: LayoutCell | null;
  /** "in"/"out" for a port node (a boundary pin of the netlist), else undefined. */
  port?: "in" | "out";
}

/**
 * Longest-path columns; sources without inputs move next to their first successor. With `late`,
 * every node moves as far right as its successors allow (a sink, such as a dump's terminator,
 * follows its predecessor): a branch off the longest path then runs as a single feed-through track
 * where the longest path's trees spread, not as a two-armed MZI that every crossing branch must
 * pass twice (docs/design/layout.md §7.2).
 */
export function longestPath(
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  preds: number[][],
  succs: number[][],
  late = false,
): number[] {
  const level = nodes.map(() => 0);
  const indeg = nodes.map((_, i) => preds[i]!.length);
  const queue = nodes.map((_, i) => i).filter((i) => indeg[i] === 0);
  const order: number[] = [];
  while (queue.length) {
    const v = queue.shift()!;
    order.push(v);
    for (const ei of succs[v]!) {
      const w = edges[ei]!.to.node;
      level[w] = Math.max(level[w]!, level[v]! + 1);
      if (--indeg[w]! === 0) queue.push(w);
    }
  }
  if (order.length !== nodes.length) throw new LayoutError("the netlist has a feedback loop: it cannot be placed in columns");
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k]!;
    if (nodes[v]!.port || (!late && preds[v]!.length)) continue;
    // a sink is placed after the loop; an output port's column is set by the placer
    const next = succs[v]!.map((ei) => edges[ei]!.to.node).filter((w) => !late || succs[w]!.length || nodes[w]!.port === "out");
    if (next.length) level[v] = Math.min(...next.map((w) => level[w]!)) - 1;
  }
  if (late)
    for (const v of order)
      if (!succs[v]!.length && !nodes[v]!.port && preds[v]!.length)
        level[v] = Math.max(...preds[v]!.map((ei) => level[edges[ei]!.from.node]!)) + 1;
  return level;
}

/** A column's item: a node, or a feed-through of an edge that skips the column. */
export type Item = { kind: "node"; node: number } | { kind: "dummy"; edge: number };

/**
 * How a netlist's columns are chosen and ordered (place-route.ts): "best", the sweeps (order.ts) on
 * the longest-path columns and on the late ones, the shallower kept; "sweeps", on the
 * longest-path columns only; "single-pass", the barycentre pass alone.
 */
export type Ordering = "best" | "sweeps" | "single-pass";

/** Each node's column (output ports in a last column of their own) and each column's items. */
export function placeColumns(
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  preds: number[][],
  succs: number[][],
  late: boolean,
): { level: number[]; last: number; cols: Item[][] } {
  const level = longestPath(nodes, edges, preds, succs, late);
  const maxLevel = Math.max(0, ...level);
  nodes.forEach((n, i) => {
    if (n.port === "out") level[i] = maxLevel + 1;
  });
  return columnsOf(level, edges);
}

/** A netlist's columns from each node's column: its nodes, then a feed-through of every edge that skips it. */
export function columnsOf(level: number[], edges: { from: End; to: End }[]): { level: number[]; last: number; cols: Item[][] } {
  const last = Math.max(0, ...level);
  const cols: Item[][] = Array.from({ length: last + 1 }, () => []);
  level.forEach((l, i) => cols[l]!.push({ kind: "node", node: i }));
  edges.forEach((e, i) => {
    for (let l = level[e.from.node]! + 1; l < level[e.to.node]!; l++) cols[l]!.push({ kind: "dummy", edge: i });
  });
  return { level, last, cols };
}

/**
 * How a netlist's boundary ports are drawn (design.ts, port-order.ts): a port with a rank is pinned
 * at it (0 at the top); without one, an input is pinned by its index unless `freeInputs`, and an
 * output is free (placed wherever its track crosses fewest others).
 */
export interface PortOrder {
  rank: Map<string, number>;
  freeInputs: boolean;
}

/** Whether a node keeps its place among the pinned items of its column. */
function pinnedNode(n: PlaceNode, ports: PortOrder | undefined): boolean {
  if (!n.port || ports?.rank.has(n.name)) return !!n.port;
  return n.port === "in" && (!ports?.freeInputs || !!n.cell);
}

/** Each column's items as the ordering sees them (order.ts): their tracks top-down on either side. */
export function orderItems(
  cols: Item[][],
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  preds: number[][],
  succs: number[][],
  pinOf: (e: End) => Pin,
  ports?: PortOrder,
): OrderItem[][] {
  const down = (list: number[], end: (ei: number) => End): number[] =>
    list.slice().sort((a, b) => pinOf(end(b)).y - pinOf(end(a)).y || a - b);
  return cols.map((items) =>
    items.map((it) =>
      it.kind === "dummy"
        ? { ins: [it.edge], outs: [it.edge], pinned: false }
        : {
            ins: down(preds[it.node]!, (ei) => edges[ei]!.to),
            outs: down(succs[it.node]!, (ei) => edges[ei]!.from),
            pinned: pinnedNode(nodes[it.node]!, ports),
            inner: nodes[it.node]!.cell?.crossingCells ?? 0,
          },
    ),
  );
}
