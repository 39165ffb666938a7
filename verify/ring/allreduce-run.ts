// One `optinc allreduce` run per worker count: execute the ring and the OptINC data path on real
// arrays, and evaluate every cost model at the full message size. Pure: returns plain data.
import { goldenDigits } from "../../aggregate/golden.ts";
import type { Encoding, Levels, Rounding } from "../../dsl/spec.ts";
import { compareModels } from "../models/index.ts";
import { optincBytesPerWorker } from "../models/optinc.ts";
import { modelInputs, type ModelInputs } from "../models/params.ts";
import { latencyBreakdown, type LatencyBreakdown } from "../latency.ts";
import { optincAllReduce, type Aggregate, type AggregateMany, type InjectedErrors } from "../optinc-datapath.ts";
import { qmax } from "../quantize.ts";
import { ringClosedForm } from "./chunks.ts";
import { syntheticGradients } from "./gradients.ts";
import { exactAverage, maxAbsError, ringAllReduce } from "./ring-allreduce.ts";

export interface AllreduceRunOptions {
  workers: number;
  /** Full message size M, bytes of fp32 gradient. */
  messageBytes: number;
  /** Largest element count actually executed (the counts scale exactly to M). */
  execElements: number;
  bits: number;
  levels: Levels;
  encoding: Encoding;
  rounding: Rounding;
  blockSize: number;
  seed: number;
  errors?: InjectedErrors;
  link: Partial<Omit<ModelInputs, "workers" | "messageBytes">>;
  /** Workload preset for the latency breakdown (optional). */
  workload?: string;
}

export interface ModelJson {
  time_s: number;
  algbw_Bps: number;
  busbw_Bps?: number;
  derived: boolean;
}

export interface AllreduceRun {
  workers: number;
  message_bytes: number;
  executed: { elements: number; scaled: boolean };
  ring: { steps: number; messages_per_worker: number; bytes_sent_per_worker: number; max_abs_error: number };
  optinc: {
    bits: number;
    bytes_sent_per_worker: number;
    scale_bytes_per_worker: number;
    max_abs_error: number;
    max_error_steps: number;
    injected_errors: number;
    /** Elements whose output level differs from the golden quantized average (circuit errors + injected). */
    mismatched_elements: number;
  };
  /** Ring bytes / OptINC bytes per worker at equal (fp32) precision: 2(N−1)/N. */
  volume_ratio: number;
  /** Ring fp32 bytes / OptINC b-bit bytes per worker. */
  volume_ratio_at_bits: number;
  models: Record<string, ModelJson>;
  best_electrical: string;
  speedup_vs_ring: number;
  speedup_vs_best_electrical: number;
  /** The same speed-ups with OptINC carrying fp32 (no quantization gain): isolates the INC gain. */
  equal_precision: { speedup_vs_ring: number; speedup_vs_best_electrical: number };
  latency?: LatencyBreakdown;
}

const EXEC_BUDGET_VALUES = 1 << 22;

/** The golden function as an `Aggregate` (digits of offset-binary wire codes). */
export function goldenAggregate(workers: number, bits: number, levels: Levels, rounding: Rounding): Aggregate {
  const d = bits / Math.log2(levels);
  const codes = new Int32Array(workers);
  return (digits) => {
    for (let w = 0; w < workers; w++) {
      let c = 0;
      for (let k = d - 1; k >= 0; k--) c = c * levels + digits[w * d + k]!;
      codes[w] = c;
    }
    return goldenDigits(codes, { precision: bits, levels, rounding });
  };
}

/** `aggregateMany` (e.g. a simulated netlist) replaces the golden function when given. */
export function runAllreduce(o: AllreduceRunOptions, aggregateMany?: AggregateMany): AllreduceRun {
  const n = o.workers;
  const full = Math.floor(o.messageBytes / 4);
  // Memory guard: at most 2^22 values over all workers (16 MiB per copy), whatever N is.
  const cap = Math.min(o.execElements, Math.max(n, Math.floor(EXEC_BUDGET_VALUES / n)));
  const scaled = full > cap;
  const elements = scaled ? Math.max(n, Math.floor(cap / n) * n) : full;
  const grads = syntheticGradients(n, elements, o.seed + n);
  const exact = exactAverage(grads);

  const ring = ringAllReduce(grads);
  const ringErr = Math.max(...ring.outputs.map((out) => maxAbsError(out, exact)));
  // Full-size bytes: the executed counts when nothing was scaled, else the closed form at M
  // (the tests prove executed counts equal the closed form).
  const ringBytes = scaled
    ? 4 * Math.max(...ringClosedForm(full, n).elementsSentPerWorker)
    : Math.max(...ring.perWorker.map((w) => w.bytesSent));

  const opt = optincAllReduce(grads, {
    bits: o.bits,
    levels: o.levels,
    encoding: o.encoding,
    rounding: o.rounding,
    blockSize: o.blockSize,
    ...(aggregateMany ? { aggregateMany } : { aggregate: goldenAggregate(n, o.bits, o.levels, o.rounding) }),
    ...(o.errors ? { errors: o.errors } : {}),
  });
  // The golden quantized average on the same arrays: the reference for exact-match counting.
  const golden =
    aggregateMany || o.errors
      ? optincAllReduce(grads, { bits: o.bits, levels: o.levels, encoding: o.encoding, rounding: o.rounding, blockSize: o.blockSize, aggregate: goldenAggregate(n, o.bits, o.levels, o.rounding) }).levels
      : opt.levels;
  let mismatched = 0;
  for (let i = 0; i < elements; i++) if (golden[i] !== opt.levels[i]) mismatched++;
  let optErr = 0;
  let optSteps = 0;
  for (let i = 0; i < elements; i++) {
    const e = Math.abs(opt.output[i]! - exact[i]!);
    optErr = Math.max(optErr, e);
    const step = opt.scales[Math.floor(i / o.blockSize)]! / qmax(o.bits);
    if (step > 0) optSteps = Math.max(optSteps, e / step);
  }
  const fullBlocks = Math.ceil(full / o.blockSize);

  const cmp = compareModels(modelInputs({ ...o.link, workers: n, messageBytes: o.messageBytes, bits: o.bits }));
  const cmp32 = compareModels(modelInputs({ ...o.link, workers: n, messageBytes: o.messageBytes, bits: 32 }));
  const models: Record<string, ModelJson> = {};
  for (const m of cmp.models) {
    models[m.name] = { time_s: m.time_s, algbw_Bps: m.algbw_Bps, ...(m.busbw_Bps !== undefined ? { busbw_Bps: m.busbw_Bps } : {}), derived: m.derived };
  }
  const optincBytes = scaled ? optincBytesPerWorker(4 * full, o.bits) : opt.bytesSentPerWorker;
  const run: AllreduceRun = {
    workers: n,
    message_bytes: o.messageBytes,
    executed: { elements, scaled },
    ring: { steps: ring.steps, messages_per_worker: ring.perWorker[0]!.messagesSent, bytes_sent_per_worker: ringBytes, max_abs_error: ringErr },
    optinc: {
      bits: o.bits,
      bytes_sent_per_worker: optincBytes,
      scale_bytes_per_worker: scaled ? 4 * fullBlocks : opt.scaleBytesPerWorker,
      max_abs_error: optErr,
      max_error_steps: optSteps,
      injected_errors: opt.injected,
      mismatched_elements: mismatched,
    },
    volume_ratio: ringBytes / optincBytesPerWorker(4 * full, 32),
    volume_ratio_at_bits: ringBytes / optincBytes,
    models,
    best_electrical: cmp.bestElectrical,
    speedup_vs_ring: cmp.speedupVsRing,
    speedup_vs_best_electrical: cmp.speedupVsBestElectrical,
    equal_precision: { speedup_vs_ring: cmp32.speedupVsRing, speedup_vs_best_electrical: cmp32.speedupVsBestElectrical },
  };
  if (o.workload) run.latency = latencyBreakdown(o.workload, n, { ...o.link, bits: o.bits, blockSize: o.blockSize });
  return run;
}
