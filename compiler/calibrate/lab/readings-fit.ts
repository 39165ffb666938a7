// Readings as fringes: a group's laser-normalized, dark-subtracted values, and a heater's fringe fitted
// to them or to the estimated die's prediction of the same steps (absorb.ts compares the two).
import { fitFringe, fitFringeAt, type FringeFit } from "./fringe-fit.ts";
import type { Round, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { power, predict } from "./stage-physics.ts";
import { readingExponents } from "./limits.ts";

export function values(
  state: SessionState,
  readings: StepReading[],
  g: { steps: number[]; read: number[]; twin?: number[] },
  round: Round,
): number[] {
  if (g.twin) {
    // Each step and its twin (rounds.ts): the larger in size (a homodyne quadrature may read negative).
    const a = values(state, readings, { steps: g.steps, read: g.read }, round);
    const b = values(state, readings, { steps: g.twin, read: g.read }, round);
    return a.map((x, k) => Math.max(Math.abs(x), Math.abs(b[k]!)));
  }
  // Laser-normalized, dark-subtracted sum over the group's readouts; a reading behind a saturated
  // read follows the laser less, or not at all (limits.ts readingExponents).
  const refMean = g.steps.reduce((a, s) => a + readings[s]!.ref, 0) / g.steps.length;
  return g.steps.map((s) => {
    const st = round.steps[s]!;
    const e = readingExponents(state, st);
    const drift = refMean / readings[s]!.ref;
    let v = 0;
    st.read.forEach((ro, k) => {
      if (g.read.includes(ro)) v += (readings[s]!.values[k]! - state.dark[ro]!) * (e ? drift ** (e[k]! - 1) : 1);
    });
    return (v * refMean) / readings[s]!.ref;
  });
}

/** Fit of the estimated die's fringe for a group. */
export function fitPredicted(
  state: SessionState,
  round: Round,
  g: { steps: number[]; read: number[]; twin?: number[] },
  heater: number,
  curved?: boolean,
): FringeFit {
  const p = predict(state, round, g);
  return fit(state, round, { steps: p.steps }, p.values, heater, curved);
}

/** The estimated die's prediction of a group fitted at a given η (its phase at that efficiency). */
export function fitPredictedAt(
  state: SessionState,
  round: Round,
  g: { steps: number[]; read: number[]; twin?: number[] },
  heater: number,
  eta: number,
): FringeFit {
  const p = predict(state, round, g);
  return fitFringeAt(powersOf(state, round, p.steps, heater), p.values, eta);
}

/** The heater's power (mW) at each of the steps, the abscissa of its fringe. */
function powersOf(state: SessionState, round: Round, steps: number[], heater: number): number[] {
  return steps.map((s) => power(state, round.steps[s]!.codes[heater]!));
}

/** The efficiencies a fit searches, relative to nominal: a heater's η off it by more is no heater's. */
export const ETA_BAND = { lo: 0.6, hi: 1.6 } as const;

/** Whether a fit's η lies in the band it searched (fringe-fit.ts refines up to 1.5× past it: a fit run off). */
export function inBand(state: SessionState, f: FringeFit): boolean {
  const eta = state.setup.etaNominal;
  return f.eta >= ETA_BAND.lo * eta && f.eta <= ETA_BAND.hi * eta;
}

/**
 * A heater's fringe. The phase is curved (ψ + ηP + γP²) when `curved` says so, or — for measured
 * readings — when freeing the curvature cuts the RMS residual below a third (a heater law that
 * bends; a straight one keeps γ = 0, so noise does not invent a curvature). A prediction is fitted
 * with the same model as the readings it is compared with.
 */
export function fit(state: SessionState, round: Round, g: { steps: number[] }, v: number[], heater: number, curved?: boolean): FringeFit {
  const p = powersOf(state, round, g.steps, heater);
  const lo = state.setup.etaNominal * ETA_BAND.lo;
  const hi = state.setup.etaNominal * ETA_BAND.hi;
  if (curved === false) return fitFringe(p, v, lo, hi, 100);
  const bent = fitFringe(p, v, lo, hi, 100, true);
  if (curved) return bent;
  const straight = fitFringe(p, v, lo, hi, 100);
  return bent.rms < straight.rms / 3 ? bent : straight;
}
