// Complex Householder QR: A (m×n) = Q (m×m, unitary) · R (m×n, upper triangular).
// Reflectors are applied row-wise (w = v†A, then A −= τ v w) so the inner loops run
// along contiguous rows of the row-major storage.
import { type CMat, clone, identity } from "./cmat.ts";

export interface QR {
  q: CMat;
  r: CMat;
}

interface Reflector {
  /** First row the reflector touches. */
  k: number;
  vr: Float64Array;
  vi: Float64Array;
  /** H = I − tau · v v† (tau = 2 / v†v); 0 means H = I. */
  tau: number;
}

/** Apply H = I − τ v v† to rows k.. of A (all columns from c0). */
function applyReflector(a: CMat, h: Reflector, c0: number, w: Float64Array, wi: Float64Array): void {
  const { k, vr, vi, tau } = h;
  if (tau === 0) return;
  const n = a.cols;
  const len = a.rows - k;
  w.fill(0, c0, n);
  wi.fill(0, c0, n);
  for (let t = 0; t < len; t++) {
    // conj(v_t)
    const xr = vr[t];
    const xi = -vi[t];
    if (xr === 0 && xi === 0) continue;
    const row = (k + t) * n;
    for (let j = c0; j < n; j++) {
      const ar = a.re[row + j];
      const ai = a.im[row + j];
      w[j] += xr * ar - xi * ai;
      wi[j] += xr * ai + xi * ar;
    }
  }
  for (let t = 0; t < len; t++) {
    const xr = tau * vr[t];
    const xi = tau * vi[t];
    if (xr === 0 && xi === 0) continue;
    const row = (k + t) * n;
    for (let j = c0; j < n; j++) {
      a.re[row + j] -= xr * w[j] - xi * wi[j];
      a.im[row + j] -= xr * wi[j] + xi * w[j];
    }
  }
}

export function qr(a: CMat): QR {
  const m = a.rows;
  const n = a.cols;
  const r = clone(a);
  const steps = Math.min(m - 1, n);
  const refl: Reflector[] = [];
  const w = new Float64Array(Math.max(m, n));
  const wi = new Float64Array(Math.max(m, n));
  for (let k = 0; k < steps; k++) {
    const len = m - k;
    const vr = new Float64Array(len);
    const vi = new Float64Array(len);
    let scaleF = 0;
    for (let t = 0; t < len; t++) {
      vr[t] = r.re[(k + t) * n + k];
      vi[t] = r.im[(k + t) * n + k];
      scaleF = Math.max(scaleF, Math.abs(vr[t]), Math.abs(vi[t]));
    }
    if (scaleF === 0) {
      refl.push({ k, vr, vi, tau: 0 });
      continue;
    }
    let s = 0;
    for (let t = 0; t < len; t++) s += (vr[t] / scaleF) ** 2 + (vi[t] / scaleF) ** 2;
    const norm = scaleF * Math.sqrt(s);
    const x0 = Math.hypot(vr[0], vi[0]);
    // alpha = −e^{i arg x0}·‖x‖ avoids cancellation in v0 = x0 − alpha.
    const pr = x0 === 0 ? 1 : vr[0] / x0;
    const pi = x0 === 0 ? 0 : vi[0] / x0;
    const alphaR = -pr * norm;
    const alphaI = -pi * norm;
    vr[0] -= alphaR;
    vi[0] -= alphaI;
    let vv = 0;
    for (let t = 0; t < len; t++) vv += vr[t] * vr[t] + vi[t] * vi[t];
    const h: Reflector = { k, vr, vi, tau: 2 / vv };
    refl.push(h);
    applyReflector(r, h, k, w, wi);
    // Set the annihilated entries exactly (the reflector maps x to alpha·e1).
    r.re[k * n + k] = alphaR;
    r.im[k * n + k] = alphaI;
    for (let t = 1; t < len; t++) {
      r.re[(k + t) * n + k] = 0;
      r.im[(k + t) * n + k] = 0;
    }
  }
  // Q = H_0 H_1 … H_{s−1}: accumulate from the last reflector onto the identity.
  const q = identity(m);
  const wq = new Float64Array(m);
  const wqi = new Float64Array(m);
  for (let s = refl.length - 1; s >= 0; s--) applyReflector(q, refl[s], 0, wq, wqi);
  return { q, r };
}
