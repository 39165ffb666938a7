// How far a realized stage matrix is from its design, up to the one complex scale the calibration
// is free to leave (it is folded into the next bias source and the detector).
import type { CMat } from "../../math/cmat.ts";

export interface Residual {
  /** Least-squares scale: realized ≈ λ · design. */
  lambda: [number, number];
  /** max |realized − λ·design| / max |λ·design|. */
  residual: number;
}

export function matrixResidual(realized: CMat, design: CMat): Residual {
  let dd = 0;
  let re = 0;
  let im = 0;
  for (let i = 0; i < design.re.length; i++) {
    const a = design.re[i]!;
    const b = design.im[i]!;
    dd += a * a + b * b;
    re += a * realized.re[i]! + b * realized.im[i]!;
    im += a * realized.im[i]! - b * realized.re[i]!;
  }
  const lr = dd > 0 ? re / dd : 1;
  const li = dd > 0 ? im / dd : 0;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < design.re.length; i++) {
    const xr = lr * design.re[i]! - li * design.im[i]!;
    const xi = lr * design.im[i]! + li * design.re[i]!;
    err = Math.max(err, Math.hypot(realized.re[i]! - xr, realized.im[i]! - xi));
    scale = Math.max(scale, Math.hypot(xr, xi));
  }
  return { lambda: [lr, li], residual: scale > 0 ? err / scale : err };
}
