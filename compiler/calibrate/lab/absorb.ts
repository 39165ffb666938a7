// Absorbing a lab calibration session's readings into the estimated die: the dark currents, each
// heater's offset and efficiency moved by measured − predicted fringe fits, the crosstalk law, the
// rows' phases (meta-MZIs, homodyne quadrature, gate scans) and the entries' path gains (at the
// operating θ for dim ones). Predictions come from the estimated die itself (stage-physics.ts).
import { acceptLevels, judgeLevels, LO_MW } from "./accept.ts";
import { absorbClose } from "./closing.ts";
import { absorbTrip } from "./trip.ts";
import { absorbLadder } from "./ladder.ts";
import { correctCoupling } from "./coupling-refs.ts";
import { absorbPairs } from "./pairs.ts";
import { crosstalkFraction, wrapSigned } from "../../../netlist/die/heaters.ts";
import { refreshCrosstalk } from "./crosstalk-estimate.ts";
import { fitCrosstalkLaw } from "./crosstalk-law.ts";
import type { FringeFit } from "./fringe-fit.ts";
import { fitBalance, floorCorrection, scanResidual, setBalance, turnResidual, type Residual } from "./coupler-balance.ts";
import { fit, fitPredicted, values } from "./readings-fit.ts";
import { shiftOffset, update } from "./heater-update.ts";
import {
  absorbThetaReread,
  FLAT_FRINGE,
  throughFallback,
  flatPhase,
  isReread,
  phaseRounds,
  readsDead,
  rereadFlatThetas,
  rereadGatedRefs,
} from "./dead-monitor.ts";
import { type GateRead, gateReads } from "./gate.ts";
import type { Group, Round, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { noteDeparture } from "./law-departure.ts";
import { absorbSettle } from "./settling.ts";
import { afterAccept } from "./trim-round.ts";
import { power, setEntryLoss } from "./stage-physics.ts";
import type { Row } from "./structure.ts";

/** Absorb a round's readings (one StepReading per step, in order). */
export function absorbRound(state: SessionState, round: Round, raw: StepReading[]): void {
  if (round.index !== state.rounds.length) throw new Error(`absorb: round ${round.index + 1} out of order`);
  // An estimation round's readings with the input coupling its references read divided out.
  const readings = correctCoupling(state, round, raw);
  state.rounds.push(round);
  state.readings.push(readings);
  if (round.kind === "dark") absorbDark(state, round, readings);
  else if (round.kind === "settle") absorbSettle(state, round, readings);
  else if (round.kind === "accept") {
    const lv = acceptLevels(state, round, readings);
    state.acceptance = judgeLevels(lv);
    afterAccept(state, round, lv);
  } else if (round.kind === "trip") absorbTrip(state, round, readings);
  else if (round.kind === "ladder") absorbLadder(state, round, readings);
  else if (state.plan[round.index]?.close !== undefined) absorbClose(state, round, readings);
  else if (isReread(state, round)) absorbReread(state, round, readings);
  else if (round.kind === "theta") absorbTheta(state, round, readings);
  else if (round.kind === "phase") absorbPhase(state, round, readings);
  else absorbThrough(state, round, readings);
}

function absorbDark(state: SessionState, round: Round, readings: StepReading[]): void {
  const g = round.groups[0]!;
  state.dark = new Float64Array(state.struct.readouts.length);
  for (const s of g.steps) round.steps[s]!.read.forEach((ro, k) => (state.dark[ro]! += readings[s]!.values[k]! / g.steps.length));
  // The receivers' responsivity from their local oscillators' photocurrent (read with the darks).
  const first = state.struct.lc.sites.length + state.struct.lc.detectors.length;
  state.receiverAW = state.struct.lc.detectors.map((_, m) => state.dark[first + m]! / (LO_MW * 1e-3));
}

/** A re-read round (dead-monitor.ts): θ fringes at a fan-in monitor, or meta-MZI pairs read past a dead one. */
function absorbReread(state: SessionState, round: Round, readings: StepReading[]): void {
  if (round.kind === "theta") absorbThetaReread(state, round, readings);
  else {
    absorbMeta(state, round, readings);
    // A gated reference's efficiency moves the phase its partners were read against: read them again.
    for (const r of phaseRounds(state, round)) if (r.reread) absorbMeta(state, r.round, r.readings);
    refreshCrosstalk(state);
    absorbGates(state, round, readings);
    rereadGatedRefs(state, round);
  }
  refreshCrosstalk(state);
}

function absorbTheta(state: SessionState, round: Round, readings: StepReading[]): void {
  const fits = new Map<Group, FringeFit>();
  for (const g of round.groups) {
    if (g.kind === "sweep" || g.kind === "pair" || g.kind === "floor")
      fits.set(g, fit(state, round, g, values(state, readings, g, round), g.kind === "sweep" ? g.heater : g.victim));
  }
  // A fringe a twentieth of what the round's other dumps read against their prediction (the median:
  // photodiode responsivity in A per mW predicted), or less, is no reading of its heater (its dump
  // photodiode is dead): the estimate stays nominal, its pairs are not used, and lightings go round it.
  const gain = new Map<number, number>();
  for (const g of round.groups)
    if (g.kind === "sweep") gain.set(g.heater, fits.get(g)!.b / Math.max(1e-300, fitPredicted(state, round, g, g.heater, false).b));
  const sorted = [...gain.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const flat = new Set([...gain].filter(([, r]) => !(r >= FLAT_FRINGE * median)).map(([h]) => h));
  for (const h of flat) state.unmeasured.add(h);
  state.monitorGain.set(round.stage!, median);
  rereadFlatThetas(state, round, flat);
  // Crosstalk law from the pairs: κ = Δψ / (η_aggressor · P_max), against distance.
  for (const g of round.groups) {
    if (g.kind !== "pair" || flat.has(g.victim) || flat.has(g.aggressor)) continue;
    const own = round.groups.find((x) => x.kind === "sweep" && x.heater === g.victim)!;
    const aggr = round.groups.find((x) => x.kind === "sweep" && x.heater === g.aggressor)!;
    const dPsi = wrapSigned(fits.get(g)!.psiRad - fits.get(own)!.psiRad);
    const kappa = dPsi / (fits.get(aggr)!.eta * state.setup.pMaxMw);
    const hv = state.struct.heaters[g.victim]!;
    const ha = state.struct.heaters[g.aggressor]!;
    state.pairs.push({ d: Math.hypot(hv.x - ha.x, hv.y - ha.y), kappa });
  }
  state.law = fitCrosstalkLaw(state.pairs, state.setup.lawMagnitude === false) ?? state.law;
  if (state.law) {
    const stage = state.struct.stages.find((st) => st.part === round.stage);
    for (const e of stage?.entries ?? []) {
      const en = state.struct.entries[e]!;
      state.lawOf.set(en.theta, state.law);
      state.lawOf.set(en.phi, state.law);
    }
  }
  for (const g of round.groups) {
    if (g.kind !== "floor" || flat.has(g.victim)) continue;
    const own = round.groups.find((x) => x.kind === "sweep" && x.heater === g.victim)!;
    const [probe, swept] = [fits.get(g)!, fits.get(own)!];
    state.estimatedDie.crosstalkFloor = floorFrom(
      state,
      g,
      wrapSigned(probe.psiRad - swept.psiRad),
      Math.hypot(probe.sigmaPsi, swept.sigmaPsi),
    );
  }
  for (const g of round.groups) {
    if (g.kind !== "sweep" || flat.has(g.heater)) continue;
    update(state, round, g, fits.get(g)!, "theta fringe at its dump");
  }
  refreshCrosstalk(state);
}

/**
 * The floor from the probe's shift: what the law (fitted in the same round) gives the aggressors it
 * reaches taken off, the rest over the heat of those it does not (η as estimated so far: nominal).
 * A floor within three standard errors of 0 is none: modelled, 10⁻⁷ of noise moves every phase with
 * every code, and the optics are then propagated whole at each step (a third more calibration CPU on
 * nominal add1 dies, docs/design/calibration.md §12).
 */
function floorFrom(state: SessionState, g: Extract<Group, { kind: "floor" }>, dPsi: number, sigma: number): number {
  const p = power(state, g.code);
  const hv = state.struct.heaters[g.victim]!;
  let known = 0;
  let beyond = 0;
  for (const a of g.aggressors) {
    const ha = state.struct.heaters[a]!;
    const k = state.law ? crosstalkFraction(state.law, Math.hypot(hv.x - ha.x, hv.y - ha.y)) : 0;
    const heat = state.estimatedDie.heaters[a]!.radPerMw * p;
    if (k > 0) known += k * heat;
    else beyond += heat;
  }
  if (!(beyond > 0)) return 0;
  const f = (dPsi - known) / beyond;
  return f > (3 * sigma) / beyond ? f : 0;
}

/** Relative phases from the meta-MZI sweeps of a phase round (again after the couplers are known). */
function absorbMeta(state: SessionState, round: Round, readings: StepReading[]): void {
  for (const g of round.groups) {
    if (g.kind !== "sweep" || g.what !== "meta" || readsDead(state, g)) continue;
    // The reference's own sweep gives its efficiency; moving its offset too would pull the row's
    // relative phases (measured against it) by any model error of the other configuration.
    const label = g.anchor ? "meta-MZI at a fan-in dump" : "efficiency from a meta-MZI; offset is the row's gauge";
    const mf = fit(state, round, g, values(state, readings, g, round), g.heater);
    update(state, round, g, mf, label, g.anchor);
  }
}

function absorbPhase(state: SessionState, round: Round, readings: StepReading[]): void {
  flatPhase(state, round, readings);
  absorbPairs(state, round, (g) => values(state, readings, g, round));
  noteDeparture(state, round);
  refreshCrosstalk(state);
  absorbMeta(state, round, readings);
  for (const g of round.groups) {
    if (g.kind !== "sweep" || g.what !== "homodyne") continue;
    const measured = fit(state, round, g, values(state, readings, g, round), g.heater);
    const before = state.estimatedDie.heaters[g.heater]!.offsetRad;
    update(state, round, g, measured, "quadrature at the homodyne detector");
    shiftRow(state, g.entry, wrapSigned(state.estimatedDie.heaters[g.heater]!.offsetRad - before), g.heater);
  }
  refreshCrosstalk(state);
  absorbGates(state, round, readings);
}

/** Gates: each gated row's phase in the ReLU's frame, from where the light passes its meter. */
function absorbGates(state: SessionState, round: Round, readings: StepReading[]): void {
  // A gate whose meter is all dead read nothing (dead-monitor.ts: a re-read scans it past them).
  const byRow = new Map<Row, GateRead[]>();
  for (const r of gateReads(state, round, readings)) byRow.set(r.group.row, [...(byRow.get(r.group.row) ?? []), r]);
  for (const [row, rs] of byRow) {
    let best = { score: -1, shift: 0, setting: 0, eta: undefined as number | undefined };
    for (const r of rs) {
      const strength = r.max * r.agreement;
      if (strength > best.score) best = { score: strength, shift: r.shift, setting: r.group.settings, eta: r.eta };
    }
    state.meterSetting.set(`${row.part}/${row.index}`, best.setting);
    shiftRow(state, row.ref, wrapSigned(best.shift), -1);
    // A lone row's φ efficiency, read by its homodyne gate alone (gate.ts homodyneShift).
    if (best.eta !== undefined) {
      const h = state.estimatedDie.heaters[state.struct.entries[row.ref]!.phi]!;
      h.radPerMw = Math.max(1e-6, h.radPerMw + best.eta);
    }
  }
  refreshCrosstalk(state);
}

/** Add a phase to every entry φ of the row entry e belongs to (except `skip`, already moved). */
function shiftRow(state: SessionState, e: number, shift: number, skip: number): void {
  const en = state.struct.entries[e]!;
  for (const x of state.struct.entries) {
    if (x.part !== en.part || x.row !== en.row || x.phi === skip) continue;
    const h = state.estimatedDie.heaters[x.phi]!;
    shiftOffset(h, shift);
  }
}

function absorbThrough(state: SessionState, round: Round, readings: StepReading[]): void {
  // φ victims' near pairs (phi-pairs.ts), before anything this round fits with the couplings, but
  // on the couplers' balance: their slope readings are turned into phase on the estimated fringe.
  // (Each balance is fitted again below, on the couplings the pairs then gave.)
  if (round.groups.some((g) => g.kind === "slope")) {
    for (const g of round.groups)
      if (g.kind === "sweep" && g.what === "through") {
        const scan = round.groups.find((x): x is Extract<Group, { kind: "magnitude" }> => x.kind === "magnitude" && x.entry === g.entry);
        setBalance(state, g.entry, 0);
        balance(state, round, readings, g.entry, scan);
      }
  }
  absorbPairs(state, round, (g) => values(state, readings, g, round));
  refreshCrosstalk(state);
  const gains = new Map<number, number>();
  for (const g of round.groups) {
    if (g.kind !== "sweep" || g.what !== "through") continue;
    const m = fit(state, round, g, values(state, readings, g, round), g.heater);
    // A θ its dump never read (absorbTheta): this fringe, read after the row, is the first reading of it.
    if (state.unmeasured.has(g.heater)) throughFallback(state, round, g, m);
    const homodyne = g.read.length === 1 && g.read[0]! >= state.struct.lc.sites.length;
    // The MZI's couplers: balanced, or for a dim entry the balance its magnitude scan reads, sign
    // included (coupler-balance.ts). A balance from the fringe's depth alone, its sign guessed, made 6
    // of 10 loss-tracking add0 dies inexact; with the true sign flipped, 3 of 3 coupler-wide dies.
    const scan = round.groups.find((x): x is Extract<Group, { kind: "magnitude" }> => x.kind === "magnitude" && x.entry === g.entry);
    setBalance(state, g.entry, 0);
    balance(state, round, readings, g.entry, scan);
    const p = fitPredicted(state, round, g, g.heater);
    // The gain at the operating θ (its magnitude scan) when there is one; else the fringe's peak.
    // A dim entry's peak gain corrected by its own operating-θ-to-peak ratio (plan.ts planMagnitude).
    const peak = m.b / Math.max(1e-300, p.b);
    const ratio = scan ? peak * floorCorrection(state, round, readings, scan) : peak;
    const gain = homodyne ? ratio * ratio : ratio;
    if (Number.isFinite(gain) && gain > 0) gains.set(g.entry, gain);
  }
  // Path gain of each entry relative to the best of its row, as loss on its φ section. Rows read by
  // the output receivers are normalized together, each gain freed of its receiver's responsivity
  // (from its local oscillator, read in the dark round): a ratiometric detector decodes one row
  // against another, so their relative gain is part of the decision, and no other reading links them.
  const nSites = state.struct.lc.sites.length;
  const rAW = state.receiverAW;
  const meanR = rAW.length ? rAW.reduce((a, b) => a + b, 0) / rAW.length : 1;
  for (const st of state.struct.stages) {
    const detRows = st.rows.filter((r) => r.sink.kind === "detector");
    for (const row of detRows) {
      const m = (row.sink as { readout: number }).readout - nSites;
      const k = rAW[m] && meanR > 0 ? (rAW[m]! / meanR) ** 2 : 1;
      for (const e of row.entries) if (gains.has(e)) gains.set(e, gains.get(e)! / k);
    }
    const groupsOfRows = [...(detRows.length ? [detRows] : []), ...st.rows.filter((r) => !detRows.includes(r)).map((r) => [r])];
    for (const rows of groupsOfRows) {
      const gs = rows.flatMap((row) => row.entries).filter((e) => gains.has(e));
      if (gs.length === 0) continue;
      const top = Math.max(...gs.map((e) => gains.get(e)!));
      for (const e of gs) setEntryLoss(state, e, (prev) => Math.max(0, prev - 10 * Math.log10(gains.get(e)! / top)));
    }
  }
  // The couplers moved every MZI's phase at the meta-MZI settings: fit the relative phases again,
  // then the homodyne rows' absolute phase.
  const rounds = phaseRounds(state, round);
  const first = rounds.find((r) => !r.reread);
  if (first) {
    const phase = first.round;
    const rd = first.readings;
    absorbMeta(state, phase, rd);
    for (const g of phase.groups) {
      if (g.kind !== "sweep" || g.what !== "homodyne") continue;
      const before = state.estimatedDie.heaters[g.heater]!.offsetRad;
      update(state, phase, g, fit(state, phase, g, values(state, rd, g, phase), g.heater), "quadrature at the homodyne detector");
      shiftRow(state, g.entry, wrapSigned(state.estimatedDie.heaters[g.heater]!.offsetRad - before), g.heater);
    }
    refreshCrosstalk(state);
    // And the gated rows' phases: a row whose reference entry sits at a small θ turns with the
    // couplers by tenths of a radian, enough to close its ReLU for the next stage's lighting.
    absorbGates(state, phase, rd);
    // Pairs read past a dead monitor last: a homodyne re-read is in the row's absolute frame.
    for (const r of rounds) {
      if (!r.reread) continue;
      absorbMeta(state, r.round, r.readings);
      refreshCrosstalk(state);
      absorbGates(state, r.round, r.readings);
    }
  }
}

/** An entry's coupler balance from its magnitude scan (if dim) and, behind a ReLU, its turn (coupler-balance.ts). */
function balance(
  state: SessionState,
  round: Round,
  readings: StepReading[],
  entry: number,
  scan: Extract<Group, { kind: "magnitude" }> | undefined,
): void {
  if (state.setup.balance === false) return;
  const rs: Residual[] = [];
  const r = scan ? scanResidual(state, round, readings, scan) : null;
  if (r) rs.push(r);
  const first = phaseRounds(state, round).find((r) => !r.reread);
  const phase = first?.round;
  const turn = phase?.groups.find((x): x is Extract<Group, { kind: "turn" }> => x.kind === "turn" && x.entry === entry);
  const meta = phase?.groups.find(
    (x): x is Extract<Group, { kind: "sweep" }> => x.kind === "sweep" && x.what === "meta" && x.entry === entry,
  );
  // A turn read at a dead monitor read nothing.
  const t = phase && turn && meta && !readsDead(state, turn) ? turnResidual(state, phase, first.readings, meta, turn) : null;
  if (t) rs.push(t);
  fitBalance(state, entry, rs);
}
