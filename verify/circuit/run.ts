// Functional verification of an emitted circuit: push every case of the (reduced) input space
// through the netlist simulator, decode the detector's digits to the output value, and compare
// it with the golden quantized average computed from the worker values. With non-idealities,
// K seeded Monte-Carlo trials give the yield (trials at exact match ≥ min-exact) and the worst case.
import { fromDigits } from "../../aggregate/wire-codec.ts";
import type { Rounding } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { compileCircuit, type CompiledCircuit } from "../../netlist/sim/simulate.ts";
import { isIdeal, type Technology } from "../../dsl/technology.ts";
import type { Die } from "../../netlist/die/die.ts";
import { createRng } from "../../math/rng.ts";
import { buildCases, type CaseSet, type SourceFormat } from "./cases.ts";
import { decodeFitted, fitReceiver, simulateFields, type DetectorSettings, type ReceiverMode } from "./receiver.ts";
import { simulateCases, type TrialJob } from "./trial.ts";
import { runTrials } from "./trial-pool.ts";
import { yieldInterval } from "../tolerance/statistics.ts";
import { flatFunctionMismatch, referenceCodes, unitRole } from "./reference.ts";
import { circuitFormat } from "./shape.ts";
import { CircuitShapeError, type UnitSpec } from "../../aggregate/circuit-info.ts";

export interface VerifyOptions {
  nonIdealities: Partial<Technology>;
  trials: number;
  seed: number;
  minExact: number;
  minYield: number;
  /** Largest number of cases simulated per trial. */
  maxCases: number;
  rounding: Rounding;
  /** Digit-sum preprocessing: verify over the digit-sum space. */
  preprocess: boolean;
  /**
   * A cascade unit's function (aggregate/unit.ts UnitFunction): output code =
   * R((Σ v_i − N·inputOffset) / divisor) + outputOffset. Omitted = the flat golden average.
   */
  unit?: UnitSpec;
  /**
   * The receiver of every Monte-Carlo trial (receiver.ts): "fitted" (per output, gain and offset
   * fitted on the known verification patterns, then detector noise) or "thresholds" (the default).
   */
  receiver?: ReceiverMode;
  /** Threads for the Monte-Carlo trials (default: the core count); results do not depend on it. */
  jobs?: number;
  /**
   * One measured (or drawn) die instead of ideal components and Monte-Carlo trials: the circuit is
   * simulated once with exactly its errors.
   */
  measured?: MeasuredDie;
}

export interface MeasuredDie {
  die: Die;
  /** DAC the programmed phases are snapped to (the die's, unless overridden). */
  dacBits: number | null;
  /** "fitted": each output's gain and offset fitted to the golden levels on the known patterns; "thresholds": the detector's own. */
  receiver: ReceiverMode;
}

export interface ErrorBin {
  steps: number;
  count: number;
}

export interface CaseStats {
  cases: number;
  exact: number;
  exactFraction: number;
  /** Decoded output value − golden value, in quantization steps; sorted by steps. */
  histogram: ErrorBin[];
  maxAbsError: number;
}

export interface TrialStats {
  count: number;
  seed: number;
  nonIdealities: Partial<Technology>;
  /** The receiver was fitted (receiver "fitted"). The JSON name of verify --json, kept for one version (CHANGELOG.md). */
  calibrated: boolean;
  exactPerTrial: number[];
  passing: number;
  yield: number;
  worstExact: number;
  /** Over all trials together. */
  histogram: ErrorBin[];
  maxAbsError: number;
}

export interface VerifyResult {
  name: string;
  /** Set when the run simulated one measured die (then `nominal` is that die's run). */
  measured: { die: string; dacBits: number | null; receiver: "thresholds" | "fitted"; detectorNoise: number } | null;
  source: SourceFormat;
  precision: number;
  rounding: Rounding;
  caseSet: Omit<CaseSet, "digits">;
  nominal: CaseStats;
  trials: TrialStats | null;
  thresholds: { minExact: number; minYield: number };
  failures: string[];
  pass: boolean;
}

function statsFrom(errors: Map<number, number>, cases: number): CaseStats {
  const exact = errors.get(0) ?? 0;
  const histogram = [...errors.entries()].map(([steps, count]) => ({ steps, count })).sort((a, b) => a.steps - b.steps);
  const maxAbsError = histogram.reduce((m, b) => Math.max(m, Math.abs(b.steps)), 0);
  return { cases, exact, exactFraction: cases ? exact / cases : 0, histogram, maxAbsError };
}

export function verifyCircuit(circuit: Circuit, opts: VerifyOptions): VerifyResult {
  const { source: f0, outputDigits, detector } = circuitFormat(circuit);
  const f: SourceFormat = opts.unit?.carryIn ? { ...f0, carryIn: opts.unit.carryIn } : f0;
  if (opts.unit?.weights && opts.unit.weights.length !== f.digits)
    throw new CircuitShapeError(`info unit_weights lists ${opts.unit.weights.length} weights for ${f.digits} input positions`);
  if (!opts.unit && outputDigits !== f.digits)
    throw new CircuitShapeError(
      `the detector reads ${outputDigits} digits but each worker sends ${f.digits} (a cascade unit needs unit_* entries in the circuit info)`,
    );
  const precision = Math.round(f.digits * Math.log2(f.levels));
  const set = buildCases(f, { preprocess: opts.preprocess, maxCases: opts.maxCases, seed: opts.seed });
  const width = f.workers * f.digits;
  // The spec's own definition on worker codes (reference.ts), never the trained unit function.
  const role = unitRole(circuit.info, opts.unit);
  const golden = referenceCodes(set, f, role, opts.unit, outputDigits, opts.rounding);
  const m = opts.measured;
  const detectorNoise = m ? (opts.nonIdealities.detectorNoise ?? 0) : 0;
  const ideal = m
    ? compileCircuit(circuit, { die: m.die, dacBits: m.dacBits, detectorNoise, seed: opts.seed })
    : compileCircuit(circuit, { seed: opts.seed });
  if (ideal.inputWidth !== width)
    throw new CircuitShapeError(`the circuit has ${ideal.inputWidth} input ports, expected workers × digits = ${width}`);
  const nominalErrors = new Map<number, number>();
  if (m?.receiver === "fitted") decodeFittedToGolden(ideal, set, golden, f, detector, detectorNoise, opts.seed, nominalErrors);
  else simulateCases(ideal, set, golden, f, nominalErrors);
  const nominal = statsFrom(nominalErrors, set.cases);

  let trials: TrialStats | null = null;
  if (!m && !isIdeal(opts.nonIdealities, { detector: "include" }) && opts.trials > 0) {
    const all = new Map<number, number>();
    const idealRe = opts.receiver === "fitted" ? simulateFields(ideal, set, f).re : null;
    const job: TrialJob = { circuit, set, golden, f, detector, nonIdealities: opts.nonIdealities, seed: opts.seed, idealRe };
    const outcomes = runTrials(job, opts.trials, opts.jobs);
    const exactPerTrial = outcomes.map((o) => o.exact / set.cases);
    for (const o of outcomes) for (const [e, c] of o.errors) all.set(e, (all.get(e) ?? 0) + c);
    const passing = exactPerTrial.filter((e) => e >= opts.minExact).length;
    const s = statsFrom(all, set.cases * opts.trials);
    trials = {
      count: opts.trials,
      seed: opts.seed,
      nonIdealities: opts.nonIdealities,
      calibrated: opts.receiver === "fitted",
      exactPerTrial,
      passing,
      yield: passing / opts.trials,
      worstExact: Math.min(...exactPerTrial),
      histogram: s.histogram,
      maxAbsError: s.maxAbsError,
    };
  }

  const failures: string[] = [];
  const mismatch = role === "flat" ? flatFunctionMismatch(opts.unit, f, outputDigits, precision) : null;
  if (mismatch) failures.push(mismatch);
  const p = (x: number) => `${(100 * x).toFixed(2)}%`;
  if (nominal.exactFraction < opts.minExact)
    failures.push(
      `exact match ${p(nominal.exactFraction)} ${m ? `on die "${m.die.id}"` : "with ideal components"} is below --min-exact ${p(opts.minExact)}`,
    );
  if (trials && trials.yield < opts.minYield)
    failures.push(
      `yield ${p(trials.yield)} (${trials.passing}/${trials.count} trials at exact match ≥ ${p(opts.minExact)}, 95% CI ${yieldInterval(trials.passing, trials.count)}) is below --min-yield ${p(opts.minYield)}`,
    );
  const { digits: _omit, ...caseSet } = set;
  void _omit;
  const measured = m ? { die: m.die.id, dacBits: m.dacBits, receiver: m.receiver, detectorNoise } : null;
  return {
    name: circuit.name,
    measured,
    source: f,
    precision,
    rounding: opts.rounding,
    caseSet,
    nominal,
    trials,
    thresholds: { minExact: opts.minExact, minYield: opts.minYield },
    failures,
    pass: failures.length === 0,
  };
}

/**
 * A receiver trained on the known patterns of one die: per output, the least-squares gain and offset
 * that map the measured field onto the level of the golden digit, then (optional) detector noise and
 * the detector's threshold rule.
 */
function decodeFittedToGolden(
  sim: CompiledCircuit,
  set: CaseSet,
  golden: Int32Array,
  f: SourceFormat,
  det: DetectorSettings,
  sigma: number,
  seed: number,
  into: Map<number, number>,
): void {
  const measured = simulateFields(sim, set, f);
  const w = measured.width;
  const target = new Float64Array(set.cases * w);
  for (let c = 0; c < set.cases; c++) {
    let code = golden[c]!;
    for (let k = 0; k < w; k++) {
      const d = code % det.levels;
      code = Math.floor(code / det.levels);
      target[c * w + k] = d * det.step[k]! + det.offset[k]!;
    }
  }
  const rx = fitReceiver(measured.re, target, set.cases, w);
  const digits = decodeFitted(measured.re, rx, det, sigma, createRng(seed * 1000003 + 2), set.cases, w);
  for (let c = 0; c < set.cases; c++) {
    const e = fromDigits(digits, f.levels, c * w, w) - golden[c]!;
    into.set(e, (into.get(e) ?? 0) + 1);
  }
}
