// One `optinc allreduce` run per worker count: execute the ring and the OptINC data path on real
// arrays, and evaluate every cost model at the full message size. Pure: returns plain data.
import { goldenDigits } from "../../aggregate/golden.ts";
import { digitCount, fromDigits } from "../../aggregate/wire-codec.ts";
import type { Encoding, Levels, Rounding } from "../../dsl/spec.ts";
import { compareModels } from "../models/index.ts";
import { optincBytesPerWorker } from "../models/optinc.ts";
import { modelInputs, type ModelInputs } from "../models/params.ts";
import { latencyBreakdown, type LatencyBreakdown } from "../latency.ts";
import type { WorkloadSpec } from "../../dsl/spec.ts";
import { optincAllReduce, type InjectedErrors } from "../datapath.ts";
import type { Aggregate, AggregateMany } from "../../aggregate/aggregator.ts";
import { qmax } from "../block-quantize.ts";
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
  /** Workload (a preset name or a user's own) for the latency breakdown (optional). */
  workload?: string | WorkloadSpec;
  /** Cost models to compare (default DEFAULT_MODELS; ring and optinc always). */
  models?: readonly string[];
}

export interface ModelJson {
  time: number;
  algbw: number;
  busbw?: number;
  /** Energy of the all-reduce over every rank, J, and its terms (system/models/energy.ts). */
  energy: number;
  energyTerms: { links: number; switching: number; aggregator: number };
  derived: boolean;
}

export interface AllreduceRun {
  workers: number;
  messageBytes: number;
  executed: { elements: number; scaled: boolean };
  ring: { steps: number; messagesPerWorker: number; bytesSentPerWorker: number; maxAbsError: number };
  optinc: {
    bits: number;
    bytesSentPerWorker: number;
    scaleBytesPerWorker: number;
    maxAbsError: number;
    maxErrorSteps: number;
    injectedErrors: number;
    /** Elements whose output level differs from the golden quantized average (circuit errors + injected). */
    mismatchedElements: number;
  };
  /** Ring bytes / OptINC bytes per worker at equal (fp32) precision: 2(N−1)/N. */
  volumeRatio: number;
  /** Ring fp32 bytes / OptINC b-bit bytes per worker. */
  volumeRatioAtBits: number;
  models: Record<string, ModelJson>;
  bestElectrical: string;
  speedupVsRing: number;
  speedupVsBestElectrical: number;
  /** The same speed-ups with OptINC carrying fp32 (no quantization gain): isolates the INC gain. */
  equalPrecision: { speedupVsRing: number; speedupVsBestElectrical: number };
  latency?: LatencyBreakdown;
}

const EXEC_BUDGET_VALUES = 1 << 22;

/** The golden function as an `Aggregate` (digits of offset-binary wire codes). */
export function goldenAggregate(workers: number, bits: number, levels: Levels, rounding: Rounding): Aggregate {
  const d = digitCount({ precision: bits, levels });
  const codes = new Int32Array(workers);
  return (digits) => {
    for (let w = 0; w < workers; w++) codes[w] = fromDigits(digits, levels, w * d, d);
    return goldenDigits(codes, { precision: bits, levels, rounding });
  };
}

/**
 * Elements actually executed per worker: the whole message when it fits the budget, else whole
 * rounds of N within it (at least N). Memory guard: at most 2^22 values over all workers (16 MiB
 * per copy), whatever N is.
 */
export function executedElements(workers: number, fullElements: number, execElements: number): { elements: number; scaled: boolean } {
  const cap = Math.min(execElements, Math.max(workers, Math.floor(EXEC_BUDGET_VALUES / workers)));
  const scaled = fullElements > cap;
  return { elements: scaled ? Math.max(workers, Math.floor(cap / workers) * workers) : fullElements, scaled };
}

/** `aggregateMany` (e.g. a simulated netlist) replaces the golden function when given. */
export function runAllreduce(o: AllreduceRunOptions, aggregateMany?: AggregateMany): AllreduceRun {
  const n = o.workers;
  const full = Math.floor(o.messageBytes / 4);
  const { elements, scaled } = executedElements(n, full, o.execElements);
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
    precision: o.bits,
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
      ? optincAllReduce(grads, {
          precision: o.bits,
          levels: o.levels,
          encoding: o.encoding,
          rounding: o.rounding,
          blockSize: o.blockSize,
          aggregate: goldenAggregate(n, o.bits, o.levels, o.rounding),
        }).levels
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

  const cmp = compareModels(modelInputs({ ...o.link, workers: n, messageBytes: o.messageBytes, bits: o.bits }), o.models);
  const cmp32 = compareModels(modelInputs({ ...o.link, workers: n, messageBytes: o.messageBytes, bits: 32 }), o.models);
  const models: Record<string, ModelJson> = {};
  for (const m of cmp.models) {
    models[m.name] = {
      time: m.time_s,
      algbw: m.algbw_Bps,
      ...(m.busbw_Bps !== undefined ? { busbw: m.busbw_Bps } : {}),
      energy: m.energy.joules,
      energyTerms: { links: m.energy.terms.links_J, switching: m.energy.terms.switching_J, aggregator: m.energy.terms.aggregator_J },
      derived: m.derived,
    };
  }
  const optincBytes = scaled ? optincBytesPerWorker(4 * full, o.bits) : opt.bytesSentPerWorker;
  const run: AllreduceRun = {
    workers: n,
    messageBytes: o.messageBytes,
    executed: { elements, scaled },
    ring: { steps: ring.steps, messagesPerWorker: ring.perWorker[0]!.messagesSent, bytesSentPerWorker: ringBytes, maxAbsError: ringErr },
    optinc: {
      bits: o.bits,
      bytesSentPerWorker: optincBytes,
      scaleBytesPerWorker: scaled ? 4 * fullBlocks : opt.scaleBytesPerWorker,
      maxAbsError: optErr,
      maxErrorSteps: optSteps,
      injectedErrors: opt.injected,
      mismatchedElements: mismatched,
    },
    volumeRatio: ringBytes / optincBytesPerWorker(4 * full, 32),
    volumeRatioAtBits: ringBytes / optincBytes,
    models,
    bestElectrical: cmp.bestElectrical,
    speedupVsRing: cmp.speedupVsRing,
    speedupVsBestElectrical: cmp.speedupVsBestElectrical,
    equalPrecision: { speedupVsRing: cmp32.speedupVsRing, speedupVsBestElectrical: cmp32.speedupVsBestElectrical },
  };
  if (o.workload) run.latency = latencyBreakdown(o.workload, n, { ...o.link, bits: o.bits, blockSize: o.blockSize });
  return run;
}
