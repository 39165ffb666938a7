// The order of each placement column's items (docs/design/layout.md §7.2), chosen so
// that few crossings fall on one path: the junctions then give every path as many crossing cells
// as the worst one crosses (junctions.ts), and each channel is as wide as its network is deep.
// Only the vertical order of a column's items changes, never a connection. Layered graph drawing
// (Sugiyama): barycentre sweeps down and up from the single-pass order, the best order kept, then
// adjacent transpositions that lower its cost (order-cost.ts). Everything is on ranks (which track
// is above which), not heights: a channel's permutation depends only on the order of the items
// beside it.
import { channelCost, channelCosts, less, orderCost, type OrderItem, totalCost, tracksOf, type OrderCost } from "./order-cost.ts";

/**
 * The tracks to or from a free leaf (a terminator, an output port: one track, placed wherever its
 * neighbour is): they follow the item they attach to and do not pull on it.
 */
function leafTracks(cols: OrderItem[][]): Set<number>[] {
  const leaf = cols.map(() => new Set<number>()); // per channel
  cols.forEach((col, c) => {
    for (const it of col) {
      if (it.pinned || it.ins.length + it.outs.length !== 1) continue;
      if (it.ins.length) leaf[c - 1]!.add(it.ins[0]!);
      else leaf[c]!.add(it.outs[0]!);
    }
  });
  return leaf;
}

export interface OrderOptions {
  /** Down-and-up sweep pairs after the initial order. */
  sweeps?: number;
  /** Passes of adjacent transpositions over every column. */
  passes?: number;
  /** Work budget of the transpositions: track positions evaluated; beyond it they stop (deterministic). */
  budget?: number;
}

/**
 * Reorder the columns: `cols[c]` are column c's items, `initial[c]` their single-pass order (item
 * indices top-down). Returns the new order of every column, never costlier than the initial one.
 */
export function orderColumns(cols: OrderItem[][], initial: number[][], opt: OrderOptions = {}): number[][] {
  const sweeps = opt.sweeps ?? 8;
  const passes = opt.passes ?? 6;
  const budget = { left: opt.budget ?? 4e8 };
  const last = cols.length - 1;
  const leaves = leafTracks(cols);
  const none = cols.map(() => new Set<number>());
  let best = initial.map((o) => o.slice());
  let bestCost = totalCost(cols, best);
  // several starts (free leaves placed or not; the first sweep up or down): each start's cheapest
  // order is refined by transpositions, and the cheapest of those kept
  for (const lv of [leaves, none])
    for (const first of ["up", "down"] as const) {
      const order = initial.map((o) => o.slice());
      if (lv === leaves) placeLeaves(cols, order, leaves);
      let mine = order.map((o) => o.slice());
      let mineCost = totalCost(cols, mine);
      for (let s = 0; s < 2 * sweeps; s++) {
        if ((s % 2 === 0) === (first === "up")) for (let c = last - 1; c >= 0; c--) order[c] = sweep(cols, order, c, "up", lv);
        else for (let c = 1; c <= last; c++) order[c] = sweep(cols, order, c, "down", lv);
        if (lv === leaves) placeLeaves(cols, order, leaves);
        const cost = totalCost(cols, order);
        if (less(cost, mineCost)) [mine, mineCost] = [order.map((o) => o.slice()), cost];
      }
      mineCost = transpose(cols, mine, passes, budget);
      if (less(mineCost, bestCost)) [best, bestCost] = [mine, mineCost];
    }
  return best;
}

/**
 * Adjacent transpositions in every column, each kept when it lowers the order's cost (a swap
 * changes only the two channels beside its column); in place. Returns the order's cost.
 */
function transpose(cols: OrderItem[][], order: number[][], passes: number, budget: { left: number }): OrderCost {
  const last = cols.length - 1;
  const chan = channelCosts(cols, order);
  let cost = orderCost(cols, chan);
  const all = chan.reduce((a, _, c) => a + tracksOf(cols, c), 0);
  for (let p = 0; p < passes && budget.left > 0; p++) {
    let improved = false;
    for (let c = 0; c <= last && budget.left > 0; c++) {
      const o = order[c]!;
      for (let j = 0; j + 1 < o.length && budget.left > 0; j++) {
        if (cols[c]![o[j]!]!.pinned && cols[c]![o[j + 1]!]!.pinned) continue;
        const [l0, r0] = [chan[c - 1], chan[c]];
        [o[j], o[j + 1]] = [o[j + 1]!, o[j]!];
        if (c > 0) chan[c - 1] = channelCost(cols, order, c - 1);
        if (c < last) chan[c] = channelCost(cols, order, c);
        const next = orderCost(cols, chan);
        budget.left -=
          all + (c > 0 ? tracksOf(cols, c - 1) * (chan[c - 1]!.depth + 1) : 0) + (c < last ? tracksOf(cols, c) * (chan[c]!.depth + 1) : 0);
        if (less(next, cost)) {
          cost = next;
          improved = true;
        } else {
          [o[j], o[j + 1]] = [o[j + 1]!, o[j]!];
          if (c > 0) chan[c - 1] = l0!;
          if (c < last) chan[c] = r0!;
        }
      }
    }
    if (!improved) break;
  }
  return cost;
}

/** Ranks by edge id for sweep(): the column before, the column after (grown as needed). */
const rankScratch = [new Float64Array(1024), new Float64Array(1024)];

/**
 * One barycentre step on column c: each item's mean rank among its neighbours' tracks, from the
 * column before ("down") or after ("up"); an item with no track on that side takes the other
 * side's, and one with none keeps its place under the item above it. Pinned items keep their order.
 */
function sweep(cols: OrderItem[][], order: number[][], c: number, dir: "down" | "up", leaves: Set<number>[]): number[] {
  const items = cols[c]!;
  // each track's place in its neighbouring column, as a fraction of that column's tracks (typed
  // arrays by edge id, not Maps: the sweeps run for every column many times)
  const ranks = (tracks: number[], side: 0 | 1): Float64Array => {
    let a = rankScratch[side]!;
    for (const e of tracks) if (e >= a.length) a = rankScratch[side] = new Float64Array(Math.max(2 * a.length, e + 1));
    tracks.forEach((e, r) => (a[e] = (r + 0.5) / tracks.length));
    return a;
  };
  const rankIn =
    c > 0
      ? ranks(
          order[c - 1]!.flatMap((i) => cols[c - 1]![i]!.outs),
          0,
        )
      : null;
  const rankOut =
    c + 1 < cols.length
      ? ranks(
          order[c + 1]!.flatMap((i) => cols[c + 1]![i]!.ins),
          1,
        )
      : null;
  const mean = (all: number[], rank: Float64Array | null, ch: number): number | null => {
    const edges = all.length > 1 ? all.filter((e) => !leaves[ch]?.has(e)) : all;
    return rank && edges.length ? edges.reduce((a, e) => a + rank[e]!, 0) / edges.length : null;
  };
  let above = -1;
  const keyed = order[c]!.map((i, pos) => {
    const it = items[i]!;
    const down = mean(it.ins, rankIn, c - 1);
    const up = mean(it.outs, rankOut, c);
    const k = (dir === "down" ? (down ?? up) : (up ?? down)) ?? above;
    above = k;
    return { i, k, pos };
  });
  keyed.sort((a, b) => a.k - b.k || a.pos - b.pos);
  const out = keyed.map((x) => x.i);
  // pinned items back into their own order, in the slots they took
  const pinned = order[c]!.filter((i) => items[i]!.pinned);
  let p = 0;
  return out.map((i) => (items[i]!.pinned ? pinned[p++]! : i));
}

/**
 * Every free leaf moved between the column's other items to where its one track crosses the fewest
 * of the channel's other tracks (ties: nearest its rank on the other side); the other items keep
 * their order. A sink is placed against the column before it, a source against the column after.
 */
function placeLeaves(cols: OrderItem[][], order: number[][], leaves: Set<number>[]): void {
  for (let c = 0; c < cols.length; c++) {
    const items = cols[c]!;
    const isLeaf = (i: number): boolean => {
      const it = items[i]!;
      return !it.pinned && it.ins.length + it.outs.length === 1;
    };
    const rest = order[c]!.filter((i) => !isLeaf(i));
    const leafs = order[c]!.filter(isLeaf);
    if (!leafs.length) continue;
    const slotOf = new Map<number, number>();
    const leafRank = new Map<number, number>();
    for (const side of ["ins", "outs"] as const) {
      const other = side === "ins" ? c - 1 : c + 1;
      if (other < 0 || other >= cols.length) continue;
      // the other column's tracks into this channel, top-down: their rank there
      const seq = order[other]!.flatMap((i) => cols[other]![i]![side === "ins" ? "outs" : "ins"]);
      const rank = new Map(seq.map((e, r) => [e, r]));
      // per slot (before rest[j]): tracks of the non-leaf items above it, their ranks
      const ch = side === "ins" ? c - 1 : c;
      const groups = rest.map((i) => items[i]![side].filter((e) => !leaves[ch]!.has(e)).map((e) => rank.get(e)!));
      for (const i of leafs) {
        const t = items[i]![side];
        if (t.length !== 1) continue;
        const r = rank.get(t[0]!)!;
        // crossings at slot j: tracks above it ranked below r, tracks below it ranked above r
        let below = groups.reduce((a, g) => a + g.filter((x) => x < r).length, 0);
        let above = 0;
        let seen = 0;
        let best = 0;
        let bestCost = Number.POSITIVE_INFINITY;
        let bestGap = Number.POSITIVE_INFINITY;
        for (let j = 0; j <= rest.length; j++) {
          const cost = above + below;
          const gap = Math.abs(seen - r);
          if (cost < bestCost || (cost === bestCost && gap < bestGap)) [best, bestCost, bestGap] = [j, cost, gap];
          if (j === rest.length) break;
          for (const x of groups[j]!) {
            if (x > r) above++;
            else below--;
            seen++;
          }
        }
        slotOf.set(i, best);
        leafRank.set(i, r);
      }
    }
    const out: number[] = [];
    const at = (j: number): number[] =>
      leafs.filter((i) => (slotOf.get(i) ?? -1) === j).sort((a, b) => leafRank.get(a)! - leafRank.get(b)!);
    rest.forEach((i, j) => {
      out.push(...at(j), i);
    });
    out.push(...at(rest.length), ...leafs.filter((i) => !slotOf.has(i)));
    order[c] = out;
  }
}
