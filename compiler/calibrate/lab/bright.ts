// Which entry of an upstream row carries a lighting (stage-physics.ts light): the one whose chain
// back to a lab port is brightest in operation. A meta-MZI, a quadrature or a gate scan is read with
// every entry on the way at its operating θ, so the light a stage receives is the product of their
// operating |σ|. Taking the row's first entry instead put cluster-16's level-2 add cells (sum
// entries at |σ| 0.225 beside one at 0.9) 16 times lower in power at their output stage, where the
// meta-MZI fringes of the 16- and 17-entry rows then sat at the readout's noise (fitted phases
// ±0.2–0.7 rad) and half a die's inputs decoded wrong (docs/design/calibration.md §8.2). Opt-in
// (LabSetup.brightLighting): it fixed add2's dies 1–3 but left dies 4–5 inexact and made paper-4x8
// add1's dies 2 and 3 inexact, so the session's default stays the first entry. A ReLU passes a
// field's phase, so a lighting carries the phase errors of the entries it crosses, and the brightest
// are not the ones that set a row's phase in operation (add2 die 4: step row 11, 1.75 rad in
// operation, 0.24 rad in the lighting). Dim fringes get more laser power instead (dim-power.ts).
import type { SessionState } from "./session-state.ts";
import type { Stage } from "./structure.ts";

const targets = new WeakMap<SessionState, Float64Array>();

/** An entry's operating |σ| as the design programs it (its θ target on the estimated die when first asked). */
export function operatingSigma(state: SessionState, e: number): number {
  let t = targets.get(state);
  if (!t) {
    t = Float64Array.from(state.program(state.estimatedDie).targets);
    targets.set(state, t);
  }
  return Math.abs(Math.sin(t[state.struct.entries[e]!.theta]! / 2));
}

/** The amplitude a lighting of stage input `input` carries in operation, relative to a lab port's. */
export function chainGain(state: SessionState, stage: Stage, input: number, pick: (u: Stage, es: number[]) => number): number {
  const d = stage.inputs[input]!;
  if (d.kind === "lab") return 1;
  const u = state.struct.stages.find((s) => s.part === d.part)!;
  const e = pick(u, u.rows[d.row]!.entries);
  return operatingSigma(state, e) * chainGain(state, u, state.struct.entries[e]!.input, pick);
}

/** Of `candidates` (entries of one row of stage u), the brightest in operation; the first on a tie; undefined if none. */
export function brightest(
  state: SessionState,
  u: Stage,
  candidates: number[],
  pick: (u: Stage, es: number[]) => number,
): number | undefined {
  if (state.setup.brightLighting !== true) return candidates[0];
  let best: number | undefined;
  let top = -1;
  for (const e of candidates) {
    const g = operatingSigma(state, e) * chainGain(state, u, state.struct.entries[e]!.input, pick);
    if (g > top * (1 + 1e-9)) {
      top = g;
      best = e;
    }
  }
  return best;
}
