// After a failed acceptance round (accept.ts): the receiver's levels trimmed from its readings, then the
// acceptance round again (docs/design/calibration.md §11.2, "The receiver's levels trimmed"). Per decoded mode,
// the levels read over every case are fitted to the digits they were driven for, read = a·digit + b;
// the trim makes a the step and b the offset. On add0's `crosstalk` dies the refused rounds read, per
// mode, near such a map of the digits (die 17: a = 2.16 and 1.96), which the estimate cannot see: a
// row read by an output detector has no monitor of its own, and its common gain and phase are where
// the estimate's crosstalk errors end up (scripts/lab-closing-oracle.ts --gauge-parts detector).
//
// The trimmed round is judged on fresh readings like any other, and the true die is checked with the
// trimmed thresholds, so a trim cannot pass a die its levels do not decode. Order: a trim that clears
// every case on the readings it was fitted to is taken alone; otherwise, where the closing passes
// (closing.ts) are planned, a trim that decodes more cases is taken with them (one acceptance round
// judges both: on add1's crosstalk dies 1–4 and 19–24 the same verdicts as the passes alone, die 13
// exact and accepted where it was refused), and where they are not, a trim that decodes more cases
// is taken alone. At most MAX_TRIMS per session, each only while an acceptance round still fits the
// readings budget.
import { composeTrims, type LevelTrim } from "../level-trim.ts";
import { type AcceptLevels, acceptReadings, GUARD_MIN_STEPS, marginOf } from "./accept.ts";
import { READINGS_PER_MZI, readingsSoFar } from "./budget.ts";
import { closeAfterAccept } from "./closing.ts";
import type { Round } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";

/** Trims a session may take. */
export const MAX_TRIMS = 2;
/** A fitted step outside this factor of the estimate's is not a receiver's trim but a broken die. */
const MAX_SCALE = 4;
/** Cases further than this from the first fit (steps) are left out of the second (a few broken inputs). */
const OUTLIER_STEPS = 0.5;

export interface TrimFit {
  trim: LevelTrim;
  /** Cases that would clear their guard with the trim, on the readings it was fitted to. */
  accepted: number;
}

/** Least squares of read = a·digit + b over the cases `use` keeps, per mode. */
function line(read: number[][], expected: number[][], m: number, use: (c: number) => boolean): { a: number; b: number } {
  let n = 0;
  let se = 0;
  let sr = 0;
  let see = 0;
  let ser = 0;
  read.forEach((r, c) => {
    if (!use(c)) return;
    const e = expected[c]![m]!;
    n++;
    se += e;
    sr += r[m]!;
    see += e * e;
    ser += e * r[m]!;
  });
  const det = n * see - se * se;
  if (!(det > 0)) return { a: Number.NaN, b: Number.NaN };
  const a = (n * ser - se * sr) / det;
  return { a, b: (sr - a * se) / n };
}

/** The trim a round's levels ask for, fitted twice (the second time without the first fit's outliers); null if none fits. */
export function fitTrim(lv: AcceptLevels): TrimFit | null {
  const modes = lv.guardSteps.length;
  const scale: number[] = [];
  const shift: number[] = [];
  for (let m = 0; m < modes; m++) {
    const first = line(lv.read, lv.expected, m, () => true);
    const near = (c: number): boolean => Math.abs(lv.read[c]![m]! - (first.a * lv.expected[c]![m]! + first.b)) <= OUTLIER_STEPS * first.a;
    const { a, b } = lv.read.filter((_, c) => near(c)).length >= lv.cases / 2 ? line(lv.read, lv.expected, m, near) : first;
    if (!(a > 1 / MAX_SCALE && a < MAX_SCALE) || !Number.isFinite(b)) return null;
    scale.push(a);
    shift.push(b);
  }
  let accepted = 0;
  lv.read.forEach((r, c) => {
    const ok = r.every((x, m) => {
      const y = (x - shift[m]!) / scale[m]!;
      return marginOf(y, lv.expected[c]![m]!, lv.levels) >= Math.max(GUARD_MIN_STEPS, lv.guardSteps[m]! / scale[m]!);
    });
    if (ok) accepted++;
  });
  return { trim: { scale, shift }, accepted };
}

function takeTrim(state: SessionState, fit: TrimFit): void {
  state.levelTrim = composeTrims(state.levelTrim, fit.trim);
  state.trims++;
}

/** Apply a trim and plan the acceptance round again, if the budget holds one more. */
function planTrim(state: SessionState, round: Round, fit: TrimFit): boolean {
  if (readingsSoFar(state) + acceptReadings(state) > READINGS_PER_MZI * state.struct.entries.length) return false;
  takeTrim(state, fit);
  state.plan.splice(round.index + 1, 0, { stage: null, kind: "accept" });
  return true;
}

/** After an acceptance round is judged: a trim, closing passes, both, or nothing (the header's order). */
export function afterAccept(state: SessionState, round: Round, lv: AcceptLevels): void {
  const verdict = state.acceptance;
  if (!verdict || verdict.pass) return;
  const fit = state.setup.levelTrim === false || state.trims >= MAX_TRIMS ? null : fitTrim(lv);
  if (fit && fit.accepted === lv.cases && planTrim(state, round, fit)) return;
  const better = fit !== null && fit.accepted > verdict.accepted;
  // Closing passes planned: a trim that decodes more goes with them, and their acceptance round
  // judges both (add1, whose round is 36 readings per MZI, has room for one more round only).
  if (closeAfterAccept(state, round)) {
    if (better) takeTrim(state, fit);
    return;
  }
  if (better) planTrim(state, round, fit);
}
