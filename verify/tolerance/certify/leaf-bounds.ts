// How far one leaf's transfer can move inside an error box: δ = sup ‖T' − T‖₂ over every die in
// the box, and the largest norm ‖T'‖ it can reach. These are exact suprema for each leaf model
// (netlist/models.ts), not linearizations, so the bounds built on them stay sound at any level.
import { lossAmplitude } from "../../../netlist/models.ts";
import type { LeafOp } from "../../../netlist/sim/stage-program.ts";

/** Every element error at once, as worst-case magnitudes. */
export interface ErrorBox {
  /** |Δk| ≤ coupler on every coupler's power coupling (clamped to [0, 1] like netlist/die/die.ts). */
  coupler: number;
  /** |Δφ| ≤ phase on every phase shifter (static error plus DAC rounding), rad. */
  phase: number;
  /** Extra loss in [0, loss] dB on every MZI arm (the leaves insertion loss applies to). */
  loss: number;
}

/** ‖T(k') − T(k)‖₂ of the coupler [[√(1−k), i√k], [i√k, √(1−k)]] = exp(i·a·X), a = asin √k: 2|sin(Δa/2)|. */
function couplerDelta(k: number, eps: number): number {
  if (eps === 0) return 0;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const a = (x: number) => Math.asin(Math.sqrt(clamp(x)));
  const a0 = a(k);
  // a(k) is monotone, so |Δa| is largest at an end of the interval.
  const da = Math.max(Math.abs(a(k + eps) - a0), Math.abs(a(k - eps) - a0));
  return 2 * Math.sin(Math.min(Math.PI, da) / 2);
}

/** δ of one leaf in the box. */
export function leafDelta(op: LeafOp, box: ErrorBox): number {
  if (op.kind === "coupler") return couplerDelta(Math.min(1, Math.max(0, op.coupling)), box.coupler);
  if (op.kind === "amplifier") return 0;
  const a0 = lossAmplitude(op.lossDb);
  // |A e^{i(φ+Δφ)} − A0 e^{iφ}| ≤ |A − A0| + A0 |e^{iΔφ} − 1|, A ∈ [A0·10^(−loss/20), A0].
  const lossPart = op.arm && box.loss > 0 ? a0 * (1 - lossAmplitude(box.loss)) : 0;
  const phasePart = op.kind === "phase" && box.phase > 0 ? a0 * 2 * Math.sin(Math.min(Math.PI, box.phase) / 2) : 0;
  return lossPart + phasePart;
}

/** Largest ‖T'‖ in the box, embedded among identity wires (so at least 1). */
export function leafNorm(op: LeafOp): number {
  // Couplers stay unitary; extra loss only lowers a phase or waveguide amplitude.
  if (op.kind === "amplifier") return Math.max(1, Math.abs(op.gain));
  if (op.kind === "coupler") return 1;
  return Math.max(1, lossAmplitude(op.lossDb));
}
