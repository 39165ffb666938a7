// Gradient aggregators for the data-parallel emulation. Each maps the N workers' fp32
// gradients to the one gradient every worker applies. Both reuse the executed data paths:
//   ring:    the executed ring all-reduce in fp32 (system/ring/ring-allreduce.ts)
//   optinc:  the OptINC data path (system/datapath.ts): block quantization → offset-binary
//            b-bit codes → PAM-L digits → an injected digit aggregator (golden function, or a
//            simulated circuit) → optional injected errors in output steps → dequantization
import type { Encoding, Levels, Rounding } from "../../dsl/spec.ts";
import { optincAllReduce } from "../datapath.ts";
import type { Aggregate, AggregateMany } from "../../aggregate/aggregator.ts";
import { goldenAggregate } from "../ring/allreduce-run.ts";
import { ringAllReduce } from "../ring/ring-allreduce.ts";
import { toInjectedErrors, type ErrorModel } from "./error-model.ts";

export type GradientAggregator = (grads: Float32Array[]) => Float32Array;

export interface OptincFormat {
  workers: number;
  precision: number;
  levels: Levels;
  encoding: Encoding;
  rounding: Rounding;
  /** Elements sharing one scale in block quantization. */
  blockSize: number;
}

/** The executed ring all-reduce (reduce-scatter + all-gather, fp32), averaged. */
export const ringAverage: GradientAggregator = (grads) => ringAllReduce(grads, { average: true }).outputs[0]!;

export interface OptincAggregatorOptions {
  format: OptincFormat;
  /** Digits of N workers → output digits; default: the golden quantized average. */
  aggregate?: Aggregate;
  /** Batched form, e.g. a compiled circuit's simulator. */
  aggregateMany?: AggregateMany;
  /** Injected output errors; omitted = error-free. */
  errors?: ErrorModel;
  /** Seed of the error stream; advanced per step so every step draws fresh errors. */
  seed?: number;
}

export function optincAggregator(opts: OptincAggregatorOptions): GradientAggregator {
  const f = opts.format;
  const aggregate = opts.aggregateMany ? undefined : (opts.aggregate ?? goldenAggregate(f.workers, f.precision, f.levels, f.rounding));
  let step = 0;
  return (grads) => {
    if (grads.length !== f.workers) throw new RangeError(`expected ${f.workers} workers, got ${grads.length}`);
    const errors = opts.errors ? toInjectedErrors(opts.errors, ((opts.seed ?? 0) * 1_000_003 + step) >>> 0) : undefined;
    step++;
    return optincAllReduce(grads, {
      precision: f.precision,
      levels: f.levels,
      encoding: f.encoding,
      rounding: f.rounding,
      blockSize: f.blockSize,
      aggregate,
      aggregateMany: opts.aggregateMany,
      errors,
    }).output;
  };
}
