// A stage's near pairs off the crosstalk law (docs/design/calibration.md §10.2, "Crosstalk off its
// law"): on a die whose couplings follow one distance law the pairs round reads what the
// law predicts (measured over law 0.91–1.08 on add0's nominal and thermal-tail dies 0–2), and the
// law's reach and the θ victims alone suffice. On a `crosstalk` die a fifth of the pairs read
// another size or the other sign (add0 dies 0–2: 10 of 27, 4 of 18, 5 of 18 pairs of the first
// stage more than the law's own size off it), and then what the law leaves out breaks the cell:
// pairs between 0.5 % and 0.1 % of the aggressor's phase, and the couplings onto the φs. So once a
// pairs round finds such a departure, the session reads that stage's pairs again out to 0.1 % (the
// pairs already read are not read twice) and turns on the φ pairs for that stage and every later one,
// each φ group within the readings budget (budget.ts).
import { crosstalkFraction } from "../../../netlist/die/heaters.ts";
import type { Round } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";

/** The pairs round's reach before and after a departure: the fraction of the aggressor's own phase (LabSetup.pairKappa). */
export const LAW_KAPPA = 0.005;
export const DEPARTED_KAPPA = 0.001;
/**
 * The φ pairs' reach (phi-pairs.ts; a setup's pairKappa overrides both). 0.002, not 0.001: at 0.001
 * add1's crosstalk dies 0–2 took 305 readings per MZI, at 0.002 303, with add0's dies 0–5 5/6 at
 * either (docs/design/calibration.md §10.2).
 */
export const PHI_KAPPA = 0.002;
/** A pair is off the law when measured and law coupling differ by more than the law's own size. */
const OFF = 1;
/** A departure: this many pairs off the law, and at least this share of the round's pairs. */
const MIN_OFF = 3;
const MIN_SHARE = 0.1;

/** The pairs round's reach: the setup's if it sets one, else the law's until a departure is seen. */
export function pairKappa(state: SessionState): number {
  return state.setup.pairKappa ?? (state.departure ? DEPARTED_KAPPA : LAW_KAPPA);
}

/** Whether φ victims are read pair by pair: the setup's choice if it makes one, else once a departure is seen. */
export function phiPairsOn(state: SessionState): boolean {
  return state.setup.phiPairs ?? state.departure !== null;
}

/**
 * The most monitors a through sweep reads once a departure is seen (LabSetup.throughMonitors
 * overrides it; 0: all). A row feeding a stage is read at the dumps of every entry its light fans
 * out to (about 15 in add1's threshold stage: 3,640 of the sum stage's 3,679 through readings on crosstalk
 * die 0). Each dump's light is one fixed share of the row's, the same for every entry of the row,
 * and the through fringe's gain is taken relative to the row's best entry (absorb.ts), so one dump
 * reads the same gains. The readings saved go to the pairs a departure adds and to a closing pass:
 * on add1's crosstalk dies 0–5, 2 of 6 exact and accepted reading every dump (the budget spent, no
 * closing pass), 2 of 6 at 4 dumps, 6 of 6 at 1 (4 of them after a closing pass).
 */
export const THROUGH_MONITORS = 1;

/** The monitors a through sweep of a row reads: all of `read`, or its first few after a departure. */
export function throughMonitors(state: SessionState, read: number[]): number[] {
  const cap = state.setup.throughMonitors ?? (state.departure ? THROUGH_MONITORS : 0);
  return cap > 0 && read.length > cap ? read.slice(0, cap) : read;
}

/** After a pairs round's couplings are absorbed: a departure noted, and the stage's wider pairs round planned next. */
export function noteDeparture(state: SessionState, round: Round): void {
  const p = state.plan[round.index];
  if (state.departure || state.setup.lawDeparture === false || !p?.pairs || p.stage === null) return;
  const heaters = state.estimatedDie.heaters;
  const floor = state.estimatedDie.crosstalkFloor ?? 0;
  let pairs = 0;
  let off = 0;
  for (const g of round.groups) {
    if (g.kind !== "slope") continue;
    const law = state.lawOf.get(g.victim) ?? state.law;
    if (!law) continue;
    const v = heaters[g.victim]!;
    for (const a of g.aggressors) {
      const measured = state.pairCoupling.get(`${g.victim},${a}`);
      if (measured === undefined) continue;
      const h = heaters[a]!;
      const predicted = (crosstalkFraction(law, Math.hypot(v.x - h.x, v.y - h.y)) - floor) * h.radPerMw;
      if (!(predicted > 0)) continue;
      pairs++;
      if (Math.abs(measured / predicted - 1) > OFF) off++;
    }
  }
  if (off < MIN_OFF || off < MIN_SHARE * pairs) return;
  state.departure = { stage: p.stage, pairs, off };
  // The same stage's pairs again, out to the departed reach (planPairs skips the pairs read).
  state.plan.splice(round.index + 1, 0, { stage: p.stage, kind: "phase", pairs: true });
}
