// From the phase a shifter must realize to the phase programmed into it. The die realizes
// gain · programmed + offset (netlist/die/die.ts); programmed phases live in [0, 2π) and, with a DAC,
// on its grid code · 2π/2^bits. A gain below 1 leaves a gap of realized phases no setting reaches;
// a gain above 1 gives several settings, of which the smallest is taken.
import { TWO_PI, wrapPhase } from "../../netlist/mzi.ts";
import { angleDistance } from "../../math/complex.ts";

export interface Programmed {
  /** The programmed phase, in [0, 2π) (on the DAC grid when there is one). */
  value: number;
  code: number | null;
  /** Circular distance of the realized phase from the target without the DAC (the gain gap), rad. */
  gap: number;
  /** Circular distance with the DAC (gap + quantization), rad. */
  miss: number;
}

const BELOW_TWO_PI = TWO_PI - 1e-12;

export function programPhase(target: number, gain: number, offset: number, dacBits: number | null): Programmed {
  if (!(gain > 0)) throw new RangeError(`phase-shifter gain must be > 0, got ${gain}`);
  // A target that is not a number is no phase any setting reaches (and would never end the search below).
  if (!Number.isFinite(target) || !Number.isFinite(offset)) return { value: 0, code: dacBits ? 0 : null, gap: Infinity, miss: Infinity };
  const realized = (p: number): number => gain * p + offset;
  const x = wrapPhase(target - offset);
  const candidates: number[] = [];
  for (let m = 0; ; m++) {
    const p = (x + TWO_PI * m) / gain;
    if (p >= TWO_PI) break;
    candidates.push(p);
  }
  if (candidates.length === 0) candidates.push(0, BELOW_TWO_PI);
  let cont = candidates[0]!;
  for (const p of candidates) if (angleDistance(realized(p), target) < angleDistance(realized(cont), target) - 1e-15) cont = p;
  const gap = angleDistance(realized(cont), target);
  if (!dacBits) return { value: cont, code: null, gap, miss: gap };
  const levels = 2 ** dacBits;
  let best = -1;
  let bestD = Infinity;
  // The codes around each solution, and both ends of the range (with a gain ≠ 1 the grid does not
  // wrap evenly, so the nearest realized phase may sit at the other end).
  for (const p of [...candidates, 0, (levels - 1) * (TWO_PI / levels)]) {
    for (const raw of [Math.floor((p / TWO_PI) * levels), Math.ceil((p / TWO_PI) * levels)]) {
      const code = gain === 1 ? ((raw % levels) + levels) % levels : Math.min(levels - 1, Math.max(0, raw));
      const d = angleDistance(realized((code * TWO_PI) / levels), target);
      if (d < bestD - 1e-15 || (Math.abs(d - bestD) <= 1e-15 && code < best)) {
        best = code;
        bestD = d;
      }
    }
  }
  // Same expression as netlist/dac.ts quantizePhase (the one DAC rule), so the simulator reads back this exact value.
  return { value: (best * TWO_PI) / levels, code: best, gap, miss: bestD };
}
