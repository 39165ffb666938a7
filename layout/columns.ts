// A netlist cell's columns before any geometry: each node's longest-path column, and each column's
// items as the ordering sees them (order.ts). Split from place-route.ts, which draws them.
import type { LayoutCell, Pin } from "./cell.ts";
import { LayoutError } from "./layout-error.ts";
import type { OrderItem } from "./order.ts";

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

/** Longest-path columns; sources without inputs move next to their first successor. */
export function longestPath(nodes: PlaceNode[], edges: { from: End; to: End }[], preds: number[][], succs: number[][]): number[] {
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
    if (preds[v]!.length === 0 && nodes[v]!.port !== "in" && succs[v]!.length)
      level[v] = Math.min(...succs[v]!.map((ei) => level[edges[ei]!.to.node]!)) - 1;
  }
  return level;
}

/** Each column's items as the ordering sees them (order.ts): their tracks top-down on either side. */
export function orderItems(
  cols: ({ kind: "node"; node: number } | { kind: "dummy"; edge: number })[][],
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  preds: number[][],
  succs: number[][],
  pinOf: (e: End) => Pin,
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
            pinned: nodes[it.node]!.port === "in",
          },
    ),
  );
}
