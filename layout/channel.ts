// One routing channel between two placement columns: tracks leave in one vertical order and must
// arrive in another. Kept order needs only S-bends; otherwise an odd-even transposition network of
// crossing cells realizes the permutation (docs/design/layout.md §4).
import { sbendLength, snap } from "./geometry.ts";
import { RULES } from "./layers.ts";

export interface ChannelPlan {
  width: number;
  cross: boolean;
  ls1: number;
  ls2: number;
  /** Track indices top-down on the left. */
  order: number[];
  /** Crossing layers: the upper positions of the swapped pairs. */
  layers: number[][];
  gridTop: number;
}

/**
 * The odd-even transposition network that sorts `target` (target[i]: where the track at position i
 * must arrive): its layers, each the upper positions of the adjacent pairs it swaps.
 */
export function transpositionLayers(target: readonly number[]): number[][] {
  const layers: number[][] = [];
  const v = target.slice();
  for (let round = 0; round < v.length + 1 && !v.every((x, i) => x === i); round++) {
    const swaps: number[] = [];
    for (let i = round % 2; i + 1 < v.length; i += 2) {
      if (v[i]! > v[i + 1]!) {
        [v[i], v[i + 1]] = [v[i + 1]!, v[i]!];
        swaps.push(i);
      }
    }
    if (swaps.length) layers.push(swaps);
  }
  return layers;
}

/** Lay out one channel: S-bends only when the vertical order is kept, else a crossing network. */
export function planChannel(tracks: { yl: number; yr: number }[], xg: { width: number; pitch: number; exactWidth: number }): ChannelPlan {
  const pitch = xg.pitch;
  const lt = RULES.trimLength;
  const order = tracks.map((_, i) => i).sort((a, b) => tracks[b]!.yl - tracks[a]!.yl);
  const rank = new Map(
    tracks
      .map((_, i) => i)
      .sort((a, b) => tracks[b]!.yr - tracks[a]!.yr)
      .map((t, r) => [t, r]),
  );
  const target = order.map((t) => rank.get(t)!);
  const sorted = target.every((v, i) => v === i);
  if (sorted) {
    const ls1 = snap(Math.max(0, ...tracks.map((t) => sbendLength(t.yr - t.yl))));
    return { width: snap(ls1 + lt), cross: false, ls1, ls2: 0, order, layers: [], gridTop: 0 };
  }
  const layers = transpositionLayers(target);
  const n = tracks.length;
  const mean = tracks.reduce((a, t) => a + t.yl + t.yr, 0) / (2 * n);
  const gridTop = snap(mean + ((n - 1) * pitch) / 2);
  const ls1 = snap(Math.max(0, ...order.map((t, pos) => sbendLength(gridTop - pos * pitch - tracks[t]!.yl))));
  const ls2 = snap(Math.max(0, ...order.map((t) => sbendLength(gridTop - rank.get(t)! * pitch - tracks[t]!.yr))));
  return {
    width: snap(2 * lt + ls1 + ls2 + (layers.length - 1) * xg.exactWidth + xg.width),
    cross: true,
    ls1,
    ls2,
    order,
    layers,
    gridTop,
  };
}

/** What sets a channel's crossing cells: its network's depth against the permutation's bounds. */
export interface ChannelStats {
  tracks: number;
  /** Crossing layers: every track passes each, crossed or through a junction. */
  depth: number;
  /** The largest distance a track moves: no network of adjacent swaps is shallower. */
  maxDisplacement: number;
  inversions: number;
}

export function channelStats(plan: ChannelPlan, tracks: number): ChannelStats {
  const v = permutationOf(plan);
  let inversions = 0;
  for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) if (v[i]! > v[j]!) inversions++;
  const maxDisplacement = Math.max(0, ...v.map((t, i) => Math.abs(t - i)));
  return { tracks, depth: plan.layers.length, maxDisplacement, inversions };
}

/** The arrival rank of each left position, undone from the plan's layers. */
function permutationOf(plan: ChannelPlan): number[] {
  const at = plan.order.map((_, i) => i);
  for (const swaps of plan.layers) for (const p of swaps) [at[p], at[p + 1]] = [at[p + 1]!, at[p]!];
  const v = new Array<number>(at.length);
  at.forEach((from, to) => {
    v[from] = to;
  });
  return v;
}
