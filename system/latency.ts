// Per-iteration latency breakdown (compute vs communication), normalised to the ring all-reduce
// iteration, as in the paper's Fig. 7b. Assumptions (each overridable):
// - no compute/communication overlap by default (T_iter = T_compute + T_comm); `overlap` ∈ [0, 1]
//   hides that fraction of the communication behind compute;
// - compute time = FLOPs per step / (peak × efficiency) from the workload (paper: 60 TFLOP/s × 0.6);
// - every all-reduce of the fp32 gradient uses the cost models of system/models with the spec's
//   link (paper: 8 × 800 Gb/s per server, α = 2.7 µs per step);
// - OptINC also pays the block-scale agreement: a max-all-reduce of one fp32 per block, by
//   recursive doubling (⌈lg N⌉ steps: the best endpoint algorithm for such small messages).
import { PRESETS } from "../dsl/presets.ts";
import type { Spec, WorkloadSpec } from "../dsl/spec.ts";
import { recursiveDoublingModel } from "./models/electrical.ts";
import { compareModels } from "./models/index.ts";
import { modelInputs, type ModelInputs } from "./models/params.ts";

export interface LatencyRow {
  label: string;
  /** Bits per gradient element this row moves (the baselines' baselineBits, OptINC's bits). */
  bits: number;
  /** Cost-model name ("ring", the best electrical baseline's name, "optinc"). */
  model: string;
  /** Seconds. */
  compute: number;
  comm: number;
  total: number;
  /** total / ring total. */
  normalized: number;
}

export interface LatencyBreakdown {
  workload: string;
  workers: number;
  gradientBytes: number;
  rows: LatencyRow[];
  /** Every input used, for the report's assumptions table. */
  assumptions: Record<string, number | string>;
}

export interface LatencyOptions extends Partial<Omit<ModelInputs, "workers" | "messageBytes">> {
  /** Fraction of the communication hidden behind compute, 0..1 (default 0). */
  overlap?: number;
  /** Elements per quantization block (one fp32 scale each). Default 256. */
  blockSize?: number;
  /** Charge OptINC the block-scale agreement as an electrical max-all-reduce (default true). */
  scaleSync?: boolean;
  /** Baseline precisions shown beside fp32, bits (default [16]: bf16; 8 is fp8). */
  lowerPrecisions?: number[];
}

const PRECISION: Record<number, string> = { 32: "fp32", 16: "bf16", 8: "fp8" };
const precision = (bits: number): string => PRECISION[bits] ?? `${bits}-bit`;

function resolve(source: Spec | WorkloadSpec | string): { workload: WorkloadSpec; link: Partial<ModelInputs> } {
  if (typeof source === "object" && "gradientBytes" in source) return { workload: source, link: {} };
  if (typeof source === "string") {
    const w = PRESETS[source];
    if (!w) throw new Error(`unknown workload preset "${source}"; known: ${Object.keys(PRESETS).sort().join(", ")}`);
    return { workload: w, link: {} };
  }
  return {
    workload: source.workload,
    link: {
      transceiverBps: source.link.bandwidth,
      transceivers: source.link.transceivers,
      stepLatency: source.link.stepLatency,
      fiberLength: source.link.fiberLength,
      bits: source.precision,
      ...(source.cascade ? { radix: source.cascade.radix } : {}),
    },
  };
}

/** Latency breakdown for a spec, a workload or a workload preset name, at N workers. */
export function latencyBreakdown(source: Spec | WorkloadSpec | string, workers: number, opts: LatencyOptions = {}): LatencyBreakdown {
  const { workload, link } = resolve(source);
  const { overlap = 0, blockSize = 256, scaleSync: syncScales = true, lowerPrecisions = [16], ...overrides } = opts;
  if (!(overlap >= 0 && overlap <= 1)) throw new Error(`overlap must be in [0, 1], got ${overlap}`);
  const p = modelInputs({ workers, messageBytes: workload.gradientBytes, ...link, ...overrides });
  const cmp = compareModels(p);
  const time = (name: string) => cmp.models.find((m) => m.name === name)!.time_s;
  const scaleSync = !syncScales
    ? 0
    : recursiveDoublingModel({ ...p, messageBytes: 4 * Math.ceil(workload.gradientBytes / 4 / blockSize), reduceSecondsPerByte: 0 }).time_s;
  const compute = workload.computeTime;
  const exposed = (comm: number) => comm * (1 - overlap);
  const ringTotal = compute + exposed(time("ring"));
  const row = (label: string, model: string, comm: number, bits = p.baselineBits): LatencyRow => ({
    label,
    bits,
    model,
    compute,
    comm: exposed(comm),
    total: compute + exposed(comm),
    normalized: (compute + exposed(comm)) / ringTotal,
  });
  const tag = precision(p.baselineBits);
  const rows = [row(`ring all-reduce (${tag})`, "ring", time("ring"))];
  if (cmp.bestElectrical !== "ring")
    rows.push(row(`best electrical: ${cmp.bestElectrical} (${tag})`, cmp.bestElectrical, time(cmp.bestElectrical)));
  for (const bits of lowerPrecisions.filter((b) => b !== p.baselineBits)) {
    const low = compareModels({ ...p, baselineBits: bits });
    const t = (name: string) => low.models.find((m) => m.name === name)!.time_s;
    rows.push(row(`ring all-reduce (${precision(bits)})`, "ring", t("ring"), bits));
    if (low.bestElectrical !== "ring")
      rows.push(row(`best electrical: ${low.bestElectrical} (${precision(bits)})`, low.bestElectrical, t(low.bestElectrical), bits));
  }
  rows.push(row(`OptINC (${p.bits}-bit)`, "optinc", time("optinc") + scaleSync, p.bits));
  return {
    workload: workload.preset ?? "custom",
    workers,
    gradientBytes: workload.gradientBytes,
    rows,
    assumptions: {
      computeTime: compute,
      flopsPerStep: workload.flopsPerStep ?? "given",
      peakFlops: workload.peakFlops,
      efficiency: workload.efficiency,
      serverBandwidth: (p.transceivers * p.transceiverBps) / 8,
      stepLatency: p.stepLatency,
      hopLatency: p.hopLatency,
      reduceSecondsPerByte: p.reduceSecondsPerByte,
      bits: p.bits,
      blockSize,
      scaleSync,
      overlap,
    },
  };
}

/**
 * The compute time per iteration at which OptINC's normalised latency equals `target` (closed form:
 * (C + c_o)/(C + c_r) = t ⇒ C = (t·c_r − c_o)/(1 − t)); null when the target is out of reach.
 */
export function computeTimeForTarget(
  source: Spec | WorkloadSpec | string,
  workers: number,
  target: number,
  opts: LatencyOptions = {},
): number | null {
  const rows = latencyBreakdown(source, workers, opts).rows;
  const ring = rows[0]!.comm;
  const optinc = rows[rows.length - 1]!.comm;
  const c = (target * ring - optinc) / (1 - target);
  return c > 0 ? c : null;
}

/**
 * The server bandwidth B (bytes/s) at which OptINC's normalised latency would equal `target`,
 * other inputs fixed (bisection on log B; the normalised latency rises monotonically with B).
 * Returns null when no bandwidth in [1 MB/s, 1 PB/s] reaches the target.
 */
export function bandwidthForTarget(
  source: Spec | WorkloadSpec | string,
  workers: number,
  target: number,
  opts: LatencyOptions = {},
): number | null {
  const at = (bytesPerSecond: number) => {
    const rows = latencyBreakdown(source, workers, { ...opts, transceivers: 1, transceiverBps: bytesPerSecond * 8 }).rows;
    return rows[rows.length - 1]!.normalized;
  };
  let lo = Math.log(1e6);
  let hi = Math.log(1e15);
  if (at(Math.exp(lo)) > target || at(Math.exp(hi)) < target) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (at(Math.exp(mid)) < target) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** The breakdown over several worker counts (for the report's sweep). */
export function latencySweep(source: Spec | WorkloadSpec | string, workers: number[], opts: LatencyOptions = {}): LatencyBreakdown[] {
  return workers.map((n) => latencyBreakdown(source, n, opts));
}
