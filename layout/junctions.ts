// Which free slots of a netlist's crossing networks get a loss-matched junction (docs/design/layout.md
// §7.1). A crossing's loss must be common to every path into an instance and to every path
// from a cell's inputs to its outputs, or the loss-tracking biases cannot cancel it. A junction in
// every layer a track does not cross gives that (all paths between two columns meet the same
// count), but makes every path pay every channel's whole depth. Here each node gets a potential
// instead, the crossing cells any path from the cell's inputs meets on reaching it: an edge carries
// at least its own crossings and at most every layer it passes, the junctions making up the
// difference, and all outputs share one potential. The least such potentials are the fewest
// crossing cells per path the drawn networks allow.
import type { ChannelPlan } from "./channel.ts";
import type { End, PlaceNode } from "./columns.ts";

export interface JunctionPlan {
  /** Per channel, the free slots "layer,position" that get a junction. */
  slots: Set<string>[];
  /** Crossing cells on every path from an input port to an output port (the cell's count). */
  cells: number;
  /** The most crossing cells on any path from an input port, into a sink (a terminator) too: what the check counts. */
  longest: number;
}

/** One channel as drawn: its tracks' edges and its network (channel.ts). */
export interface PlannedChannel {
  tracks: { edge: number }[];
  plan: ChannelPlan;
}

/**
 * Junctions for one netlist: `level` is each node's column, `inner` each node's count from its
 * input pins to its output pins (a sub-circuit's `cells`, 0 for a device). `"every-slot"` fills
 * every free slot (every path pays every channel's depth), as the layout did before potentials.
 */
export function planJunctions(
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  level: number[],
  channels: PlannedChannel[],
  inner: (node: number) => number,
  mode: "potentials" | "every-slot" = "potentials",
): JunctionPlan {
  // each edge's crossings and free slots, channel by channel, layer by layer
  const crossed = edges.map(() => 0);
  const free: [number, number, number][][] = edges.map(() => []); // [channel, layer, position]
  channels.forEach(({ tracks, plan }, c) => {
    const at = plan.order.slice();
    plan.layers.forEach((swaps, li) => {
      const hit = new Set(swaps.flatMap((p) => [p, p + 1]));
      at.forEach((t, pos) => {
        const e = tracks[t]!.edge;
        if (hit.has(pos)) crossed[e]!++;
        else free[e]!.push([c, li, pos]);
      });
      for (const p of swaps) [at[p], at[p + 1]] = [at[p + 1]!, at[p]!];
    });
  });
  const need = mode === "potentials" ? potentials(nodes, edges, level, crossed, free, inner) : null;
  const slots = channels.map(() => new Set<string>());
  edges.forEach((_, e) => {
    const n = need ? need.junctions[e]! : free[e]!.length;
    for (const [c, li, pos] of free[e]!.slice(0, n)) slots[c]!.add(`${li},${pos}`);
  });
  const { cells, longest } = need ?? everySlotCells(nodes, edges, level, channels, inner);
  return { slots, cells, longest };
}

/**
 * The least potentials (Bellman–Ford on difference constraints, raised until none is broken):
 * crossed ≤ P(to) − P(from) − inner(from) ≤ crossed + free on every edge, input ports at 0, output
 * ports equal. Null when no potentials fit the drawn networks (an input port would be raised).
 */
function potentials(
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  level: number[],
  crossed: number[],
  free: unknown[][],
  inner: (node: number) => number,
): { junctions: number[]; cells: number; longest: number } | null {
  const p = nodes.map(() => 0);
  // edges in column order: one forward pass settles every lower bound
  const byLevel = edges.map((_, e) => e).sort((a, b) => level[edges[a]!.from.node]! - level[edges[b]!.from.node]! || a - b);
  const outs = nodes.flatMap((n, i) => (n.port === "out" ? [i] : []));
  const lift = (v: number, to: number): boolean => (to > p[v]! ? ((p[v] = to), true) : false);
  for (let round = 0; round <= edges.length; round++) {
    let changed = false;
    for (const e of byLevel) {
      const { from, to } = edges[e]!;
      changed = lift(to.node, p[from.node]! + inner(from.node) + crossed[e]!) || changed;
    }
    const top = Math.max(0, ...outs.map((v) => p[v]!));
    for (const v of outs) changed = lift(v, top) || changed;
    for (let k = byLevel.length - 1; k >= 0; k--) {
      const e = byLevel[k]!;
      const { from, to } = edges[e]!;
      changed = lift(from.node, p[to.node]! - inner(from.node) - crossed[e]! - free[e]!.length) || changed;
    }
    if (nodes.some((n, i) => n.port === "in" && p[i]! > 0)) return null;
    if (!changed) {
      const junctions = edges.map(({ from, to }, e) => p[to.node]! - p[from.node]! - inner(from.node) - crossed[e]!);
      return { junctions, cells: Math.max(0, ...outs.map((v) => p[v]!)), longest: Math.max(0, ...p) };
    }
  }
  return null;
}

/** With a junction in every free slot: the most crossing cells on a path from an input port to an output port, and to any node. */
function everySlotCells(
  nodes: PlaceNode[],
  edges: { from: End; to: End }[],
  level: number[],
  channels: PlannedChannel[],
  inner: (node: number) => number,
): { cells: number; longest: number } {
  const depthBefore = [0];
  for (const { plan } of channels) depthBefore.push(depthBefore.at(-1)! + plan.layers.length);
  const p = nodes.map(() => 0);
  const byLevel = edges.map((_, e) => e).sort((a, b) => level[edges[a]!.from.node]! - level[edges[b]!.from.node]! || a - b);
  for (const e of byLevel) {
    const { from, to } = edges[e]!;
    const d = depthBefore[level[to.node]!]! - depthBefore[level[from.node]!]!;
    p[to.node] = Math.max(p[to.node]!, p[from.node]! + inner(from.node) + d);
  }
  return { cells: Math.max(0, ...nodes.flatMap((n, i) => (n.port === "out" ? [p[i]!] : []))), longest: Math.max(0, ...p) };
}
