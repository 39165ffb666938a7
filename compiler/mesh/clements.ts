// Clements rectangular decomposition (Optica 3, 1460 (2016)) in the MZ-in convention.
// Anti-diagonals of the lower-left triangle are nulled alternately by MZIs applied on the
// input side (W·T†, two-column update) and on the output side (T·W, two-row update).
// The ordering keeps earlier zeros intact, so each update only touches the rows (columns)
// that are not already zero: about N³/3 entry-pair updates in total, never a full product.
// An input-side sweep is applied row by row (rowChainDown), so no update strides columns.
//
// W = diag(ρ)·A·diag(γ) (kernels.ts). With T = g·R·diag(e^{iφ}, 1):
//   input side:  diag(γk, γk+1)·T† = conj(g)·γk+1 · diag(e^{iψ}, 1)·R,  e^{iψ} = γk·e^{−iφ}·conj(γk+1)
//   output side: T·diag(ρr, ρr+1) = g·ρr+1 · R·diag(e^{iψ}, 1),          e^{iψ} = e^{iφ}·ρr·conj(ρr+1)
// so A gets one phase and R, and the scalar goes into both γ (resp. ρ) entries.
// Finally the output-side MZIs are moved past the remaining diagonal with the identity
//   T(θ,φ)† · diag(e^{iδ0}, e^{iδ1}) = diag(e^{iδ0'}, e^{iδ1'}) · T(θ, δ0 − δ1),
//   δ1' = δ1 + π − θ,  δ0' = δ1' − φ,
// leaving one phase screen at the output.
import { interleave, recordInputMzi, rowChainDown, rowPair, unitPhases } from "./kernels.ts";
import { newSetting, nullInput, nullOutput } from "./null.ts";
import { type RawMesh, finishLazyDiagonal, newRawMesh, wrap } from "./raw.ts";

export function clementsRaw(reIn: Float64Array, imIn: Float64Array, n: number): RawMesh {
  const a = interleave(reIn, imIn, n, false);
  const rho = unitPhases(n);
  const gam = unitPhases(n);
  const mesh = newRawMesh(n);
  const st = newSetting();
  const half = (n * (n - 1)) / 2;
  // Output-side MZIs in the order they were applied.
  const lTop = new Int32Array(half);
  const lTheta = new Float64Array(half);
  const lPhi = new Float64Array(half);
  let nl = 0;
  // Parameters of the input-side MZIs of the current sweep.
  const sS = new Float64Array(n),
    sC = new Float64Array(n),
    sEr = new Float64Array(n),
    sEi = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    if (i % 2 === 0) {
      // Input-side sweep, applied row by row: the pivot rows (n−1−j) first, in order, each
      // brought up to date with ops 0..j−1 before op j's angles are read from it; then
      // every other row 0..n−2−i gets the whole chain in one streaming pass.
      for (let j = 0; j <= i; j++) {
        const r = n - 1 - j;
        const k = i - j;
        rowChainDown(a, n, r, i, 0, j, sS, sC, sEr, sEi);
        const p = 2 * (r * n + k);
        // true entries up to the common factor ρr: A[r,k]·γk and A[r,k+1]·γk+1
        const gkr = gam.re[k],
          gki = gam.im[k],
          glr = gam.re[k + 1],
          gli = gam.im[k + 1];
        const ur = a[p] * gkr - a[p + 1] * gki,
          ui = a[p] * gki + a[p + 1] * gkr;
        const vr = a[p + 2] * glr - a[p + 3] * gli,
          vi = a[p + 2] * gli + a[p + 3] * glr;
        nullInput(ur, ui, vr, vi, st);
        const theta = st[0],
          phi = st[1],
          s = st[2],
          c = st[3];
        const fr = st[4],
          fi = st[5]; // e^{−iφ}
        // e^{iψ} = γk·e^{−iφ}·conj(γk+1)
        const tr = gkr * fr - gki * fi,
          ti = gkr * fi + gki * fr;
        const er = tr * glr + ti * gli,
          ei = ti * glr - tr * gli;
        const m = Math.sqrt(er * er + ei * ei);
        sS[j] = s;
        sC[j] = c;
        sEr[j] = er / m;
        sEi[j] = ei / m;
        rowChainDown(a, n, r, i, j, j + 1, sS, sC, sEr, sEi);
        a[p] = 0;
        a[p + 1] = 0;
        recordInputMzi(mesh, gam, k, theta, phi, s, c);
      }
      for (let row = 0; row < n - 1 - i; row++) rowChainDown(a, n, row, i, 0, i + 1, sS, sC, sEr, sEi);
    } else {
      for (let j = 0; j <= i; j++) {
        const r = n + j - i - 2;
        const p = 2 * (r * n + j);
        const q = p + 2 * n;
        // true entries up to the common factor γj: ρr·A[r,j] and ρr+1·A[r+1,j]
        const rkr = rho.re[r],
          rki = rho.im[r],
          rlr = rho.re[r + 1],
          rli = rho.im[r + 1];
        const ur = a[p] * rkr - a[p + 1] * rki,
          ui = a[p] * rki + a[p + 1] * rkr;
        const vr = a[q] * rlr - a[q + 1] * rli,
          vi = a[q] * rli + a[q + 1] * rlr;
        nullOutput(ur, ui, vr, vi, st);
        const theta = st[0],
          phi = st[1],
          s = st[2],
          c = st[3];
        const fr = st[4],
          fi = st[5]; // e^{iφ}
        // e^{iψ} = e^{iφ}·ρr·conj(ρr+1)
        const tr = fr * rkr - fi * rki,
          ti = fr * rki + fi * rkr;
        let er = tr * rlr + ti * rli,
          ei = ti * rlr - tr * rli;
        const m = Math.sqrt(er * er + ei * ei);
        er /= m;
        ei /= m;
        rowPair(a, n, r, j, n, s, c, er, ei);
        a[q] = 0;
        a[q + 1] = 0;
        // ρr = ρr+1 = g·ρr+1, g = (−s, c)
        const nr = -s * rlr - c * rli,
          ni = -s * rli + c * rlr;
        rho.re[r] = rho.re[r + 1] = nr;
        rho.im[r] = rho.im[r + 1] = ni;
        lTop[nl] = r;
        lTheta[nl] = theta;
        lPhi[nl] = phi;
        nl++;
      }
    }
  }
  const delta = new Float64Array(n);
  mesh.unitarityDefect = finishLazyDiagonal(n, a, rho, gam, delta);
  // U = L_1† … L_p† · D · (input-side MZIs); push D outward past L_p†, then L_{p−1}†, …
  for (let t = nl - 1; t >= 0; t--) {
    const m = lTop[t];
    const theta = lTheta[t];
    const d0 = delta[m];
    const d1 = delta[m + 1];
    const d1n = wrap(d1 + Math.PI - theta);
    delta[m + 1] = d1n;
    delta[m] = wrap(d1n - lPhi[t]);
    mesh.top[mesh.count] = m;
    mesh.theta[mesh.count] = theta;
    mesh.phi[mesh.count] = wrap(d0 - d1);
    mesh.count++;
  }
  mesh.outputPhases.set(delta);
  return mesh;
}
