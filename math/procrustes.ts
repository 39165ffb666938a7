// Polar decomposition and orthogonal (unitary) Procrustes, both from one SVD.
// nearestUnitary(A) = U·V† for A = U Σ V† minimises ‖A − Q‖_F over unitary Q (Fan–Hoffman);
// procrustes(A, B) = polar factor of B·A† minimises ‖Ω·A − B‖_F over unitary Ω.
import { type CMat, adjoint, matmul, zeros } from "./cmat.ts";
import { svd } from "./svd.ts";

export interface Polar {
  /** Unitary (or, for non-square input, isometric) polar factor. */
  unitary: CMat;
  /** Hermitian positive semidefinite factor H = V Σ V† with A = unitary · H. */
  hermitian: CMat;
}

/** A = W·H with W the nearest unitary to a square A (for m×n: W has orthonormal columns if m ≥ n). */
export function polar(a: CMat): Polar {
  const { u, s, v } = svd(a);
  const m = a.rows;
  const n = a.cols;
  const k = Math.min(m, n);
  // W = U[:, :k] · V[:, :k]†
  const uk = zeros(m, k);
  const vk = zeros(n, k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      uk.re[i * k + j] = u.re[i * m + j];
      uk.im[i * k + j] = u.im[i * m + j];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      vk.re[i * k + j] = v.re[i * n + j];
      vk.im[i * k + j] = v.im[i * n + j];
    }
  }
  const unitary = matmul(uk, adjoint(vk));
  const vs = zeros(n, k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      vs.re[i * k + j] = vk.re[i * k + j] * s[j];
      vs.im[i * k + j] = vk.im[i * k + j] * s[j];
    }
  }
  return { unitary, hermitian: matmul(vs, adjoint(vk)) };
}

/** The unitary matrix closest to square A in Frobenius norm. */
export function nearestUnitary(a: CMat): CMat {
  if (a.rows !== a.cols) throw new RangeError(`nearestUnitary needs a square matrix, got ${a.rows}×${a.cols}`);
  return polar(a).unitary;
}

/** argmin over unitary Ω (m×m) of ‖Ω·A − B‖_F, for A, B both m×n. */
export function procrustes(a: CMat, b: CMat): CMat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`procrustes: shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} differ`);
  return polar(matmul(b, adjoint(a))).unitary;
}
