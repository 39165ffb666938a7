// Injected aggregator errors, in quantization steps of the decoded output value.
// The default distribution follows the paper's Table II, where ±1-step errors are ~90% of all
// errors; the remaining mass (not recovered from the paper) is put on ±2 and ±4 steps.
import type { InjectedErrors } from "../datapath.ts";

export interface ErrorModel {
  /** Probability that one output value is wrong. */
  rate: number;
  /** Error magnitudes in steps and their probabilities (sum 1); the sign is ± with equal odds. */
  magnitudes: Array<{ steps: number; probability: number }>;
}

export const TABLE_II_MAGNITUDES: ErrorModel["magnitudes"] = [
  { steps: 1, probability: 0.9 },
  { steps: 2, probability: 0.07 },
  { steps: 4, probability: 0.03 },
];

export function tableIIErrors(rate: number): ErrorModel {
  return { rate, magnitudes: TABLE_II_MAGNITUDES };
}

export function checkErrorModel(m: ErrorModel): void {
  if (!(m.rate >= 0 && m.rate <= 1)) throw new RangeError(`error rate must be in [0, 1], got ${m.rate}`);
  const total = m.magnitudes.reduce((a, e) => a + e.probability, 0);
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`error magnitude probabilities must sum to 1, got ${total}`);
  for (const e of m.magnitudes) {
    if (!Number.isInteger(e.steps) || e.steps < 1) throw new RangeError(`error magnitude must be a positive integer, got ${e.steps}`);
  }
}

/** The data path's signed-step form: each magnitude split evenly between + and −. */
export function toInjectedErrors(m: ErrorModel, seed: number): InjectedErrors {
  checkErrorModel(m);
  return {
    rate: m.rate,
    distribution: m.magnitudes.flatMap((e) => [
      { steps: -e.steps, weight: e.probability / 2 },
      { steps: e.steps, weight: e.probability / 2 },
    ]),
    seed,
  };
}
