// Reck triangular decomposition (PRL 73, 58 (1994)) in the MZ-in convention: every MZI is
// applied on the input side (W·T†). Row r (from the bottom) is nulled left to right by
// mixing columns (k, k+1), which pushes the row's weight onto the diagonal; rows below r
// are already unit vectors, so each update touches rows 0..r only.
import { applyRightInverse } from "./kernels.ts";
import { type RawMesh, finishDiagonal, newRawMesh, wrap } from "./raw.ts";

export function reckRaw(reIn: Float64Array, imIn: Float64Array, n: number): RawMesh {
  const re = reIn.slice();
  const im = imIn.slice();
  const mesh = newRawMesh(n);
  for (let r = n - 1; r >= 1; r--) {
    for (let k = 0; k < r; k++) {
      const p = r * n + k;
      const ur = re[p], ui = im[p], vr = re[p + 1], vi = im[p + 1];
      const theta = 2 * Math.atan2(Math.hypot(vr, vi), Math.hypot(ur, ui));
      const phi = wrap(Math.atan2(ui, ur) - Math.atan2(vi, vr) - Math.PI);
      applyRightInverse(re, im, n, k, r + 1, theta, phi);
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
