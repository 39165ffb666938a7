// Closing rounds at the operating point (docs/calibration.md §9, §12 `crosstalk`): after a failed
// acceptance round, θ and the entries' relative phases are read again with every other heater at
// its programmed code, the codes solved again, and the pass repeated while it still moves them;
// then the acceptance round again. Every calibration setting before has later stages at code 0, so
// none sees the heat of the whole cell in operation; a crosstalk that departs from the fitted law
// (a chip-wide term, flipped or larger couplings) then misses θ at the programmed codes in common
// per stage. Read there, the miss is absorbed as an offset at the operating heat, not as a law.
//   theta  each stage's θs dithered together around their programmed powers, the cell lit as the
//          acceptance round lit it: each dump reads only its own θ, so one step reads them all;
//   phase  each anchored entry's φ dithered around its programmed power, everything else as
//          programmed and lit as in the acceptance round, read at the fan-in monitor where it meets
//          its row's reference: its phase against the rest of its row where the decision is made.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { shiftOffset } from "./heater-update.ts";
import { values } from "./readings-fit.ts";
import { DIM_SIGMA, type Group, type Round, roundReadings, type Step, type StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { engine, maxCode, power, programCodes, setPassive } from "./stage-physics.ts";
import { meetingSite, metaPairs } from "./structure.ts";

/** Dither steps per θ, and their spacing in realized phase (rad). */
export const DITHER_STEPS = 5;
const DITHER_RAD = 0.3;
/** Passes at most, and the largest correction (rad) under which a pass counts as converged. */
export const CLOSE_PASSES = 3;
const CONVERGED_RAD = 0.004;
/** Readings per MZI a session may take (issue #37). */
export const READINGS_PER_MZI = 300;
/** Operating lightings tried per stage: acceptance inputs, spread over the round. */
const LIGHTINGS = 24;

type Sweep = Extract<Group, { kind: "sweep" }>;

const readingsSoFar = (state: SessionState): number => state.rounds.reduce((a, r) => a + roundReadings(r.steps), 0);

/** Readings of a closing pass: the last one's, else at most one dither per θ and per φ and a few references. */
function passEstimate(state: SessionState): number {
  const last = state.closing ? state.rounds.filter((_, k) => state.plan[k]!.close === state.closing!.pass) : [];
  if (last.length === 2) return last.reduce((a, r) => a + roundReadings(r.steps), 0);
  return 2 * DITHER_STEPS * state.struct.entries.length + 20;
}

/** Whether one more pass and the acceptance round `accept` again stay within the readings budget. */
function passFits(state: SessionState, accept: Round): boolean {
  const budget = READINGS_PER_MZI * state.struct.entries.length;
  return readingsSoFar(state) + passEstimate(state) + roundReadings(accept.steps) <= budget;
}

/** After a failed acceptance round: a closing pass and the acceptance again, if the budget allows (once). */
export function closeAfterAccept(state: SessionState, accept: Round): void {
  if (state.setup.closing === false || state.acceptance?.pass !== false) return;
  if (state.plan.some((p) => p.close !== undefined)) return;
  if (!passFits(state, accept)) return;
  state.closing = { pass: 1, moved: [], theta: 0 };
  state.plan.splice(
    accept.index + 1,
    0,
    { stage: null, kind: "theta", close: 1 },
    { stage: null, kind: "phase", close: 1 },
    { stage: null, kind: "accept" },
  );
}

/** After a closing phase round: another pass while the last one still moved an estimate and the budget allows. */
function nextPass(state: SessionState, round: Round, moved: number): void {
  const c = state.closing!;
  c.moved.push(moved);
  if (c.pass >= CLOSE_PASSES || moved < CONVERGED_RAD) return;
  if (!passFits(state, state.rounds.findLast((r) => r.kind === "accept")!)) return;
  c.pass++;
  state.plan.splice(round.index + 1, 0, { stage: null, kind: "theta", close: c.pass }, { stage: null, kind: "phase", close: c.pass });
}

/** The acceptance round's input lightings (operation's powers), a spread subset. */
function lightings(state: SessionState): Float64Array[] {
  const accept = state.rounds.findLast((r) => r.kind === "accept");
  const drives = (accept?.steps ?? []).filter((s) => /^acceptance: input \d+$/.test(s.purpose)).map((s) => s.powers);
  const k = Math.max(1, Math.ceil(drives.length / LIGHTINGS));
  return drives.filter((_, i) => i % k === 0);
}

/** Power at the stage input feeding each entry, per lighting, in operation on the estimated die. */
function inputPowers(state: SessionState, codes: Int32Array, lights: Float64Array[]): number[][] {
  const eng = engine(state);
  const phases = realizedPhases(state.estimatedDie, codes);
  return lights.map((p) => {
    const f = eng.fields(phases, p);
    return state.struct.entries.map((en) => {
      const stage = state.struct.stages.find((s) => s.part === en.part)!;
      const d = stage.inputs[en.input]!;
      if (d.kind === "lab") return p[d.lab]!;
      const [x, y] = f.pin(`${d.part},out${d.row}`);
      return x * x + y * y;
    });
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
  const lights = lightings(state);
  const inP = inputPowers(state, prog, lights);
  for (const stage of state.struct.stages)
    for (const row of stage.rows) {
      if (!state.struct.entries[row.ref]) continue;
      for (const [e, partner] of metaPairs(row)) {
        const en = state.struct.entries[e]!;
        const site = meetingSite(state.struct, e, partner);
        if (e === row.ref || site === undefined || state.dead.has(site) || state.struct.parked.has(en.phi)) continue;
        // Lit where both the entry and its row's reference get the most light.
        let best = 0;
        const both = (c: number): number => Math.min(inP[c]![e]!, inP[c]![partner]!);
        lights.forEach((_, c) => (best = both(c) > both(best) ? c : best));
        if (!(both(best) > 0)) continue;
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

/**
 * Each dither against the estimate's prediction of the same steps: v ≈ g·(p + δ·∂p/∂o [+ γ·∂p/∂ln a]),
 * the heater's offset moved by δ and, for a dim entry's φ dither, its path amplitude by e^γ; twice
 * (the prediction moves with them). Returns the largest first move (rad, or γ).
 */
function absorbDither(state: SessionState, round: Round, readings: StepReading[]): number {
  const eng = engine(state);
  const die = state.estimatedDie;
  const gs = round.groups.filter((g): g is Sweep => g.kind === "sweep");
  const measured = new Map(gs.map((g) => [g, values(state, readings, g, round)]));
  const predictAt = (g: Sweep): number[] =>
    g.steps.map((s) => {
      const st = round.steps[s]!;
      return eng.fields(realizedPhases(die, st.codes), st.powers).power[g.read[0]!]!;
    });
  const leafOf = (g: Sweep): string => state.struct.heaters[state.struct.entries[g.entry]!.phi]!.path;
  const scale = (g: Sweep, gamma: number): void => {
    const leaf = leafOf(g);
    const e = die.passive.get(leaf) ?? {};
    setPassive(state, leaf, { ...e, lossDb: (e.lossDb ?? 0) - (20 / Math.LN10) * gamma });
  };
  const prog = realizedPhases(die, programCodes(state).codes);
  const dim = (g: Sweep): boolean =>
    g.what === "meta" &&
    Math.abs(Math.sin(prog[state.struct.entries[g.entry]!.theta]! / 2)) < DIM_SIGMA &&
    state.setup.closingGains === true;
  let moved = 0;
  for (let it = 0; it < 2; it++) {
    const moves: [Sweep, number, number][] = [];
    for (const g of gs) {
      const h = die.heaters[g.heater]!;
      const p = predictAt(g);
      const eps = 1e-3;
      h.offsetRad += eps;
      const cols = [p, predictAt(g).map((x, k) => (x - p[k]!) / eps)];
      h.offsetRad -= eps;
      if (dim(g)) {
        scale(g, eps);
        cols.push(predictAt(g).map((x, k) => (x - p[k]!) / eps));
        scale(g, -eps);
      }
      const r = regress(cols, measured.get(g)!);
      if (!r) continue;
      const [gain, hh, ha] = r.x;
      const delta = hh! / gain!;
      const gamma = ha === undefined ? 0 : ha / gain!;
      // Light the estimate does not bring there, or a move too far to be linear: no reading of this heater.
      if (!(gain! > 0) || !(Math.abs(delta) < 0.5) || !(r.se[1]! / gain! < 0.02)) continue;
      const useGamma = ha !== undefined && Math.abs(gamma) < 0.7 && r.se[2]! / gain! < 0.05;
      moves.push([g, delta, useGamma ? gamma : 0]);
    }
    for (const [g, delta, gamma] of moves) {
      const h = die.heaters[g.heater]!;
      shiftOffset(h, delta);
      if (gamma !== 0) scale(g, gamma);
      if (it === 0) moved = Math.max(moved, Math.abs(delta), Math.abs(gamma));
    }
  }
  return moved;
}
