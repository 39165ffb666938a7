// Calibration from readings (issue #23, docs/calibration.md §9): a measurement session that plans
// each protocol round from what the earlier rounds' readings taught it, and turns readings into an
// estimated die. It sees the design, the lab's instrument settings and readings — never a die.
//
// Rounds: dark readings, then per sparse stage in light order
//   theta    every attenuator's θ swept (uniform in heater power) at its dump photodiode: offset,
//            efficiency; a few victims swept again with one aggressor at full power: crosstalk law;
//   phase    every entry's φ swept against its row's reference entry at a fan-in dump (a meta-MZI):
//            relative phase and efficiency; rows read through a ReLU get a gate scan of the
//            reference (the row's phase in the ReLU's frame, to ±0.1 rad); rows read by the homodyne
//            detector a quadrature fringe (their absolute phase);
//   through  every entry alone in its row, θ swept, read after the row (next stage's dumps or the
//            detector): its path gain relative to the row and its MZI's coupler balance.
// Each estimate is model-based: the same sweep is simulated on the estimated die and the fitted
// fringe parameters are moved by the difference between measured and predicted fits.
import type { Circuit } from "../../../netlist/ir.ts";
import { codesForPhases, crosstalkOf, realizedPhases, wrapSigned, type CrosstalkLaw, type FabDie } from "../../../netlist/die-fab.ts";
import type { LeafError } from "../../../netlist/die.ts";
import { labEngine, type LabEngine } from "../../../netlist/lab-propagate.ts";
import { fitFringe, type FringeFit } from "./fringe-fit.ts";
import { fitCrosstalkLaw, type CrosstalkPair } from "./crosstalk-law.ts";
import { gateShift } from "./gate.ts";
import { cellStructure, meetingSite, metaPairs, type CellStructure, type Entry, type Row, type Stage } from "./structure.ts";

/** What the lab and the design state before any reading: drive, nominal heater, laser. */
export interface LabSetup {
  driveBits: number;
  pMaxMw: number;
  /** Nominal efficiency π/P_π of the process, rad/mW. */
  etaNominal: number;
  /** Power a lit input receives, mW. */
  laserMw: number;
  /** Readings per fringe sweep. */
  points: number;
  /** Settings per gate scan. */
  gatePoints: number;
  /** Crosstalk victims per stage, and aggressors per victim. */
  crosstalkVictims: number;
  crosstalkAggressors: number;
}

export const DEFAULT_SETUP: Omit<LabSetup, "driveBits" | "pMaxMw" | "etaNominal"> = {
  laserMw: 1,
  points: 40,
  gatePoints: 16,
  crosstalkVictims: 2,
  crosstalkAggressors: 3,
};

export interface Step {
  purpose: string;
  /** Power per lab input (LabCircuit.inputs order), mW. */
  powers: Float64Array;
  /** Drive code per heater. */
  codes: Int32Array;
  /** Readout indices (CellStructure.readouts). */
  read: number[];
}

interface Light {
  powers: Float64Array;
  /** Upstream entries that carry the light, in light order. */
  open: number[];
}

type Group =
  | { kind: "dark"; steps: number[] }
  | {
      kind: "sweep";
      what: "theta" | "meta" | "homodyne" | "through";
      entry: number;
      heater: number;
      read: number[];
      steps: number[];
      /** A meta-MZI sweep that fixes the entry's phase relative to its row (false: efficiency only). */
      anchor?: boolean;
    }
  | { kind: "pair"; victim: number; aggressor: number; read: number[]; steps: number[] }
  | { kind: "gate"; row: Row; entry: number; heater: number; read: number[]; settings: number; steps: number[] };

export interface Round {
  index: number;
  stage: string | null;
  kind: "dark" | "theta" | "phase" | "through";
  steps: Step[];
  groups: Group[];
}

/** One step's readings: a value per read readout (A, dark not removed) and the laser reference (A). */
export interface StepReading {
  values: number[];
  ref: number;
}

/** Targets (realized phase per heater) and bias amplitudes of the design re-programmed on a model. */
export type Program = (model: FabDie) => { targets: Float64Array; bias: Map<string, number> };

export interface EstimateNote {
  heater: string;
  offsetRad: number;
  radPerMw: number;
  sigmaOffsetRad: number;
  sigmaRadPerMw: number;
  rms: number;
  from: string;
}

export class LabSession {
  readonly struct: CellStructure;
  readonly setup: LabSetup;
  readonly model: FabDie;
  readonly plan: { stage: number | null; kind: Round["kind"] }[];
  private dark: Float64Array;
  private pairs: CrosstalkPair[] = [];
  private law: CrosstalkLaw | null = null;
  private meterSetting = new Map<string, number>();
  readonly notes = new Map<number, EstimateNote>();
  private rounds: Round[] = [];
  private readings: StepReading[][] = [];

  constructor(
    circuit: Circuit,
    setup: LabSetup,
    private readonly program: Program,
  ) {
    this.struct = cellStructure(circuit);
    this.setup = setup;
    const passive = new Map<string, LeafError>();
    this.model = {
      id: "estimated",
      circuit: circuit.name,
      drive: { bits: setup.driveBits, pMaxMw: setup.pMaxMw },
      heaters: this.struct.heaters.map((h) => ({ ...h, offsetRad: 0, radPerMw: setup.etaNominal })),
      crosstalk: [],
      passive,
      detectors: [],
      laser: { powerMw: setup.laserMw, driftRelPerStep: 0 },
    };
    this.dark = new Float64Array(this.struct.readouts.length);
    this.plan = [{ stage: null, kind: "dark" }];
    this.struct.stages.forEach((_, s) => {
      for (const kind of ["theta", "phase", "through"] as const) this.plan.push({ stage: s, kind });
    });
  }

  get done(): boolean {
    return this.rounds.length === this.plan.length;
  }

  get roundCount(): number {
    return this.plan.length;
  }

  /** The next round to measure, planned from every reading absorbed so far. */
  nextRound(): Round {
    const k = this.rounds.length;
    const p = this.plan[k]!;
    const steps: Step[] = [];
    const groups: Group[] = [];
    if (p.kind === "dark") this.planDark(steps, groups);
    else {
      const stage = this.struct.stages[p.stage!]!;
      if (p.kind === "theta") this.planTheta(stage, steps, groups);
      else if (p.kind === "phase") this.planPhase(stage, steps, groups);
      else this.planThrough(stage, steps, groups);
    }
    return { index: k, stage: p.stage === null ? null : this.struct.stages[p.stage]!.part, kind: p.kind, steps, groups };
  }

  /** Absorb a round's readings (one StepReading per step, in order). */
  absorb(round: Round, readings: StepReading[]): void {
    if (round.index !== this.rounds.length) throw new Error(`absorb: round ${round.index + 1} out of order`);
    this.rounds.push(round);
    this.readings.push(readings);
    if (round.kind === "dark") this.absorbDark(round, readings);
    else if (round.kind === "theta") this.absorbTheta(round, readings);
    else if (round.kind === "phase") this.absorbPhase(round, readings);
    else this.absorbThrough(round, readings);
  }

  /** Drive codes of the design on the estimated die (parked heaters at code 0). */
  programCodes(): { codes: Int32Array; bias: Map<string, number>; maxErrorRad: number } {
    const { targets, bias } = this.program(this.model);
    const t = Float64Array.from(targets);
    const parked = this.struct.parked;
    let sol = codesForPhases(this.model, t, true);
    for (let it = 0; it < 3; it++) {
      const codes = Int32Array.from(sol.codes);
      for (const h of parked) codes[h] = 0;
      const phi = realizedPhases(this.model, codes);
      // A parked output-phase heater's miss is moved onto every entry of its row.
      for (const st of this.struct.stages)
        for (const r of st.rows) {
          if (r.po === null || !parked.has(r.po)) continue;
          const miss = wrapSigned(t[r.po]! - phi[r.po]!);
          for (const e of r.entries) t[this.struct.entries[e]!.phi]! += miss;
          t[r.po] = phi[r.po]!;
        }
      for (const h of parked) if (h !== undefined) t[h] = phi[h]!;
      sol = codesForPhases(this.model, t, true);
    }
    const codes = Int32Array.from(sol.codes);
    for (const h of parked) codes[h] = 0;
    return { codes, bias, maxErrorRad: sol.maxErrorRad };
  }

  // ---------------------------------------------------------------- planning

  private cm(): number {
    return 2 ** this.setup.driveBits - 1;
  }

  private sweepCodes(n: number): number[] {
    const cm = this.cm();
    return Array.from({ length: n }, (_, k) => Math.round(cm * Math.sqrt(k / (n - 1))));
  }

  private power(code: number): number {
    return this.setup.pMaxMw * (code / this.cm()) ** 2;
  }

  /** Code that makes heater h realize `phase` (mod 2π) on the model with the other codes given. */
  private codeFor(h: number, phase: number, codes: Int32Array): number {
    const c = Int32Array.from(codes);
    c[h] = 0;
    const at0 = realizedPhases(this.model, c)[h]!;
    const eta = this.model.heaters[h]!.radPerMw;
    let p = (((phase - at0) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    p /= eta;
    return Math.max(0, Math.min(this.cm(), Math.round(this.cm() * Math.sqrt(Math.min(1, p / this.setup.pMaxMw)))));
  }

  /** Codes of the stages before `stage` as programmed on the current model; 0 elsewhere. */
  private baseCodes(stage: Stage): { codes: Int32Array; bias: Map<string, number>; program: Int32Array } {
    const upstream = new Set<string>();
    for (const s of this.struct.stages) {
      if (s === stage) break;
      upstream.add(s.part);
    }
    const codes = new Int32Array(this.struct.heaters.length);
    const prog = this.programCodes();
    if (upstream.size === 0) return { codes, bias: new Map(), program: prog.codes };
    this.struct.heaters.forEach((h, i) => {
      if (upstream.has(h.name.slice(0, h.name.indexOf("/")))) codes[i] = prog.codes[i]!;
    });
    return { codes, bias: prog.bias, program: prog.codes };
  }

  private cachedEngine: LabEngine | null = null;

  /** The estimated die's optics, built once; passive changes go through setPassive. */
  private engine(): LabEngine {
    if (!this.cachedEngine) {
      const passive = { id: this.model.id, leaves: new Map([...this.model.passive].map(([p, e]) => [p, { ...e }])) };
      this.cachedEngine = labEngine(
        this.struct.lc,
        passive,
        this.struct.heaters.map((h) => h.path),
      );
    }
    return this.cachedEngine;
  }

  private setPassive(path: string, e: LeafError): void {
    this.model.passive.set(path, e);
    this.cachedEngine?.setLeaf(path, e);
  }

  /**
   * Light on one stage input: the lab port itself, or an upstream row lit by one of its entries
   * alone (fully transmitting, its row turned to phase 0 so a ReLU passes it), recursively back to
   * a lab port — the brightest light the chip can put there.
   */
  private light(stage: Stage, input: number): Light {
    const d = stage.inputs[input]!;
    if (d.kind === "lab") {
      const powers = new Float64Array(this.struct.lc.inputs.length);
      powers[d.lab] = this.setup.laserMw;
      return { powers, open: [] };
    }
    const u = this.struct.stages.find((s) => s.part === d.part)!;
    const row = u.rows[d.row]!;
    const pick = row.entries.find((e) => u.inputs[this.struct.entries[e]!.input]!.kind === "lab") ?? row.entries[0]!;
    const inner = this.light(u, this.struct.entries[pick]!.input);
    return { powers: inner.powers, open: [...inner.open, pick] };
  }

  private merge(a: Light, b: Light): Light {
    return { powers: Float64Array.from(a.powers, (x, i) => Math.max(x, b.powers[i]!)), open: [...new Set([...a.open, ...b.open])] };
  }

  /**
   * Codes for a lighting: in every upstream stage it passes, its entries open at their operating θ
   * (so the light carries the phase the row has in operation, which the estimate knows) and every
   * other entry dark.
   */
  private materialize(base: { codes: Int32Array; program: Int32Array }, l: Light, eng: LabEngine): Int32Array {
    const codes = Int32Array.from(base.codes);
    const open = new Set(l.open);
    const touched = new Set(l.open.map((e) => this.struct.entries[e]!.part));
    for (const st of this.struct.stages) {
      if (!touched.has(st.part)) continue;
      for (const e of st.entries) {
        const en = this.struct.entries[e]!;
        codes[en.theta] = open.has(e) ? base.program[en.theta]! : this.codeFor(en.theta, 0, codes);
      }
    }
    for (const e of l.open) {
      const en = this.struct.entries[e]!;
      const st = this.struct.stages.find((s) => s.part === en.part)!;
      const row = st.rows[en.row]!;
      codes[en.phi] = this.codeFor(en.phi, this.phiForRowPhase(eng, row, e, codes, l.powers), codes);
    }
    return codes;
  }

  private planDark(steps: Step[], groups: Group[]): void {
    const all = this.struct.readouts.map((_, i) => i);
    const g: Group = { kind: "dark", steps: [] };
    for (let r = 0; r < 4; r++) {
      g.steps.push(steps.length);
      steps.push({
        purpose: "dark",
        powers: new Float64Array(this.struct.lc.inputs.length),
        codes: new Int32Array(this.struct.heaters.length),
        read: all,
      });
    }
    groups.push(g);
  }

  private planTheta(stage: Stage, steps: Step[], groups: Group[]): void {
    const base = this.baseCodes(stage);
    const eng = this.engine();
    const lights = new Map<number, { powers: Float64Array; codes: Int32Array }>();
    const lit = (j: number): { powers: Float64Array; codes: Int32Array } => {
      if (!lights.has(j)) {
        const l = this.light(stage, j);
        lights.set(j, { powers: l.powers, codes: this.materialize(base, l, eng) });
      }
      return lights.get(j)!;
    };
    const sweep = this.sweepCodes(this.setup.points);
    for (const e of stage.entries) {
      const en = this.struct.entries[e]!;
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
    const ths = stage.entries.map((e) => this.struct.entries[e]!);
    const nv = Math.min(this.setup.crosstalkVictims, ths.length);
    for (let v = 0; v < nv; v++) {
      const victim = ths[Math.floor((v * ths.length) / nv)]!;
      const hv = this.struct.heaters[victim.theta]!;
      const others = ths
        .filter((o) => o !== victim)
        .map((o) => ({ o, d: Math.hypot(this.struct.heaters[o.theta]!.x - hv.x, this.struct.heaters[o.theta]!.y - hv.y) }))
        .filter((x) => x.d > 0)
        .sort((a, b) => a.d - b.d);
      const picks = [0, 1, 3, 6]
        .slice(0, this.setup.crosstalkAggressors)
        .map((k) => others[k])
        .filter((x) => x !== undefined);
      for (const { o } of picks) {
        const g: Group = { kind: "pair", victim: victim.theta, aggressor: o.theta, read: [victim.dump], steps: [] };
        const l = lit(victim.input);
        for (const c of sweep) {
          const codes = Int32Array.from(l.codes);
          codes[victim.theta] = c;
          codes[o.theta] = this.cm();
          g.steps.push(steps.length);
          steps.push({ purpose: `crosstalk ${victim.name} <- ${o.name}`, powers: l.powers, codes, read: g.read });
        }
        groups.push(g);
      }
    }
  }

  /** θ codes: entries in play fully transmitting, every other entry of the stage dark. */
  private stageCodes(stage: Stage, base: Int32Array, open: Set<number>): Int32Array {
    const codes = Int32Array.from(base);
    for (const e of stage.entries) {
      const en = this.struct.entries[e]!;
      codes[en.theta] = this.codeFor(en.theta, open.has(e) ? Math.PI : 0, codes);
    }
    return codes;
  }

  private meter(row: Row): number[] {
    if (row.sink.kind === "detector") return [row.sink.readout];
    if (row.sink.kind !== "stage") return [];
    const sink = row.sink;
    return this.struct.entries.filter((e) => e.part === sink.part && e.input === sink.input).map((e) => e.dump);
  }

  /** Downstream θ codes for a row's meter: setting 0 = code 0, setting 1 = ≈ π at nominal efficiency. */
  private meterCodes(row: Row, codes: Int32Array, setting: number): void {
    if (row.sink.kind !== "stage") return;
    const sink = row.sink;
    const c = setting === 0 ? 0 : Math.round(this.cm() * Math.sqrt(Math.min(1, Math.PI / this.setup.etaNominal / this.setup.pMaxMw)));
    for (const e of this.struct.entries) if (e.part === sink.part && e.input === sink.input) codes[e.theta] = c;
  }

  private planPhase(stage: Stage, steps: Step[], groups: Group[]): void {
    const base = this.baseCodes(stage);
    const eng = this.engine();
    const sweep = this.sweepCodes(this.setup.points);
    for (const row of stage.rows) {
      const ref = this.struct.entries[row.ref];
      if (!ref) continue;
      // Meta-MZI: each entry against the reference, the reference against its first partner.
      for (const [e, partner] of metaPairs(row)) {
        const en = this.struct.entries[e]!;
        const pn = this.struct.entries[partner]!;
        const site = meetingSite(this.struct, e, partner);
        if (site === undefined) continue;
        const l = this.merge(this.light(stage, en.input), this.light(stage, pn.input));
        const powers = l.powers;
        const codes0 = this.stageCodes(stage, this.materialize(base, l, eng), new Set([e, partner]));
        // Both entries at their operating θ: the relative phase is then measured where it is used,
        // whatever arg m(θ) the couplers give (their balance is known only up to sign, and at small
        // θ it turns arg m by tenths of a radian).
        codes0[en.theta] = base.program[en.theta]!;
        codes0[pn.theta] = base.program[pn.theta]!;
        const g: Group = { kind: "sweep", what: "meta", entry: e, heater: en.phi, read: [site], steps: [], anchor: e !== row.ref };
        for (const c of sweep) {
          const codes = Int32Array.from(codes0);
          codes[en.phi] = c;
          g.steps.push(steps.length);
          steps.push({ purpose: `phase ${en.name} vs ${pn.name}`, powers, codes, read: g.read });
        }
        groups.push(g);
      }
      // The row's phase in the frame that reads it.
      const lr = this.light(stage, ref.input);
      const powers = lr.powers;
      const codes0 = this.stageCodes(stage, this.materialize(base, lr, eng), new Set([row.ref]));
      codes0[ref.theta] = base.program[ref.theta]!;
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
        const read = this.meter(row);
        for (const setting of [0, 1]) {
          const g: Group = { kind: "gate", row, entry: row.ref, heater: ref.phi, read, settings: setting, steps: [] };
          for (const c of this.sweepCodes(this.setup.gatePoints)) {
            const codes = Int32Array.from(codes0);
            codes[ref.phi] = c;
            this.meterCodes(row, codes, setting);
            g.steps.push(steps.length);
            steps.push({ purpose: `gate ${ref.name}`, powers, codes, read });
          }
          groups.push(g);
        }
      }
    }
  }

  private planThrough(stage: Stage, steps: Step[], groups: Group[]): void {
    const base = this.baseCodes(stage);
    const eng = this.engine();
    const sweep = this.sweepCodes(this.setup.points);
    for (const row of stage.rows) {
      const read = this.meter(row);
      if (read.length === 0) continue;
      for (const e of row.entries) {
        const en = this.struct.entries[e]!;
        const l = this.light(stage, en.input);
        const powers = l.powers;
        const codes0 = this.stageCodes(stage, this.materialize(base, l, eng), new Set([e]));
        // Its φ turns the row's output to phase 0 in the frame that reads it.
        codes0[en.phi] = this.codeFor(en.phi, this.phiForRowPhase(eng, row, e, codes0, powers), codes0);
        this.meterCodes(row, codes0, this.meterSetting.get(`${row.part}/${row.index}`) ?? 0);
        const g: Group = { kind: "sweep", what: "through", entry: e, heater: en.theta, read, steps: [] };
        // Behind a ReLU the light must stay in phase while θ turns arg m(θ): φ follows θ.
        const track = row.sink.kind === "stage" && row.sink.gated;
        for (const c of sweep) {
          const codes = Int32Array.from(codes0);
          codes[en.theta] = c;
          if (track) codes[en.phi] = this.codeFor(en.phi, this.phiForRowPhase(eng, row, e, codes, powers), codes);
          g.steps.push(steps.length);
          steps.push({ purpose: `through ${en.name}`, powers, codes, read });
        }
        groups.push(g);
      }
    }
  }

  /** The φ (realized) that puts entry e's light at phase 0 at its row's output, on the model. */
  private phiForRowPhase(eng: LabEngine, row: Row, e: number, codes: Int32Array, powers: Float64Array): number {
    const en = this.struct.entries[e]!;
    const phases = realizedPhases(this.model, codes);
    const z = eng.fields(phases, powers).pin(`${row.part},out${row.index}`);
    return phases[en.phi]! - Math.atan2(z[1], z[0]);
  }

  // --------------------------------------------------------------- absorbing

  private values(readings: StepReading[], g: { steps: number[]; read: number[] }, round: Round): number[] {
    // Laser-normalized, dark-subtracted sum over the group's readouts.
    const refMean = g.steps.reduce((a, s) => a + readings[s]!.ref, 0) / g.steps.length;
    return g.steps.map((s) => {
      const st = round.steps[s]!;
      let v = 0;
      st.read.forEach((ro, k) => {
        if (g.read.includes(ro)) v += readings[s]!.values[k]! - this.dark[ro]!;
      });
      return (v * refMean) / readings[s]!.ref;
    });
  }

  /** The model's readings of a group's steps (every other step: a noiseless fringe needs few). */
  private predict(round: Round, g: { steps: number[]; read: number[] }): { steps: number[]; values: number[] } {
    const eng = this.engine();
    const nSites = this.struct.lc.sites.length;
    const steps = g.steps.filter((_, k) => k % 2 === 0 || k === g.steps.length - 1);
    const values = steps.map((s) => {
      const st = round.steps[s]!;
      const f = eng.fields(realizedPhases(this.model, st.codes), st.powers);
      let v = 0;
      for (const ro of g.read) v += ro < nSites ? f.power[ro]! : f.detectorRe[ro - nSites]!;
      return v;
    });
    return { steps, values };
  }

  /** Fit of the model's fringe for a group. */
  private fitModel(round: Round, g: { steps: number[]; read: number[] }, heater: number): FringeFit {
    const p = this.predict(round, g);
    return this.fit(round, { steps: p.steps }, p.values, heater);
  }

  private fit(round: Round, g: { steps: number[] }, v: number[], heater: number): FringeFit {
    const p = g.steps.map((s) => this.power(round.steps[s]!.codes[heater]!));
    const eta = this.setup.etaNominal;
    return fitFringe(p, v, eta * 0.6, eta * 1.6, 100);
  }

  private absorbDark(round: Round, readings: StepReading[]): void {
    const g = round.groups[0]!;
    this.dark = new Float64Array(this.struct.readouts.length);
    for (const s of g.steps) round.steps[s]!.read.forEach((ro, k) => (this.dark[ro]! += readings[s]!.values[k]! / g.steps.length));
  }

  /** Move a heater's offset and efficiency by measured − predicted fringe (twice: the prediction moves with them). */
  private update(round: Round, g: Extract<Group, { kind: "sweep" }>, measured: FringeFit, label: string, offset = true): void {
    const h = this.model.heaters[g.heater]!;
    for (let it = 0; it < 2; it++) {
      const p = this.fitModel(round, g, g.heater);
      if (offset) h.offsetRad = (((h.offsetRad + wrapSigned(measured.psiRad - p.psiRad)) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      h.radPerMw = Math.max(1e-6, h.radPerMw + (measured.eta - p.eta));
    }
    this.notes.set(g.heater, {
      heater: h.name,
      offsetRad: h.offsetRad,
      radPerMw: h.radPerMw,
      sigmaOffsetRad: measured.sigmaPsi,
      sigmaRadPerMw: measured.sigmaEta,
      rms: measured.rms,
      from: label,
    });
  }

  private absorbTheta(round: Round, readings: StepReading[]): void {
    const fits = new Map<Group, FringeFit>();
    for (const g of round.groups) {
      if (g.kind === "sweep" || g.kind === "pair")
        fits.set(g, this.fit(round, g, this.values(readings, g, round), g.kind === "sweep" ? g.heater : g.victim));
    }
    // Crosstalk law from the pairs: κ = Δψ / (η_aggressor · P_max), against distance.
    for (const g of round.groups) {
      if (g.kind !== "pair") continue;
      const own = round.groups.find((x) => x.kind === "sweep" && x.heater === g.victim)!;
      const aggr = round.groups.find((x) => x.kind === "sweep" && x.heater === g.aggressor)!;
      const dPsi = wrapSigned(fits.get(g)!.psiRad - fits.get(own)!.psiRad);
      const kappa = dPsi / (fits.get(aggr)!.eta * this.setup.pMaxMw);
      const hv = this.struct.heaters[g.victim]!;
      const ha = this.struct.heaters[g.aggressor]!;
      this.pairs.push({ d: Math.hypot(hv.x - ha.x, hv.y - ha.y), kappa });
    }
    this.law = fitCrosstalkLaw(this.pairs) ?? this.law;
    for (const g of round.groups) if (g.kind === "sweep") this.update(round, g, fits.get(g)!, "theta fringe at its dump");
    this.refreshCrosstalk();
  }

  private refreshCrosstalk(): void {
    this.model.crosstalk = this.law ? crosstalkOf(this.law, this.model.heaters) : [];
  }

  /** Relative phases from the meta-MZI sweeps of a phase round (again after the couplers are known). */
  private absorbMeta(round: Round, readings: StepReading[]): void {
    for (const g of round.groups) {
      if (g.kind !== "sweep" || g.what !== "meta") continue;
      // The reference's own sweep gives its efficiency; moving its offset too would pull the row's
      // relative phases (measured against it) by any model error of the other configuration.
      const label = g.anchor ? "meta-MZI at a fan-in dump" : "efficiency from a meta-MZI; offset is the row's gauge";
      this.update(round, g, this.fit(round, g, this.values(readings, g, round), g.heater), label, g.anchor);
    }
  }

  private absorbPhase(round: Round, readings: StepReading[]): void {
    this.absorbMeta(round, readings);
    for (const g of round.groups) {
      if (g.kind !== "sweep" || g.what !== "homodyne") continue;
      const measured = this.fit(round, g, this.values(readings, g, round), g.heater);
      const before = this.model.heaters[g.heater]!.offsetRad;
      this.update(round, g, measured, "quadrature at the homodyne detector");
      this.shiftRow(g.entry, wrapSigned(this.model.heaters[g.heater]!.offsetRad - before), g.heater);
    }
    this.refreshCrosstalk();
    // Gates: the row's phase in the ReLU's frame from where the light passes.
    const byRow = new Map<Row, Extract<Group, { kind: "gate" }>[]>();
    for (const g of round.groups) if (g.kind === "gate") byRow.set(g.row, [...(byRow.get(g.row) ?? []), g]);
    for (const [row, gs] of byRow) {
      let best = { score: -1, shift: 0, setting: 0 };
      for (const g of gs) {
        const v = this.values(readings, g, round);
        const max = Math.max(...v);
        const open = v.map((x) => x > 0.5 * max);
        const eng = this.engine();
        const z = g.steps.map((s) => {
          const st = round.steps[s]!;
          return eng.fields(realizedPhases(this.model, st.codes), st.powers).pin(`${row.part},out${row.index}`);
        });
        const { shift, agreement } = gateShift(z, open);
        const strength = max * agreement;
        if (strength > best.score) best = { score: strength, shift, setting: g.settings };
      }
      this.meterSetting.set(`${row.part}/${row.index}`, best.setting);
      this.shiftRow(row.ref, wrapSigned(best.shift), -1);
    }
    this.refreshCrosstalk();
  }

  /** Add a phase to every entry φ of the row entry e belongs to (except `skip`, already moved). */
  private shiftRow(e: number, shift: number, skip: number): void {
    const en = this.struct.entries[e]!;
    for (const x of this.struct.entries) {
      if (x.part !== en.part || x.row !== en.row || x.phi === skip) continue;
      const h = this.model.heaters[x.phi]!;
      h.offsetRad = (((h.offsetRad + shift) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    }
  }

  private absorbThrough(round: Round, readings: StepReading[]): void {
    const gains = new Map<number, number>();
    for (const g of round.groups) {
      if (g.kind !== "sweep" || g.what !== "through") continue;
      const en = this.struct.entries[g.entry]!;
      const m = this.fit(round, g, this.values(readings, g, round), g.heater);
      const homodyne = g.read.length === 1 && g.read[0]! >= this.struct.lc.sites.length;
      // Coupler balance s of the MZI from the fringe's depth a/b (secant on the model).
      const leafA = this.leafOf(en, "bsA");
      const leafB = this.leafOf(en, "bsB");
      const setS = (s: number): void => {
        this.setPassive(leafA, { ...(this.model.passive.get(leafA) ?? {}), coupling: 0.5 + s });
        this.setPassive(leafB, { ...(this.model.passive.get(leafB) ?? {}), coupling: 0.5 + s });
      };
      const depth = (f: FringeFit): number => f.a / Math.max(1e-300, f.b);
      // The depth a/b grows with s² (the sign is not identifiable from intensities): a secant in
      // q = s², from q = 0 (balanced) and q = 1e-4 (s = 0.01), kept in [0, 0.01].
      let sBest = 0;
      if (!homodyne) {
        const target = depth(m);
        const at = (q: number): number => {
          setS(Math.sqrt(q));
          return depth(this.fitModel(round, g, g.heater)) - target;
        };
        let q0 = 0;
        let d0 = at(q0);
        if (d0 < 0) {
          let q1 = 1e-4;
          let d1 = at(q1);
          for (let it = 0; it < 4 && d1 !== d0; it++) {
            const q2 = Math.max(0, Math.min(0.01, q1 - (d1 * (q1 - q0)) / (d1 - d0)));
            [q0, d0] = [q1, d1];
            q1 = q2;
            if (Math.abs(q1 - q0) < 1e-9) break;
            d1 = at(q1);
          }
          sBest = Math.sqrt(q1);
        }
      }
      setS(sBest);
      const p = this.fitModel(round, g, g.heater);
      const ratio = m.b / Math.max(1e-300, p.b);
      gains.set(g.entry, homodyne ? ratio * ratio : ratio);
    }
    // Path gain of each entry relative to the best of its row, as loss on its φ section.
    for (const st of this.struct.stages)
      for (const row of st.rows) {
        const gs = row.entries.filter((e) => gains.has(e));
        if (gs.length === 0) continue;
        const top = Math.max(...gs.map((e) => gains.get(e)!));
        for (const e of gs) {
          const leaf = this.struct.heaters[this.struct.entries[e]!.phi]!.path;
          const prev = this.model.passive.get(leaf)?.lossDb ?? 0;
          const lossDb = Math.max(0, prev - 10 * Math.log10(gains.get(e)! / top));
          this.setPassive(leaf, { ...(this.model.passive.get(leaf) ?? {}), lossDb });
        }
      }
    // The couplers moved every MZI's phase at the meta-MZI settings: fit the relative phases again,
    // then the homodyne rows' absolute phase.
    const k = this.rounds.indexOf(round) - 1;
    const phase = this.rounds[k];
    if (phase?.kind === "phase") {
      const rd = this.readings[k]!;
      this.absorbMeta(phase, rd);
      for (const g of phase.groups) {
        if (g.kind !== "sweep" || g.what !== "homodyne") continue;
        const before = this.model.heaters[g.heater]!.offsetRad;
        this.update(phase, g, this.fit(phase, g, this.values(rd, g, phase), g.heater), "quadrature at the homodyne detector");
        this.shiftRow(g.entry, wrapSigned(this.model.heaters[g.heater]!.offsetRad - before), g.heater);
      }
      this.refreshCrosstalk();
    }
  }

  private leafOf(en: Entry, role: string): string {
    const th = this.struct.heaters[en.theta]!.path;
    return th.replace(/theta$/, role);
  }
}
