// The phase DAC: a programmed phase is set through a b-bit code, so it snaps to the grid 2π·code/2^b.
// One rule for the compiler's DAC tables (compiler/mesh/quantize.ts), the simulator and the die.
import { TWO_PI, wrapPhase } from "./mzi.ts";

/** The b-bit phase DAC's code for a phase: the nearest point of the grid 2π·code/2^b, wrapped to [0, 2^b). */
export function dacCode(phi: number, bits: number): number {
  const levels = 2 ** bits;
  return Math.round((wrapPhase(phi) / TWO_PI) * levels) % levels;
}

/** Snap a phase to the b-bit DAC grid on [0, 2π): the phase of its code. The compiler's DAC tables use this too. */
export function quantizePhase(phi: number, bits: number): number {
  return (dacCode(phi, bits) * TWO_PI) / 2 ** bits;
}
