// Per-iteration time of data-parallel training with bucketed overlap of backward compute and
// gradient all-reduce, as PyTorch DDP does it [derived model of the framework's behaviour]:
// - gradients are bucketed in reverse layer order (the order backward produces them); the first
//   bucket is capped at 1 MiB, the others at 25 MiB (DDP's _DEFAULT_FIRST_BUCKET_BYTES and
//   bucket_cap_mb = 25); a bucket closes once it reaches its cap;
// - a bucket is ready when backward has finished its last layer; buckets are all-reduced one at a
//   time, in order, each as soon as it is ready and the previous one is done;
// - forward takes 1/3 of the compute time and backward 2/3, spread over layers in proportion to
//   their forward FLOPs;
// - T_iter = max(end of backward, end of the last all-reduce). A workload without a layer list is
//   one bucket, ready when compute ends: T_iter = compute + T_allreduce(M) (no overlap).
import { vgg19Layers, type LayerShape } from "../dsl/presets.ts";
import type { WorkloadSpec } from "../dsl/spec.ts";

export const FIRST_BUCKET_BYTES = 1024 * 1024;
export const BUCKET_BYTES = 25 * 1024 * 1024;

/** Layers of the presets that have them (forward order). */
export function workloadLayers(preset: string | null): LayerShape[] | null {
  return preset === "vgg19" ? vgg19Layers() : null;
}

export interface Bucket {
  bytes: number;
  /** Seconds after the iteration starts. */
  ready: number;
}

/** The gradient buckets of one iteration and when each is ready (fp32 gradients). */
export function gradientBuckets(
  workload: WorkloadSpec,
  layers: LayerShape[] | null,
  firstCap = FIRST_BUCKET_BYTES,
  cap = BUCKET_BYTES,
): Bucket[] {
  const compute = workload.computeTime;
  if (!layers) return [{ bytes: workload.gradientBytes, ready: compute }];
  const forward = compute / 3;
  const totalFlops = layers.reduce((a, l) => a + l.forwardFlops, 0);
  const buckets: Bucket[] = [];
  let t = forward;
  let bytes = 0;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    t += ((2 * compute) / 3) * (l.forwardFlops / totalFlops);
    bytes += 4 * l.parameters;
    if (bytes >= (buckets.length === 0 ? firstCap : cap) || i === 0) {
      buckets.push({ bytes, ready: t });
      bytes = 0;
    }
  }
  return buckets;
}

export interface IterationTime {
  compute: number;
  /** T_iter, seconds. */
  time: number;
  /** Communication not hidden behind backward: time − compute. */
  exposed: number;
  /** Sum of the buckets' all-reduce times. */
  comm: number;
  buckets: number;
}

/** One iteration, given the all-reduce time of a message of `bytes`. */
export function iterationTime(buckets: Bucket[], compute: number, allreduce: (bytes: number) => number): IterationTime {
  let end = 0;
  let comm = 0;
  for (const b of buckets) {
    const t = allreduce(b.bytes);
    comm += t;
    end = Math.max(end, b.ready) + t;
  }
  const time = Math.max(compute, end);
  return { compute, time, exposed: time - compute, comm, buckets: buckets.length };
}
