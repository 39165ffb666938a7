// Tolerance at 99 % yield, per axis, by Monte-Carlo over dies: each trial's critical level by the
// search of trial.ts, then yield(level) = share of trials whose critical level is ≥ level, and its
// 1 % quantile with an order-statistics confidence bound (quantile.ts). Axes without randomness
// (loss per MZI, DAC bits, a technology with neither couplers, phases nor detector noise) are one
// deterministic evaluation: their yield is 0 or 1.
import type { ReceiverMode } from "../circuit/receiver.ts";
import { DAC_RANGE, type AxisDef } from "./axes.ts";
import { noiseCriticalSigma, noiseSigmaAt, type DecisionSet } from "./decisions.ts";
import type { Design } from "./design.ts";
import { toleranceQuantile, type Quantile } from "./quantile.ts";
import { smallestPassing } from "./search.ts";
import { baseMargins, evaluateCopy, noiseDraws, trialCritical, type TrialSearch } from "./trial.ts";

export interface MonteCarloAxis {
  /** Trials run (1 for a deterministic axis). */
  trials: number;
  deterministic: boolean;
  /** Per trial: largest level found exact, and smallest found failing (Infinity: none up to the range's end). */
  critical: number[];
  failing: number[];
  /** Tolerance at 99 % yield and its lower confidence bound. */
  quantile: Quantile;
  /** Chip evaluations spent (each simulates the copies in turn up to the first failing one). */
  evaluations: number;
}

export interface MonteCarloOptions extends TrialSearch {
  trials: number;
  yieldTarget: number;
  confidence: number;
}

function summarize(
  brackets: { lo: number; hi: number; evaluations: number }[],
  deterministic: boolean,
  o: MonteCarloOptions,
): MonteCarloAxis {
  const critical = brackets.map((b) => b.lo);
  return {
    trials: brackets.length,
    deterministic,
    critical,
    failing: brackets.map((b) => b.hi),
    quantile: toleranceQuantile(critical, o.yieldTarget, o.confidence),
    evaluations: brackets.reduce((a, b) => a + b.evaluations, 0),
  };
}

/**
 * A continuous axis (coupler imbalance, phase error, loss, a technology scaled). `start`: the first
 * level each trial probes; a level in the linear regime (the certified level) lets the margins'
 * extrapolation land the next probe next to the root. Without one, trial 0 starts at the axis
 * default and every later trial at trial 0's critical level: trials 1… are then independent of
 * each other (and of the order they run in) given trial 0.
 */
export function monteCarloAxis(design: Design, axis: AxisDef, o: MonteCarloOptions, start?: number): MonteCarloAxis {
  const base = baseMargins(design, axis, o.receiver);
  const trials = axis.random ? o.trials : 1;
  const first = trialCritical(design, axis, base, 0, o, start ?? axis.start);
  const later = start ?? (first.lo > axis.min ? first.lo : axis.start);
  const brackets = [first, ...Array.from({ length: trials - 1 }, (_, t) => trialCritical(design, axis, base, t + 1, o, later))];
  const s = summarize(brackets, !axis.random, o);
  if (axis.point(0).dacBits) s.evaluations += design.units.length;
  return s;
}

/** The smallest DAC resolution at which every unit is exact (deterministic: no die), searched from a guess. */
export function monteCarloDac(
  design: Design,
  receiver: ReceiverMode,
  guess: number = DAC_RANGE.max,
): { bits: number | null; evaluations: number } {
  return smallestPassing(
    (bits) => design.units.every((u) => evaluateCopy(u, null, null, { levels: {}, dacBits: bits, detectorNoise: 0 }, receiver).exact),
    DAC_RANGE.min,
    DAC_RANGE.max,
    guess,
  );
}

export interface DetectorNoiseResult extends MonteCarloAxis {
  /** The exact 99 %-yield sigma from the decision margins (no sampling). */
  analytic: number;
  /** Decisions per chip (every case × output × copy × unit). */
  decisions: number;
}

/**
 * Detector noise alone: each decision gets its own draw, so a trial is one pass over every case
 * with fresh noise, and its critical sigma is closed-form from the ideal margins (decisions.ts).
 */
export function monteCarloDetector(design: Design, o: MonteCarloOptions): DetectorNoiseResult {
  // A receiver fitted on the ideal fields against themselves is the identity (gain 1 and offset 0
  // exactly: receiver.ts forms both sums from the same numbers), so either mode decides on idealRe.
  const perUnit: DecisionSet[] = design.units.map((u) => ({
    u: u.idealRe.map((v, i) => (v - u.detector.offset[i % u.width]!) / u.detector.step[i % u.width]!),
    digits: u.reference,
    levels: u.detector.levels,
  }));
  const sets = design.units.flatMap((u, ui) => Array.from({ length: u.instances }, () => perUnit[ui]!));
  const exact = design.units.every((u) => u.exact);
  const brackets = Array.from({ length: o.trials }, (_, t) => {
    let crit = exact ? Infinity : 0;
    design.units.forEach((u, ui) => {
      for (let c = 0; c < u.instances && crit > 0; c++)
        crit = Math.min(crit, noiseCriticalSigma(perUnit[ui]!, noiseDraws(u, design.seed, c, t)));
    });
    return { lo: crit, hi: crit, evaluations: 0 };
  });
  return {
    ...summarize(brackets, false, o),
    analytic: exact ? noiseSigmaAt(sets, o.yieldTarget) : 0,
    decisions: sets.reduce((a, s) => a + s.u.length, 0),
  };
}
