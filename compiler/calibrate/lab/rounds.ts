// The protocol a lab calibration session speaks (session.ts): what the lab states before any
// reading, the steps of a round and how they group into sweeps, and the readings that come back.
// Planning (plan.ts) writes rounds in these terms and absorbing (absorb.ts) reads them.
import type { Crosstalk } from "../../../netlist/die/heaters.ts";
import type { Row } from "./structure.ts";

/** What the lab and the design state before any reading: drive, nominal heater, laser. */
export interface LabSetup {
  driveBits: number;
  pMaxMw: number;
  /** Nominal efficiency π/P_π of the process, rad/mW. */
  etaNominal: number;
  /** Power a lit input receives, mW. */
  laserMw: number;
  /** The most light (mW) an estimation round plans a monitor to see: its readout's range, with room for the estimate's error (limits.ts; absent: MONITOR_MAX_MW; Infinity: no cap, an ablation). */
  monitorMaxMw?: number;
  /** A row measured through a limited read lit below its limit (limits.ts fitLabPowers); false: as lit (an ablation). Default true. */
  belowLimit?: boolean;
  /** Readings divided by the laser and coupling raised to how each follows a lab port's power (limits.ts readingExponents); false: as if every reading followed them (an ablation). Default true. */
  readingExponents?: boolean;
  /** A gate scan behind a homodyne read fitted to its readings (gate.ts homodyneShift); false: the centre of the open arc, as behind a field ReLU (an ablation). Default true. */
  gateFit?: boolean;
  /** Readings per fringe sweep. */
  points: number;
  /** Settings per gate scan. */
  gatePoints: number;
  /** Crosstalk victims per stage, and aggressors per victim. */
  crosstalkVictims: number;
  crosstalkAggressors: number;
  /** The instrument's own wait after a step's codes are set, and one reading's integration, ms. */
  settleMs: number;
  readMs: number;
  /** Fit each attenuator's coupler balance (coupler-balance.ts); false keeps them balanced (an ablation). Default true. */
  balance?: boolean;
  /** Measure φ victims' near couplings pair by pair (phi-pairs.ts): true always, false never; by default once the pairs depart from the crosstalk law (law-departure.ts). */
  phiPairs?: boolean;
  /** Watch the pairs rounds for a departure from the crosstalk law and widen the pairs then (law-departure.ts); false: never (an ablation). Default true. */
  lawDeparture?: boolean;
  /** The most monitors a through sweep reads (law-departure.ts throughMonitors); 0: all. By default 1 once the pairs depart from the crosstalk law, else all. */
  throughMonitors?: number;
  /** Light a stage through each upstream row's brightest entry in operation (bright.ts); else its first. Default false (not yet a net gain: docs/design/calibration.md §8.2). */
  brightLighting?: boolean;
  /** Raise the lab power of a meta-MZI setting whose predicted fringe is dim (dim-power.ts); false: the setup's laser power (an ablation). Default true. */
  dimPower?: boolean;
  /** Turn a lit row's leaking dark entries to add in phase when they outweigh its open entry (stage-physics.ts alignLeaks); false: the open entry's φ alone (an ablation). Default true. */
  alignLeaks?: boolean;
  /** After a failed acceptance, closing rounds at the operating point and the acceptance again (closing.ts); false: none (an ablation). Default true. */
  closing?: boolean;
  /** After the closing passes, read where each threshold row's ReLU trips and move its signal gain to match (trip.ts); false: none (an ablation). Default true. */
  trips?: boolean;
  /** Before the acceptance round that follows closing passes, a ladder round that moves the detector rows' entry gains to what it reads (ladder.ts); false: none (an ablation). Default true. */
  ladder?: boolean;
  /** A φ pair's aggressor near the partner alone read as its coupling onto the partner (pairs.ts absorbPairs); false: onto the victim, as before (an ablation). Default true. */
  phiPartner?: boolean;
  /** After a failed acceptance, the receiver's levels trimmed from its readings and the acceptance again (trim-round.ts); false: never (an ablation). Default true. */
  levelTrim?: boolean;
  /**
   * The closing φ round lights each pair with the acceptance input that gives it the most light
   * against the rest of its row (closing.ts); false: the input of a spread subset that gives the pair
   * the most light, every other entry lit as it falls (an ablation). Default true.
   */
  closingIsolate?: boolean;
  /** Closing rounds also move dim entries' path amplitudes from their φ dithers (closing.ts). Default false: on the first 10 crosstalk divide0 dies 7 exact against 8 without (docs/design/calibration.md §10.3). */
  closingGains?: boolean;
  /**
   * Closing reads one entry at a time (closing-entry.ts): each θ dithered alone, each read lit where its
   * input gets the most light after any ReLU (an acceptance input, or one path opened to it; the φ
   * round's choice of acceptance input counts the ReLU too), and a
   * move four standard errors out taken however wide the error. Default false: on crosstalk dies it reads
   * θ at the operating point to a few mrad instead of tens, but no more dies come out exact (divide0's
   * first 20: 13 against 14; docs/design/calibration.md §10.3).
   */
  closingPerEntry?: boolean;
  /** Read past a monitor that reads nothing (dead-monitor.ts); false leaves what it missed nominal (an ablation). Default true. */
  reread?: boolean;
  /** Read a gated row's pair past its dead fan-in monitor with the ReLU held open (gated-pair.ts); false reads it through the gate as it falls (an ablation). Default true. */
  openGate?: boolean;
  /**
   * Coupling references (coupling-refs.ts): "divide" (default) divides every reading by the coupling
   * they read; "off" and "inverted" (multiplied) are planted faults; "none" plans no references.
   */
  coupling?: "divide" | "off" | "inverted" | "none";
  /**
   * Fringe fits whose η ran off the band they searched move no efficiency (heater-update.ts; default
   * true). false takes every fit as a reading, the rule before: a planted fault.
   */
  etaBand?: boolean;
  /**
   * The near pairs in a phase round of their own before the meta-MZIs (plan.ts; default true). false
   * reads them at the start of the phase round, its settings planned without them: a planted fault.
   */
  pairsRound?: boolean;
  /**
   * The crosstalk law fitted to every pair read, by its size (crosstalk-law.ts; default true). false
   * fits only the pairs read positive, the rule before: a planted fault.
   */
  lawMagnitude?: boolean;
  /**
   * The chip-wide floor of the crosstalk measured by the first θ round's floor probe and modelled
   * (netlist/die/heaters.ts crosstalkFloor; default true). false: no probe, no floor.
   */
  crosstalkFloor?: boolean;
  /**
   * Later stages' meter θs not yet read predicted at their dump's bright point (stage-physics.ts
   * unreadMeters; default true). false predicts them where the estimate puts them: a planted fault.
   */
  brightMeters?: boolean;
  /**
   * How far the pairs round reaches: every heater of the victim's part whose coupling the fitted law
   * puts at this fraction of its own phase or more is read as a pair (pairs.ts). Default 0.005, and
   * 0.001 once the pairs depart from the law (law-departure.ts).
   */
  pairKappa?: number;
  /**
   * A study's oracle, never set by `calibrate`: couplings handed in from outside (a study's true die)
   * that replace the estimate's on the pairs they select, from the session's start and after every
   * refit (crosstalk-estimate.ts), so a study can ask which couplings a die's departure breaks
   * (docs/design/calibration.md §8.3, "Which couplings the flips break").
   */
  knownCouplings?: KnownCouplings;
}

export interface KnownCouplings {
  /** Every coupling the oracle knows (a crosstalk list, rad/mW, the whole coupling: no floor taken off). */
  pairs: readonly Crosstalk[];
  /** The pairs it hands over (absent from `pairs`: handed over as 0). */
  onto(victim: number, aggressor: number): boolean;
  /** Hand over only the pairs the session did not read one by one. */
  unreadOnly?: boolean;
}

export const DEFAULT_SETUP: Omit<LabSetup, "driveBits" | "pMaxMw" | "etaNominal" | "settleMs" | "readMs"> = {
  laserMw: 1,
  points: 40,
  gatePoints: 16,
  crosstalkVictims: 2,
  crosstalkAggressors: 3,
};

/** Entries whose operating |σ| is below this are dim: a magnitude scan reads their gain (plan.ts), a closing φ dither moves it (closing.ts). */
export const DIM_SIGMA = 0.5;

export interface Step {
  purpose: string;
  /** Power per lab input (LabCircuit.inputs order), mW. */
  powers: Float64Array;
  /** Drive code per heater. */
  codes: Int32Array;
  /** Readout indices (CellStructure.readouts). */
  read: number[];
  /**
   * Wait after the codes are set, before reading, ms. planNextRound gives every step it returns one
   * (the settling probe its own, every later step the wait the probe chose: settling.ts).
   */
  settleMs?: number;
}

export type Group =
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
      /** The same sweep with the row turned by π, step for step: each point reads the larger of the two (through a ReLU, one is open). */
      twin?: number[];
    }
  | { kind: "pair"; victim: number; aggressor: number; read: number[]; steps: number[] }
  /** One θ victim swept with every heater downstream of its stage heated (plan.ts planFloor): the chip-wide floor. */
  | { kind: "floor"; victim: number; aggressors: number[]; read: number[]; steps: number[]; code: number }
  | {
      kind: "gate";
      row: Row;
      entry: number;
      heater: number;
      read: number[];
      settings: number;
      steps: number[];
      /** Read at a homodyne detector: the same steps with the detector's row turned by π/2, the larger of each pair read. */
      twin?: number[];
    }
  | { kind: "accept"; steps: number[] }
  /**
   * A ladder round's steps (ladder.ts): the acceptance round's layout over `pick` (acceptance cases:
   * one per digit sum, then the case of each turned step; the last `turned` have one entry turned).
   */
  | { kind: "ladder"; steps: number[]; pick?: number[]; turned?: number }
  /** The coupling reference steps interleaved into an estimation round (coupling-refs.ts). */
  | { kind: "reference"; steps: number[] }
  /** One heater stepped and held (settling.ts): each step read `timesMs` after the change. */
  | { kind: "hold"; heater: number; read: number[]; steps: number[]; timesMs: number[] }
  /** An entry at its operating θ with its φ turned round the circle (plan.ts planThrough): its gain where it is used. */
  | {
      kind: "magnitude";
      entry: number;
      read: number[];
      steps: number[] /** The operating θ as realized (estimated die), rad. */;
      theta: number;
    }
  /** A threshold row's light read behind its ReLU over input sums around its trip (trip.ts): its signal entry's gain against its bias entry. */
  | { kind: "trip"; row: Row; entry: number; read: number[]; steps: number[] }
  /** A dim entry's meta-MZI pair again, the entry at θ = π (plan.ts planPhase): how arg m turns, for its coupler balance. */
  | { kind: "turn"; entry: number; heater: number; read: number[]; steps: number[] }
  /**
   * One victim against its near heaters (pairs.ts): steps are its setting, below, above, then one per
   * aggressor, and with `again` its setting once more (a φ victim's: the noise of its readings).
   */
  | {
      kind: "slope";
      victim: number;
      aggressors: number[];
      read: number[];
      steps: number[];
      codes: number[];
      again?: boolean;
      /**
       * A φ victim read against its meta-MZI partner (phi-pairs.ts): the partner's φ, and the
       * aggressors near it but not near the victim, whose reading is their coupling onto the partner.
       */
      partner?: { phi: number; aggressors: number[] };
    };

export interface Round {
  index: number;
  stage: string | null;
  kind: "dark" | "settle" | "theta" | "phase" | "through" | "trip" | "ladder" | "accept";
  steps: Step[];
  groups: Group[];
}

/** One step's readings: a value per read readout (A, dark not removed) and the laser reference (A). */
export interface StepReading {
  values: number[];
  ref: number;
}

/** Readings (photodiode values, not the reference tap) of a round's steps. */
export const roundReadings = (steps: { read: readonly unknown[]; repeats?: number }[]): number =>
  steps.reduce((a, s) => a + s.read.length * (s.repeats ?? 1), 0);
