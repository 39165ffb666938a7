// Unread meters predicted at their bright point (docs/design/calibration.md §8.3, "The chip-wide floor,
// measured and modelled"): a through sweep or gate scan is read at the next stage's dumps before that
// stage's θs are read, and the estimate's nominal offsets put those dumps exactly dark at the meter's
// setting, where any heat it models moves the prediction quadratically. Used by every prediction of
// a meter reading (stage-physics.ts predict, coupler-balance.ts).
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import type { Round } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";

/**
 * The θ heaters of later stages' entries whose dumps a group reads as a meter and whose own fringe is
 * not read yet. Their phase is predicted at 0, the dump's bright, stationary point: at the meter's
 * setting ≈ π the estimate's nominal offset puts the dump exactly dark (10⁻¹¹ of the true light), so any
 * heat it models there (the chip-wide floor: 10⁻⁷ of it turned a nominal add0 die) moves the
 * prediction quadratically and by a different factor for each lighting of a row.
 */
export function unreadMeters(state: SessionState, round: Round, read: readonly number[]): number[] {
  const at = state.struct.stages.findIndex((s) => s.part === round.stage);
  if (at < 0 || state.setup.brightMeters === false) return [];
  const later = new Set(state.struct.stages.slice(at + 1).map((s) => s.part));
  const reads = new Set(read);
  return state.struct.entries.filter((e) => later.has(e.part) && reads.has(e.dump) && !state.notes.has(e.theta)).map((e) => e.theta);
}

/** The estimated die's phases at `codes`, the unread meters' θs (unreadMeters) at 0. */
export function meterPhases(state: SessionState, codes: Int32Array, bright: readonly number[]): Float64Array {
  const phases = realizedPhases(state.estimatedDie, codes);
  for (const h of bright) phases[h] = 0;
  return phases;
}
