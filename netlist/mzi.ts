// The MZI convention ("MZ-in"), the single source of truth for every 2×2 matrix we emit.
//
//   mode m   ──[φ]──╮   ╭──[θ]──╮   ╭──  mode m
//                   B   │       B   │
//   mode m+1 ───────╯   ╰───────╯   ╰──  mode m+1
//
// T(θ, φ) = B · P(θ) · B · P(φ),  B = [[1, i], [i, 1]] / √2,  P(x) = diag(e^{ix}, 1)
//         = i e^{iθ/2} [[e^{iφ} sin(θ/2),  cos(θ/2)],
//                       [e^{iφ} cos(θ/2), −sin(θ/2)]]
// θ = π, φ = π → identity (bar); θ = 0, φ = 0 → i·swap (cross). Phases live in [0, 2π).
import type { Complex, Matrix2 } from "../math/complex.ts";

export const TWO_PI = 2 * Math.PI;

/** Wrap an angle to [0, 2π). */
export function wrapPhase(x: number): number {
  let r = x - TWO_PI * Math.floor(x / TWO_PI);
  // x / 2π underflows to −0 for a tiny negative x: floor leaves it, so r is still negative.
  if (r < 0) r += TWO_PI;
  return r >= TWO_PI ? 0 : r;
}

/** The MZ-in transfer matrix as split re/im entries [t00, t01, t10, t11]. */
export function mziEntries(theta: number, phi: number): { re: [number, number, number, number]; im: [number, number, number, number] } {
  const s = Math.sin(theta / 2);
  const c = Math.cos(theta / 2);
  // g = i e^{iθ/2}
  const gRe = -Math.sin(theta / 2);
  const gIm = Math.cos(theta / 2);
  const eRe = Math.cos(phi);
  const eIm = Math.sin(phi);
  // g·e^{iφ}
  const geRe = gRe * eRe - gIm * eIm;
  const geIm = gRe * eIm + gIm * eRe;
  return {
    re: [geRe * s, gRe * c, geRe * c, -gRe * s],
    im: [geIm * s, gIm * c, geIm * c, -gIm * s],
  };
}

export function mziMatrix(theta: number, phi: number): Matrix2 {
  const { re, im } = mziEntries(theta, phi);
  return [
    [
      [re[0], im[0]],
      [re[1], im[1]],
    ],
    [
      [re[2], im[2]],
      [re[3], im[3]],
    ],
  ];
}

// A fixed coupler with power coupling κ² = k to the cross port: [[τ, iκ], [iκ, τ]], τ = √(1−k).
// Every coupler model (this matrix, the netlist simulator's transfer, the stage programs, the
// calibration solves) takes its two amplitudes from these two functions.

/** τ = √(1−k): the amplitude that stays on its waveguide. */
export const couplerThrough = (coupling: number): number => Math.sqrt(1 - coupling);
/** κ = √k: the magnitude of the amplitude that crosses (its phase is i). */
export const couplerCross = (coupling: number): number => Math.sqrt(coupling);

/** The MZI θ that splits like a coupler of power coupling k: sin(θ/2) = τ, cos(θ/2) = κ. */
export const couplerTheta = (coupling: number): number => 2 * Math.atan2(couplerThrough(coupling), couplerCross(coupling));

/** The coupler as a 2×2: [[τ, iκ], [iκ, τ]]. */
export function couplerMatrix(coupling: number): Matrix2 {
  const t = couplerThrough(coupling);
  const k = couplerCross(coupling);
  return [
    [
      [t, 0],
      [0, k],
    ],
    [
      [0, k],
      [t, 0],
    ],
  ];
}

/**
 * The MZI setting (θ, φ) whose top-to-top transmission equals σ (|σ| ≤ 1): an attenuator.
 * T00 = i e^{iθ/2} e^{iφ} sin(θ/2), so θ = 2 asin|σ| and φ = arg σ − π/2 − θ/2.
 */
export function attenuatorSetting(sigma: Complex): { theta: number; phi: number } {
  const mag = Math.hypot(sigma[0], sigma[1]);
  if (mag > 1 + 1e-12) throw new RangeError(`attenuator |σ| = ${mag} exceeds 1 (not passive)`);
  if (mag === 0) return { theta: 0, phi: 0 };
  const theta = 2 * Math.asin(Math.min(1, mag));
  const phi = wrapPhase(Math.atan2(sigma[1], sigma[0]) - Math.PI / 2 - theta / 2);
  return { theta, phi };
}
