// Calibration from readings (docs/design/calibration.md §9.1): a measurement session that plans
// each protocol round from what the earlier rounds' readings taught it, and turns readings into an
// estimated die. It sees the design, the lab's instrument settings and readings — never a die.
//
// Rounds: dark readings, a settling probe (settling.ts: the heaters' slow thermal tail, which sets
// every later step's wait), then per sparse stage in light order
//   theta    every attenuator's θ swept (uniform in heater power) at its dump photodiode: offset,
//            efficiency; a few victims swept again with one aggressor at full power: crosstalk law;
//   phase    every entry's φ swept against its row's reference entry at a fan-in dump (a meta-MZI):
//            relative phase and efficiency; rows read through a ReLU get a gate scan of the
//            reference (the row's phase in the ReLU's frame, to ±0.1 rad); rows read by the homodyne
//            detector a quadrature fringe (their absolute phase);
//   through  every entry alone in its row, θ swept, read after the row (next stage's dumps or the
//            detector): its path gain relative to the row and its MZI's coupler balance.
// Then the acceptance round (accept.ts): the calibrated program driven with the cell's inputs and
// judged on the output detectors' readings alone.
// Each estimate is model-based: the same sweep is simulated on the estimated die and the fitted
// fringe parameters are moved by the difference between measured and predicted fits.
//
// This file is the session object the rest of the code uses; it ties together its state
// (session-state.ts), the plan of the next round (plan.ts), absorbing readings (absorb.ts) and the
// per-stage physics on the estimated die (stage-physics.ts).
import type { Circuit } from "../../../netlist/ir.ts";
import type { EstimatedDie } from "../../../netlist/die/heaters.ts";
import { absorbRound } from "./absorb.ts";
import { judgeAccept } from "./accept.ts";
import type { LevelTrim } from "../level-trim.ts";
import { type DitherFit, ditherFits } from "./closing-fit.ts";
import { type GateRead, gateReads } from "./gate.ts";
import { fitLadder, type LadderFit, planLadder } from "./ladder.ts";
import type { AcceptVerdict } from "./accept-verdict.ts";
import { planNextRound } from "./plan.ts";
import { stepWaits } from "./settling.ts";
import type { LabSetup, Round, StepReading } from "./rounds.ts";
import { newSessionState, type EstimateNote, type Program, type SessionState, type Settling } from "./session-state.ts";
import { programCodes } from "./program-codes.ts";

import type { CellStructure } from "./structure.ts";

export { DEFAULT_SETUP, type LabSetup, type Round, type Step, type StepReading } from "./rounds.ts";
export type { EstimateNote, Program } from "./session-state.ts";
export type { DitherFit } from "./closing-fit.ts";
export type { GateRead } from "./gate.ts";
export type { LadderFit } from "./ladder.ts";

export class LabSession {
  private readonly state: SessionState;

  constructor(circuit: Circuit, setup: LabSetup, program: Program) {
    this.state = newSessionState(circuit, setup, program);
  }

  get struct(): CellStructure {
    return this.state.struct;
  }

  get setup(): LabSetup {
    return this.state.setup;
  }

  /** The die as the readings absorbed so far estimate it. */
  get estimatedDie(): EstimatedDie {
    return this.state.estimatedDie;
  }

  get plan(): SessionState["plan"] {
    return this.state.plan;
  }

  get notes(): Map<number, EstimateNote> {
    return this.state.notes;
  }

  get done(): boolean {
    return this.state.rounds.length === this.state.plan.length;
  }

  get roundCount(): number {
    return this.state.plan.length;
  }

  /** The next round to measure, planned from every reading absorbed so far. */
  nextRound(): Round {
    return planNextRound(this.state);
  }

  /** Absorb a round's readings (one StepReading per step, in order). */
  absorb(round: Round, readings: StepReading[]): void {
    absorbRound(this.state, round, readings);
  }

  /** Couplings measured pair by pair ("victim,aggressor" heater indices → rad/mW; pairs.ts). */
  get pairCouplings(): ReadonlyMap<string, number> {
    return this.state.pairCoupling;
  }

  /** Monitors named dead from their readings (dead-monitor.ts): read past, never read again. */
  get deadMonitors(): string[] {
    return [...this.state.dead].sort((a, b) => a - b).map((r) => this.state.struct.readouts[r]!);
  }

  /** The first pairs round found off the crosstalk law (law-departure.ts): its stage's part, its pairs and those off; null while they follow it. */
  get lawDeparture(): { part: string; pairs: number; off: number } | null {
    const d = this.state.departure;
    return d ? { part: this.state.struct.stages[d.stage]!.part, pairs: d.pairs, off: d.off } : null;
  }

  /** The input coupling each estimation round's references read, at every step of the round (coupling-refs.ts). */
  get coupling(): SessionState["coupling"] {
    return this.state.coupling;
  }

  /** Every round's readings as absorbed: an estimation round's with the input coupling divided out. */
  get absorbedReadings(): readonly StepReading[][] {
    return this.state.readings;
  }

  /** What the settling probe read and the wait it chose (null until that round is absorbed). */
  get settling(): Settling | null {
    return this.state.settling;
  }

  /** The acceptance round's verdict from its readings (null until that round is absorbed). */
  get acceptance(): AcceptVerdict | null {
    return this.state.acceptance;
  }

  /** The receiver's levels trimmed from failed acceptance rounds (trim-round.ts); null: none. The calibrated program carries it. */
  get levelTrim(): LevelTrim | null {
    return this.state.levelTrim;
  }

  /** The acceptance round's verdict on readings, without absorbing them (what-if checks). */
  judgeAcceptance(round: Round, readings: StepReading[]): AcceptVerdict {
    return judgeAccept(this.state, round, readings);
  }

  /** A closing round's dither fits on the current estimate, used or not, without absorbing them (closing-fit.ts; a study's view). */
  closingFits(round: Round, readings: StepReading[]): DitherFit[] {
    return ditherFits(this.state, round, readings);
  }

  /** A round's gate sweeps as read, without absorbing them (gate.ts; a study's view). */
  gateReads(round: Round, readings: StepReading[]): GateRead[] {
    return gateReads(this.state, round, readings);
  }

  /** A ladder round planned on the current estimate, outside the plan (ladder.ts; a study's and a test's view). */
  ladderRound(): Round {
    const steps: Round["steps"] = [];
    const groups: Round["groups"] = [];
    planLadder(this.state, steps, groups);
    stepWaits(this.state, steps);
    return { index: this.state.rounds.length, stage: null, kind: "ladder", steps, groups };
  }

  /** A ladder round's fits on the current estimate, without absorbing them (ladder.ts). */
  ladderFits(round: Round, readings: StepReading[]): LadderFit[] {
    return fitLadder(this.state, round, readings);
  }

  /** Drive codes of the design on the estimated die (parked heaters at code 0). */
  programCodes(): { codes: Int32Array; bias: Map<string, number>; maxErrorRad: number } {
    return programCodes(this.state);
  }
}
