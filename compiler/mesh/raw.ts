// The decomposers' working format: MZIs in light order as flat typed arrays, plus the
// final output phase screen. Builders in stage.ts turn this into IR elements.
import { TWO_PI } from "../../netlist/mzi.ts";

export interface RawMesh {
  /** Number of modes. */
  n: number;
  /** Number of MZIs. */
  count: number;
  /** Top mode m of MZI i (it acts on m, m+1), in light order. */
  top: Int32Array;
  theta: Float64Array;
  phi: Float64Array;
  /** Output phase screen, one per mode, radians. */
  outputPhases: Float64Array;
  /**
   * Largest deviation of the fully nulled matrix from a diagonal of unit-modulus phases:
   * a free certificate of how unitary the input was (0 for an exact unitary).
   */
  unitarityDefect: number;
}

export function newRawMesh(n: number): RawMesh {
  const cap = (n * (n - 1)) / 2;
  return {
    n,
    count: 0,
    top: new Int32Array(cap),
    theta: new Float64Array(cap),
    phi: new Float64Array(cap),
    outputPhases: new Float64Array(n),
    unitarityDefect: 0,
  };
}

/** Fast wrap to [0, 2π) for angles already within a few turns. */
export function wrap(x: number): number {
  let r = x % TWO_PI;
  if (r < 0) r += TWO_PI;
  return r >= TWO_PI ? 0 : r;
}

/**
 * After nulling, W = diag(ρ)·A·diag(γ) (A interleaved re/im, row-major) should equal
 * diag(e^{iδ}). Store δ_i = arg(ρ_i·A_ii·γ_i) and return max |W − diag(e^{iδ})|
 * (the phases have unit modulus, so off-diagonal moduli can be read from A directly).
 */
export function finishLazyDiagonal(
  n: number,
  a: Float64Array,
  rho: { re: Float64Array; im: Float64Array },
  gam: { re: Float64Array; im: Float64Array },
  out: Float64Array,
): number {
  let defect = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = 2 * (i * n + j);
      const mag = Math.hypot(a[p], a[p + 1]);
      if (i === j) {
        const pr = rho.re[i] * gam.re[i] - rho.im[i] * gam.im[i];
        const pi = rho.re[i] * gam.im[i] + rho.im[i] * gam.re[i];
        out[i] = wrap(Math.atan2(pr * a[p + 1] + pi * a[p], pr * a[p] - pi * a[p + 1]));
        defect = Math.max(defect, Math.abs(mag - 1));
      } else if (mag > defect || Number.isNaN(mag)) {
        defect = mag;
      }
    }
  }
  return defect;
}
