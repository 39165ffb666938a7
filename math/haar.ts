// Haar-random unitary and orthogonal matrices: QR of a Ginibre matrix with the
// diagonal phase fix Q·diag(r_kk/|r_kk|) (Mezzadri 2007), without which Q is not Haar.
import { type CMat, zeros } from "./cmat.ts";
import { qr } from "./qr.ts";
import type { Rng } from "./rng.ts";

function haarFrom(g: CMat): CMat {
  const n = g.rows;
  const { q, r } = qr(g);
  for (let k = 0; k < n; k++) {
    const dr = r.re[k * n + k];
    const di = r.im[k * n + k];
    const mag = Math.hypot(dr, di);
    const pr = mag === 0 ? 1 : dr / mag;
    const pi = mag === 0 ? 0 : di / mag;
    for (let i = 0; i < n; i++) {
      const qr_ = q.re[i * n + k];
      const qi = q.im[i * n + k];
      q.re[i * n + k] = qr_ * pr - qi * pi;
      q.im[i * n + k] = qr_ * pi + qi * pr;
    }
  }
  return q;
}

/** Haar-random n×n unitary. */
export function haarUnitary(n: number, rng: Rng): CMat {
  const g = zeros(n, n);
  for (let k = 0; k < n * n; k++) {
    g.re[k] = rng.normal() / Math.SQRT2;
    g.im[k] = rng.normal() / Math.SQRT2;
  }
  return haarFrom(g);
}

/** Haar-random n×n real orthogonal matrix (imaginary parts exactly 0). */
export function haarOrthogonal(n: number, rng: Rng): CMat {
  const g = zeros(n, n);
  for (let k = 0; k < n * n; k++) g.re[k] = rng.normal();
  return haarFrom(g);
}

/** Complex Ginibre m×n matrix (i.i.d. standard complex normal entries). */
export function ginibre(m: number, n: number, rng: Rng): CMat {
  const g = zeros(m, n);
  for (let k = 0; k < m * n; k++) {
    g.re[k] = rng.normal() / Math.SQRT2;
    g.im[k] = rng.normal() / Math.SQRT2;
  }
  return g;
}
