// In-place two-column / two-row updates with one MZ-in matrix: the only O(N) work per MZI.
// T(θ, φ) = g·[[e^{iφ} s, c], [e^{iφ} c, −s]], g = i·e^{iθ/2}, s = sin(θ/2), c = cos(θ/2)
// (mzi.ts). Entries are expanded inline so the loops allocate nothing.

/**
 * W[0..rowEnd) ← W · T(θ,φ)† on columns (k, k+1) of an n-column row-major matrix.
 * new_k = w_k·conj(t00) + w_{k+1}·conj(t01),  new_{k+1} = w_k·conj(t10) + w_{k+1}·conj(t11).
 */
export function applyRightInverse(re: Float64Array, im: Float64Array, n: number, k: number, rowEnd: number, theta: number, phi: number): void {
  const s = Math.sin(theta / 2);
  const c = Math.cos(theta / 2);
  const gr = -s; // Re g
  const gi = c; // Im g
  const er = Math.cos(phi);
  const ei = Math.sin(phi);
  const ger = gr * er - gi * ei;
  const gei = gr * ei + gi * er;
  // conjugated entries of T
  const a00r = ger * s, a00i = -gei * s;
  const a01r = gr * c, a01i = -gi * c;
  const a10r = ger * c, a10i = -gei * c;
  const a11r = -gr * s, a11i = gi * s;
  for (let i = 0, p = k; i < rowEnd; i++, p += n) {
    const xr = re[p], xi = im[p];
    const yr = re[p + 1], yi = im[p + 1];
    re[p] = xr * a00r - xi * a00i + yr * a01r - yi * a01i;
    im[p] = xr * a00i + xi * a00r + yr * a01i + yi * a01r;
    re[p + 1] = xr * a10r - xi * a10i + yr * a11r - yi * a11i;
    im[p + 1] = xr * a10i + xi * a10r + yr * a11i + yi * a11r;
  }
}

/** W ← T(θ,φ) · W on rows (r, r+1), columns [colStart, n). */
export function applyLeft(re: Float64Array, im: Float64Array, n: number, r: number, colStart: number, theta: number, phi: number): void {
  applyLeftRange(re, im, n, r, colStart, n, theta, phi, 1);
}

/**
 * W ← T · W (conj = 1) or conj(T) · W (conj = −1) on rows (r, r+1), columns [colStart, colEnd).
 * conj(T)·Wᵀ = (W·T†)ᵀ: the transposed form of an input-side update, which lets a
 * decomposer that stores Wᵀ do every update along contiguous rows.
 */
export function applyLeftRange(re: Float64Array, im: Float64Array, n: number, r: number, colStart: number, colEnd: number, theta: number, phi: number, conj: 1 | -1): void {
  const s = Math.sin(theta / 2);
  const c = Math.cos(theta / 2);
  const gr = -s;
  const gi = c;
  const er = Math.cos(phi);
  const ei = Math.sin(phi);
  const ger = gr * er - gi * ei;
  const gei = gr * ei + gi * er;
  const t00r = ger * s, t00i = conj * gei * s;
  const t01r = gr * c, t01i = conj * gi * c;
  const t10r = ger * c, t10i = conj * gei * c;
  const t11r = -gr * s, t11i = -conj * gi * s;
  const p0 = r * n;
  const p1 = p0 + n;
  for (let j = colStart; j < colEnd; j++) {
    const xr = re[p0 + j], xi = im[p0 + j];
    const yr = re[p1 + j], yi = im[p1 + j];
    re[p0 + j] = t00r * xr - t00i * xi + t01r * yr - t01i * yi;
    im[p0 + j] = t00r * xi + t00i * xr + t01r * yi + t01i * yr;
    re[p1 + j] = t10r * xr - t10i * xi + t11r * yr - t11i * yi;
    im[p1 + j] = t10r * xi + t10i * xr + t11r * yi + t11i * yr;
  }
}
