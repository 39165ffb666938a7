// The acceptance round (docs/design/calibration.md §11.1): the last round of every session. After
// the estimation rounds, the lab loads the calibrated program (codes and bias amplitudes) and drives
// the cell's inputs (aggregate/cell-cases.ts: every input, or two fills per digit sum where the
// space is large), reading the output detectors. The die passes or fails on those readings alone:
// nothing here looks at the estimated die, so a model the die departs from cannot pass it.
//
// What turns a photocurrent into a decision level (no fitted gain, which could hide a scale error):
// - the receiver's responsivity from its local oscillator's own photocurrent (read at the start and
//   end of the round): homodyne gain G = 2·R·√P_LO;
// - the laser's drift from the reference tap, against the dark round at the session's start
//   (the signal and the local oscillator share the laser, so the current scales as k);
// - the input coupling's drift, which the tap does not see: a lit step of the first stage's theta
//   round is repeated (three times, the last one read, so the heaters settle from the program's
//   codes) at the start and the end of the round, and its monitors' tap-normalized photocurrent
//   against the first reading gives the coupling c (the homodyne current scales as √c, linearly
//   interpolated over the round); the change between the last two repeats bounds what the heaters
//   had not settled and widens the guard;
// - the calibrated thresholds (offset, step) of each detector mode.
// A reading must clear its decision thresholds by a guard that the round measures itself: cases
// spread over the input space are read again at the end, and the guard is the largest level
// difference between a case's two readings plus 5σ of that difference, at least GUARD_MIN_STEPS.
// Noise and drift the tap does not see both show up there.
import { cellCases } from "../../../aggregate/cell-cases.ts";
import { readCellInfo, type CellFunction } from "../../../aggregate/circuit-info.ts";
import type { Circuit } from "../../../netlist/ir.ts";
import { detectorThresholds, ratioScale } from "../../../netlist/models.ts";
import { digitPowers } from "../../../netlist/lab/optics.ts";
import { trimThresholds } from "../level-trim.ts";
import type { AcceptFailure, AcceptVerdict } from "./accept-verdict.ts";
import type { Round, Step, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { programCodes } from "./program-codes.ts";

/** Local-oscillator power of the homodyne receivers, mW (what the lab sets). */
export const LO_MW = 1;
/** Input spaces above this many cases are driven as two fills per digit sum (cell-cases.ts). */
export const ACCEPT_RAW_CASES = 4096;
/** Cases read a second time at the end of the round. */
export const ACCEPT_REPEATS = 16;
/** Repeats of the coupling reference step at each end of the round (the last one is used). */
export const REFERENCE_REPEATS = 3;
/** The smallest guard a reading must keep from a threshold, detector steps. */
export const GUARD_MIN_STEPS = 0.02;
const MW = 1e-3;

interface AcceptPlan {
  f: CellFunction;
  set: ReturnType<typeof cellCases>;
  /** The cases driven (indices into `set`): every case, or a ladder round's few (ladder.ts). */
  driven: number[];
  /** Step index of each driven case's reading, and of each repeat (`case`: index into `driven`). */
  caseSteps: number[];
  repeats: { case: number; step: number }[];
  loSteps: number[];
  /** The coupling reference: the step of the first theta round it repeats, and its repeats at the start and at the end. */
  reference: { of: number; start: number[]; end: number[] } | null;
}

/** The first theta round (index into the session's rounds): the coupling reference repeats one of its steps. */
const firstTheta = (state: SessionState): number => state.rounds.findIndex((r) => r.kind === "theta");

/** The first theta round's lit step whose monitors read the most light per tap current: the coupling reference. */
function referenceStep(state: SessionState): number | null {
  const round = state.rounds[firstTheta(state)];
  const rd = state.readings[firstTheta(state)];
  if (!round || !rd) return null;
  const nSites = state.struct.lc.sites.length;
  let best: number | null = null;
  let top = 0;
  round.steps.forEach((st, s) => {
    const v = monitorLight(state, st, rd[s]!, nSites);
    if (v > top) [best, top] = [s, v];
  });
  return best;
}

/** A step's dark-subtracted monitor photocurrent per reference-tap current. */
function monitorLight(state: SessionState, st: Step, r: StepReading, nSites: number): number {
  let v = 0;
  st.read.forEach((ro, j) => {
    if (ro < nSites) v += r.values[j]! - state.dark[ro]!;
  });
  return v / r.ref;
}

const detectorReadouts = (state: SessionState): number[] => state.struct.lc.detectors.map((_, m) => state.struct.lc.sites.length + m);
const loReadouts = (state: SessionState): number[] =>
  state.struct.lc.detectors.map((_, m) => state.struct.lc.sites.length + state.struct.lc.detectors.length + m);

function cellFunction(state: SessionState): CellFunction {
  const f = readCellInfo(state.struct.lc.circuit.info);
  if (!f) throw new Error(`acceptance: ${state.struct.lc.circuit.name} is not a closed-form cell`);
  return f;
}

/** The acceptance round's input cases (aggregate/cell-cases.ts). */
export const acceptCases = (state: SessionState): ReturnType<typeof cellCases> => cellCases(cellFunction(state), ACCEPT_RAW_CASES);

/**
 * Layout of the round's steps: LO, the cases, the repeats, LO again. Same for planning and judging.
 * With `pick` (a ladder round, ladder.ts) only those cases are driven, and none again.
 */
function acceptLayout(state: SessionState, pick: readonly number[] | null = null): AcceptPlan {
  const f = cellFunction(state);
  const set = cellCases(f, ACCEPT_RAW_CASES);
  const driven = pick ? [...pick] : Array.from({ length: set.cases }, (_, c) => c);
  const n = driven.length;
  const r = pick ? 0 : Math.min(ACCEPT_REPEATS, n);
  const ref = referenceStep(state);
  const q = ref === null ? 0 : REFERENCE_REPEATS;
  const first = 1 + q;
  const caseSteps = Array.from({ length: n }, (_, c) => first + c);
  const repeats = Array.from({ length: r }, (_, k) => ({ case: Math.floor(((k + 0.5) * n) / r), step: first + n + k }));
  const after = first + n + r;
  const run = (from: number): number[] => Array.from({ length: q }, (_, k) => from + k);
  return {
    f,
    set,
    driven,
    caseSteps,
    repeats,
    loSteps: [0, after + q],
    reference: ref === null ? null : { of: ref, start: run(1), end: run(after) },
  };
}

/** Step index of each driven case's reading (with `pick`: a ladder round's, in `pick` order). */
export const acceptCaseSteps = (state: SessionState, pick: readonly number[] | null = null): number[] =>
  acceptLayout(state, pick).caseSteps;

/**
 * Readings the acceptance round will take, as planAccept plans it (a budget's reserve: budget.ts);
 * with `driven`, a ladder round's that drives that many cases (none again).
 */
export function acceptReadings(state: SessionState, driven: number | null = null): number {
  const lay = acceptLayout(state);
  const ref = lay.reference ? 2 * REFERENCE_REPEATS * state.rounds[firstTheta(state)]!.steps[lay.reference.of]!.read.length : 0;
  const cases = driven ?? lay.driven.length + lay.repeats.length;
  return 2 * loReadouts(state).length + ref + cases * detectorReadouts(state).length;
}

/**
 * The acceptance round's steps; with `pick`, a ladder round's (ladder.ts): only those cases, none
 * again, the j-th driven with `codesOf(j)` instead of the program's codes where it gives some.
 */
export function planAccept(
  state: SessionState,
  steps: Step[],
  groups: Round["groups"],
  pick: readonly number[] | null = null,
  codesOf: (j: number) => Int32Array | null = () => null,
): void {
  const lay = acceptLayout(state, pick);
  const prog = programCodes(state);
  const lc = state.struct.lc;
  const P = lay.f.ports.length;
  const dark = new Float64Array(lc.inputs.length);
  const round = pick ? "ladder" : "acceptance";
  const lo = (): Step => ({ purpose: `${round}: local oscillator`, powers: dark, codes: prog.codes, read: loReadouts(state) });
  const drive = (c: number, purpose: string, codes: Int32Array = prog.codes): Step => ({
    purpose,
    powers: Float64Array.from(digitPowers(lc, lay.f.levels, prog.bias, lay.set.inputs.subarray(c * P, (c + 1) * P))),
    codes,
    read: detectorReadouts(state),
  });
  const reference = (): void => {
    if (!lay.reference) return;
    const st = state.rounds[firstTheta(state)]!.steps[lay.reference.of]!;
    for (let k = 0; k < REFERENCE_REPEATS; k++)
      steps.push({ purpose: `${round}: coupling reference (${st.purpose})`, powers: st.powers, codes: st.codes, read: st.read });
  };
  steps.push(lo());
  reference();
  lay.driven.forEach((c, j) => {
    const codes = codesOf(j);
    steps.push(codes ? drive(c, `ladder: input ${c}, one entry turned`, codes) : drive(c, `${round}: input ${c}`));
  });
  for (const rep of lay.repeats) steps.push(drive(lay.driven[rep.case]!, `acceptance: input ${lay.driven[rep.case]} again`));
  reference();
  steps.push(lo());
  groups.push({ kind: pick ? "ladder" : "accept", steps: steps.map((_, i) => i) });
}

/**
 * Per decoded detector mode: its readout's position among the detector readouts, its thresholds from
 * the calibrated circuit, and for a ratiometric detector the position of its reference row's readout
 * and the reference level (netlist/models.ts ratioScale); a reference row is read, not decoded.
 */
export function decodedModes(
  state: SessionState,
  calibrated: Circuit,
): { at: number; step: number; offset: number; ref: number; level: number }[] {
  const top = calibrated.netlists[calibrated.top]!;
  return state.struct.lc.nodes.flatMap((n) => {
    if (n.kind !== "detector") return [];
    // The receiver's levels as trimmed after a failed round (trim-round.ts; one detector per cell).
    const t = trimThresholds(detectorThresholds(top.instances[n.name]!.settings, n.decoded), state.levelTrim);
    return Array.from({ length: n.decoded }, (_, m) => ({
      at: n.first + m,
      step: t.step[m]!,
      offset: t.offset[m]!,
      ref: n.reference === null ? -1 : n.first + n.decoded,
      level: n.reference ?? 1,
    }));
  });
}

/** Distance of a level inside digit d's decision interval (no bound beyond the end digits), steps. */
export function marginOf(level: number, d: number, levels: number): number {
  const below = d > 0 ? level - (d - 0.5) : Number.POSITIVE_INFINITY;
  const above = d < levels - 1 ? d + 0.5 - level : Number.POSITIVE_INFINITY;
  return Math.min(below, above);
}

/** What an acceptance round read, as decision levels: per case and mode, with the guard each mode is held to. */
export interface AcceptLevels {
  levels: number;
  cases: number;
  /** Decision level read per case, per decoded mode. */
  read: number[][];
  /** The digit each case should decode to, per mode. */
  expected: number[][];
  inputs: number[][];
  guardSteps: number[];
  repeatSpreadSteps: number[];
  responsivityAW: number[];
  coupling: number[] | null;
}

export function acceptLevels(
  state: SessionState,
  round: Round,
  readings: StepReading[],
  pick: readonly number[] | null = null,
): AcceptLevels {
  const lay = acceptLayout(state, pick);
  const L = lay.f.levels;
  const W = lay.f.outputs.length;
  const { calibrated } = state.program(state.estimatedDie);
  const decoded = decodedModes(state, calibrated);
  const modes = decoded.length;
  if (modes !== W) throw new Error(`acceptance: ${modes} decoded detector modes for ${W} cell outputs`);
  const receivers = state.struct.lc.detectors.length;
  // Laser drift k against the session's start (the dark round's reference readings).
  const ref0 = state.readings[0]!.reduce((a, r) => a + r.ref, 0) / state.readings[0]!.length;
  const k = (s: number): number => readings[s]!.ref / ref0;
  const responsivityAW = Array.from({ length: receivers }, (_, m) => {
    const v = lay.loSteps.map((s) => readings[s]!.values[m]! / (LO_MW * k(s) * MW));
    return v.reduce((a, b) => a + b, 0) / v.length;
  });
  // Input coupling against the first theta round: at each end, the last reference repeat, and how far it still moved.
  const nSites = state.struct.lc.sites.length;
  const refOf = (s: number): number => monitorLight(state, round.steps[s]!, readings[s]!, nSites);
  const ends = lay.reference
    ? [lay.reference.start, lay.reference.end].map((run) => {
        const k = firstTheta(state);
        const then = monitorLight(state, state.rounds[k]!.steps[lay.reference!.of]!, state.readings[k]![lay.reference!.of]!, nSites);
        const last = refOf(run[run.length - 1]!);
        return { c: last / then, unsettled: Math.abs(last - refOf(run[run.length - 2]!)) / then, step: run[run.length - 1]! };
      })
    : null;
  const coupling = (s: number): number => {
    if (!ends) return 1;
    const [a, b] = ends as [(typeof ends)[0], (typeof ends)[0]];
    return a.c + ((b.c - a.c) * (s - a.step)) / (b.step - a.step);
  };
  const level = (s: number): number[] => {
    const re = readings[s]!.values.map((i, m) => i / (2 * responsivityAW[m]! * Math.sqrt(LO_MW * coupling(s)) * k(s) * MW));
    // A ratiometric mode is read against its reference row: laser and coupling drift cancel.
    return decoded.map((d) => ((d.ref >= 0 ? re[d.at]! * ratioScale(d.level, re[d.ref]!) : re[d.at]!) - d.offset) / d.step);
  };
  // A coupling known to ±u moves a level ℓ by about ℓ·u/2: the top level's share joins the guard.
  const couplingSteps = ends ? ((L - 1) * Math.max(...ends.map((e) => e.unsettled))) / 2 : 0;
  const read = lay.caseSteps.map(level);
  const spread = new Array<number>(modes).fill(0);
  const sq = new Array<number>(modes).fill(0);
  for (const rep of lay.repeats) {
    const again = level(rep.step);
    for (let m = 0; m < modes; m++) {
      const d = again[m]! - read[rep.case]![m]!;
      spread[m] = Math.max(spread[m]!, Math.abs(d));
      sq[m]! += d * d;
    }
  }
  const guardSteps = spread.map((s, m) =>
    Math.max(GUARD_MIN_STEPS, s + 5 * Math.sqrt(sq[m]! / Math.max(1, 2 * lay.repeats.length)) + couplingSteps),
  );
  const P = lay.f.ports.length;
  return {
    levels: L,
    cases: lay.driven.length,
    read,
    expected: lay.driven.map((c) => Array.from(lay.set.expected.subarray(c * W, (c + 1) * W))),
    inputs: lay.driven.map((c) => Array.from(lay.set.inputs.subarray(c * P, (c + 1) * P))),
    guardSteps,
    repeatSpreadSteps: spread,
    responsivityAW,
    coupling: ends ? ends.map((e) => e.c) : null,
  };
}

/** The verdict on an acceptance round's levels: every case's every mode clear of its guard. */
export function judgeLevels(lv: AcceptLevels): AcceptVerdict {
  const modes = lv.guardSteps.length;
  const worst = new Array<number>(modes).fill(Number.POSITIVE_INFINITY);
  const failing: AcceptFailure[] = [];
  let wrong = 0;
  for (let c = 0; c < lv.cases; c++) {
    const expected = lv.expected[c]!;
    const margin = lv.read[c]!.map((x, m) => marginOf(x, expected[m]!, lv.levels));
    margin.forEach((x, m) => (worst[m] = Math.min(worst[m]!, x)));
    if (margin.some((x) => x < 0)) wrong++;
    if (margin.some((x, m) => x < lv.guardSteps[m]!)) failing.push({ case: c, inputs: lv.inputs[c]!, expected, read: lv.read[c]!, margin });
  }
  failing.sort((a, b) => Math.min(...a.margin) - Math.min(...b.margin) || a.case - b.case);
  return {
    pass: failing.length === 0,
    cases: lv.cases,
    accepted: lv.cases - failing.length,
    wrong,
    worstMarginSteps: worst,
    guardSteps: lv.guardSteps,
    repeatSpreadSteps: lv.repeatSpreadSteps,
    responsivityAW: lv.responsivityAW,
    coupling: lv.coupling,
    failing,
  };
}

export function judgeAccept(state: SessionState, round: Round, readings: StepReading[]): AcceptVerdict {
  return judgeLevels(acceptLevels(state, round, readings));
}
