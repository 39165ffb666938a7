// Electrical all-reduce baselines: α–β–γ models (Thakur, Rabenseifner & Gropp 2005; Patarasuk &
// Yuan 2009; NCCL double binary tree) and a SHARP-like switch aggregation tree (§3.1, §4, §5.2).
// Every server injects at B_e = electricalBps, by default the optical rate (the same ports OptINC uses).
import { ceilLog, electricalBandwidth, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

/** 2(N−1)(α + h) + 2(N−1)/N · M/B + (N−1)/N · M·γ. */
export function ringModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const b = electricalBandwidth(p);
  const steps = 2 * (n - 1);
  return finish(
    "ring",
    "electrical-endpoint",
    false,
    p.messageBytes,
    n,
    {
      latency_s: steps * (p.stepLatency + p.hopLatency),
      transfer_s: ((2 * (n - 1)) / n) * (p.messageBytes / b),
      reduce_s: ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte,
    },
    { steps, bytes_per_worker: ((2 * (n - 1)) / n) * p.messageBytes },
  );
}

/** ⌈lg N⌉(α + h) + ⌈lg N⌉ · M/B + ⌈lg N⌉ · M·γ (the whole vector every step). */
export function recursiveDoublingModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const lg = ceilLog(n, 2);
  return finish(
    "recursive-doubling",
    "electrical-endpoint",
    false,
    p.messageBytes,
    n,
    {
      latency_s: lg * (p.stepLatency + p.hopLatency),
      transfer_s: (lg * p.messageBytes) / electricalBandwidth(p),
      reduce_s: lg * p.messageBytes * p.reduceSecondsPerByte,
    },
    { steps: lg, bytes_per_worker: lg * p.messageBytes },
  );
}

/** Recursive-halving reduce-scatter + recursive-doubling all-gather: 2⌈lg N⌉(α + h) + 2(N−1)/N·M/B + (N−1)/N·M·γ. */
export function rabenseifnerModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const lg = ceilLog(n, 2);
  return finish(
    "rabenseifner",
    "electrical-endpoint",
    false,
    p.messageBytes,
    n,
    {
      latency_s: 2 * lg * (p.stepLatency + p.hopLatency),
      transfer_s: ((2 * (n - 1)) / n) * (p.messageBytes / electricalBandwidth(p)),
      reduce_s: ((n - 1) / n) * p.messageBytes * p.reduceSecondsPerByte,
    },
    { steps: 2 * lg, bytes_per_worker: ((2 * (n - 1)) / n) * p.messageBytes },
  );
}

/**
 * Pipelined double binary tree (Sanders, Speck & Träff 2009; NCCL ≥ 2.4). Each tree carries M/2;
 * every rank is interior in one tree (receives 2 halves, sends 1 up, then 1 in, 2 down) and a leaf
 * in the other, so it sends 2M in total (M when N = 2: no interior ranks). Filling the pipeline
 * costs 2⌈lg N⌉ chunk hops: T = 2⌈lg N⌉(α + h + M_c/B) + S/B + (reduce of M at interior ranks).
 */
export function doubleBinaryTreeModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const b = electricalBandwidth(p);
  const depth = ceilLog(n, 2);
  const chunk = Math.min(p.treeChunkBytes, p.messageBytes / 2);
  const sent = n > 2 ? 2 * p.messageBytes : n === 2 ? p.messageBytes : 0;
  return finish(
    "double-binary-tree",
    "electrical-endpoint",
    false,
    p.messageBytes,
    n,
    {
      latency_s: 2 * depth * (p.stepLatency + p.hopLatency + chunk / b),
      transfer_s: sent / b,
      reduce_s: n > 1 ? p.messageBytes * p.reduceSecondsPerByte : 0,
    },
    { steps: 2 * depth, bytes_per_worker: sent, chunk_bytes: chunk },
  );
}

/**
 * SHARP-like switch aggregation: each rank streams M up a tree of switches of radix r and gets
 * the result streamed back: α + 2·depth·h + M/B, depth = ⌈log_r N⌉ (§5.2). No endpoint reduction.
 */
export function sharpModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const depth = Math.max(1, ceilLog(n, p.switchRadix));
  return finish(
    "sharp",
    "electrical-in-network",
    false,
    p.messageBytes,
    n,
    {
      latency_s: p.stepLatency + 2 * depth * p.hopLatency,
      transfer_s: p.messageBytes / electricalBandwidth(p),
      reduce_s: 0,
    },
    { steps: 1, switch_depth: depth, bytes_per_worker: p.messageBytes },
  );
}
