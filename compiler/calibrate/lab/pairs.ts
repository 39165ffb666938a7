// Crosstalk pair by pair (docs/design/calibration.md §8.3): the law of crosstalk-law.ts is fitted
// from a few pairs, and a real die's couplings scatter around it, some with the other sign. So every
// θ heater of a stage is measured against each heater near it, at its own dump, in a phase round of
// their own after the stage's θ round (its θ fringe is known by then; plan.ts planPairsRound):
//   - the victim is set where its fringe is steepest, then read there, a little above and below
//     (the slope as read, so no photodiode gain is needed), and once per aggressor at full power;
//   - the phase each aggressor moves the victim by, beyond what the estimated die predicts, is found
//     on the estimated fringe (scale-free: the readings' slope against the prediction's) and turned
//     into that pair's coupling, which then overrides the law for the pair.
// Aggressors are the heaters of the victim's part within the law's reach (κ ≥ 0.5 %, or 0.1 % once
// the pairs depart from the law: law-departure.ts) that carry no light to it in the setting (their
// code there is 0): a heater that routes the light would change the reading through the routing,
// not through heat.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { pairKappa } from "./law-departure.ts";
import type { Group, Round, Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { engine, maxCode, power, sweepCodes } from "./stage-physics.ts";
import { heaterPart, type Stage } from "./structure.ts";

/** Code offset of the slope readings, in units of the sweep's step near the victim's setting. */
const SLOPE_STEPS = 1;

type SlopeGroup = Extract<Group, { kind: "slope" }>;

/** The estimated die's reading of the group's readouts at one step (mW at monitors). */
function predictAt(state: SessionState, st: Step, read: number[], victim?: { h: number; dPsi: number }): number {
  const eng = engine(state);
  const phases = realizedPhases(state.estimatedDie, st.codes);
  if (victim) phases[victim.h]! += victim.dPsi;
  const f = eng.fields(phases, st.powers, { readouts: read });
  return read.reduce((a, ro) => a + f.power[ro]!, 0);
}

export function planPairs(
  state: SessionState,
  stage: Stage,
  lit: (input: number) => { powers: Float64Array; codes: Int32Array },
  steps: Step[],
  groups: Group[],
): void {
  const reach = reachOf(state);
  if (reach === null) return;
  const heaters = state.struct.heaters;
  for (const e of stage.entries) {
    const v = state.struct.entries[e]!;
    // A victim whose dump read nothing (dead-monitor.ts): its slope would be noise, and the coupling fitted to it garbage.
    if (state.dead.has(v.dump)) continue;
    const hv = heaters[v.theta]!;
    const l = lit(v.input);
    const aggressors = heaters
      .map((h, i) => ({ i, d: Math.hypot(h.x - hv.x, h.y - hv.y), part: heaterPart(h) }))
      .filter((x) => x.i !== v.theta && x.part === v.part && x.d <= reach && l.codes[x.i] === 0 && !heaters[x.i]!.unheated)
      // a departed stage's second pairs round (law-departure.ts) reads only the pairs the first did not
      .filter((x) => !state.pairCoupling.has(`${v.theta},${x.i}`))
      .map((x) => x.i);
    if (aggressors.length === 0) continue;
    slopeGroup(state, v.theta, aggressors, { powers: l.powers, codes: l.codes, read: [v.dump] }, v.name, steps, groups, false);
  }
}

/**
 * One victim's pair readings (a θ here, a φ in phi-pairs.ts): set where its estimated fringe at
 * `s.read` is steepest, read there, a step below and above, once per aggressor at full power, and
 * with `again` there once more (how far a reading moves with nothing changed: quietEnough).
 */
export function slopeGroup(
  state: SessionState,
  victim: number,
  aggressors: number[],
  s: { powers: Float64Array; codes: Int32Array; read: number[] },
  name: string,
  steps: Step[],
  groups: Group[],
  again: boolean,
  partner?: SlopeGroup["partner"],
): void {
  const sweep = sweepCodes(state, state.setup.points);
  const k = slopeIndex(state, s, victim, s.read, sweep);
  const g: SlopeGroup = {
    kind: "slope",
    victim,
    aggressors,
    read: s.read,
    steps: [],
    codes: [sweep[k]!, sweep[k - SLOPE_STEPS]!, sweep[k + SLOPE_STEPS]!],
  };
  const push = (codes: Int32Array, purpose: string): void => {
    g.steps.push(steps.length);
    steps.push({ purpose, powers: s.powers, codes, read: g.read });
  };
  for (const c of g.codes) push(stepOf(s, victim, c).codes, `pair ${name} slope`);
  for (const a of aggressors) {
    const codes = stepOf(s, victim, g.codes[0]!).codes;
    codes[a] = maxCode(state);
    push(codes, `pair ${name} <- ${state.struct.heaters[a]!.name}`);
  }
  if (partner) g.partner = partner;
  if (again) {
    g.again = true;
    push(stepOf(s, victim, g.codes[0]!).codes, `pair ${name} again`);
  }
  groups.push(g);
}

/** The distance within which the law's coupling is at least the pairs' reach (null before a law). */
export function reachOf(state: SessionState, kappa = pairKappa(state)): number | null {
  const law = state.law;
  return law ? law.atUm + law.decayUm * Math.log(law.kappa / kappa) : null;
}

/** The sweep index where heater h's estimated fringe at `read` is steepest (never an end). */
export function slopeIndex(
  state: SessionState,
  l: { powers: Float64Array; codes: Int32Array },
  h: number,
  read: number[],
  sweep: number[],
): number {
  const r = sweep.map((c) => predictAt(state, { ...stepOf(l, h, c), purpose: "", read }, read));
  let k = 1;
  for (let j = 1; j < sweep.length - 1; j++) if (Math.abs(r[j + 1]! - r[j - 1]!) > Math.abs(r[k + 1]! - r[k - 1]!)) k = j;
  return k;
}

function stepOf(l: { powers: Float64Array; codes: Int32Array }, h: number, c: number): Omit<Step, "purpose" | "read"> {
  const codes = Int32Array.from(l.codes);
  codes[h] = c;
  return { powers: l.powers, codes };
}

/**
 * Each pair's coupling from its readings: the measured change per aggressor, scaled onto the
 * estimated fringe by the ratio of the slopes, is matched by moving the victim's phase on the
 * estimate; what that takes beyond the estimate's own coupling is added to the pair's coupling.
 */
export function absorbPairs(state: SessionState, round: Round, values: (g: SlopeGroup) => number[]): void {
  const onPartner = new Map<string, number[]>();
  for (const g of round.groups) {
    if (g.kind !== "slope") continue;
    const m = values(g);
    const st = (k: number): Step => round.steps[g.steps[k]!]!;
    const p0 = predictAt(state, st(0), g.read);
    const pLo = predictAt(state, st(1), g.read);
    const pHi = predictAt(state, st(2), g.read);
    const dP = power(state, g.codes[2]!) - power(state, g.codes[1]!);
    const sp = (pHi - pLo) / dP;
    const sm = (m[2]! - m[1]!) / dP;
    if (!(Math.abs(sp) > 0) || !(Math.abs(sm) > 0) || Math.sign(sp) !== Math.sign(sm)) continue;
    const scale = sp / sm;
    if (phiVictim(state, g.victim) && !followsFringe(m, [p0, pLo, pHi])) continue;
    if (g.again && !quietEnough(m)) continue;
    // The victim's extra phase δ that makes the estimate read what step k read (secant from δ = 0,
    // the estimate's own couplings).
    const extra = (k: number): number => {
      const target = p0 + (m[k]! - m[0]!) * scale;
      const f = (d: number): number => predictAt(state, st(k), g.read, { h: g.victim, dPsi: d }) - target;
      let [d0, f0] = [0, f(0)];
      let [d1, f1] = [0.05, f(0.05)];
      for (let it = 0; it < 12 && Math.abs(f1) > 1e-12 * Math.max(1e-30, Math.abs(target)) && f1 !== f0; it++) {
        const d2 = Math.max(-1.4, Math.min(1.4, d1 - (f1 * (d1 - d0)) / (f1 - f0)));
        [d0, f0] = [d1, f1];
        [d1, f1] = [d2, f(d2)];
      }
      return d1;
    };
    const pa = power(state, maxCode(state));
    const moves = g.aggressors.map((_, j) => extra(3 + j));
    g.aggressors.forEach((a, j) => {
      // The reading is the victim's phase against its partner's: an aggressor near the partner alone
      // moved the partner's phase, by −δ (add1 crosstalk die 37: e4.φ, 20 µm from the row's reference
      // e3.φ and 160 µm from e12.φ, read as 7.67 mrad/mW onto e12 where it is −3.64 onto e3).
      if (state.setup.phiPartner !== false && g.partner?.aggressors.includes(a)) {
        const key = `${g.partner.phi},${a}`;
        const read = onPartner.get(key) ?? [];
        read.push(-moves[j]! / pa);
        onPartner.set(key, read);
        return;
      }
      const key = `${g.victim},${a}`;
      const was = state.pairCoupling.get(key) ?? lawCoupling(state, g.victim, a);
      state.pairCoupling.set(key, was + moves[j]! / pa);
    });
  }
  // A row's reference is every other entry's partner: its couplings are the mean of what each pair read.
  for (const [key, moves] of onPartner) {
    const [v, a] = key.split(",").map(Number) as [number, number];
    const was = state.pairCoupling.get(key) ?? lawCoupling(state, v, a);
    state.pairCoupling.set(key, was + moves.reduce((x, y) => x + y, 0) / moves.length);
  }
}

/** Heater h is an entry's φ (a victim read at a fan-in or through a ReLU, often dim). */
function phiVictim(state: SessionState, h: number): boolean {
  return state.struct.entries.some((e) => e.phi === h);
}

/**
 * A φ victim's slope readings (setting, below, above) follow the estimated fringe: the setting's
 * reading between the two others, and the slope relative to the level within a quarter of the
 * prediction's. The digits stage's φ pairs of add0 are read at 10⁻¹⁰ A, where noise made couplings of
 * −0.17 out of 0.003 (docs/design/calibration.md §8.3, "Which couplings the flips break").
 */
export function followsFringe(m: readonly number[], p: readonly number[]): boolean {
  const between = (m[0]! - m[1]!) * (m[2]! - m[0]!) > 0;
  const ratio = (m[2]! - m[1]!) / m[0]! / ((p[2]! - p[1]!) / p[0]!);
  return between && ratio > 0.8 && ratio < 1.25;
}

/**
 * A group whose setting was read twice (`again`, its last step) is quiet enough when the two readings
 * differ by at most a tenth of the slope step's change: noise that size is a coupling error of a
 * hundredth of a radian per reading. On add0's digits φs, read at 10⁻¹⁰ A, the three slope readings
 * can follow the fringe by chance; their couplings were 0.1–0.3 rad off (docs/design/calibration.md §8.3).
 */
export function quietEnough(m: readonly number[]): boolean {
  return Math.abs(m[m.length - 1]! - m[0]!) <= 0.1 * (Math.abs(m[2]! - m[1]!) / 2);
}

/** The coupling the estimated die gives a pair now (its crosstalk list: the law or an earlier override). */
function lawCoupling(state: SessionState, victim: number, aggressor: number): number {
  const x = state.estimatedDie.crosstalk.find((c) => c.victim === victim && c.aggressor === aggressor);
  return x?.radPerMw ?? 0;
}
