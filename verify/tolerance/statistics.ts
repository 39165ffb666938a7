// How yields and tolerances are stated (docs/design/robustness.md §1.4).
// A yield is k/n with its exact 95 % (Clopper–Pearson) interval. A tolerance at yield Y from n dies
// is the smallest critical level among them (order statistic, rank 1): it lies below the true
// Y-yield level with confidence 1 − Y^n, which reaches 95 % at Y = 99 % only from 299 dies. Every
// tolerance printed carries that confidence unless it reaches the target confidence.
import { clopperPearson, drawsForConfidence, oneSidedBounds } from "../../math/binomial.ts";

/** The confidence every interval and bound is stated at. */
export const STATED_CONFIDENCE = 0.95;

/** "99%", "98.8%": a share as statistics print it (one decimal, none when it is .0). */
export const percent = (x: number): string => `${pct1(x)}%`;

const pct1 = (x: number): string => {
  const s = (100 * x).toFixed(1);
  return s.endsWith(".0") ? s.slice(0, -2) : s;
};

/** "100/100 chips exact (95% CI 96.4–100%)": the count, then its exact interval. */
export function yieldText(passing: number, trials: number, noun = "chips exact"): string {
  if (trials === 0) return `0/0 ${noun} (no trials)`;
  const i = clopperPearson(passing, trials, STATED_CONFIDENCE);
  return `${passing}/${trials} ${noun} (${pct1(STATED_CONFIDENCE)}% CI ${pct1(i.lower)}–${pct1(i.upper)}%)`;
}

/** The same interval as a phrase for tables: "96.4–100%". */
export function yieldInterval(passing: number, trials: number): string {
  const i = clopperPearson(passing, trials, STATED_CONFIDENCE);
  return `${pct1(i.lower)}–${pct1(i.upper)}%`;
}

export interface ToleranceConfidence {
  dies: number;
  /** Confidence that the printed level (the rank-`rank` critical level) is at or below the true level at the target yield. */
  confidence: number;
  rank: number;
  /** Dies that would give the stated confidence with rank 1. */
  diesNeeded: number;
  /** Whether `confidence` reaches STATED_CONFIDENCE. */
  reached: boolean;
}

export function toleranceConfidence(
  lowerBound: { rank: number; confidence: number },
  dies: number,
  yieldTarget: number,
): ToleranceConfidence {
  return {
    dies,
    confidence: lowerBound.confidence,
    rank: lowerBound.rank,
    diesNeeded: drawsForConfidence(1 - yieldTarget, STATED_CONFIDENCE),
    reached: lowerBound.confidence >= STATED_CONFIDENCE - 1e-12,
  };
}

/**
 * "at 99% yield with 95% confidence (299 dies)" or, short of that,
 * "at 99% yield, only 18% confidence (20 dies; 299 give 95%)".
 */
export function tolerancePhrase(c: ToleranceConfidence, yieldTarget: number): string {
  const y = `${pct1(yieldTarget)}% yield`;
  if (c.reached) return `at ${y} with ${pct1(STATED_CONFIDENCE)}% confidence (${c.dies} dies)`;
  return `at ${y}, only ${pct1(c.confidence)}% confidence (${c.dies} dies; ${c.diesNeeded} give ${pct1(STATED_CONFIDENCE)}%)`;
}

export type TargetVerdict = "met" | "missed" | "not shown";

export interface TargetCheck {
  verdict: TargetVerdict;
  /** One-sided bounds on the yield at the target's confidence. */
  lower: number;
  upper: number;
  /** Chips that, all exact, would show the target (⌈ln(1 − c) / ln(y)⌉). */
  chipsToShow: number;
}

/**
 * A yield target (spec `technology { yield  target_confidence }`) against k of n chips exact: met when
 * the one-sided lower bound at the confidence reaches the target, missed when the upper bound falls
 * below it, otherwise not shown by this many chips.
 */
export function checkTarget(passing: number, trials: number, target: { yield: number; confidence: number }): TargetCheck {
  const b = oneSidedBounds(passing, trials, target.confidence);
  const verdict: TargetVerdict = b.lower >= target.yield ? "met" : b.upper < target.yield ? "missed" : "not shown";
  return { verdict, lower: b.lower, upper: b.upper, chipsToShow: drawsForConfidence(1 - target.yield, target.confidence) };
}

/** "target 99% yield at 95% confidence: not shown (100/100 chips exact: yield ≥ 97% at 95%; 299 of 299 would show it)". */
export function targetText(passing: number, trials: number, target: { yield: number; confidence: number }): string {
  const c = checkTarget(passing, trials, target);
  const head = `target ${pct1(target.yield)}% yield at ${pct1(target.confidence)}% confidence`;
  const conf = `${pct1(target.confidence)}%`;
  if (c.verdict === "met") return `${head}: met (${passing}/${trials} chips exact: yield ≥ ${pct1(c.lower)}% at ${conf})`;
  if (c.verdict === "missed") return `${head}: MISSED (${passing}/${trials} chips exact: yield ≤ ${pct1(c.upper)}% at ${conf})`;
  return `${head}: not shown by ${trials} chips (${passing}/${trials} exact: yield ≥ ${pct1(c.lower)}% at ${conf}; ${c.chipsToShow} of ${c.chipsToShow} exact would show it)`;
}
