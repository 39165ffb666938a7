// Electrical fat-tree baseline (structure from ffsim-opera's fat_tree_topology / os_fattree, the
// simulator TopoOpt uses; seed-systems.md §1.3, §2.3): a 3-tier k-ary fat-tree of k³/4 hosts,
// every link at the server's electrical B_e, ToR uplinks at B_e/o, 500 ns per link. The job runs
// one of NCCL's all-reduce algorithms over its ranks, each charged the ECMP collisions of its own
// flows (fat-tree-flows.ts) [derived]; "best" (the default) takes the fastest, as NCCL's tuner
// would, and the notes keep every algorithm's time (ring is what the seed papers compare against):
//   ring              2(N−1)·(α + hops·h + (M/N)/B_e·s_ring) + (N−1)/N·M·γ
//   halving-doubling  Σ_i 2·(α + hops_i·h + M/2^(i+1)/B_e·s_i) + (N−1)/N·M·γ   (partner at N/2^(i+1))
//   double-binary-tree 2⌈lg N⌉(α + hops·h + M_c/B_e·s) + 2M/B_e·s + M·γ
//   hierarchical      ring inside each ToR (g = k/2 ranks) on M, ring across ToRs on M/g, ring back:
//                     2(g−1)(α + h·hops_l + (M/g)/B_e·s_l) + 2(G−1)(α + h·hops_G + M/(gG)/B_e·s_G) + γ terms
import {
  fatTreeK,
  groupRingStep,
  localRingStep,
  RING_STEP,
  stepFlows,
  TREE_STEP,
  xorStep,
  type FlowSetting,
  type Step,
} from "./fat-tree-flows.ts";
import { ceilLog, electricalBandwidth, FAT_TREE_ALGORITHMS, type FatTreeAlgorithm, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

export { fatTreeK } from "./fat-tree-flows.ts";

type Terms = ModelResult["terms"];
const total = (t: Terms): number => t.latency_s + t.transfer_s + t.reduce_s;

function setting(p: ModelInputs): FlowSetting {
  return {
    n: p.workers,
    k: fatTreeK(p.workers, p.fatTreeRadix),
    oversubscription: p.fatTreeOversubscription,
    placement: p.placement,
    trials: p.placementTrials,
    seed: p.seed,
  };
}

/** The ECMP ring flows of the job (kept for the seed tests and the notes). */
export function fatTreeFlows(
  n: number,
  k: number,
  oversubscription: number,
  placement: "random" | "ordered",
  trials: number,
  seed: number,
) {
  return stepFlows({ n, k, oversubscription, placement, trials, seed }, RING_STEP);
}

/** One algorithm's terms on the fat-tree. */
export function fatTreeTerms(p: ModelInputs, algorithm: FatTreeAlgorithm): Terms {
  const s = setting(p);
  const n = p.workers;
  const m = p.messageBytes;
  const b = electricalBandwidth(p);
  const gamma = p.reduceSecondsPerByte;
  const at = (step: Step) => stepFlows(s, step);
  const hop = (hops: number) => p.stepLatency + hops * p.fatTreeLinkLatency;
  switch (algorithm) {
    case "ring": {
      const f = at(RING_STEP);
      const steps = 2 * (n - 1);
      return { latency_s: steps * hop(f.hops), transfer_s: steps * ((m / n / b) * f.slowdown), reduce_s: ((n - 1) / n) * m * gamma };
    }
    case "halving-doubling": {
      const lg = ceilLog(n, 2);
      let latency = 0;
      let transfer = 0;
      for (let i = 0; i < lg; i++) {
        const f = at(xorStep(2 ** (lg - 1 - i)));
        latency += 2 * hop(f.hops);
        transfer += 2 * (m / 2 ** (i + 1) / b) * f.slowdown;
      }
      return { latency_s: latency, transfer_s: transfer, reduce_s: ((n - 1) / n) * m * gamma };
    }
    case "double-binary-tree": {
      const f = at(TREE_STEP);
      const depth = ceilLog(n, 2);
      const chunk = Math.min(p.treeChunkBytes, m / 2);
      return {
        latency_s: 2 * depth * (hop(f.hops) + (chunk / b) * f.slowdown),
        transfer_s: ((n > 2 ? 2 * m : m) / b) * f.slowdown,
        reduce_s: m * gamma,
      };
    }
    case "hierarchical": {
      const g = Math.min(n, s.k / 2);
      const groups = Math.ceil(n / g);
      const local = at(localRingStep(g));
      const across = at(groupRingStep(g));
      return {
        latency_s: 2 * (g - 1) * hop(local.hops) + 2 * (groups - 1) * hop(across.hops),
        transfer_s: 2 * (g - 1) * (m / g / b) * local.slowdown + 2 * (groups - 1) * (m / (g * groups) / b) * across.slowdown,
        reduce_s: ((g - 1) / g) * m * gamma + ((groups - 1) / groups) * (m / g) * gamma,
      };
    }
  }
}

export function fatTreeModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const s = setting(p);
  const all = Object.fromEntries(FAT_TREE_ALGORITHMS.map((a) => [a, fatTreeTerms(p, a)])) as Record<FatTreeAlgorithm, Terms>;
  const algorithm =
    p.fatTreeAlgorithm === "best" ? FAT_TREE_ALGORITHMS.reduce((a, b) => (total(all[b]) < total(all[a]) ? b : a)) : p.fatTreeAlgorithm;
  const ring = stepFlows(s, RING_STEP);
  return finish("fat-tree", "electrical-endpoint", true, p.messageBytes, n, all[algorithm], {
    radix: s.k,
    oversubscription: p.fatTreeOversubscription,
    placement: p.placement,
    algorithm,
    ring_s: total(all.ring),
    halving_doubling_s: total(all["halving-doubling"]),
    double_binary_tree_s: total(all["double-binary-tree"]),
    hierarchical_s: total(all.hierarchical),
    ecmp_slowdown: round3(ring.slowdown),
    off_rack_flows: round3(ring.offRack),
    steps: algorithm === "ring" ? 2 * (n - 1) : algorithm === "hierarchical" ? hierarchicalSteps(n, s.k / 2) : 2 * ceilLog(n, 2),
    // Ring, halving-doubling and hierarchical move 2(N−1)/N·M per rank (the hierarchical ring's two
    // stages within 2 %); the double binary tree 2M. Switch passes: the longest ring flow's links
    // less one (an upper figure for the mean flow).
    bytes_per_worker: algorithm === "double-binary-tree" && n > 2 ? 2 * p.messageBytes : ((2 * (n - 1)) / n) * p.messageBytes,
    switch_passes: round3(Math.max(1, ring.hops - 1)),
  });
}

function hierarchicalSteps(n: number, perTor: number): number {
  const g = Math.min(n, perTor);
  return 2 * (g - 1) + 2 * (Math.ceil(n / g) - 1);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
