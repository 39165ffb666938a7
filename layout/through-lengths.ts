// The drawn lengths through a placed netlist (LayoutCell.through): the longest path from each
// boundary input pin to each boundary output pin, over route segments and the sub-cells' own
// through-lengths, and the longest path between any two pins. A parent cell reads its sub-cells'
// entries, so lengths compose up the hierarchy without re-walking it.
import type { LayoutCell } from "./cell.ts";
import type { Segment } from "./trim.ts";

/** What the walk needs of a placed node (place-route.ts PlaceNode). */
export interface BoundaryNode {
  name: string;
  cell: LayoutCell | null;
  port?: "in" | "out";
}

/**
 * Longest drawn path (µm) from each boundary input pin to each boundary output pin ("in>out"),
 * and under "*" the longest path between any two pins of the netlist.
 */
export function throughLengths(cell: LayoutCell, nodes: readonly BoundaryNode[], segments: readonly Segment[]): Record<string, number> {
  // graph on "inst,pin" / port names, numbered: segment edges and cell-internal paths (one pass
  // per input port over the whole graph, so it runs on typed arrays, not string-keyed maps)
  const ids = new Map<string, number>();
  const idOf = (v: string): number => {
    let i = ids.get(v);
    if (i === undefined) ids.set(v, (i = ids.size));
    return i;
  };
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const add = (a: string, b: string, w: number): void => {
    from.push(idOf(a));
    to.push(idOf(b));
    len.push(w);
  };
  for (const s of segments) add(s.from, s.to, s.length);
  for (const r of cell.refs)
    for (const [k, w] of Object.entries(r.cell.through)) {
      if (!k.includes(">")) continue;
      const [i, o] = k.split(">");
      add(`${r.name},${i}`, `${r.name},${o}`, w);
    }
  const n = ids.size;
  // adjacency in compressed rows, edges of a node in the order they were added
  const start = new Int32Array(n + 1);
  for (const a of from) start[a + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const adjTo = new Int32Array(from.length);
  const adjLen = new Float64Array(from.length);
  from.forEach((a, e) => {
    const k = fill[a]!++;
    adjTo[k] = to[e]!;
    adjLen[k] = len[e]!;
  });
  // topological order of the pin graph (iterative: large meshes are deep)
  const indeg = new Int32Array(n);
  for (const b of to) indeg[b]!++;
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) order.push(v);
  for (let i = 0; i < order.length; i++)
    for (let k = start[order[i]!]!; k < start[order[i]! + 1]!; k++) if (--indeg[adjTo[k]!]! === 0) order.push(adjTo[k]!);
  const out: Record<string, number> = {};
  // a boundary port is a bare pin (sub-circuit) or the pin o1 of its grating coupler (design top)
  const key = (p: BoundaryNode): string => (p.cell ? `${p.name},o1` : p.name);
  const outs = nodes.filter((p) => p.port === "out").map(key);
  const dist = new Float64Array(n);
  for (const p of nodes) {
    if (p.port !== "in") continue;
    const src = ids.get(key(p));
    if (src === undefined) continue;
    dist.fill(-Infinity);
    dist[src] = 0;
    for (const v of order) {
      const d = dist[v]!;
      if (d === -Infinity) continue;
      for (let k = start[v]!; k < start[v + 1]!; k++) if (dist[adjTo[k]!]! < d + adjLen[k]!) dist[adjTo[k]!] = d + adjLen[k]!;
    }
    for (const o of outs) {
      const t = ids.get(o);
      if (t !== undefined && dist[t] !== -Infinity) out[`${key(p)}>${o}`] = dist[t]!;
    }
  }
  // the longest drawn path between any two pins of this netlist (sub-circuits through their ports)
  const far = new Float64Array(n);
  let longestAny = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!;
    let best = 0;
    for (let k = start[v]!; k < start[v + 1]!; k++) best = Math.max(best, adjLen[k]! + far[adjTo[k]!]!);
    far[v] = best;
    longestAny = Math.max(longestAny, best);
  }
  out["*"] = longestAny;
  return out;
}
