// Data-parallel training emulation: N workers, each with its own shard of real MNIST digits,
// compute gradients on identical model replicas; an aggregator combines them and every
// replica applies the same SGD step. Runs share the seed, the data order and the initial
// weights, so the only difference between them is the aggregator.
import { evaluate, initParams, lossAndGradient, parameterCount, type MlpShape } from "./mnist-mlp.ts";
import { loadMnist, type Dataset } from "./mnist-data.ts";
import { createRng, shuffleInPlace, type Rng } from "../../math/rng.ts";
import { exactAverage } from "../ring/ring-allreduce.ts";
import type { GradientAggregator } from "./aggregators.ts";

export interface EmulationConfig {
  workers: number;
  hidden: number;
  batchPerWorker: number;
  steps: number;
  learningRate: number;
  /** Evaluate on the test set every this many steps (and at the end). */
  evalEvery: number;
  trainPerDigit: number;
  testPerDigit: number;
  seed: number;
}

export interface CurvePoint {
  step: number;
  /** Mean worker minibatch loss over the steps since the previous point. */
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}

export interface RunResult {
  name: string;
  curve: CurvePoint[];
  finalAccuracy: number;
  finalLoss: number;
  /** Mean over steps of ‖aggregate − exact average (float64)‖ / ‖exact‖; fp32 rounding only for the ring. */
  meanRelativeGradientError: number;
}

export interface NamedAggregator {
  name: string;
  /** Built per run so stateful aggregators (error streams) restart identically. */
  make: () => GradientAggregator;
}

/** Each worker draws minibatches from its shard, reshuffling per pass, with its own seeded stream. */
class ShardSampler {
  private order: Int32Array;
  private at = 0;
  constructor(
    shard: Int32Array,
    private readonly rng: Rng,
  ) {
    this.order = shard.slice();
    shuffleInPlace(this.order, rng);
  }
  next(count: number): Int32Array {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      if (this.at === this.order.length) {
        shuffleInPlace(this.order, this.rng);
        this.at = 0;
      }
      out[i] = this.order[this.at++]!;
    }
    return out;
  }
}

export function checkConfig(c: EmulationConfig): void {
  const ints: Array<keyof EmulationConfig> = ["workers", "hidden", "batchPerWorker", "steps", "evalEvery", "trainPerDigit", "testPerDigit"];
  for (const k of ints) {
    if (!Number.isInteger(c[k]) || (c[k] as number) < 1) throw new RangeError(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (!(c.learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${c.learningRate}`);
  if (c.trainPerDigit * 10 < c.workers) throw new RangeError(`need at least one training sample per worker`);
}

export function runOne(config: EmulationConfig, data: { train: Dataset; test: Dataset }, agg: NamedAggregator): RunResult {
  const shape: MlpShape = { hidden: config.hidden };
  const params = initParams(shape, createRng(config.seed));
  const samplers: ShardSampler[] = [];
  for (let w = 0; w < config.workers; w++) {
    const rows: number[] = [];
    for (let i = w; i < data.train.n; i += config.workers) rows.push(i);
    samplers.push(new ShardSampler(Int32Array.from(rows), createRng(config.seed * 7919 + w + 1)));
  }
  const grads = Array.from({ length: config.workers }, () => new Float32Array(parameterCount(shape)));
  const aggregate = agg.make();
  const curve: CurvePoint[] = [];
  let lossSum = 0;
  let lossCount = 0;
  let relErrSum = 0;
  for (let step = 1; step <= config.steps; step++) {
    for (let w = 0; w < config.workers; w++) {
      lossSum += lossAndGradient(params, shape, data.train, samplers[w]!.next(config.batchPerWorker), grads[w]!);
      lossCount++;
    }
    const g = aggregate(grads);
    const exact = exactAverage(grads);
    let num = 0;
    let den = 0;
    for (let i = 0; i < params.length; i++) {
      const d = g[i]! - exact[i]!;
      num += d * d;
      den += exact[i]! * exact[i]!;
      params[i] -= config.learningRate * g[i]!;
    }
    relErrSum += den > 0 ? Math.sqrt(num / den) : 0;
    if (step % config.evalEvery === 0 || step === config.steps) {
      const ev = evaluate(params, shape, data.test);
      curve.push({ step, trainLoss: lossSum / lossCount, testLoss: ev.loss, testAccuracy: ev.accuracy });
      lossSum = 0;
      lossCount = 0;
    }
  }
  const last = curve[curve.length - 1]!;
  return {
    name: agg.name,
    curve,
    finalAccuracy: last.testAccuracy,
    finalLoss: last.testLoss,
    meanRelativeGradientError: relErrSum / config.steps,
  };
}

/** Run every aggregator on the same data, seed and initial weights. */
export function emulate(config: EmulationConfig, aggregators: NamedAggregator[]): RunResult[] {
  checkConfig(config);
  const data = loadMnist(config.trainPerDigit, config.testPerDigit, config.seed);
  return aggregators.map((a) => runOne(config, data, a));
}
