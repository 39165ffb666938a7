// Readings as fringes: a group's laser-normalized, dark-subtracted values, and a heater's fringe fitted
// to them or to the estimated die's prediction of the same steps (absorb.ts compares the two).
import { fitFringe, type FringeFit } from "./fringe-fit.ts";
import type { Round, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { power, predict } from "./stage-physics.ts";

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
  // Laser-normalized, dark-subtracted sum over the group's readouts.
  const refMean = g.steps.reduce((a, s) => a + readings[s]!.ref, 0) / g.steps.length;
  return g.steps.map((s) => {
    const st = round.steps[s]!;
    let v = 0;
    st.read.forEach((ro, k) => {
      if (g.read.includes(ro)) v += readings[s]!.values[k]! - state.dark[ro]!;
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

/**
 * A heater's fringe. The phase is curved (ψ + ηP + γP²) when `curved` says so, or — for measured
 * readings — when freeing the curvature cuts the RMS residual below a third (a heater law that
 * bends; a straight one keeps γ = 0, so noise does not invent a curvature). A prediction is fitted
 * with the same model as the readings it is compared with.
 */
export function fit(state: SessionState, round: Round, g: { steps: number[] }, v: number[], heater: number, curved?: boolean): FringeFit {
  const p = g.steps.map((s) => power(state, round.steps[s]!.codes[heater]!));
  const eta = state.setup.etaNominal;
  if (curved === false) return fitFringe(p, v, eta * 0.6, eta * 1.6, 100);
  const bent = fitFringe(p, v, eta * 0.6, eta * 1.6, 100, true);
  if (curved) return bent;
  const straight = fitFringe(p, v, eta * 0.6, eta * 1.6, 100);
  return bent.rms < straight.rms / 3 ? bent : straight;
}
