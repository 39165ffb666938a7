// In-place two-row / two-column updates, O(N) per MZI, on an interleaved complex matrix
// (a[2k] = Re, a[2k+1] = Im of entry k, row-major), so a column pair of one row is four
// adjacent doubles.
//
// Every MZ-in matrix factors as T(θ,φ) = g · R · diag(e^{iφ}, 1) with the global phase
// g = i·e^{iθ/2} and the REAL matrix R = [[s, c], [c, −s]], s = sin(θ/2), c = cos(θ/2).
// The decomposers keep g (and the input phase e^{iφ}) out of the O(N) loops: the working
// matrix is stored as W = diag(ρ)·A·diag(γ) with lazily tracked unit phases ρ (rows) and
// γ (columns). An update then only applies one complex phase to one line and the real
// 2×2 R: 12 multiplies + 6 adds per entry pair instead of 16 + 16 for a general complex
// 2×2 (see docs/reference/conventions.md §4 and the derivations in clements.ts).
import type { RawMesh } from "./raw.ts";

/** Rows (r, r+1), columns [c0, c1): x ← e^{iψ}·x, then [x; y] ← R·[x; y]. */
export function rowPair(a: Float64Array, n: number, r: number, c0: number, c1: number, s: number, c: number, er: number, ei: number): void {
  const n2 = 2 * n;
  const end = 2 * (r * n + c1);
  for (let p = 2 * (r * n + c0); p < end; p += 2) {
    const q = p + n2;
    const x0 = a[p],
      x1 = a[p + 1];
    const xr = er * x0 - ei * x1;
    const xi = er * x1 + ei * x0;
    const yr = a[q],
      yi = a[q + 1];
    a[p] = s * xr + c * yr;
    a[p + 1] = s * xi + c * yi;
    a[q] = c * xr - s * yr;
    a[q + 1] = c * xi - s * yi;
  }
}

/** Unit phases as split arrays, all 1. */
export function unitPhases(n: number): { re: Float64Array; im: Float64Array } {
  return { re: new Float64Array(n).fill(1), im: new Float64Array(n) };
}

/**
 * After an input-side nulling MZI on modes (k, k+1): both lazy output phases become
 * conj(g)·γ_{k+1} with conj(g) = (−s, −c), and the MZI is appended to the raw mesh.
 */
export function recordInputMzi(
  mesh: RawMesh,
  gam: { re: Float64Array; im: Float64Array },
  k: number,
  theta: number,
  phi: number,
  s: number,
  c: number,
): void {
  const glr = gam.re[k + 1];
  const gli = gam.im[k + 1];
  const nr = -s * glr + c * gli;
  const ni = -s * gli - c * glr;
  gam.re[k] = gam.re[k + 1] = nr;
  gam.im[k] = gam.im[k + 1] = ni;
  mesh.top[mesh.count] = k;
  mesh.theta[mesh.count] = theta;
  mesh.phi[mesh.count] = phi;
  mesh.count++;
}

/** Interleaved copy of split re/im data, optionally transposed (n×n). */
export function interleave(re: Float64Array, im: Float64Array, n: number, transpose: boolean): Float64Array {
  const a = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const src = i * n + j;
      const dst = 2 * (transpose ? j * n + i : src);
      a[dst] = re[src];
      a[dst + 1] = im[src];
    }
  }
  return a;
}

/**
 * One row, a chain of input-side updates: op t ∈ [from, to) acts on the column pair
 * (k, k+1), k = kTop − t, with s[t], c[t], e^{iψ_t} = (er[t], ei[t]). Consecutive pairs share a
 * column, which stays in registers: each update loads one entry and stores one. Applying a
 * whole sweep row by row turns strided column updates into one streaming pass per row.
 */
export function rowChainDown(
  a: Float64Array,
  n: number,
  row: number,
  kTop: number,
  from: number,
  to: number,
  s: Float64Array,
  c: Float64Array,
  er: Float64Array,
  ei: Float64Array,
): void {
  if (from >= to) return;
  const base = 2 * row * n;
  let p = base + 2 * (kTop - from);
  let yr = a[p + 2],
    yi = a[p + 3]; // column k+1 of the first pair
  for (let t = from; t < to; t++, p -= 2) {
    const x0 = a[p],
      x1 = a[p + 1];
    const e0 = er[t],
      e1 = ei[t],
      st = s[t],
      ct = c[t];
    const xr = e0 * x0 - e1 * x1;
    const xi = e0 * x1 + e1 * x0;
    a[p + 2] = ct * xr - st * yr; // column k+1 is final after this pair
    a[p + 3] = ct * xi - st * yi;
    yr = st * xr + ct * yr; // new column k: the y of the next pair (k−1, k)
    yi = st * xi + ct * yi;
  }
  a[p + 2] = yr;
  a[p + 3] = yi;
}
