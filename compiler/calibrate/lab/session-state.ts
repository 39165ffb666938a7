// What a lab calibration session knows, shared by planning (plan.ts), absorbing (absorb.ts) and the
// stage physics both use (stage-physics.ts): the design's structure, the lab setup, the estimated
// die, and every round and reading so far. It lives apart from session.ts so that those files can
// take it as an argument without importing the session that calls them.
import type { Circuit } from "../../../netlist/ir.ts";
import type { CrosstalkLaw, EstimatedDie } from "../../../netlist/die/heaters.ts";
import type { LeafError } from "../../../netlist/die/die.ts";
import type { LabEngine } from "../../../netlist/lab/engine.ts";
import type { LevelTrim } from "../level-trim.ts";
import type { AcceptVerdict } from "./accept-verdict.ts";
import type { CrosstalkPair } from "./crosstalk-law.ts";
import type { LabSetup, Round, StepReading } from "./rounds.ts";
import { withKnown } from "./known-couplings.ts";
import { cellStructure, type CellStructure } from "./structure.ts";

/**
 * The design re-programmed on an estimated die: targets (realized phase per heater), bias amplitudes,
 * and the calibrated circuit (its detector thresholds are what the acceptance round decides with).
 */
export type Program = (estimatedDie: EstimatedDie) => { targets: Float64Array; bias: Map<string, number>; calibrated: Circuit };

/** What a re-read round reads again past a dead monitor: an entry's θ fringe, its meta-MZI pair, or its row's gate (entry: the row's reference). */
export interface Reread {
  entry: number;
  what: "theta" | "meta" | "gate";
}

export interface EstimateNote {
  heater: string;
  offsetRad: number;
  radPerMw: number;
  sigmaOffsetRad: number;
  sigmaRadPerMw: number;
  rms: number;
  from: string;
}

/** What the settling probe read, and the wait it chose (settling.ts). */
export interface Settling {
  /** The θ heaters stepped. */
  heaters: number[];
  /** Fitted time constant of the tail, ms. */
  tauMs: number;
  /** The largest tail at the change, relative to its heater's largest reading. */
  tail: number;
  /** Share of the holds' spread the tail explains (1 − sse / sse without a tail). */
  explained: number;
  detected: boolean;
  /** The wait after a full-range step (the longest a later step waits), ms. */
  settleMs: number;
}

export interface SessionState {
  readonly struct: CellStructure;
  readonly setup: LabSetup;
  /** The die as the readings so far estimate it; absorbing moves its values in place. */
  readonly estimatedDie: EstimatedDie;
  readonly program: Program;
  /**
   * Every round of the session in order: the dark round, the settling probe, then per stage theta, the
   * near pairs (a phase round of their own, `pairs`; dropped when it plans nothing), phase and through,
   * then the acceptance round. A round whose monitor read nothing is followed by a re-read of what it
   * missed through another monitor (`reread`; dead-monitor.ts), inserted when its readings are absorbed.
   */
  readonly plan: { stage: number | null; kind: Round["kind"]; reread?: Reread[]; close?: number; pairs?: true }[];
  /** Dark reading per readout (A), from the dark round (a local oscillator's readout: its photocurrent). */
  dark: Float64Array;
  /** Each output receiver's responsivity (A/W), from its local oscillator's photocurrent in the dark round. */
  receiverAW: number[];
  readonly pairs: CrosstalkPair[];
  law: CrosstalkLaw | null;
  /**
   * The law each heater's own stage was fitted under (its theta round): a later stage's pairs refit
   * the law, and applying that refit to a stage already calibrated moved its θ estimates at the
   * operating codes by 10–25 mrad (divide0 of paper-4x8, seed 2 die 9) with nothing left to read.
   */
  lawOf: Map<number, CrosstalkLaw>;
  /** Couplings measured pair by pair ("victim,aggressor" → rad/mW), overriding the law (pairs.ts). */
  readonly pairCoupling: Map<string, number>;
  /** Meter setting per gated row ("part/row"), from its gate scan. */
  readonly meterSetting: Map<string, number>;
  readonly notes: Map<number, EstimateNote>;
  /**
   * θ heaters whose own fringe read flat (a dead or disconnected dump photodiode): their estimate is
   * the nominal one, so a lighting avoids them when another entry of the row can carry the light.
   */
  readonly unmeasured: Set<number>;
  /** Monitor readouts whose fringes read nothing where the estimate predicts light (dead-monitor.ts): never read again. */
  readonly dead: Set<number>;
  /** Per stage part, the median of its θ fringes' measured over predicted amplitude (a monitor's A per mW predicted). */
  readonly monitorGain: Map<string, number>;
  readonly rounds: Round[];
  readonly readings: StepReading[][];
  /** The acceptance round's verdict, once its readings are absorbed (accept.ts). */
  acceptance: AcceptVerdict | null;
  /** What the settling probe read, and so how long each later step waits (settling.ts); null before it. */
  settling: Settling | null;
  /** The estimated die's optics, built on first use (stage-physics.ts engine). */
  cachedEngine: LabEngine | null;
  /** The first pairs round found off the crosstalk law (law-departure.ts); null while the pairs follow it. */
  departure: LawDeparture | null;
  /** The closing passes after a failed acceptance (closing.ts): the pass, each pass's largest move (rad), the last θ move. */
  closing?: { pass: number; moved: number[]; theta: number };
  /** The input coupling read by each estimation round's references, at every step (coupling-refs.ts). */
  readonly coupling: { round: number; c: Float64Array; refs: number[] }[];
  /** The receiver's levels trimmed from failed acceptance rounds (trim-round.ts), and how many trims; null: none. */
  levelTrim: LevelTrim | null;
  trims: number;
}

/** What the first pairs round off the crosstalk law found (law-departure.ts). */
export interface LawDeparture {
  /** The stage (index into CellStructure.stages) whose pairs departed. */
  stage: number;
  /** Its pairs compared with the law, and those off it by more than the law's own size. */
  pairs: number;
  off: number;
}

/** A session before any reading: the estimated die is the nominal one (offsets 0, nominal efficiency, ideal passives). */
export function newSessionState(circuit: Circuit, setup: LabSetup, program: Program): SessionState {
  const struct = cellStructure(circuit);
  const passive = new Map<string, LeafError>();
  const estimatedDie: EstimatedDie = {
    id: "estimated",
    circuit: circuit.name,
    drive: { bits: setup.driveBits, pMaxMw: setup.pMaxMw },
    // Every heater of one shape, β present from the start (undefined until fitted, so files and
    // hashes read as before): the phase memo reads these laws on every evaluation, and objects of
    // several shapes make each read several times slower.
    heaters: struct.heaters.map(({ name, path, x, y }) => ({
      name,
      path,
      x,
      y,
      offsetRad: 0,
      radPerMw: setup.etaNominal,
      betaPerMw: undefined,
    })),
    crosstalk: [],
    passive,
    detectors: [],
    laser: { powerMw: setup.laserMw, driftRelPerStep: 0 },
  };
  const plan: SessionState["plan"] = [
    { stage: null, kind: "dark" },
    { stage: null, kind: "settle" },
  ];
  // The pairs before the phase round proper: its meta-MZI settings hold a dim entry at its operating
  // θ through the couplings they read (docs/design/calibration.md §8.3, "The pairs before the meta-MZIs").
  struct.stages.forEach((_, s) => {
    plan.push({ stage: s, kind: "theta" });
    if (setup.pairsRound !== false) plan.push({ stage: s, kind: "phase", pairs: true });
    plan.push({ stage: s, kind: "phase" }, { stage: s, kind: "through" });
  });
  plan.push({ stage: null, kind: "accept" });
  // A study's known couplings hold from the first round (none otherwise).
  estimatedDie.crosstalk = withKnown({ setup, estimatedDie, pairCoupling: new Map() }, []);
  return {
    struct,
    setup,
    estimatedDie,
    program,
    plan,
    dark: new Float64Array(struct.readouts.length),
    receiverAW: [],
    pairs: [],
    law: null,
    lawOf: new Map(),
    pairCoupling: new Map(),
    meterSetting: new Map(),
    notes: new Map(),
    unmeasured: new Set(),
    dead: new Set(),
    monitorGain: new Map(),
    rounds: [],
    readings: [],
    acceptance: null,
    settling: null,
    departure: null,
    cachedEngine: null,
    coupling: [],
    levelTrim: null,
    trims: 0,
  };
}
