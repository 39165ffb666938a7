// The closing rounds' fit (closing.ts): each dither read at the operating point against the
// estimated die's prediction of the same steps, and the move it asks of the heater's offset (and, for
// a dim entry's φ with LabSetup.closingGains, of its path amplitude). Kept apart from the planning so a
// study can see every fit, used or not, without moving the estimate (LabSession.closingFits).
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { shiftOffset } from "./heater-update.ts";
import { values } from "./readings-fit.ts";
import { DIM_SIGMA, type Group, type Round, type StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { programCodes } from "./program-codes.ts";
import { engine, setEntryLoss } from "./stage-physics.ts";

type Sweep = Extract<Group, { kind: "sweep" }>;

/** One dither's fit: v ≈ gain·(p + δ·∂p/∂o [+ γ·∂p/∂ln a]). */
export interface DitherFit {
  entry: number;
  heater: number;
  /** Offset move (rad) and its standard error; null where the estimate brings no light there (singular). */
  delta: number | null;
  deltaSe: number | null;
  /** Path-amplitude move (ln) for a dim entry's φ with closingGains, else 0. */
  gamma: number;
  gain: number | null;
  /** Why the fit moves nothing: "dark" (no predicted light), "nonlinear" (|δ| ≥ 0.5 rad), "noisy" (se ≥ 0.02 rad, and with closingPerEntry |δ| ≤ 4 se), or null (used). */
  refused: "dark" | "nonlinear" | "noisy" | null;
}

/** The largest offset move (rad) a dither may ask, and the largest standard error of that move (rad) it may carry. */
const MAX_DELTA = 0.5;
const MAX_SE = 0.02;
/** With closingPerEntry, a move this many of its standard errors out is taken whatever MAX_SE says. */
const SIGNIFICANT = 4;

function dim(state: SessionState, g: Sweep, prog: Float64Array): boolean {
  return (
    g.what === "meta" &&
    Math.abs(Math.sin(prog[state.struct.entries[g.entry]!.theta]! / 2)) < DIM_SIGMA &&
    state.setup.closingGains === true
  );
}

/** A dim entry's path amplitude scaled by e^γ. */
function scale(state: SessionState, g: Sweep, gamma: number): void {
  setEntryLoss(state, g.entry, (lossDb) => lossDb - (20 / Math.LN10) * gamma);
}

/** Every sweep group's fit on the current estimate; nothing moves. */
export function ditherFits(state: SessionState, round: Round, readings: StepReading[]): DitherFit[] {
  const eng = engine(state);
  const die = state.estimatedDie;
  const prog = realizedPhases(die, programCodes(state).codes);
  const predictAt = (g: Sweep): number[] =>
    g.steps.map((s) => {
      const st = round.steps[s]!;
      return eng.fields(realizedPhases(die, st.codes), st.powers, { readouts: [g.read[0]!] }).power[g.read[0]!]!;
    });
  return round.groups
    .filter((g): g is Sweep => g.kind === "sweep")
    .map((g) => {
      const h = die.heaters[g.heater]!;
      const p = predictAt(g);
      const eps = 1e-3;
      h.offsetRad += eps;
      const cols = [p, predictAt(g).map((x, k) => (x - p[k]!) / eps)];
      h.offsetRad -= eps;
      const gains = dim(state, g, prog);
      if (gains) {
        scale(state, g, eps);
        cols.push(predictAt(g).map((x, k) => (x - p[k]!) / eps));
        scale(state, g, -eps);
      }
      const r = regress(cols, values(state, readings, g, round));
      const base = { entry: g.entry, heater: g.heater, gamma: 0 };
      if (!r) return { ...base, delta: null, deltaSe: null, gain: null, refused: "dark" as const };
      const [gain, hh, ha] = r.x;
      const delta = hh! / gain!;
      const fit = { ...base, delta, deltaSe: r.se[1]! / Math.abs(gain!), gain: gain! };
      // Light the estimate does not bring there, or a move too far to be linear: no reading of this heater.
      if (!(gain! > 0)) return { ...fit, refused: "dark" as const };
      if (!(Math.abs(delta) < MAX_DELTA)) return { ...fit, refused: "nonlinear" as const };
      // With closingPerEntry, a move four standard errors out is taken however wide the error (a bright
      // θ near the dark point of its dump: 147 ± 34 mrad read where it missed 174).
      const significant = state.setup.closingPerEntry === true && Math.abs(delta) > SIGNIFICANT * fit.deltaSe;
      if (!(fit.deltaSe < MAX_SE) && !significant) return { ...fit, refused: "noisy" as const };
      const gamma = ha === undefined ? 0 : ha / gain!;
      const useGamma = ha !== undefined && Math.abs(gamma) < 0.7 && r.se[2]! / gain! < 0.05;
      return { ...fit, gamma: useGamma ? gamma : 0, refused: null };
    });
}

/**
 * Each dither against the estimate's prediction of the same steps, the heater's offset moved by δ
 * and, for a dim entry's φ dither, its path amplitude by e^γ; twice (the prediction moves with them).
 * Returns the largest first move (rad, or γ).
 */
export function absorbDither(state: SessionState, round: Round, readings: StepReading[]): number {
  const groups = round.groups.filter((g): g is Sweep => g.kind === "sweep");
  let moved = 0;
  for (let it = 0; it < 2; it++) {
    const fits = ditherFits(state, round, readings);
    fits.forEach((f, i) => {
      if (f.refused !== null) return;
      shiftOffset(state.estimatedDie.heaters[f.heater]!, f.delta!);
      if (f.gamma !== 0) scale(state, groups[i]!, f.gamma);
      if (it === 0) moved = Math.max(moved, Math.abs(f.delta!), Math.abs(f.gamma));
    });
  }
  return moved;
}

/** Least squares of v on the columns (normal equations): coefficients and their standard errors. */
function regress(cols: number[][], v: number[]): { x: number[]; se: number[] } | null {
  const m = cols.length;
  const a = cols.map((ci) => [...cols.map((cj) => ci.reduce((s, x, k) => s + x * cj[k]!, 0)), ci.reduce((s, x, k) => s + x * v[k]!, 0)]);
  const inv = cols.map((_, i) => cols.map((__, j) => (i === j ? 1 : 0)));
  for (let i = 0; i < m; i++) {
    let piv = i;
    for (let r = i + 1; r < m; r++) if (Math.abs(a[r]![i]!) > Math.abs(a[piv]![i]!)) piv = r;
    [a[i], a[piv]] = [a[piv]!, a[i]!];
    [inv[i], inv[piv]] = [inv[piv]!, inv[i]!];
    const d = a[i]![i]!;
    if (!(Math.abs(d) > 1e-300)) return null;
    for (let r = 0; r < m; r++) {
      if (r === i) continue;
      const f = a[r]![i]! / d;
      for (let c = 0; c <= m; c++) a[r]![c]! -= f * a[i]![c]!;
      for (let c = 0; c < m; c++) inv[r]![c]! -= f * inv[i]![c]!;
    }
  }
  const x = a.map((row, i) => row[m]! / row[i]!);
  const sse = v.reduce((s, y, k) => s + (y - cols.reduce((t, c, i) => t + x[i]! * c[k]!, 0)) ** 2, 0);
  const s2 = sse / Math.max(1, v.length - m);
  return { x, se: inv.map((row, i) => Math.sqrt(Math.max(0, (s2 * row[i]!) / a[i]![i]!))) };
}
