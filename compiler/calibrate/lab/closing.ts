// Closing rounds at the operating point (docs/design/calibration.md §10.3, §12 `crosstalk`): after a failed
// acceptance round, θ and the entries' relative phases are read again with every other heater at
// its programmed code, the codes solved again, and the pass repeated while it still moves them;
// then the acceptance round again. Every calibration setting before has later stages at code 0, so
// none sees the heat of the whole cell in operation; a crosstalk that departs from the fitted law
// (a chip-wide term, flipped or larger couplings) then misses θ at the programmed codes in common
// per stage. Read there, the miss is absorbed as an offset at the operating heat, not as a law.
//   theta  each stage's θs dithered together around their programmed powers, the cell lit as the
//          acceptance round lit it: each dump reads only its own θ, so one step reads them all (or,
//          with LabSetup.closingPerEntry, one θ at a time: closing-entry.ts);
//   phase  each anchored entry's φ dithered around its programmed power, everything else as
//          programmed and lit as in the acceptance round, read at the fan-in monitor where it meets
//          its row's reference: its phase against the rest of its row where the decision is made.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { READINGS_PER_MZI, readingsSoFar } from "./budget.ts";
import { absorbDither } from "./closing-fit.ts";
import { planThetaPerEntry, stageInputPower } from "./closing-entry.ts";
import { type Group, type Round, roundReadings, type Step, type StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { programCodes } from "./program-codes.ts";
import { engine, maxCode, power } from "./stage-physics.ts";
import { meetingSite, metaPairs } from "./structure.ts";
import { tripReadings } from "./trip.ts";
import { ladderReadings } from "./ladder.ts";

/** Dither steps per θ, and their spacing in realized phase (rad). */
export const DITHER_STEPS = 5;
const DITHER_RAD = 0.3;
/** Passes at most, and the largest correction (rad) under which a pass counts as converged. */
export const CLOSE_PASSES = 3;
const CONVERGED_RAD = 0.004;
/** Operating lightings tried per stage: acceptance inputs, spread over the round. */
const LIGHTINGS = 24;

type Sweep = Extract<Group, { kind: "sweep" }>;

/** Readings of a closing pass: the last one's, else at most one dither per θ and per φ and a few references. */
function passEstimate(state: SessionState): number {
  const last = state.closing ? state.rounds.filter((_, k) => state.plan[k]!.close === state.closing!.pass) : [];
  if (last.length === 2) return last.reduce((a, r) => a + roundReadings(r.steps), 0);
  return 2 * DITHER_STEPS * state.struct.entries.length + 20;
}

/** What a closing pass would spend, in readings: `room` is what the budget leaves after the readings so far and the acceptance round again. */
export interface ClosingCosts {
  room: number;
  pass: number;
  trip: number;
  ladder: number;
}

/** The rounds a closing pass takes along (the trip round: trip.ts; the ladder round: ladder.ts). */
export interface ClosingRounds {
  trip: boolean;
  ladder: boolean;
}

function closingCosts(state: SessionState, accept: Round): ClosingCosts {
  return {
    room: READINGS_PER_MZI * state.struct.entries.length - readingsSoFar(state) - roundReadings(accept.steps),
    pass: passEstimate(state),
    trip: tripReadings(state),
    ladder: ladderReadings(state),
  };
}

const fits = (c: ClosingCosts, w: ClosingRounds): boolean => c.pass + (w.trip ? c.trip : 0) + (w.ladder ? c.ladder : 0) <= c.room;

/**
 * The rounds a closing pass after a failed acceptance takes along, where the budget allows: the
 * trip and ladder rounds, else the ladder alone, else the trip round alone, else none (a die with
 * room for one pass but not for the rounds it would reserve still gets the pass); null where not
 * even the pass fits. `can` leaves out a round the session cannot plan.
 */
export function closingChoice(c: ClosingCosts, can: ClosingRounds): ClosingRounds | null {
  const options = [
    { trip: can.trip, ladder: can.ladder },
    { trip: false, ladder: can.ladder },
    { trip: can.trip, ladder: false },
    { trip: false, ladder: false },
  ];
  return options.find((o) => fits(c, o)) ?? null;
}

/**
 * After a failed acceptance round: a closing pass, the rounds closingChoice takes along and the
 * acceptance again, if the budget allows (once). Whether it planned them.
 */
export function closeAfterAccept(state: SessionState, accept: Round): boolean {
  if (state.setup.closing === false || state.acceptance?.pass !== false) return false;
  if (state.plan.some((p) => p.close !== undefined)) return false;
  const take = closingChoice(closingCosts(state, accept), { trip: tripReadings(state) > 0, ladder: state.setup.ladder !== false });
  if (!take) return false;
  state.closing = { pass: 1, moved: [], theta: 0 };
  state.plan.splice(
    accept.index + 1,
    0,
    { stage: null, kind: "theta", close: 1 },
    { stage: null, kind: "phase", close: 1 },
    ...(take.trip ? [{ stage: null, kind: "trip" as const }] : []),
    ...(take.ladder ? [{ stage: null, kind: "ladder" as const }] : []),
    { stage: null, kind: "accept" },
  );
  return true;
}

/** After a closing phase round: another pass while the last one still moved an estimate and the budget allows. */
function nextPass(state: SessionState, round: Round, moved: number): void {
  const c = state.closing!;
  c.moved.push(moved);
  if (c.pass >= CLOSE_PASSES || moved < CONVERGED_RAD) return;
  // The trip and ladder rounds' reserve only where they are still to come (closeAfterAccept may have left them out).
  const later = state.plan.slice(round.index + 1);
  const with_ = { trip: later.some((p) => p.kind === "trip"), ladder: later.some((p) => p.kind === "ladder") };
  if (!fits(closingCosts(state, state.rounds.findLast((r) => r.kind === "accept")!), with_)) return;
  c.pass++;
  state.plan.splice(round.index + 1, 0, { stage: null, kind: "theta", close: c.pass }, { stage: null, kind: "phase", close: c.pass });
}

/** The acceptance round's input lightings (operation's powers), a spread subset (`all`: every one). */
function lightings(state: SessionState, all = false): Float64Array[] {
  const accept = state.rounds.findLast((r) => r.kind === "accept");
  const drives = (accept?.steps ?? []).filter((s) => /^acceptance: input \d+$/.test(s.purpose)).map((s) => s.powers);
  const k = all ? 1 : Math.max(1, Math.ceil(drives.length / LIGHTINGS));
  return drives.filter((_, i) => i % k === 0);
}

/** Power at the stage input feeding each entry, per lighting, in operation on the estimated die. */
function inputPowers(state: SessionState, codes: Int32Array, lights: Float64Array[]): number[][] {
  const eng = engine(state);
  const phases = realizedPhases(state.estimatedDie, codes);
  return lights.map((p) => {
    const f = eng.fields(phases, p);
    // With closingPerEntry a gated input counts the light its ReLU passes (closing-entry.ts).
    return state.struct.entries.map((_, e) => stageInputPower(state, e, f, p, state.setup.closingPerEntry === true));
  });
}

/** Code k of a dither around code c: powers spaced by DITHER_RAD of phase, kept inside the drive. */
function ditherCode(state: SessionState, h: number, c: number, k: number): number {
  const pMax = state.setup.pMaxMw;
  const dp = Math.min(pMax / (DITHER_STEPS + 1), DITHER_RAD / state.estimatedDie.heaters[h]!.radPerMw);
  const lo = Math.max(0, Math.min(pMax - (DITHER_STEPS - 1) * dp, power(state, c) - ((DITHER_STEPS - 1) / 2) * dp));
  return Math.round(maxCode(state) * Math.sqrt(Math.min(1, (lo + k * dp) / pMax)));
}

export function planClose(state: SessionState, kind: Round["kind"], steps: Step[], groups: Group[]): void {
  if (kind === "theta") planCloseTheta(state, steps, groups);
  else planClosePhase(state, steps, groups);
}

function planCloseTheta(state: SessionState, steps: Step[], groups: Group[]): void {
  const prog = programCodes(state).codes;
  const lights = lightings(state);
  const inP = inputPowers(state, prog, lights);
  if (state.setup.closingPerEntry === true) {
    planThetaPerEntry(state, prog, lights, inP, (h, c, k) => ditherCode(state, h, c, k), steps, groups, DITHER_STEPS);
    return;
  }
  for (const stage of state.struct.stages) {
    // Each entry read in the lighting that brings its input the most light.
    const byLight = new Map<number, number[]>();
    for (const e of stage.entries) {
      const en = state.struct.entries[e]!;
      if (state.dead.has(en.dump) || state.unmeasured.has(en.theta)) continue;
      let best = -1;
      lights.forEach((_, c) => {
        if (inP[c]![e]! > (best < 0 ? 0 : inP[best]![e]!)) best = c;
      });
      if (best >= 0) byLight.set(best, [...(byLight.get(best) ?? []), e]);
    }
    for (const [c, es] of byLight) {
      const gs: Sweep[] = es.map((e) => {
        const en = state.struct.entries[e]!;
        return { kind: "sweep", what: "theta", entry: e, heater: en.theta, read: [en.dump], steps: [] };
      });
      const read = gs.map((g) => g.read[0]!);
      for (let k = 0; k < DITHER_STEPS; k++) {
        const codes = Int32Array.from(prog);
        for (const e of stage.entries) {
          const h = state.struct.entries[e]!.theta;
          codes[h] = ditherCode(state, h, prog[h]!, k);
        }
        for (const g of gs) g.steps.push(steps.length);
        steps.push({ purpose: `closing theta ${stage.part}`, powers: lights[c]!, codes, read });
      }
      groups.push(...gs);
    }
  }
}

function planClosePhase(state: SessionState, steps: Step[], groups: Group[]): void {
  const prog = programCodes(state).codes;
  // Every acceptance input, not a spread subset: the lighting that isolates a pair is rarely in one.
  const isolate = state.setup.closingIsolate !== false;
  const lights = lightings(state, isolate);
  const inP = inputPowers(state, prog, lights);
  for (const stage of state.struct.stages)
    for (const row of stage.rows) {
      if (!state.struct.entries[row.ref]) continue;
      // The row's light per lighting, once per row: every pair of it is scored against it.
      const rowTotal = isolate ? inP.map((lit) => row.entries.reduce((a, k) => a + lit[k]!, 0)) : [];
      for (const [e, partner] of metaPairs(row)) {
        const en = state.struct.entries[e]!;
        const site = meetingSite(state.struct, e, partner);
        if (e === row.ref || site === undefined || state.dead.has(site) || state.struct.parked.has(en.phi)) continue;
        // Lit where the pair gets much light and the rest of its row little: min(P_e, P_ref)² over the
        // row's total. The other entries' light reaches the meeting dump too, and the estimate's
        // errors in their phases bias the pair's fit (add0 crosstalk die 20: the sum stage read with
        // every worker lit kept its relative phases 35 mrad RMS off at 0.9 mrad of fit error).
        const pair = (c: number): number => Math.min(inP[c]![e]!, inP[c]![partner]!);
        const score = isolate ? (c: number): number => pair(c) ** 2 / Math.max(1e-30, rowTotal[c]!) : pair;
        let best = 0;
        let bestScore = score(0);
        for (let c = 1; c < lights.length; c++) {
          const v = score(c);
          if (v > bestScore) [best, bestScore] = [c, v];
        }
        if (!(bestScore > 0)) continue;
        const g: Sweep = { kind: "sweep", what: "meta", entry: e, heater: en.phi, read: [site], steps: [], anchor: true };
        for (let k = 0; k < DITHER_STEPS; k++) {
          const codes = Int32Array.from(prog);
          codes[en.phi] = ditherCode(state, en.phi, prog[en.phi]!, k);
          g.steps.push(steps.length);
          steps.push({ purpose: `closing phase ${en.name}`, powers: lights[best]!, codes, read: g.read });
        }
        groups.push(g);
      }
    }
}

export function absorbClose(state: SessionState, round: Round, readings: StepReading[]): void {
  const moved = absorbDither(state, round, readings);
  if (round.kind === "theta") state.closing!.theta = moved;
  else nextPass(state, round, Math.max(state.closing!.theta, moved));
}
