// The per-stage physics of a lab calibration session, all on the estimated die: the drive law, the
// code that makes a heater realize a phase, how light is brought to a stage input and put at a row's
// phase, the meters behind a row, and what the die predicts a round's steps read. Planning (plan.ts)
// uses it to choose settings and absorbing (absorb.ts) to compare readings with predictions.
import { powerForPhase, realizedPhases } from "../../../netlist/die/heaters.ts";
import type { LeafError } from "../../../netlist/die/die.ts";
import { realizedPhaseOf } from "../../../netlist/die/phase-memo.ts";
import { labEngine, type LabEngine } from "../../../netlist/lab/engine.ts";
import { brightest } from "./bright.ts";
import { meterPhases, unreadMeters } from "./bright-meters.ts";
import type { Round } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { monitorSites, type Row, type Stage } from "./structure.ts";

export interface Light {
  powers: Float64Array;
  /** Upstream entries that carry the light, in light order. */
  open: number[];
}

/** The largest drive code. */
export function maxCode(state: SessionState): number {
  return 2 ** state.setup.driveBits - 1;
}

/** n drive codes of a fringe sweep, uniform in heater power. */
export function sweepCodes(state: SessionState, n: number): number[] {
  const cm = maxCode(state);
  return Array.from({ length: n }, (_, k) => Math.round(cm * Math.sqrt(k / (n - 1))));
}

/** Heater power at a drive code, mW (P ∝ V²). */
export function power(state: SessionState, code: number): number {
  return state.setup.pMaxMw * (code / maxCode(state)) ** 2;
}

/** Code that makes heater h realize `phase` (mod 2π) on the estimated die with the other codes given. */
export function codeFor(state: SessionState, h: number, phase: number, codes: Int32Array): number {
  const at0 = realizedPhaseOf(state.estimatedDie, codes, h, 0);
  const psi = (((phase - at0) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  const p = powerForPhase(state.estimatedDie.heaters[h]!, psi);
  return Math.max(0, Math.min(maxCode(state), Math.round(maxCode(state) * Math.sqrt(Math.min(1, p / state.setup.pMaxMw)))));
}

/** The estimated die's optics, built once; passive changes go through setPassive. */
export function engine(state: SessionState): LabEngine {
  if (!state.cachedEngine) {
    const passive = { id: state.estimatedDie.id, leaves: new Map([...state.estimatedDie.passive].map(([p, e]) => [p, { ...e }])) };
    state.cachedEngine = labEngine(
      state.struct.lc,
      passive,
      state.struct.heaters.map((h) => h.path),
    );
  }
  return state.cachedEngine;
}

export function setPassive(state: SessionState, path: string, e: LeafError): void {
  state.estimatedDie.passive.set(path, e);
  state.cachedEngine?.setLeaf(path, e);
}

/** Entry e's path loss on the estimate (its φ leaf's lossDb, dB), set from the one it has: how a fit moves an entry's gain. */
export function setEntryLoss(state: SessionState, e: number, to: (lossDb: number) => number): void {
  const leaf = state.struct.heaters[state.struct.entries[e]!.phi]!.path;
  const was = state.estimatedDie.passive.get(leaf) ?? {};
  setPassive(state, leaf, { ...was, lossDb: to(was.lossDb ?? 0) });
}

/**
 * Light on one stage input: the lab port itself, or an upstream row lit by one of its entries
 * alone (fully transmitting, its row turned to phase 0 so a ReLU passes it), recursively back to
 * a lab port — the brightest light the chip can put there.
 */
export function light(state: SessionState, stage: Stage, input: number): Light {
  const d = stage.inputs[input]!;
  if (d.kind === "lab") {
    const powers = new Float64Array(state.struct.lc.inputs.length);
    powers[d.lab] = state.setup.laserMw;
    return { powers, open: [] };
  }
  const u = state.struct.stages.find((s) => s.part === d.part)!;
  const row = u.rows[d.row]!;
  const pick = lightingEntry(state, u, row.entries);
  const inner = light(state, u, state.struct.entries[pick]!.input);
  return { powers: inner.powers, open: [...inner.open, pick] };
}

/**
 * The entry of a row that carries its lighting: one fed by a lab port first (the shortest path), one
 * whose θ was read (not behind a dead dump photodiode) before one whose θ is only nominal, and
 * among those the brightest in operation (bright.ts).
 */
function lightingEntry(state: SessionState, u: Stage, entries: number[]): number {
  const measured = (e: number): boolean => !state.unmeasured.has(state.struct.entries[e]!.theta);
  const lab = (e: number): boolean => u.inputs[state.struct.entries[e]!.input]!.kind === "lab";
  const best = (es: number[]): number | undefined => brightest(state, u, es, (v, xs) => lightingEntry(state, v, xs));
  return best(entries.filter((e) => lab(e) && measured(e))) ?? best(entries.filter(measured)) ?? best(entries.filter(lab)) ?? entries[0]!;
}

export function merge(a: Light, b: Light): Light {
  return { powers: Float64Array.from(a.powers, (x, i) => Math.max(x, b.powers[i]!)), open: [...new Set([...a.open, ...b.open])] };
}

/**
 * Codes for a lighting: in every upstream stage it passes, its entries open at their operating θ
 * (so the light carries the phase the row has in operation, which the estimate knows) and every
 * other entry dark. `full`: open entries fully transmitting instead, for sweeps that read power
 * only (a θ fringe): a row attenuated far down in operation, such as a loss-tracking replica row
 * of a small reference, would otherwise reach its dump too weak to fit.
 */
export function materialize(
  state: SessionState,
  base: { codes: Int32Array; program: Int32Array },
  l: Light,
  eng: LabEngine,
  full = false,
): Int32Array {
  const codes = Int32Array.from(base.codes);
  const open = new Set(l.open);
  const touched = new Set(l.open.map((e) => state.struct.entries[e]!.part));
  for (const st of state.struct.stages) {
    if (!touched.has(st.part)) continue;
    for (const e of st.entries) {
      const en = state.struct.entries[e]!;
      codes[en.theta] = open.has(e)
        ? full
          ? codeFor(state, en.theta, Math.PI, codes)
          : base.program[en.theta]!
        : codeFor(state, en.theta, 0, codes);
    }
  }
  // Open entries at the θ they realize in operation, not at its code: the heat of this setting
  // differs, and at a small θ the couplers' floor makes |m| and arg m steep in θ, so a lighting
  // through a dim entry (a replica row) must pass it as operation does.
  if (!full)
    atOperatingTheta(
      state,
      codes,
      base.program,
      l.open.map((e) => state.struct.entries[e]!.theta),
    );
  for (const e of l.open) {
    const en = state.struct.entries[e]!;
    // A parked φ (structure.ts) stays where operation keeps it: its law is never measured, so
    // driving it would move the light's phase by an error no later round sees (a loss-tracking
    // replica row's φ at code 42823 was 93 mrad off, and every threshold bias entry with it).
    if (state.struct.parked.has(en.phi)) {
      codes[en.phi] = base.program[en.phi]!;
      continue;
    }
    const st = state.struct.stages.find((s) => s.part === en.part)!;
    const row = st.rows[en.row]!;
    codes[en.phi] = codeFor(state, en.phi, phiForRowPhase(state, eng, row, e, codes, l.powers), codes);
    alignLeaks(state, eng, row, e, codes, l.powers);
  }
  return codes;
}

/**
 * A lit row's other entries are dark (θ = 0) but not dark: off balance, each leaks 2s of its input's
 * light into the row, and where merged lightings light that input the leak can outweigh a dim open
 * entry, so turning the open entry's φ alone leaves the row's phase anywhere and the ReLU behind it
 * closed (coupler-wide add1 die 2: threshold/e50's leak 1.05× threshold/e49's light at its θ of
 * 0.31). Such a row's leaking entries are turned to add in phase, then its open entry again.
 */
function alignLeaks(state: SessionState, eng: LabEngine, row: Row, e: number, codes: Int32Array, powers: Float64Array): void {
  if (state.setup.alignLeaks === false) return;
  const key = `${row.part},out${row.index}`;
  const z = eng.fields(realizedPhases(state.estimatedDie, codes), powers, { pin: key }).pin(key);
  if (z[0] >= 0.9 * Math.hypot(z[0], z[1])) return;
  for (const x of row.entries) {
    const phi = state.struct.entries[x]!.phi;
    if (x === e || state.struct.parked.has(phi)) continue;
    const ph = realizedPhases(state.estimatedDie, codes);
    const a = eng.fields(ph, powers, { pin: key }).pin(key);
    ph[phi]! += Math.PI;
    const b = eng.fields(ph, powers, { pin: key }).pin(key);
    const own: [number, number] = [(a[0] - b[0]) / 2, (a[1] - b[1]) / 2];
    if (!(Math.hypot(...own) > 1e-3 * Math.hypot(...a))) continue;
    codes[phi] = codeFor(state, phi, ph[phi]! - Math.PI - Math.atan2(own[1], own[0]), codes);
  }
  const phi = state.struct.entries[e]!.phi;
  for (let it = 0; it < 2; it++) codes[phi] = codeFor(state, phi, phiForRowPhase(state, eng, row, e, codes, powers), codes);
}

/**
 * The meta-MZI setting of entry e and its partner (plan.ts planPhase; its φ pairs and re-reads):
 * both lit, every other entry of the stage dark, both at their operating θ — the relative phase is
 * then measured where it is used, whatever arg m(θ) the couplers give (their balance is known only
 * up to sign, and at small θ it turns arg m by tenths of a radian).
 */
export function metaSetting(
  state: SessionState,
  stage: Stage,
  base: { codes: Int32Array; program: Int32Array },
  eng: LabEngine,
  e: number,
  partner: number,
): { powers: Float64Array; codes: Int32Array } {
  const en = state.struct.entries[e]!;
  const pn = state.struct.entries[partner]!;
  const l = merge(light(state, stage, en.input), light(state, stage, pn.input));
  const codes = stageCodes(state, stage, materialize(state, base, l, eng), new Set([e, partner]));
  atOperatingTheta(state, codes, base.program, [en.theta, pn.theta]);
  return { powers: l.powers, codes };
}

/**
 * θ codes that realize, in this setting, the θ the program realizes in operation. A code is not a
 * phase: with the stage's other entries dark and later stages off, the neighbours' heat differs by
 * up to tenths of a radian, and arg m(θ) turns with θ by an amount the couplers' unknown balance sets,
 * so a relative phase is measured where it is used only at the operating θ itself.
 */
export function atOperatingTheta(state: SessionState, codes: Int32Array, program: Int32Array, heaters: number[]): void {
  const target = realizedPhases(state.estimatedDie, program);
  for (let it = 0; it < 2; it++) for (const h of heaters) codes[h] = codeFor(state, h, target[h]!, codes);
}

/**
 * Re-solve heaters for their target phases in turn, `passes` times: each code changes its
 * neighbours' heat, so a θ set dark early in a setting is no longer dark once the rest is set
 * (0.1–0.2 rad on the estimated die, enough to leak a tenth of a row's field into a reading).
 */
export function settle(state: SessionState, codes: Int32Array, targets: ReadonlyMap<number, number>, passes = 3): void {
  // codeFor in turn, with the realized phases kept up to date by each move (one heater's change
  // reaches only its own phase and its victims'), not recomputed per heater.
  const die = state.estimatedDie;
  const phi = realizedPhases(die, codes);
  const victims = victimsOf(die.crosstalk, die.heaters.length);
  const floor = die.crosstalkFloor ?? 0;
  const own = (h: number, p: number): number => die.heaters[h]!.radPerMw * p * (1 + (die.heaters[h]!.betaPerMw ?? 0) * p);
  const cm = maxCode(state);
  for (let it = 0; it < passes; it++) {
    for (const [h, phase] of targets) {
      const p0 = power(state, codes[h]!);
      const psi = (((phase - (phi[h]! - own(h, p0))) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      const p = powerForPhase(die.heaters[h]!, psi);
      const code = Math.max(0, Math.min(cm, Math.round(cm * Math.sqrt(Math.min(1, p / state.setup.pMaxMw)))));
      if (code === codes[h]) continue;
      const p1 = power(state, code);
      phi[h]! += own(h, p1) - own(h, p0);
      for (const [v, rate] of victims[h]!) phi[v]! += rate * (p1 - p0);
      if (floor !== 0) {
        // The floor reaches every other heater: its own phase had none of it.
        const heat = floor * die.heaters[h]!.radPerMw * (p1 - p0);
        for (let v = 0; v < phi.length; v++) phi[v]! += heat;
        phi[h]! -= heat;
      }
      codes[h] = code;
    }
  }
}

const victimLists = new WeakMap<object, [number, number][][]>();
/** Each aggressor's victims and rates (rad/mW), once per crosstalk list. */
function victimsOf(list: SessionState["estimatedDie"]["crosstalk"], n: number): [number, number][][] {
  let v = victimLists.get(list);
  if (!v) {
    v = Array.from({ length: n }, () => []);
    for (const c of list) v[c.aggressor]!.push([c.victim, c.radPerMw]);
    victimLists.set(list, v);
  }
  return v;
}

/** θ targets of a setting: `open` entries at `at(e)`, every other entry of `parts` dark. */
export function thetaTargets(state: SessionState, parts: ReadonlySet<string>, open: ReadonlyMap<number, number>): Map<number, number> {
  const t = new Map<number, number>();
  for (const en of state.struct.entries) if (parts.has(en.part)) t.set(en.theta, 0);
  for (const [e, phase] of open) t.set(state.struct.entries[e]!.theta, phase);
  return t;
}

/** θ codes: entries in play fully transmitting, every other entry of the stage dark. */
export function stageCodes(state: SessionState, stage: Stage, base: Int32Array, open: Set<number>): Int32Array {
  const codes = Int32Array.from(base);
  for (const e of stage.entries) {
    const en = state.struct.entries[e]!;
    codes[en.theta] = codeFor(state, en.theta, open.has(e) ? Math.PI : 0, codes);
  }
  return codes;
}

export function meter(state: SessionState, row: Row): number[] {
  if (row.sink.kind === "detector") return [row.sink.readout];
  if (row.sink.kind !== "stage") return [];
  const sink = row.sink;
  // A dump named dead (dead-monitor.ts) is replaced by the first live fan-in monitor its entry's light
  // reaches, else by the detector its row feeds (a lone entry's dump: nothing else sees its light).
  return state.struct.entries
    .filter((e) => e.part === sink.part && e.input === sink.input)
    .map((e) => (state.dead.has(e.dump) ? (treeMonitor(state, e.tree) ?? detectorOf(state, e) ?? e.dump) : e.dump));
}

/** The homodyne detector an entry's row feeds, or undefined. */
export function detectorOf(state: SessionState, e: { part: string; row: number }): number | undefined {
  const sink = state.struct.stages.find((s) => s.part === e.part)?.rows[e.row]?.sink;
  return sink?.kind === "detector" ? sink.readout : undefined;
}

/** The first live fan-in monitor on an entry's tree (the light's way on to its row's output), or undefined. */
export function treeMonitor(state: SessionState, tree: readonly number[]): number | undefined {
  const sites = new Set(monitorSites(state.struct));
  return tree.find((t) => sites.has(t) && !state.dead.has(t));
}

/** Downstream θ codes for a row's meter: setting 0 = code 0, setting 1 = ≈ π at nominal efficiency. */
export function meterCodes(state: SessionState, row: Row, codes: Int32Array, setting: number): void {
  if (row.sink.kind !== "stage") return;
  const sink = row.sink;
  const at = (phase: number): number =>
    Math.round(maxCode(state) * Math.sqrt(Math.min(1, phase / state.setup.etaNominal / state.setup.pMaxMw)));
  const c = setting === 0 ? 0 : at(Math.PI);
  // Read past a dead dump (meter): at π/2 or 3π/2 nominal, where the estimate, not knowing the offset yet, still predicts light.
  const past = at(((setting === 0 ? 1 : 3) * Math.PI) / 2);
  for (const e of state.struct.entries)
    if (e.part === sink.part && e.input === sink.input) codes[e.theta] = state.dead.has(e.dump) ? past : c;
}

/** The φ (realized) that puts entry e's light at phase 0 at its row's output, on the estimated die. */
export function phiForRowPhase(state: SessionState, eng: LabEngine, row: Row, e: number, codes: Int32Array, powers: Float64Array): number {
  const en = state.struct.entries[e]!;
  const phases = realizedPhases(state.estimatedDie, codes);
  const pin = `${row.part},out${row.index}`;
  const z = eng.fields(phases, powers, { pin }).pin(pin);
  return phases[en.phi]! - Math.atan2(z[1], z[0]);
}

/** The estimated die's readings of a group's steps (every other step: a noiseless fringe needs few). */
export function predict(
  state: SessionState,
  round: Round,
  g: { steps: number[]; read: number[]; twin?: number[] },
): { steps: number[]; values: number[] } {
  const eng = engine(state);
  const nSites = state.struct.lc.sites.length;
  const keep = (_: number, k: number): boolean => k % 2 === 0 || k === g.steps.length - 1;
  const steps = g.steps.filter(keep);
  if (g.twin) {
    // A twinned sweep (readings-fit.ts values) reads the larger of each pair of steps.
    const a = predict(state, round, { steps: g.steps, read: g.read }).values;
    const b = predict(state, round, { steps: g.twin, read: g.read }).values;
    return { steps, values: a.map((x, k) => Math.max(Math.abs(x), Math.abs(b[k]!))) };
  }
  const bright = unreadMeters(state, round, g.read);
  const values = steps.map((s) => {
    const st = round.steps[s]!;
    const f = eng.fields(meterPhases(state, st.codes, bright), st.powers, { readouts: g.read });
    let v = 0;
    for (const ro of g.read) v += ro < nSites ? f.power[ro]! : f.detectorRe[ro - nSites]!;
    return v;
  });
  return { steps, values };
}
