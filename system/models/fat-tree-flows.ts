// ECMP flows of one communication step on a 3-tier k-ary fat-tree (ffsim-opera's
// fat_tree_topology / os_fattree, the simulator TopoOpt uses; seed-systems.md §1.3, §2.3): every
// flow src → dst is hashed once onto an up-path (aggregation switch, then core switch when it
// leaves the pod); a directed link shared by c flows gives each 1/c of its capacity; ToR uplinks
// run at B/o. The step's slowdown s is the busiest link's load over its capacity (≥ 1), as a
// synchronous step waits for its slowest flow. Averaged over seeded placements and hash draws.
import { createRng } from "../../math/rng.ts";
import { placeRanks } from "./placement.ts";

/** The smallest even k ≥ radix whose fat-tree holds n hosts. */
export function fatTreeK(n: number, radix: number): number {
  let k = Math.max(2, radix + (radix % 2));
  while ((k * k * k) / 4 < n) k += 2;
  return k;
}

export interface FatTreeFlows {
  /** Mean over trials of the slowest flow's slowdown s. */
  slowdown: number;
  /** Mean over trials of the largest link hop count of a flow. */
  hops: number;
  /** Share of flows that leave their ToR. */
  offRack: number;
}

export interface FlowSetting {
  n: number;
  k: number;
  oversubscription: number;
  placement: "random" | "ordered";
  trials: number;
  seed: number;
}

/** A communication step: rank pairs (src, dst), as a name (for the memo) and a generator. */
export interface Step {
  name: string;
  pairs: (n: number) => [number, number][];
}

const memo = new Map<string, FatTreeFlows>();

/** The link loads of one step (deterministic in the seed). */
export function stepFlows(s: FlowSetting, step: Step): FatTreeFlows {
  const key = `${s.n}/${s.k}/${s.oversubscription}/${s.placement}/${s.trials}/${s.seed}/${step.name}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const half = s.k / 2;
  const hostsPerPod = half * half;
  const hosts = (s.k * s.k * s.k) / 4;
  const runs = s.placement === "ordered" ? 1 : s.trials;
  const pairs = step.pairs(s.n);
  let slow = 0;
  let hopSum = 0;
  let off = 0;
  for (let t = 0; t < runs; t++) {
    const rng = createRng(s.seed + 7919 * t);
    const at = placeRanks(s.n, hosts, s.placement, s.seed + t);
    const load = new Map<string, number>();
    const paths: string[][] = [];
    for (const [src, dst] of pairs) {
      const a = at[src]!;
      const b = at[dst]!;
      const torA = Math.floor(a / half);
      const torB = Math.floor(b / half);
      const podA = Math.floor(a / hostsPerPod);
      const podB = Math.floor(b / hostsPerPod);
      const links = [`h^${a}`, `h_${b}`];
      if (torA !== torB) {
        const agg = rng.int(half);
        links.push(`t^${torA}.${agg}`, `t_${torB}.${agg}`);
        if (podA !== podB) {
          const core = rng.int(half);
          links.push(`a^${podA}.${agg}.${core}`, `a_${podB}.${agg}.${core}`);
        }
        off++;
      }
      for (const l of links) load.set(l, (load.get(l) ?? 0) + 1);
      paths.push(links);
    }
    let worst = 1;
    let worstHops = 0;
    for (const links of paths) {
      for (const l of links) worst = Math.max(worst, load.get(l)! / (l.startsWith("t") ? 1 / s.oversubscription : 1));
      worstHops = Math.max(worstHops, links.length);
    }
    slow += worst;
    hopSum += worstHops;
  }
  const out = { slowdown: slow / runs, hops: hopSum / runs, offRack: pairs.length ? off / (runs * pairs.length) : 0 };
  memo.set(key, out);
  return out;
}

/** Ring flows r → r+1 over all N ranks. */
export const RING_STEP: Step = { name: "ring", pairs: (n) => Array.from({ length: n }, (_, r) => [r, (r + 1) % n]) };

/** Halving-doubling exchange at distance d: r ↔ r xor d (ranks whose partner exists). */
export function xorStep(d: number): Step {
  return {
    name: `xor${d}`,
    pairs: (n) => {
      const out: [number, number][] = [];
      for (let r = 0; r < n; r++) if ((r ^ d) < n) out.push([r, r ^ d]);
      return out;
    },
  };
}

/**
 * NCCL's double binary tree: an in-order binary tree over ranks (the parent of r is r ± its lowest
 * set bit, whichever has the next bit set) and its mirror (rank r at n−1−r). Both trees' child →
 * parent flows run at once (pipelined); the step's load is theirs plus the reverse (broadcast).
 */
export const TREE_STEP: Step = {
  name: "dbtree",
  pairs: (n) => {
    const out: [number, number][] = [];
    const parent = (r: number): number => {
      const low = r & -r;
      const up = (r - low) & (2 * low) ? r - low : r + low;
      return up < n ? up : r - low;
    };
    for (let r = 1; r < n; r++) {
      const p = parent(r);
      out.push([r, p], [p, r], [n - 1 - r, n - 1 - p], [n - 1 - p, n - 1 - r]);
    }
    return out;
  },
};

/** Rings among ranks g·j + i (j = 0…n/g−1), one per local index i: the inter-group phase of hierarchical. */
export function groupRingStep(g: number): Step {
  return {
    name: `group${g}`,
    pairs: (n) => {
      const groups = Math.ceil(n / g);
      const out: [number, number][] = [];
      for (let i = 0; i < g; i++) {
        const members: number[] = [];
        for (let j = 0; j < groups; j++) if (j * g + i < n) members.push(j * g + i);
        if (members.length > 1) members.forEach((r, m) => out.push([r, members[(m + 1) % members.length]!]));
      }
      return out;
    },
  };
}

/** Rings within groups of g consecutive ranks (the intra-ToR phase of hierarchical). */
export function localRingStep(g: number): Step {
  return {
    name: `local${g}`,
    pairs: (n) => {
      const out: [number, number][] = [];
      for (let start = 0; start < n; start += g) {
        const size = Math.min(g, n - start);
        for (let m = 0; size > 1 && m < size; m++) out.push([start + m, start + ((m + 1) % size)]);
      }
      return out;
    },
  };
}
