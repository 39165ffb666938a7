// The operations of a compiled linear stage (netlist/sim/stage-program.ts compiles them,
// netlist/sim/stage-build.ts turns them into a matrix): plain data, in a file of their own so the two
// never import each other.

export type LeafKind = "coupler" | "phase" | "waveguide" | "amplifier";

export interface LeafOp {
  kind: LeafKind;
  /** Die address of the leaf ("<part>/<leaf>"). */
  path: string;
  /** Slots read, in the model's input order (−1: dark); written, in output order (−1: dumped). */
  ins: number[];
  outs: number[];
  /** coupler: nominal power coupling (coupling + imbalance). */
  coupling: number;
  /** phase: programmed phase; phase and waveguide: nominal loss (dB). */
  phi: number;
  lossDb: number;
  /** An MZI or attenuator arm: insertion loss per MZI applies here (netlist/die/die.ts). */
  arm: boolean;
  /** amplifier gain. */
  gain: number;
}

export interface LinearProgram {
  part: string;
  inputs: number;
  outputs: number;
  slots: number;
  /** Slot of stage input j at the start, and of stage output k at the end (−1: never lit). */
  inputSlots: number[];
  outputSlots: number[];
  /** 1 for slots holding a stage output: reading them downstream does not consume them. */
  keep: Uint8Array;
  ops: LeafOp[];
  /**
   * Op index of every coupler and phase leaf in the part's declaration order: the order in which
   * netlist/die/die.ts drawDieShape draws their unit variates (die-draws.ts keeps that stream).
   */
  draws: Int32Array;
  /** Op index of every MZI/attenuator arm in declaration order: drawDieShape's order of arm loss variates. */
  armDraws: Int32Array;
}
