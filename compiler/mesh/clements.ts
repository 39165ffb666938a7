// Clements rectangular decomposition (Optica 3, 1460 (2016)) in the MZ-in convention.
// Anti-diagonals of the lower-left triangle are nulled alternately by MZIs applied on the
// input side (W·T†, two-column update) and on the output side (T·W, two-row update).
// The ordering keeps earlier zeros intact, so each update only touches the rows (columns)
// that are not already zero: about N³/3 two-entry updates in total, never a full product.
// The output-side MZIs are then moved past the remaining diagonal with the exact identity
//   T(θ,φ)† · diag(e^{iδ0}, e^{iδ1}) = diag(e^{iδ0'}, e^{iδ1'}) · T(θ, δ0 − δ1),
//   δ1' = δ1 + π − θ,  δ0' = δ1' − φ
// (derived in docs/conventions.md), leaving one phase screen at the output.
import { applyLeft, applyRightInverse } from "./kernels.ts";
import { nullInput, nullOutput } from "./null.ts";
import { type RawMesh, finishDiagonal, newRawMesh, wrap } from "./raw.ts";

export function clementsRaw(reIn: Float64Array, imIn: Float64Array, n: number): RawMesh {
  const re = reIn.slice();
  const im = imIn.slice();
  const mesh = newRawMesh(n);
  const half = (n * (n - 1)) / 2;
  // Output-side MZIs in the order they were applied.
  const lTop = new Int32Array(half);
  const lTheta = new Float64Array(half);
  const lPhi = new Float64Array(half);
  let nl = 0;
  for (let i = 0; i < n - 1; i++) {
    if (i % 2 === 0) {
      for (let j = 0; j <= i; j++) {
        const r = n - 1 - j;
        const k = i - j;
        const p = r * n + k;
        const ur = re[p], ui = im[p], vr = re[p + 1], vi = im[p + 1];
        const [theta, phi] = nullInput(ur, ui, vr, vi);
        applyRightInverse(re, im, n, k, r + 1, theta, phi);
        re[p] = 0;
        im[p] = 0;
        mesh.top[mesh.count] = k;
        mesh.theta[mesh.count] = theta;
        mesh.phi[mesh.count] = phi;
        mesh.count++;
      }
    } else {
      for (let j = 0; j <= i; j++) {
        const r = n + j - i - 2;
        const p = r * n + j;
        const ur = re[p], ui = im[p], vr = re[p + n], vi = im[p + n];
        const [theta, phi] = nullOutput(ur, ui, vr, vi);
        applyLeft(re, im, n, r, j, theta, phi);
        re[p + n] = 0;
        im[p + n] = 0;
        lTop[nl] = r;
        lTheta[nl] = theta;
        lPhi[nl] = phi;
        nl++;
      }
    }
  }
  const delta = new Float64Array(n);
  mesh.unitarityDefect = finishDiagonal(n, re, im, delta);
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
