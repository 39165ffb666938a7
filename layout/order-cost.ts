// What a column order costs (order.ts): per channel, its network's depth, its inversions and the
// tracks each track crosses; over the cell, the most crossings on one path (the figure the
// junctions' potentials then give every path, junctions.ts), the depths' sum (the channels' width)
// and the inversions. A crossing network of adjacent swaps crosses each pair of inverted tracks
// exactly once, so a track's crossings depend on the channel's permutation, not on the network.

/** One column item, seen from its two channels. */
export interface OrderItem {
  /** Tracks (edge ids) entering it from the channel on its left, top-down. */
  ins: number[];
  /** Tracks leaving it into the channel on its right, top-down. */
  outs: number[];
  /** A pinned item keeps its place among the column's pinned items (the cell's input ports). */
  pinned: boolean;
  /** Crossings on every path through it (a sub-circuit's crossing cells); none for a device. */
  inner?: number;
}

/** One channel: its network's depth and inversions, and per track (edge id) the tracks it crosses. */
export interface ChannelCost {
  depth: number;
  inversions: number;
  /** Indexed by edge id (dense per netlist); only the channel's own tracks are meaningful. */
  cross: Int32Array;
}

/** The figure the order minimizes, in this order of keys (`less`). */
export interface OrderCost {
  /** The most crossings on one path. */
  path: number;
  /** Σ over the items of the square of the most crossings on a path into it. */
  pressure: number;
  /** Σ of the channels' network depths. */
  depth: number;
  inversions: number;
}

// the depths set the channels' width; the pressure (the sum of squares of the worst path into each
// item) steers the moves that do not yet shorten the worst path towards the paths nearly as long
const KEYS: readonly (keyof OrderCost)[] = ["path", "depth", "pressure", "inversions"];
export const less = (a: OrderCost, b: OrderCost): boolean => {
  for (const k of KEYS) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
};

/** The order's cost from its channels' costs: the longest path, by crossings, over the columns. */
export function orderCost(cols: OrderItem[][], chan: ChannelCost[]): OrderCost {
  let path = 0;
  let pressure = 0;
  // per track, the crossings on the worst path leaving on it: every track into column c left
  // column c − 1 (a feed-through reads its track before it writes it again)
  // (plain loops: this runs for every transposition the order tries)
  let at = scratch;
  for (let c = 0; c < cols.length; c++) {
    const items = cols[c]!;
    const cross = c > 0 ? chan[c - 1]!.cross : null;
    for (let k = 0; k < items.length; k++) {
      const it = items[k]!;
      let v = 0;
      if (cross)
        for (let j = 0; j < it.ins.length; j++) {
          const e = it.ins[j]!;
          const w = at[e]! + cross[e]!;
          if (w > v) v = w;
        }
      v += it.inner ?? 0;
      if (v > path) path = v;
      pressure += v * v;
      for (let j = 0; j < it.outs.length; j++) {
        const e = it.outs[j]!;
        if (e >= at.length) at = scratch = grow(at, e);
        at[e] = v;
      }
    }
  }
  const depth = chan.reduce((a, ch) => a + ch.depth, 0);
  const inversions = chan.reduce((a, ch) => a + ch.inversions, 0);
  return { path, pressure, depth, inversions };
}

let scratch: Float64Array = new Float64Array(1024);
const grow = (a: Float64Array, e: number): Float64Array => {
  const b = new Float64Array(Math.max(2 * a.length, e + 1));
  b.set(a);
  return b;
};

/** Every channel's cost, left to right. */
export function channelCosts(cols: OrderItem[][], order: number[][]): ChannelCost[] {
  return cols.slice(0, -1).map((_, c) => channelCost(cols, order, c));
}

/** The cost of an order. */
export function totalCost(cols: OrderItem[][], order: number[][]): OrderCost {
  return orderCost(cols, channelCosts(cols, order));
}

/** Tracks through channel c. */
export function tracksOf(cols: OrderItem[][], c: number): number {
  return cols[c]!.reduce((a, it) => a + it.outs.length, 0);
}

/** Column c's tracks top-down on one side (`outs`: into channel c, `ins`: out of channel c − 1). */
function sideTracks(cols: OrderItem[][], order: number[][], c: number, side: "ins" | "outs"): number[] {
  // plain loops: this runs for every transposition the order tries (most of the layout's time)
  const out: number[] = [];
  const items = cols[c]!;
  for (const i of order[c]!) for (const e of items[i]![side]) out.push(e);
  return out;
}

/** Arrival rank by edge id, reused across calls (edge ids are a netlist's dense indices). */
let rankOf = new Int32Array(1024);

/** target[i] = the arrival rank on the right (column c+1's ins) of `left`'s i-th track. */
function targetOf(cols: OrderItem[][], order: number[][], c: number, left: number[]): number[] {
  const right = sideTracks(cols, order, c + 1, "ins");
  for (let r = 0; r < right.length; r++) {
    const e = right[r]!;
    if (e >= rankOf.length) {
      const b = new Int32Array(Math.max(2 * rankOf.length, e + 1));
      b.set(rankOf);
      rankOf = b;
    }
    rankOf[e] = r;
  }
  const t = new Array<number>(left.length);
  for (let i = 0; i < left.length; i++) t[i] = rankOf[left[i]!]!;
  return t;
}

/** Channel c's permutation: target[i] = the arrival rank of the i-th track from the top on the left. */
export function channelTarget(cols: OrderItem[][], order: number[][], c: number): number[] {
  return targetOf(cols, order, c, sideTracks(cols, order, c, "outs"));
}

/** Channel c's cost. */
export function channelCost(cols: OrderItem[][], order: number[][], c: number): ChannelCost {
  const left = sideTracks(cols, order, c, "outs");
  const t = targetOf(cols, order, c, left);
  // track i crosses i + t_i − 2·#{j < i: t_j < t_i} others (those above it arriving below, and below arriving above)
  const tree = new Int32Array(t.length + 1);
  // a typed array, not a Map: this runs for every transposition the order tries
  let top = 0;
  for (const e of left) if (e > top) top = e;
  const cross = new Int32Array(top + 1);
  let inv = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i]!;
    let lower = 0;
    for (let k = ti; k > 0; k -= k & -k) lower += tree[k]!;
    for (let k = ti + 1; k <= t.length; k += k & -k) tree[k]!++;
    cross[left[i]!] = i + ti - 2 * lower;
    inv += i - lower;
  }
  return { depth: networkDepth(t), inversions: inv, cross };
}

/** Rounds of the odd-even transposition network that sorts t (channel.ts transpositionLayers). */
export function networkDepth(t: readonly number[]): number {
  const n = t.length;
  const v = Int32Array.from(t);
  let depth = 0;
  let unsorted = 0;
  for (let i = 0; i + 1 < n; i++) if (v[i]! > v[i + 1]!) unsorted++;
  for (let round = 0; round < n + 1 && unsorted > 0; round++) {
    let swapped = false;
    for (let i = round % 2; i + 1 < n; i += 2) {
      const [a, b] = [v[i]!, v[i + 1]!];
      if (a <= b) continue;
      // the descents at i-1, i, i+1 before and after the swap (plain comparisons: the hot loop)
      const l = i > 0 ? v[i - 1]! : -1;
      const r = i + 2 < n ? v[i + 2]! : Number.POSITIVE_INFINITY;
      unsorted += (l > b ? 1 : 0) + (a > r ? 1 : 0) - 1 - (l > a ? 1 : 0) - (b > r ? 1 : 0);
      v[i] = b;
      v[i + 1] = a;
      swapped = true;
    }
    if (swapped) depth++;
  }
  return depth;
}
