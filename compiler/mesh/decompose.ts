// Public mesh-synthesis API: unitary → Clements/Reck mesh, arbitrary matrix → SVD stage.
import { MZI_CONVENTION, type AttenuatorElement, type LinearElement, type PhaseStage } from "../../netlist/ir.ts";
import { type CMat, adjoint } from "../../math/cmat.ts";
import { svd } from "../../math/svd.ts";
import { meshElements } from "./build.ts";
import { clementsRaw } from "./clements.ts";
import { attenuatorSetting, mziEntries, wrapPhase } from "../../netlist/mzi.ts";
import type { RawMesh } from "./raw.ts";
import { reckRaw } from "./reck.ts";

export type MeshKind = "clements" | "reck";

export interface DecomposeOptions {
  mesh: MeshKind;
  name?: string;
  /** Largest tolerated deviation from unitarity (decomposeUnitary only). Default 1e-9. */
  unitaryTol?: number;
}

/** Thrown when decomposeUnitary receives a matrix that is not unitary (within tolerance). */
export class NotUnitaryError extends Error {
  constructor(
    readonly defect: number,
    readonly tol: number,
  ) {
    super(`matrix is not unitary: the nulled mesh leaves a residual of ${defect.toExponential(3)} (tolerance ${tol.toExponential(1)})`);
    this.name = "NotUnitaryError";
  }
}

function assertFinite(a: CMat): void {
  for (let k = 0; k < a.re.length; k++) {
    if (!Number.isFinite(a.re[k]) || !Number.isFinite(a.im[k])) {
      throw new RangeError(`matrix entry (${Math.floor(k / a.cols)}, ${k % a.cols}) is not finite: ${a.re[k]} + ${a.im[k]}i`);
    }
  }
}

/** Raw nulling of a square matrix; no unitarity check. */
export function meshRaw(u: CMat, mesh: MeshKind): RawMesh {
  if (u.rows !== u.cols) throw new RangeError(`a unitary mesh needs a square matrix, got ${u.rows}×${u.cols}`);
  assertFinite(u);
  if (mesh === "clements") return clementsRaw(u.re, u.im, u.rows);
  if (mesh === "reck") return reckRaw(u.re, u.im, u.rows);
  throw new RangeError(`unknown mesh "${String(mesh)}" (expected clements or reck)`);
}

export function decomposeUnitary(u: CMat, opts: DecomposeOptions): PhaseStage {
  const raw = meshRaw(u, opts.mesh);
  const tol = opts.unitaryTol ?? 1e-9;
  if (!(raw.unitarityDefect <= tol)) throw new NotUnitaryError(raw.unitarityDefect, tol);
  const { elements } = meshElements(raw);
  return {
    name: opts.name ?? "U",
    role: "unitary",
    mesh: opts.mesh,
    modes: u.rows,
    inputs: u.rows,
    outputs: u.rows,
    gain: 1,
    elements,
    outputPhases: Array.from(raw.outputPhases),
    convention: MZI_CONVENTION,
  };
}

/**
 * Any m×n matrix as one passive stage plus a gain: W = σ_max · U (Σ/σ_max) V†.
 * Light order: the V† mesh (modes 0..n−1), one attenuator per singular value, the U mesh
 * (modes 0..m−1). V†'s output phase screen is folded into the (complex) attenuator
 * settings, so only U's output phases remain as the stage's output screen. Modes
 * ≥ min(m, n) carry no light from an input to a read output, so they need no attenuator.
 */
export function decomposeMatrix(w: CMat, opts: DecomposeOptions): PhaseStage {
  const m = w.rows;
  const n = w.cols;
  if (m === 0 || n === 0) throw new RangeError(`cannot decompose an empty ${m}×${n} matrix`);
  assertFinite(w);
  const modes = Math.max(m, n);
  const k = Math.min(m, n);
  const { u, s, v } = svd(w);
  const gain = s[0] ?? 0;
  const vRaw = meshRaw(adjoint(v), opts.mesh);
  const uRaw = meshRaw(u, opts.mesh);
  // The singular vectors must be unitary to working precision; anything else is a bug
  // (e.g. a Jacobi sweep limit), never a property of the input.
  const defect = Math.max(vRaw.unitarityDefect, uRaw.unitarityDefect);
  if (!(defect <= 1e-9)) throw new Error(`SVD singular vectors are not unitary (residual ${defect.toExponential(2)})`);
  const vMesh = meshElements(vRaw, 0, 0);
  const elements: LinearElement[] = [...vMesh.elements];
  for (let i = 0; i < k; i++) {
    const mag = gain > 0 ? Math.min(1, s[i] / gain) : 0;
    const a = vRaw.outputPhases[i];
    const sigma: [number, number] = [mag * Math.cos(a), mag * Math.sin(a)];
    const { theta, phi } = attenuatorSetting(sigma);
    elements.push(attenuatorElement(elements.length, vMesh.depth, i, theta, phi));
  }
  const uMesh = meshElements(uRaw, elements.length, vMesh.depth + 1);
  for (const e of uMesh.elements) elements.push(e); // no spread: 10⁵ arguments overflow the stack
  const outputPhases = new Array<number>(modes).fill(0);
  for (let i = 0; i < m; i++) outputPhases[i] = uRaw.outputPhases[i];
  return {
    name: opts.name ?? "W",
    role: "svd",
    mesh: opts.mesh,
    modes,
    inputs: n,
    outputs: m,
    gain,
    elements,
    outputPhases,
    convention: MZI_CONVENTION,
  };
}

/** An attenuator at setting (θ, φ): σ is the MZI's top-to-top transmission T00. */
export function attenuatorElement(index: number, column: number, mode: number, theta: number, phi: number): AttenuatorElement {
  const t = wrapPhase(theta);
  const p = wrapPhase(phi);
  const { re, im } = mziEntries(t, p);
  return {
    kind: "attenuator",
    index,
    column,
    modes: [mode],
    sigma: [re[0], im[0]],
    theta: t,
    phi: p,
    matrix: [[[re[0], im[0]]]],
  };
}
