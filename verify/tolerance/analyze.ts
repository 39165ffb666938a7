// Tolerance analysis of a design: for each non-ideality alone and for a technology scaled as a
// whole, the Monte-Carlo tolerance at 99 % yield (monte-carlo.ts) and the certified tolerance
// (certify/). The result is plain data for the table, the JSON and report.json.
import { isIdeal, type Technology } from "../../dsl/technology.ts";
import type { ReceiverMode } from "../circuit/receiver.ts";
import { AXES, technologyAxis, type AxisName } from "./axes.ts";
import {
  certifiedLevel,
  certifyContext,
  CertifyUnsupported,
  coverageZ,
  axisFamily,
  technologyFamily,
  type CertifyContext,
} from "./certify/certify.ts";
import { minMargin, type DecisionSet } from "./decisions.ts";
import type { Design } from "./design.ts";
import { monteCarloAxis, monteCarloDac, monteCarloDetector, type MonteCarloAxis, type MonteCarloOptions } from "./monte-carlo.ts";
import type { Quantile } from "./quantile.ts";

export interface ToleranceOptions {
  seed: number;
  trials: number;
  /** The receiver as in verify (verify/circuit/receiver.ts); certification uses the same receiver. */
  receiver: ReceiverMode;
  /** The technology scaled jointly, and its name (a preset or "spec"). */
  technology: { name: string; levels: Technology };
  /** Relative width of every search bracket (default 0.02). */
  rtol?: number;
  /** Skip the certified bounds (Monte-Carlo only). */
  certify?: boolean;
  /** Skip them too when one bound pass costs more multiply-adds than this (default: no limit). */
  certifyBudget?: number;
  /** Analyse only these axes (default: all). */
  axes?: AxisName[];
  /**
   * The technology axis keeps the nominal MZI loss (axes.ts technologyAxis): closed-form cells,
   * whose biases are set for it. Default false: a trained network's loss scales with the rest.
   */
  fixedLoss?: boolean;
}

/** Monte-Carlo figures of one axis (levels in the axis unit; for the technology axis a scale factor). */
export interface MonteCarloSummary {
  trials: number;
  deterministic: boolean;
  /** Largest level with ≥ 99 % of trials exact (the 1 % quantile of the critical levels). */
  tolerance: number;
  /** The true 99 %-yield level is ≥ value with this confidence (order statistics). */
  lowerBound: Quantile["lowerBound"];
  /** Every trial's critical level (largest level found exact), in trial order. */
  critical: number[];
  evaluations: number;
}

export interface AxisReport {
  axis: AxisName;
  label: string;
  unit: string;
  /** The technology's own level on this axis (for "tolerates 0.4× the technology"). */
  technologyLevel: number | null;
  monteCarlo: MonteCarloSummary | null;
  /** DAC: smallest resolution that keeps every case exact (deterministic). */
  bits?: number | null;
  /** Detector noise: the exact 99 %-yield σ from the margins, and the number of decisions. */
  analytic?: number;
  decisions?: number;
  certified: CertifiedSummary | null;
}

export interface CertifiedSummary {
  /** Largest box half-width (or scale factor) proven exact for every die inside it. */
  level: number;
  /** Random models: the level at which the box covers the errors with probability ≥ 99 % (phase σ, detector σ). */
  sigma99?: number;
  /** The z of that coverage (union bound over the chip's elements). */
  z?: number;
  /** DAC: bits whose rounding box π/2^bits lies inside the certified phase box. */
  bits?: number | null;
  /** Detector noise: smallest ideal decision margin, in detector steps. */
  marginSteps?: number;
  evaluations: number;
}

export interface ToleranceResult {
  seed: number;
  trials: number;
  /** The receiver was fitted (receiver "fitted"). The JSON name (verify --json, report.json), kept for one version (CHANGELOG.md). */
  calibrated: boolean;
  yieldTarget: number;
  confidence: number;
  rtol: number;
  exact: boolean;
  units: { name: string; instances: number; cases: number; exact: boolean; certifyMethod: "first-order" | "interval" | null }[];
  technology: ToleranceTechnology;
  /** Phase shifters and detector decisions on the whole chip (every copy of every unit). */
  phaseShifters: number;
  decisions: number;
  /** Why certification was skipped, when it was. */
  certifyNote: string | null;
  axes: AxisReport[];
}

/**
 * The technology scaled, as written in verify --json and report.json (tolerance.technology): its
 * static levels keep the names of their axes (couplerImbalance = splitterImbalance, phaseError = phaseNoise).
 */
export interface ToleranceTechnology {
  name: string;
  couplerImbalance: number;
  phaseError: number;
  mziLossDb: number;
  dacBits: number | null;
  detectorNoise: number;
}

export const YIELD_TARGET = 0.99;
export const CONFIDENCE = 0.95;

function mcSummary(m: MonteCarloAxis): MonteCarloSummary {
  return {
    trials: m.trials,
    deterministic: m.deterministic,
    tolerance: m.quantile.estimate,
    lowerBound: m.quantile.lowerBound,
    critical: m.critical,
    evaluations: m.evaluations,
  };
}

export function analyzeTolerance(design: Design, o: ToleranceOptions): ToleranceResult {
  const rtol = o.rtol ?? 0.02;
  const mc: MonteCarloOptions = {
    trials: o.trials,
    rtol,
    maxEvaluations: 40,
    receiver: o.receiver,
    yieldTarget: YIELD_TARGET,
    confidence: CONFIDENCE,
  };
  const want = (a: AxisName) => !o.axes || o.axes.includes(a);
  const t = o.technology.levels;
  const exact = design.units.every((u) => u.exact);
  let cx: CertifyContext | null = null;
  let certifyNote: string | null = o.certify === false ? "not requested" : exact ? null : "not exact with ideal components";
  if (certifyNote === null) {
    try {
      cx = certifyContext(design, o.receiver);
      if (o.certifyBudget !== undefined && cx.cost > o.certifyBudget) {
        certifyNote = `one bound pass is ${cx.cost.toExponential(1)} multiply-adds, above this run's budget of ${o.certifyBudget.toExponential(1)}; optinc verify --tolerance computes it`;
        cx = null;
      }
    } catch (e) {
      if (!(e instanceof CertifyUnsupported)) throw e;
      certifyNote = e.message;
    }
  }
  const crange = { min: 1e-12, start: 1e-5 };
  const search = { rtol, maxEvaluations: 60 };
  const axes: AxisReport[] = [];
  let phaseCert: CertifiedSummary | null = null;
  let phaseTolerance = 0;
  for (const name of ["couplerImbalance", "phaseError", "mziLoss"] as const) {
    if (!want(name) && !(name === "phaseError" && want("dacBits"))) continue;
    const axis = AXES[name];
    let certified: CertifiedSummary | null = null;
    if (cx) {
      const b = certifiedLevel(cx, axisFamily(name), { ...crange, max: axis.max }, search);
      certified = { level: b.lo, evaluations: b.evaluations };
      if (name === "phaseError") {
        const z = coverageZ(cx.phaseShifters, 1 - YIELD_TARGET);
        certified = { ...certified, z, sigma99: b.lo / z };
        phaseCert = certified;
      }
    }
    if (!want(name)) continue;
    const level = name === "couplerImbalance" ? t.splitterImbalance : name === "phaseError" ? t.phaseNoise : t.mziLossDb;
    // Every trial starts at the certified level: exact, and close enough for a linear prediction.
    const start = certified && certified.level > axis.min ? certified.level : undefined;
    const m = monteCarloAxis(design, axis, mc, start);
    if (name === "phaseError") phaseTolerance = m.quantile.estimate;
    axes.push({ axis: name, label: axis.label, unit: axis.unit, technologyLevel: level, monteCarlo: mcSummary(m), certified });
  }
  if (want("dacBits")) {
    // A b-bit DAC rounds phases uniformly within ±π/2^b, σ = π/(2^b √3): start where that meets the phase tolerance.
    const dac = monteCarloDac(design, o.receiver, phaseTolerance > 0 ? Math.log2(Math.PI / (Math.sqrt(3) * phaseTolerance)) : 12);
    const pc = phaseCert as CertifiedSummary | null;
    const certBits = pc && pc.level > 0 ? Math.max(1, Math.ceil(Math.log2(Math.PI / pc.level))) : null;
    axes.push({
      axis: "dacBits",
      label: "phase DAC resolution",
      unit: "bits",
      technologyLevel: t.dacBits,
      monteCarlo: null,
      bits: dac.bits,
      certified: pc ? { level: certBits === null ? 0 : Math.PI / 2 ** certBits, bits: certBits, evaluations: 0 } : null,
    });
  }
  if (want("detectorNoise")) {
    const d = monteCarloDetector(design, mc);
    let certified: CertifiedSummary | null = null;
    if (cx) {
      const sets: DecisionSet[] = design.units.map((u) => ({
        u: u.idealRe.map((v, i) => (v - u.detector.offset[i % u.width]!) / u.detector.step[i % u.width]!),
        digits: u.reference,
        levels: u.detector.levels,
      }));
      const margin = Math.min(...sets.map(minMargin));
      const z = coverageZ(cx.decisions, 1 - YIELD_TARGET);
      certified = { level: margin / z, marginSteps: margin, z, sigma99: margin / z, evaluations: 0 };
    }
    axes.push({
      axis: "detectorNoise",
      label: "detector noise σ",
      unit: "step",
      technologyLevel: t.detectorNoise,
      monteCarlo: mcSummary(d),
      analytic: d.analytic,
      decisions: d.decisions,
      certified,
    });
  }
  if (want("technology") && !isIdeal(t, { detector: "include" })) {
    const axis = technologyAxis(t, o.fixedLoss);
    let certified: CertifiedSummary | null = null;
    if (cx) {
      const fam = technologyFamily(cx, t, 1 - YIELD_TARGET, o.fixedLoss);
      const b = certifiedLevel(cx, fam.family, { min: 1e-6, max: axis.max, start: 0.01 }, search);
      certified = { level: b.lo, evaluations: b.evaluations };
    }
    const start = certified && certified.level > axis.min ? certified.level : undefined;
    axes.push({
      axis: "technology",
      label: `${o.technology.name} scaled`,
      unit: "×",
      technologyLevel: 1,
      monteCarlo: mcSummary(monteCarloAxis(design, axis, mc, start)),
      certified,
    });
  }
  return {
    seed: design.seed,
    trials: o.trials,
    calibrated: o.receiver === "fitted",
    yieldTarget: YIELD_TARGET,
    confidence: CONFIDENCE,
    rtol,
    exact,
    units: design.units.map((u, i) => ({
      name: u.name,
      instances: u.instances,
      cases: u.set.cases,
      exact: u.exact,
      certifyMethod: cx ? (cx.firstOrder[i] ? "first-order" : "interval") : null,
    })),
    technology: {
      name: o.technology.name,
      couplerImbalance: t.splitterImbalance,
      phaseError: t.phaseNoise,
      mziLossDb: t.mziLossDb,
      dacBits: t.dacBits,
      detectorNoise: t.detectorNoise,
    },
    phaseShifters: cx?.phaseShifters ?? 0,
    decisions: design.units.reduce((a, u) => a + u.instances * u.set.cases * u.width, 0),
    certifyNote,
    axes,
  };
}
