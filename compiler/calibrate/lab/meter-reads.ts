// Which of a meter's photodiodes a sweep reads. A row feeding a wide next stage is seen by every one of
// that stage's dumps its output reaches (cluster-16's level-2 sum row: 16), and each sees the same
// row field, so reading all of them multiplies the readings, not what they tell.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import type { LabEngine } from "../../../netlist/lab/engine.ts";
import type { SessionState } from "./session-state.ts";

/** Photodiodes a sweep reads at a meter of many, at most (the readings budget: docs/design/calibration.md §9.4, §10.1). */
export const METER_READS = 4;

/**
 * The brightest METER_READS of a meter's photodiodes as the estimate predicts them in a setting
 * (fewer dumps, the same phase: a meter of 12 dumps read at all of them took add0 to 307 readings
 * per MZI, over the budget). Four, not one: the meter's θs may not be read yet, so one dump may sit
 * near dark on the die. A meter with a detector among its reads is kept whole.
 */
export function brightestReads(state: SessionState, eng: LabEngine, read: number[], codes: Int32Array, powers: Float64Array): number[] {
  const nSites = state.struct.lc.sites.length;
  if (read.length <= METER_READS || read.some((r) => r >= nSites)) return read;
  const f = eng.fields(realizedPhases(state.estimatedDie, codes), powers, { readouts: read });
  return [...read]
    .sort((a, b) => f.power[b]! - f.power[a]! || a - b)
    .slice(0, METER_READS)
    .sort((a, b) => a - b);
}
