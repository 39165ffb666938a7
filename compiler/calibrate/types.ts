// What a calibration for one die produced: per linear part (stage.ts) and for the whole circuit
// (circuit.ts), and the options and requirements the passes share.
import type { Complex } from "../../math/complex.ts";

export interface Req {
  amp: number | null;
  phase: number | null;
}

export type IssueKind = "unreachable" | "gain-gap" | "uncompensable";

export interface Issue {
  element: string;
  kind: IssueKind;
  /** What was needed and what the element can do, in words. */
  detail: string;
  /** Shortfall: power fraction or amplitude (unreachable), rad (gain-gap), relative amplitude (uncompensable). */
  miss: number;
}

export interface ProgrammedPhase {
  value: number;
  code: number | null;
}

export interface PartCalibration {
  part: string;
  /** New programmed phase of every re-programmed shifter leaf (flat leaf name). */
  phases: Map<string, ProgrammedPhase>;
  /** The part's scale: realized outputs ≈ λ · designed outputs (least squares, complex). */
  lambda: Complex;
  /** max |R − λD| / max |λD| over the outputs the design reads. */
  residual: number;
  /** Largest phase error left by the DAC grid, rad. */
  dacError: number;
  issues: Issue[];
}

export interface CalibrateOptions {
  /** DAC of the programmed phases (null: continuous). */
  dacBits: number | null;
  /** Shifter leaves that may be re-programmed (flat leaf names). */
  programmable: (leaf: string) => boolean;
}

export interface CircuitCalibration {
  dieId: string;
  dacBits: number | null;
  parts: PartCalibration[];
  /** New amplitude of each bias source (top instance name). */
  bias: Map<string, number>;
  /** The detector's calibrated thresholds per mode. */
  detector: { name: string; step: number[]; offset: number[] } | null;
  /** Every element that could not be brought to its target, over all parts. */
  issues: Issue[];
}
