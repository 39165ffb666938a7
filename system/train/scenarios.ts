// The standard comparison: ring all-reduce in fp32 vs OptINC (ideal) vs OptINC with injected
// errors, plus the short (laptop, seconds) and long presets.
import type { Encoding, Levels, Rounding } from "../../dsl/spec.ts";
import type { Aggregate, AggregateMany } from "../../aggregate/aggregator.ts";
import { optincAggregator, ringAverage, type GradientAggregator, type OptincFormat } from "./aggregators.ts";
import { emulate, type EmulationConfig, type NamedAggregator, type RunResult } from "./emulate.ts";
import { checkErrorModel, tableIIErrors, type ErrorModel } from "./error-model.ts";

export interface TrainingScenario extends EmulationConfig {
  precision: number;
  levels: Levels;
  encoding: Encoding;
  rounding: Rounding;
  blockSize: number;
  errors: ErrorModel;
}

const COMMON = {
  precision: 8,
  levels: 4 as Levels,
  encoding: "offset-binary" as Encoding,
  rounding: "nearest-even" as Rounding,
  blockSize: 256,
  seed: 1,
  learningRate: 0.1,
};

export const SHORT_SCENARIO: TrainingScenario = {
  ...COMMON,
  workers: 4,
  hidden: 32,
  batchPerWorker: 16,
  steps: 150,
  evalEvery: 25,
  trainPerDigit: 400,
  testPerDigit: 100,
  errors: tableIIErrors(0.01),
};

export const LONG_SCENARIO: TrainingScenario = {
  ...COMMON,
  workers: 4,
  hidden: 64,
  batchPerWorker: 32,
  steps: 3000,
  evalEvery: 150,
  trainPerDigit: 700,
  testPerDigit: 150,
  errors: tableIIErrors(0.01),
};

export interface ScenarioResult {
  scenario: TrainingScenario;
  runs: RunResult[];
  /** OptINC minus ring, final test accuracy (fraction) and loss. */
  deltas: Array<{ name: string; accuracy: number; loss: number }>;
}

export interface AggregatorOverrides {
  /** Replaces the executed ring all-reduce as the reference. */
  exact?: GradientAggregator;
  /** The OptINC digit aggregator (default: the golden quantized average), e.g. a simulated circuit. */
  aggregate?: Aggregate;
  aggregateMany?: AggregateMany;
}

export function scenarioAggregators(s: TrainingScenario, opts: AggregatorOverrides = {}): NamedAggregator[] {
  const format: OptincFormat = {
    workers: s.workers,
    precision: s.precision,
    levels: s.levels,
    encoding: s.encoding,
    rounding: s.rounding,
    blockSize: s.blockSize,
  };
  checkErrorModel(s.errors);
  const agg = { aggregate: opts.aggregate, aggregateMany: opts.aggregateMany };
  return [
    { name: "ring all-reduce (fp32)", make: () => opts.exact ?? ringAverage },
    { name: "OptINC (ideal)", make: () => optincAggregator({ format, ...agg }) },
    { name: `OptINC (errors ${s.errors.rate})`, make: () => optincAggregator({ format, ...agg, errors: s.errors, seed: s.seed + 101 }) },
  ];
}

export function runScenario(s: TrainingScenario, opts: AggregatorOverrides = {}): ScenarioResult {
  const runs = emulate(s, scenarioAggregators(s, opts));
  const base = runs[0]!;
  const deltas = runs
    .slice(1)
    .map((r) => ({ name: r.name, accuracy: r.finalAccuracy - base.finalAccuracy, loss: r.finalLoss - base.finalLoss }));
  return { scenario: s, runs, deltas };
}

export function formatScenario(r: ScenarioResult): string {
  const s = r.scenario;
  const lines = [
    `training emulation: MNIST MLP 784-${s.hidden}-10, ${s.workers} workers × batch ${s.batchPerWorker}, ${s.steps} steps, lr ${s.learningRate}, seed ${s.seed}`,
    `OptINC path: ${s.precision}-bit block quantization (block ${s.blockSize}), PAM-${s.levels}, rounding ${s.rounding}; injected error rate ${s.errors.rate} (±1 ${(100 * s.errors.magnitudes[0]!.probability).toFixed(0)}% of errors)`,
    `${"aggregator".padEnd(26)} ${"test acc".padStart(9)} ${"test loss".padStart(10)} ${"Δacc (pp)".padStart(10)} ${"Δloss".padStart(9)} ${"rel |Δg|".padStart(9)}`,
  ];
  r.runs.forEach((run, i) => {
    const d = i === 0 ? null : r.deltas[i - 1]!;
    lines.push(
      `${run.name.padEnd(26)} ${(100 * run.finalAccuracy).toFixed(2).padStart(8)}% ${run.finalLoss.toFixed(4).padStart(10)} ${(d ? (100 * d.accuracy).toFixed(2) : "—").padStart(10)} ${(d ? d.loss.toFixed(4) : "—").padStart(9)} ${run.meanRelativeGradientError.toExponential(2).padStart(9)}`,
    );
  });
  return lines.join("\n") + "\n";
}
