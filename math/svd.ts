// Complex SVD by one-sided (Hestenes) Jacobi: A = U·diag(s)·V†, full U (m×m) and V (n×n),
// s descending. Columns are orthogonalised pairwise; each complex pair is first phase-
// aligned (so a_p†a_q is real) and then rotated by a real Jacobi rotation. One-sided
// Jacobi gives singular vectors orthogonal to working precision, which the meshes need.
// Columns are stored as contiguous rows (the transpose) so every update streams.
import { type CMat, adjoint, zeros } from "./cmat.ts";

export interface SVD {
  u: CMat;
  s: Float64Array;
  v: CMat;
}

const EPS = 2 ** -52;
const MAX_SWEEPS = 80;

export function svd(a: CMat): SVD {
  if (a.rows >= a.cols) return svdTall(a);
  const t = svdTall(adjoint(a));
  // A† = U' S V'†  ⇒  A = V' S U'†
  return { u: t.v, s: t.s, v: t.u };
}

function svdTall(a: CMat): SVD {
  const m = a.rows;
  const n = a.cols;
  // g: column j of A at g[j*m .. j*m+m); vt: column j of V at vt[j*n ..].
  const gr = new Float64Array(n * m),
    gi = new Float64Array(n * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      gr[j * m + i] = a.re[i * n + j];
      gi[j * m + i] = a.im[i * n + j];
    }
  }
  const vr = new Float64Array(n * n),
    vi = new Float64Array(n * n);
  for (let j = 0; j < n; j++) vr[j * n + j] = 1;
  const tol = EPS * Math.max(m, 8);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const op = p * m,
          oq = q * m;
        let alpha = 0,
          beta = 0,
          cr = 0,
          ci = 0;
        for (let i = 0; i < m; i++) {
          const xr = gr[op + i],
            xi = gi[op + i],
            yr = gr[oq + i],
            yi = gi[oq + i];
          alpha += xr * xr + xi * xi;
          beta += yr * yr + yi * yi;
          cr += xr * yr + xi * yi; // conj(x)·y
          ci += xr * yi - xi * yr;
        }
        const g = Math.hypot(cr, ci);
        if (g === 0 || alpha === 0 || beta === 0 || g <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        // e^{−iψ} with ψ = arg γ
        const er = cr / g,
          ei = -ci / g;
        rotatePair(gr, gi, op, oq, m, c, s, er, ei);
        rotatePair(vr, vi, p * n, q * n, n, c, s, er, ei);
      }
    }
    if (!rotated) break;
  }
  const sig = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < m; i++) acc += gr[j * m + i] ** 2 + gi[j * m + i] ** 2;
    sig[j] = Math.sqrt(acc);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => sig[y] - sig[x] || x - y);
  const smax = n > 0 ? sig[order[0]] : 0;
  const zeroTol = smax * EPS * Math.max(m, n);
  const u = zeros(m, m);
  const v = zeros(n, n);
  const s = new Float64Array(n);
  const have = new Uint8Array(m);
  for (let jj = 0; jj < n; jj++) {
    const j = order[jj];
    for (let i = 0; i < n; i++) {
      v.re[i * n + jj] = vr[j * n + i];
      v.im[i * n + jj] = vi[j * n + i];
    }
    if (sig[j] > zeroTol && sig[j] > 0) {
      s[jj] = sig[j];
      for (let i = 0; i < m; i++) {
        u.re[i * m + jj] = gr[j * m + i] / sig[j];
        u.im[i * m + jj] = gi[j * m + i] / sig[j];
      }
      have[jj] = 1;
    }
  }
  completeBasis(u, have);
  return { u, s, v };
}

/**
 * [a_p, a_q] ← [c·a_p − s·e^{−iψ}·a_q,  s·a_p + c·e^{−iψ}·a_q]: a unitary 2×2 update.
 */
function rotatePair(
  re: Float64Array,
  im: Float64Array,
  op: number,
  oq: number,
  len: number,
  c: number,
  s: number,
  er: number,
  ei: number,
): void {
  for (let i = 0; i < len; i++) {
    const xr = re[op + i],
      xi = im[op + i];
    const yr0 = re[oq + i],
      yi0 = im[oq + i];
    const yr = yr0 * er - yi0 * ei;
    const yi = yr0 * ei + yi0 * er;
    re[op + i] = c * xr - s * yr;
    im[op + i] = c * xi - s * yi;
    re[oq + i] = s * xr + c * yr;
    im[oq + i] = s * xi + c * yi;
  }
}

/**
 * Fill the columns j with have[j] = 0 so that U is unitary: for each gap take the unit
 * vector e_k with the largest component orthogonal to the columns so far (projected
 * twice, "twice is enough"), normalised.
 */
export function completeBasis(u: CMat, have: Uint8Array): void {
  const m = u.rows;
  const cols = (): number[] => {
    const c: number[] = [];
    for (let j = 0; j < m; j++) if (have[j]) c.push(j);
    return c;
  };
  for (let slot = 0; slot < m; slot++) {
    if (have[slot]) continue;
    const basis = cols();
    let best: { r: Float64Array; i: Float64Array; norm: number } | null = null;
    for (let k = 0; k < m; k++) {
      const r = new Float64Array(m);
      const i = new Float64Array(m);
      r[k] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const j of basis) {
          // coefficient = col_j† x
          let pr = 0,
            pi = 0;
          for (let t = 0; t < m; t++) {
            const cr = u.re[t * m + j],
              ci = u.im[t * m + j];
            pr += cr * r[t] + ci * i[t];
            pi += cr * i[t] - ci * r[t];
          }
          for (let t = 0; t < m; t++) {
            const cr = u.re[t * m + j],
              ci = u.im[t * m + j];
            r[t] -= pr * cr - pi * ci;
            i[t] -= pr * ci + pi * cr;
          }
        }
      }
      let norm = 0;
      for (let t = 0; t < m; t++) norm += r[t] * r[t] + i[t] * i[t];
      norm = Math.sqrt(norm);
      if (!best || norm > best.norm + 1e-12) best = { r, i, norm };
      if (norm > 0.7) break; // good enough; keeps the common case O(m²) per slot
    }
    if (!best || best.norm === 0) throw new Error("completeBasis: no independent direction left");
    for (let t = 0; t < m; t++) {
      u.re[t * m + slot] = best.r[t] / best.norm;
      u.im[t * m + slot] = best.i[t] / best.norm;
    }
    have[slot] = 1;
  }
}
