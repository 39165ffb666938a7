// Reck triangular decomposition (PRL 73, 58 (1994)) in the MZ-in convention: every MZI is
// applied on the input side (W·T†). Row r (from the bottom) is nulled left to right by
// mixing columns (k, k+1), which pushes the row's weight onto the diagonal; rows below r
// are already unit vectors, so each update touches rows 0..r only.
// The work matrix is stored transposed, Wᵀ = diag(γ)·A, so these column updates of W run
// along contiguous rows of A: W·T† ⇔ conj(T)·Wᵀ, and
//   conj(T)·diag(γk, γk+1) = conj(g)·γk+1 · R·diag(e^{iψ}, 1),  e^{iψ} = γk·e^{−iφ}·conj(γk+1)
// (same ψ and γ update as Clements' input side; see kernels.ts).
import { interleave, recordInputMzi, rowPair, unitPhases } from "./kernels.ts";
import { newSetting, nullInput } from "./null.ts";
import { type RawMesh, finishLazyDiagonal, newRawMesh } from "./raw.ts";

export function reckRaw(reIn: Float64Array, imIn: Float64Array, n: number): RawMesh {
  const a = interleave(reIn, imIn, n, true); // A[k, r] = W[r, k]
  const gam = unitPhases(n);
  const mesh = newRawMesh(n);
  const st = newSetting();
  for (let r = n - 1; r >= 1; r--) {
    for (let k = 0; k < r; k++) {
      const p = 2 * (k * n + r); // W[r, k]; W[r, k+1] is one row of A further
      const q = p + 2 * n;
      const gkr = gam.re[k],
        gki = gam.im[k],
        glr = gam.re[k + 1],
        gli = gam.im[k + 1];
      const ur = a[p] * gkr - a[p + 1] * gki,
        ui = a[p] * gki + a[p + 1] * gkr;
      const vr = a[q] * glr - a[q + 1] * gli,
        vi = a[q] * gli + a[q + 1] * glr;
      nullInput(ur, ui, vr, vi, st);
      const theta = st[0],
        phi = st[1],
        s = st[2],
        c = st[3];
      const fr = st[4],
        fi = st[5]; // e^{−iφ}
      const tr = gkr * fr - gki * fi,
        ti = gkr * fi + gki * fr;
      let er = tr * glr + ti * gli,
        ei = ti * glr - tr * gli;
      const m = Math.sqrt(er * er + ei * ei);
      er /= m;
      ei /= m;
      rowPair(a, n, k, 0, r + 1, s, c, er, ei);
      a[p] = 0;
      a[p + 1] = 0;
      recordInputMzi(mesh, gam, k, theta, phi, s, c);
    }
  }
  // Wᵀ = diag(γ)·A: the diagonal of W is γi·A[i,i] (ρ ≡ 1 here).
  mesh.unitarityDefect = finishLazyDiagonal(n, a, unitPhases(n), gam, mesh.outputPhases);
  return mesh;
}
