// Electrical fat-tree baseline (structure from ffsim-opera's fat_tree_topology / os_fattree, the
// simulator TopoOpt uses; seed-systems.md §1.3, §2.3). A 3-tier k-ary fat-tree of k³/4 hosts, every
// link at the server's B, ToR uplinks at B/o (oversubscription o), 500 ns per link. The collective
// is NCCL-style ring all-reduce over the job's ranks [derived]:
//   T = 2(N−1)·(α + hops·h_link + (M/N)/B · s) + (N−1)/N·M·γ
// where s ≥ 1 is the slowdown of the slowest ring flow. Each flow is hashed once onto an ECMP path
// (per-connection hashing, so collisions last the whole all-reduce); a link shared by c flows gives
// each c⁻¹ of its capacity; s = max over flows of B / (its bottleneck rate). s is averaged over
// `placementTrials` seeded placements and hash draws.
import { createRng } from "../../math/rng.ts";
import { placeRanks } from "./placement.ts";
import { serverBandwidth, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

/** The smallest even k ≥ radix whose fat-tree holds n hosts. */
export function fatTreeK(n: number, radix: number): number {
  let k = Math.max(2, radix + (radix % 2));
  while ((k * k * k) / 4 < n) k += 2;
  return k;
}

export interface FatTreeFlows {
  /** Mean over trials of the slowest flow's slowdown s. */
  slowdown: number;
  /** Mean over trials of the largest link hop count of a ring flow. */
  hops: number;
  /** Share of ring flows that leave their ToR. */
  offRack: number;
}

const memo = new Map<string, FatTreeFlows>();

/** ECMP ring flows of one job on the fat-tree (deterministic in the seed). */
export function fatTreeFlows(
  n: number,
  k: number,
  oversubscription: number,
  placement: "random" | "ordered",
  trials: number,
  seed: number,
): FatTreeFlows {
  const key = `${n}/${k}/${oversubscription}/${placement}/${trials}/${seed}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const half = k / 2;
  const hostsPerPod = half * half;
  const hosts = (k * k * k) / 4;
  const runs = placement === "ordered" ? 1 : trials;
  let slow = 0;
  let hopSum = 0;
  let off = 0;
  for (let t = 0; t < runs; t++) {
    const rng = createRng(seed + 7919 * t);
    const at = placeRanks(n, hosts, placement, seed + t);
    // Directed link loads, keyed by name; capacities relative to B.
    const load = new Map<string, number>();
    const paths: { links: string[]; hops: number }[] = [];
    for (let r = 0; r < n; r++) {
      const a = at[r]!;
      const b = at[(r + 1) % n]!;
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
      }
      for (const l of links) load.set(l, (load.get(l) ?? 0) + 1);
      paths.push({ links, hops: links.length });
      if (torA !== torB) off++;
    }
    let worst = 1;
    let worstHops = 0;
    for (const f of paths) {
      for (const l of f.links) {
        const capacity = l.startsWith("t") ? 1 / oversubscription : 1;
        worst = Math.max(worst, load.get(l)! / capacity);
      }
      worstHops = Math.max(worstHops, f.hops);
    }
    slow += worst;
    hopSum += worstHops;
  }
  const out = { slowdown: slow / runs, hops: hopSum / runs, offRack: off / (runs * n) };
  memo.set(key, out);
  return out;
}

export function fatTreeModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const k = fatTreeK(n, p.fatTreeRadix);
  const f = fatTreeFlows(n, k, p.fatTreeOversubscription, p.placement, p.placementTrials, p.seed);
  const steps = 2 * (n - 1);
  return finish(
    "fat-tree",
    "electrical-endpoint",
    true,
    p.messageBytes,
    n,
    {
      latency_s: steps * (p.stepLatency + f.hops * p.fatTreeLinkLatency),
      transfer_s: steps * ((p.messageBytes / n / serverBandwidth(p)) * f.slowdown),
      reduce_s: ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte,
    },
    {
      radix: k,
      oversubscription: p.fatTreeOversubscription,
      placement: p.placement,
      ecmp_slowdown: round3(f.slowdown),
      off_rack_flows: round3(f.offRack),
      steps,
    },
  );
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
