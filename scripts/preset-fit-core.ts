// The `calibrated` technology preset from measurement : what verify's Monte-Carlo
// must assume so that its chips decide as closely as dies calibrated from readings do.
//
// Measured: fabricated dies (fab/, the simulated world) calibrated by `calibrate --readings`'s
// session, then every raw input through the TRUE die at the programmed codes; per die, the worst
// decision margin in detector steps (0.5 = centred), noiseless (detector noise is hardware, the same
// on both sides, and left out of both).
// Model: the same cell design as verify draws it, with the preset's phase σ and coupler imbalance
// scaled by s (technologyAxis, the nominal loss held: the cells' biases track it) on the measured
// dies' own hardware (fitTechnology), the worst margin per Monte-Carlo chip, noiseless.
// Fit: the s at which a quantile of the model's worst margins (the median, or the worst tenth)
// equals the measured one (bisection in log s; the margin falls monotonically with s). A functional fit: the per-coupler balance
// residual of the estimate is not the right figure, since the row gains the session reads absorb
// most of it (docs/design/robustness.md §3).
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import { drawFabDie } from "../fab/draw.ts";
import { departDie } from "../fab/departures.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";
import { predictedMargins } from "../compiler/calibrate/lab/margins.ts";
import { labBias } from "../pipeline/calibrate/from-readings.ts";
import { simulateLab } from "../pipeline/calibrate/simulated-session.ts";
import { prepareCell, type DesignUnit } from "../verify/tolerance/design.ts";
import { copyShape, evaluateCopy } from "../verify/tolerance/trial.ts";
import { technologyAxis } from "../verify/tolerance/axes.ts";
import type { Technology } from "../dsl/technology.ts";

export interface MeasuredMargins {
  /** Worst noiseless margin on the true die, per die (steps). */
  worst: number[];
  exact: number;
}

/** Dies `first … first + dies − 1` of the lab study's streams (scripts/lab-study-core.ts), calibrated from readings. */
export function measuredMargins(
  name: string,
  circuit: Circuit,
  table: PhaseTable | null,
  dies: number,
  seed: number,
  departures: readonly string[] = [],
  log?: (s: string) => void,
): MeasuredMargins {
  const tech = FAB_TECHNOLOGIES.foundry!;
  const levels = Number(circuit.info.levels ?? 4);
  const worst: number[] = [];
  let exact = 0;
  for (let d = 0; d < dies; d++) {
    const stream = seed * 1000003 + d;
    const die = departDie(drawFabDie(circuit, tech, stream, `${name} fab ${d}`), circuit, departures, stream);
    const run = simulateLab(circuit, table, die, seed * 7 + d);
    const bias = labBias(run.calibrated.calibration.bias);
    // predictedMargins on the true die instead of the estimate: what the lab would find.
    const m = predictedMargins(run.session.struct, die, run.codes, run.calibrated.circuit, bias, levels);
    worst.push(m.worst);
    if (m.worst > 0) exact++;
    log?.(`${name} die ${d}: worst margin ${m.worst.toFixed(4)} step`);
  }
  return { worst, exact };
}

/**
 * The model's technology: the preset's phase σ and coupler imbalance (what the fit scales) on the
 * measured dies' own hardware (fab/technology.ts foundry: 0.1 dB per arm, no loss spread, a 16-bit
 * drive), so the fit sees the calibration's residual and not a difference of hardware.
 */
export function fitTechnology(preset: Technology): Technology {
  const fab = FAB_TECHNOLOGIES.foundry!;
  return {
    mziLossDb: fab.mziLossDb,
    splitterImbalance: preset.splitterImbalance,
    phaseNoise: preset.phaseNoise,
    dacBits: fab.heater.driveBits,
    detectorNoise: 0,
    lossSpreadDb: 0,
  };
}

/** Worst noiseless margin per Monte-Carlo chip of the cell at `tech` scaled by s (−1 where a case decides wrong). */
export function modelMargins(unit: DesignUnit, tech: Technology, s: number, trials: number, seed: number): number[] {
  const point = { ...technologyAxis(tech, true).point(s), detectorNoise: 0 };
  const out: number[] = [];
  for (let t = 0; t < trials; t++) {
    const die = copyShape(unit, seed, 0, t, false).die;
    const r = evaluateCopy(unit, die, null, point, "thresholds");
    out.push(r.margins ? Math.min(...r.margins) : -1);
  }
  return out;
}

/** The p-quantile (nearest rank below; 0.5 of an even count: the mean of the middle two). */
export function quantile(x: readonly number[], p: number): number {
  if (p === 0.5) return median(x);
  const s = [...x].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

export const median = (x: readonly number[]): number => {
  const s = [...x].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

export interface ScaleFit {
  /** The fitted scale, or null when the target lies outside [lo, hi]'s medians. */
  s: number | null;
  /** Model median at the bracket's ends. */
  atLo: number;
  atHi: number;
  evaluations: number;
}

/** The s in [lo, hi] where the model's median worst margin equals `target` (bisection in log s). */
export function fitScale(model: (s: number) => number, target: number, lo = 0.01, hi = 100, steps = 14): ScaleFit {
  const atLo = model(lo);
  const atHi = model(hi);
  if (!(atLo >= target && atHi <= target)) return { s: null, atLo, atHi, evaluations: 2 };
  let [a, b] = [Math.log(lo), Math.log(hi)];
  for (let i = 0; i < steps; i++) {
    const m = (a + b) / 2;
    if (model(Math.exp(m)) >= target) a = m;
    else b = m;
  }
  return { s: Math.exp((a + b) / 2), atLo, atHi, evaluations: steps + 2 };
}

export function cellUnit(name: string, circuit: Circuit, index: number): DesignUnit {
  return prepareCell(name, circuit, index, 1);
}
