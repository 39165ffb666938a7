// Reck triangular decomposition (PRL 73, 58 (1994)) in the MZ-in convention: every MZI is
// applied on the input side (W·T†). Row r (from the bottom) is nulled left to right by
// mixing columns (k, k+1), which pushes the row's weight onto the diagonal; rows below r
// are already unit vectors, so each update touches rows 0..r only. The work matrix is
// stored transposed (Wᵀ), so these column updates run along contiguous rows.
import { applyLeftRange } from "./kernels.ts";
import { nullInput } from "./null.ts";
import { type RawMesh, finishDiagonal, newRawMesh } from "./raw.ts";

export function reckRaw(reIn: Float64Array, imIn: Float64Array, n: number): RawMesh {
  // re/im hold Wᵀ: entry (i, j) of W sits at j·n + i.
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      re[j * n + i] = reIn[i * n + j];
      im[j * n + i] = imIn[i * n + j];
    }
  }
  const mesh = newRawMesh(n);
  for (let r = n - 1; r >= 1; r--) {
    for (let k = 0; k < r; k++) {
      const p = k * n + r; // W[r, k]; W[r, k+1] is one row further
      const ur = re[p], ui = im[p], vr = re[p + n], vi = im[p + n];
      const [theta, phi] = nullInput(ur, ui, vr, vi);
      applyLeftRange(re, im, n, k, 0, r + 1, theta, phi, -1);
      re[p] = 0;
      im[p] = 0;
      mesh.top[mesh.count] = k;
      mesh.theta[mesh.count] = theta;
      mesh.phi[mesh.count] = phi;
      mesh.count++;
    }
  }
  mesh.unitarityDefect = finishDiagonal(n, re, im, mesh.outputPhases);
  return mesh;
}
