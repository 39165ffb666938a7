// The lab commands' options and results (die, protocol, measure, calibrate), as api/types.ts has
// the others': each result is what `optinc --json <command>` prints under `result`.
import type { Num, RunOptions } from "./types.ts";

export type Departure =
  | "crosstalk"
  | "heater-nonlinear"
  | "coupler-wide"
  | "dead-monitor"
  | "coupling-drift"
  | "loss-spread"
  | "thermal-tail";
export interface DieOptions extends RunOptions {
  dir: string;
  technology: "ideal" | "optimistic" | "foundry" | "calibrated";
  seed?: Num;
  trial?: Num;
  cell?: string;
  copy?: Num;
  dacBits?: Num;
  out?: string;
  id?: string;
  fabricated?: boolean;
  departure?: Departure | Departure[];
}
export interface DieResult {
  file: string;
  die: Record<string, unknown>;
}
export interface ProtocolOptions extends RunOptions {
  dir: string;
  cell?: string;
  readings?: string;
  out?: string;
}
export interface ProtocolResult {
  file: string;
  csv: string;
  circuit: string;
  cell: string;
  round: number;
  rounds: number;
  stage: string | null;
  kind: string;
  steps: number;
  readings: number;
  mzis: number;
  readingsPerMzi: number;
  labTimeS: number;
}
export interface MeasureOptions extends RunOptions {
  dir: string;
  die?: string;
  cell?: string;
  seed?: Num;
  protocol?: string;
  readings?: string;
  out?: string;
}
interface ProtocolTotals {
  rounds: number;
  steps: number;
  readings: number;
  mzis: number;
  readingsPerMzi: number;
  labTimeS: number;
}
export interface MeasureResult {
  file: string;
  circuit: string;
  cell: string;
  die: string;
  seed: number;
  measured: ProtocolTotals & { first: number; last: number };
  totals: ProtocolTotals & { complete: boolean; roundsPlanned: number };
  saturated: { readout: string; purposes: string[] }[];
  dark: { readout: string; purposes: string[] }[];
}
export interface CalibrateOptions extends RunOptions {
  dir: string;
  measured?: string;
  readings?: string;
  cell?: string;
  out?: string;
  dacBits?: Num;
  tolerance?: Num;
  maxCases?: Num;
  /** false: --no-verify. */
  verify?: boolean;
  show?: Num;
}
export type CalibrateResult =
  | {
      outDir: string;
      die: string;
      program: string;
      corrected: boolean;
      exactOnDie: Record<string, unknown>;
      parts: Record<string, unknown>[];
      failing: Record<string, unknown>[];
      files: string[];
    }
  | { outDir: string; die: string; format: "optinc.die/2"; exactOnDie: Record<string, unknown>; maxPhaseErrorRad: number; files: string[] }
  | {
      outDir: string;
      die: string;
      format: "optinc.readings/1";
      acceptance: { pass: boolean; cases: number; accepted: number; wrong: number; [field: string]: unknown };
      maxPhaseErrorRad: number;
      files: string[];
      [field: string]: unknown;
    };
