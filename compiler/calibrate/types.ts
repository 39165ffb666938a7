// What a circuit's calibration for one die produced (compiler/calibrate/circuit.ts).
import type { Issue, PartCalibration } from "./stage.ts";

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

