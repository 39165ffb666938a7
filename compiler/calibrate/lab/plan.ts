// Planning a lab calibration session's next round from what the earlier rounds taught it: the
// dark round, the settling probe (settling.ts), then per stage the theta sweeps (with crosstalk
// pairs), the phase sweeps (meta-MZIs, the homodyne quadrature, gate scans) and the through sweeps.
// Settings come from the estimated die (stage-physics.ts), so each round is only as good as the
// readings absorbed before it; every step's wait comes from the settling probe.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { planAccept } from "./accept.ts";
import { brightenDim } from "./dim-power.ts";
import { planClose } from "./closing.ts";
import { planTrip } from "./trip.ts";
import { planLadder } from "./ladder.ts";
import { planReread } from "./dead-monitor.ts";
import { interleaveReferences } from "./coupling-refs.ts";
import { planPairs } from "./pairs.ts";
import { planPhiPairs } from "./phi-pairs.ts";
import { throughMonitors } from "./law-departure.ts";
import { DIM_SIGMA, type Group, type Round, type Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { planSettle, stepWaits } from "./settling.ts";
import { fitLabPowers } from "./limits.ts";
import {
  atOperatingTheta,
  codeFor,
  engine,
  light,
  materialize,
  maxCode,
  metaSetting,
  meter,
  meterCodes,
  phiForRowPhase,
  settle,
  stageCodes,
  thetaTargets,
  sweepCodes,
} from "./stage-physics.ts";
import { programCodes } from "./program-codes.ts";
import { heaterPart, meetingSite, metaPairs, type Stage } from "./structure.ts";

/** The next round to measure, planned from every reading absorbed so far. */
export function planNextRound(state: SessionState): Round {
  const k = state.rounds.length;
  const p = state.plan[k]!;
  const steps: Step[] = [];
  const groups: Group[] = [];
  if (p.kind === "dark") planDark(state, steps, groups);
  else if (p.kind === "settle") planSettle(state, steps, groups);
  else if (p.kind === "accept") planAccept(state, steps, groups);
  else if (p.kind === "trip") planTrip(state, steps, groups);
  else if (p.kind === "ladder") planLadder(state, steps, groups);
  else if (p.close !== undefined) planClose(state, p.kind, steps, groups);
  else {
    const stage = state.struct.stages[p.stage!]!;
    if (p.reread) planReread(state, stage, p.reread, baseCodes(state, stage), steps, groups);
    else if (p.kind === "theta") planTheta(state, stage, steps, groups);
    else if (p.kind === "phase" && p.pairs) planPairsRound(state, stage, steps, groups);
    else if (p.kind === "phase") planPhase(state, stage, steps, groups);
    else planThrough(state, stage, steps, groups);
  }
  // A stage with no near pairs to read has no pairs round, nor a cell with no trip to read a trip round.
  if ((p.pairs || p.kind === "trip") && steps.length === 0) {
    state.plan.splice(k, 1);
    return planNextRound(state);
  }
  // Lit to the cell's powers (limits.ts), coupling references every K steps, each step's settling wait.
  if (p.stage !== null && p.close === undefined) fitLabPowers(state, state.struct.stages[p.stage]!.part, steps, groups);
  interleaveReferences(state, p.kind, steps, groups);
  stepWaits(state, steps);
  return { index: k, stage: p.stage === null ? null : state.struct.stages[p.stage]!.part, kind: p.kind, steps, groups };
}

/** Codes of the stages before `stage` as programmed on the current estimated die; 0 elsewhere. */
function baseCodes(state: SessionState, stage: Stage): { codes: Int32Array; bias: Map<string, number>; program: Int32Array } {
  const upstream = new Set<string>();
  for (const s of state.struct.stages) {
    if (s === stage) break;
    upstream.add(s.part);
  }
  const codes = new Int32Array(state.struct.heaters.length);
  const prog = programCodes(state);
  if (upstream.size === 0) return { codes, bias: new Map(), program: prog.codes };
  state.struct.heaters.forEach((h, i) => {
    if (upstream.has(heaterPart(h))) codes[i] = prog.codes[i]!;
  });
  return { codes, bias: prog.bias, program: prog.codes };
}

function planDark(state: SessionState, steps: Step[], groups: Group[]): void {
  // Photodiodes, detectors and the local oscillators' photocurrents (the receivers' responsivity).
  const all = state.struct.readouts.map((_, i) => i);
  const g: Group = { kind: "dark", steps: [] };
  for (let r = 0; r < 4; r++) {
    g.steps.push(steps.length);
    steps.push({
      purpose: "dark",
      powers: new Float64Array(state.struct.lc.inputs.length),
      codes: new Int32Array(state.struct.heaters.length),
      read: all,
    });
  }
  groups.push(g);
}

function planTheta(state: SessionState, stage: Stage, steps: Step[], groups: Group[]): void {
  const base = baseCodes(state, stage);
  const eng = engine(state);
  const lights = new Map<number, { powers: Float64Array; codes: Int32Array }>();
  const lit = (j: number): { powers: Float64Array; codes: Int32Array } => {
    if (!lights.has(j)) {
      const l = light(state, stage, j);
      lights.set(j, { powers: l.powers, codes: materialize(state, base, l, eng, true) });
    }
    return lights.get(j)!;
  };
  const sweep = sweepCodes(state, state.setup.points);
  for (const e of stage.entries) {
    const en = state.struct.entries[e]!;
    const g: Group = { kind: "sweep", what: "theta", entry: e, heater: en.theta, read: [en.dump], steps: [] };
    const l = lit(en.input);
    for (const c of sweep) {
      const codes = Int32Array.from(l.codes);
      codes[en.theta] = c;
      g.steps.push(steps.length);
      steps.push({ purpose: `theta ${en.name}`, powers: l.powers, codes, read: g.read });
    }
    groups.push(g);
  }
  // Crosstalk: victims spread over the stage, aggressors at increasing distance.
  const ths = stage.entries.map((e) => state.struct.entries[e]!);
  const nv = Math.min(state.setup.crosstalkVictims, ths.length);
  for (let v = 0; v < nv; v++) {
    const victim = ths[Math.floor((v * ths.length) / nv)]!;
    const hv = state.struct.heaters[victim.theta]!;
    const others = ths
      .filter((o) => o !== victim)
      .map((o) => ({ o, d: Math.hypot(state.struct.heaters[o.theta]!.x - hv.x, state.struct.heaters[o.theta]!.y - hv.y) }))
      .filter((x) => x.d > 0)
      .sort((a, b) => a.d - b.d);
    const picks = [0, 1, 3, 6]
      .slice(0, state.setup.crosstalkAggressors)
      .map((k) => others[k])
      .filter((x) => x !== undefined);
    for (const { o } of picks) {
      const g: Group = { kind: "pair", victim: victim.theta, aggressor: o.theta, read: [victim.dump], steps: [] };
      const l = lit(victim.input);
      for (const c of sweep) {
        const codes = Int32Array.from(l.codes);
        codes[victim.theta] = c;
        codes[o.theta] = maxCode(state);
        g.steps.push(steps.length);
        steps.push({ purpose: `crosstalk ${victim.name} <- ${o.name}`, powers: l.powers, codes, read: g.read });
      }
      groups.push(g);
    }
  }
  if (stage === state.struct.stages[0] && state.setup.crosstalkFloor !== false) planFloor(state, stage, ths[0]!, lit, sweep, steps, groups);
}

/**
 * The chip-wide floor (heat that reaches every heater through the substrate, beyond the law's reach):
 * a victim of the first stage swept again with every heater of the later stages at half power. Their
 * light never reaches the victim's dump, so only their heat moves its fringe: about 2·10⁻³ rad per
 * heater at a floor of 0.05 %, the fringe's shift the sum over hundreds of them.
 */
function planFloor(
  state: SessionState,
  stage: Stage,
  victim: { theta: number; dump: number; input: number; name: string },
  lit: (j: number) => { powers: Float64Array; codes: Int32Array },
  sweep: number[],
  steps: Step[],
  groups: Group[],
): void {
  const later = new Set(state.struct.stages.filter((s) => s !== stage).map((s) => s.part));
  const aggressors = state.struct.heaters.flatMap((h, i) => (later.has(heaterPart(h)) && !h.unheated ? [i] : []));
  if (aggressors.length === 0) return;
  const code = Math.round(maxCode(state) / Math.SQRT2);
  const g: Group = { kind: "floor", victim: victim.theta, aggressors, read: [victim.dump], steps: [], code };
  const l = lit(victim.input);
  for (const c of sweep) {
    const codes = Int32Array.from(l.codes);
    for (const a of aggressors) codes[a] = code;
    codes[victim.theta] = c;
    g.steps.push(steps.length);
    steps.push({ purpose: `floor ${victim.name} <- ${aggressors.length} later heaters`, powers: l.powers, codes, read: g.read });
  }
  groups.push(g);
}

/**
 * Each θ heater against its near heaters (pairs.ts), in a phase round of their own: the meta-MZI
 * settings of the next round hold every entry at its operating θ through the couplings these read.
 * Planned in the round itself, a dim entry's θ there was off by what the pairs then found (0.36 rad
 * on crosstalk divide0 die 0's step/e4), its light nearly gone, its fringe 1.5 % deep.
 */
function planPairsRound(state: SessionState, stage: Stage, steps: Step[], groups: Group[]): void {
  const base = baseCodes(state, stage);
  const eng = engine(state);
  planPairs(
    state,
    stage,
    (j) => {
      // Pairs read power only: the upstream path fully transmitting, as for the θ fringes.
      const l = light(state, stage, j);
      return { powers: l.powers, codes: materialize(state, base, l, eng, true) };
    },
    steps,
    groups,
  );
}

function planPhase(state: SessionState, stage: Stage, steps: Step[], groups: Group[]): void {
  if (state.setup.pairsRound === false) planPairsRound(state, stage, steps, groups);
  const base = baseCodes(state, stage);
  const eng = engine(state);
  const sweep = sweepCodes(state, state.setup.points);
  for (const row of stage.rows) {
    const ref = state.struct.entries[row.ref];
    if (!ref) continue;
    // Meta-MZI: each entry against the reference, the reference against its first partner.
    for (const [e, partner] of metaPairs(row)) {
      const en = state.struct.entries[e]!;
      const pn = state.struct.entries[partner]!;
      const site = meetingSite(state.struct, e, partner);
      if (site === undefined) continue;
      const lit = metaSetting(state, stage, base, eng, e, partner);
      const codes0 = lit.codes;
      const powers = brightenDim(state, eng, lit.powers, codes0, en.phi, site);
      const g: Group = { kind: "sweep", what: "meta", entry: e, heater: en.phi, read: [site], steps: [], anchor: e !== row.ref };
      for (const c of sweep) {
        const codes = Int32Array.from(codes0);
        codes[en.phi] = c;
        g.steps.push(steps.length);
        steps.push({ purpose: `phase ${en.name} vs ${pn.name}`, powers, codes, read: g.read });
      }
      groups.push(g);
      planTurn(state, e, pn.theta, codes0, base.program, powers, site, steps, groups);
    }
    // The row's phase in the frame that reads it.
    const lr = light(state, stage, ref.input);
    const powers = lr.powers;
    const codes0 = stageCodes(state, stage, materialize(state, base, lr, eng), new Set([row.ref]));
    atOperatingTheta(state, codes0, base.program, [ref.theta]);
    if (row.sink.kind === "detector") {
      const g: Group = { kind: "sweep", what: "homodyne", entry: row.ref, heater: ref.phi, read: [row.sink.readout], steps: [] };
      for (const c of sweep) {
        const codes = Int32Array.from(codes0);
        codes[ref.phi] = c;
        g.steps.push(steps.length);
        steps.push({ purpose: `quadrature ${ref.name}`, powers, codes, read: g.read });
      }
      groups.push(g);
    } else if (row.sink.kind === "stage" && row.sink.gated) {
      const read = meter(state, row);
      for (const setting of [0, 1]) {
        const g: Group = { kind: "gate", row, entry: row.ref, heater: ref.phi, read, settings: setting, steps: [] };
        for (const c of sweepCodes(state, state.setup.gatePoints)) {
          const codes = Int32Array.from(codes0);
          codes[ref.phi] = c;
          meterCodes(state, row, codes, setting);
          g.steps.push(steps.length);
          steps.push({ purpose: `gate ${ref.name}`, powers, codes, read });
        }
        groups.push(g);
      }
    }
  }
}

/** Settings of a turn's φ sweep (planTurn): a fringe whose complex amplitude alone is fitted. */
export const TURN_POINTS = 16;

/**
 * An entry's meta-MZI pair again with the entry dark (θ = 0), the partner held at its operating θ:
 * the fringe is the light the entry leaks, m(0) = t_A·t_B − κ_A·κ_B, against the same partner light
 * as the meta-MZI's. Its size and sign are the MZI's coupler balance (coupler-balance.ts), which
 * sets what every "dark" entry leaks into its row and how arg m turns at a small θ.
 */
function planTurn(
  state: SessionState,
  e: number,
  partnerTheta: number,
  codes0: Int32Array,
  program: Int32Array,
  powers: Float64Array,
  site: number,
  steps: Step[],
  groups: Group[],
): void {
  const en = state.struct.entries[e]!;
  if (state.struct.parked.has(en.phi)) return;
  const codes1 = Int32Array.from(codes0);
  for (let it = 0; it < 2; it++) {
    codes1[en.theta] = codeFor(state, en.theta, 0, codes1);
    atOperatingTheta(state, codes1, program, [partnerTheta]);
  }
  const g: Group = { kind: "turn", entry: e, heater: en.phi, read: [site], steps: [] };
  for (const c of sweepCodes(state, TURN_POINTS)) {
    const codes = Int32Array.from(codes1);
    codes[en.phi] = c;
    g.steps.push(steps.length);
    steps.push({ purpose: `turn ${en.name}`, powers, codes, read: g.read });
  }
  groups.push(g);
}

/** Phase steps of each half of an entry's magnitude scan (planMagnitude). */
export const MAGNITUDE_POINTS = 12;

/**
 * A dim entry's transmission at its operating θ against its peak, φ turned in MAGNITUDE_POINTS
 * even steps at each (null for a bright entry). The fringe's peak gives an entry's gain where it is
 * bright, but at a small θ the couplers' imbalance adds a floor, |m|² = sin²(θ/2) + q·cos²(θ/2),
 * that the peak does not see, and its sign, which turns arg m, is not identifiable. Read over every
 * phase, a level is the entry's transmission whatever phase the model gives it. The light crosses
 * the stages before fully transmitting (a dim setting read through dim upstream entries would sit
 * at the readout's noise), and every θ on its way is held while φ turns, the rest dark.
 */
function planMagnitude(
  state: SessionState,
  stage: Stage,
  row: Stage["rows"][number],
  e: number,
  base: ReturnType<typeof baseCodes>,
  eng: ReturnType<typeof engine>,
  read: number[],
  steps: Step[],
): Group | null {
  const en = state.struct.entries[e]!;
  const theta = realizedPhases(state.estimatedDie, base.program)[en.theta]!;
  if (Math.abs(Math.sin(theta / 2)) >= DIM_SIGMA) return null;
  const l = light(state, stage, en.input);
  const codes0 = stageCodes(state, stage, materialize(state, base, l, eng, true), new Set([e]));
  meterCodes(state, row, codes0, state.meterSetting.get(`${row.part}/${row.index}`) ?? 0);
  const parked = state.struct.parked.has(en.phi);
  const phi0 = phiForRowPhase(state, eng, row, e, codes0, l.powers);
  const parts = new Set([stage.part, ...l.open.map((o) => state.struct.entries[o]!.part)]);
  const g: Group = { kind: "magnitude", entry: e, read, steps: [], theta };
  for (const at of [theta, Math.PI]) {
    const holds = thetaTargets(state, parts, new Map([[e, at], ...l.open.map((o): [number, number] => [o, Math.PI])]));
    for (let k = 0; k < MAGNITUDE_POINTS; k++) {
      const codes = Int32Array.from(codes0);
      if (!parked) codes[en.phi] = codeFor(state, en.phi, phi0 + (2 * Math.PI * k) / MAGNITUDE_POINTS, codes);
      settle(state, codes, holds);
      g.steps.push(steps.length);
      steps.push({ purpose: `magnitude ${en.name}`, powers: l.powers, codes, read });
    }
  }
  return g;
}

function planThrough(state: SessionState, stage: Stage, steps: Step[], groups: Group[]): void {
  const base = baseCodes(state, stage);
  const eng = engine(state);
  const sweep = sweepCodes(state, state.setup.points);
  for (const row of stage.rows) {
    const read = throughMonitors(state, meter(state, row));
    if (read.length === 0) continue;
    for (const e of row.entries) {
      const en = state.struct.entries[e]!;
      const l = light(state, stage, en.input);
      const powers = l.powers;
      const codes0 = stageCodes(state, stage, materialize(state, base, l, eng), new Set([e]));
      // Its φ turns the row's output to phase 0 in the frame that reads it.
      codes0[en.phi] = codeFor(state, en.phi, phiForRowPhase(state, eng, row, e, codes0, powers), codes0);
      meterCodes(state, row, codes0, state.meterSetting.get(`${row.part}/${row.index}`) ?? 0);
      const g: Group = { kind: "sweep", what: "through", entry: e, heater: en.theta, read, steps: [] };
      // Behind a ReLU the light must stay in phase while θ turns arg m(θ): φ follows θ.
      const track = row.sink.kind === "stage" && row.sink.gated;
      // A θ no dump read (dead-monitor.ts) tracked with its nominal law: arg m flips by π where the
      // true and nominal θ straddle a full turn, the ReLU closes there, and the fringe fitted an
      // offset 2.4 rad off (divide0 die 10). Read twice, the row turned by π, one of the two is open.
      const twin = track && state.unmeasured.has(en.theta) && state.setup.reread !== false;
      if (twin) g.twin = [];
      for (const c of sweep)
        for (const turn of twin ? [0, Math.PI] : [0]) {
          const codes = Int32Array.from(codes0);
          codes[en.theta] = c;
          if (track) codes[en.phi] = codeFor(state, en.phi, phiForRowPhase(state, eng, row, e, codes, powers) + turn, codes);
          (turn === 0 ? g.steps : g.twin!).push(steps.length);
          steps.push({ purpose: `through ${en.name}`, powers, codes, read });
        }
      groups.push(g);
      const m = planMagnitude(state, stage, row, e, base, eng, read, steps);
      if (m) groups.push(m);
    }
  }
  // φ victims against their near heaters, in the meta-MZI setting of planPhase (after the through
  // sweeps, so each group is planned only within what the budget leaves beside them: budget.ts).
  planPhiPairs(
    state,
    stage,
    (e, partner) => {
      const site = meetingSite(state.struct, e, partner);
      return site === undefined ? null : { ...metaSetting(state, stage, base, eng, e, partner), site };
    },
    steps,
    groups,
  );
}
