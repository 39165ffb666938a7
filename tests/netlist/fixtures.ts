// Test meshes built independently of mesh synthesis: Clements-layout stages with seeded random
// phases, plus a reference stage matrix computed as a plain product of embedded 2×2 blocks.
import { createRng } from "../../math/rng.ts";
import { attenuatorSetting, couplerMatrix, mziMatrix, TWO_PI } from "../../netlist/mzi.ts";
import type { Complex } from "../../math/complex.ts";
import { MZI_CONVENTION, type LinearElement, type PhaseStage, type PhaseTable, type PipelineStep } from "../../netlist/ir.ts";

export const CONVENTION: PhaseTable["convention"] = {
  name: MZI_CONVENTION,
  mzi: "T(θ,φ) = i e^{iθ/2} [[e^{iφ} sin(θ/2), cos(θ/2)], [e^{iφ} cos(θ/2), −sin(θ/2)]]",
  coupler: "[[τ, iκ], [iκ, τ]]",
  phaseRange: "[0, 2π)",
};

/** A Clements rectangle of N(N−1)/2 MZIs with random θ, φ and random output phases. */
export function clementsStage(n: number, seed: number, name = `mesh${n}`): PhaseStage {
  const rng = createRng(seed);
  const elements: LinearElement[] = [];
  for (let col = 0; col < n; col++) {
    for (let m = col % 2; m + 1 < n; m += 2) {
      const theta = rng.next() * TWO_PI;
      const phi = rng.next() * TWO_PI;
      elements.push({ kind: "mzi", index: elements.length, column: col, modes: [m, m + 1], theta, phi, matrix: mziMatrix(theta, phi) });
    }
  }
  const outputPhases = Array.from({ length: n }, () => rng.next() * TWO_PI);
  return {
    name,
    role: "unitary",
    mesh: "clements",
    modes: n,
    inputs: n,
    outputs: n,
    gain: 1,
    elements,
    outputPhases,
    convention: MZI_CONVENTION,
  };
}

/** An SVD-like stage: mesh, attenuator column, mesh, with a gain and fewer outputs than modes. */
export function svdStage(n: number, seed: number, outputs: number, inputs: number, gain: number, name = `svd${n}`): PhaseStage {
  const a = clementsStage(n, seed);
  const b = clementsStage(n, seed + 1);
  const rng = createRng(seed + 2);
  const elements: LinearElement[] = [...a.elements];
  const col0 = n;
  for (let m = 0; m < n; m++) {
    const sigma: Complex = [rng.next() * 0.9, 0];
    const { theta, phi } = attenuatorSetting(sigma);
    elements.push({ kind: "attenuator", index: elements.length, column: col0, modes: [m], sigma, theta, phi, matrix: [[sigma]] });
  }
  for (const e of b.elements) elements.push({ ...e, index: elements.length, column: e.column + col0 + 1 } as LinearElement);
  elements.push({
    kind: "phase",
    index: elements.length,
    column: 2 * n + 1,
    modes: [0],
    phi: 0.7,
    matrix: [[[Math.cos(0.7), Math.sin(0.7)]]],
  });
  elements.push({ kind: "coupler", index: elements.length, column: 2 * n + 2, modes: [0, 1], coupling: 0.3, matrix: couplerMatrix(0.3) });
  return { ...b, name, role: "svd", modes: n, inputs, outputs, gain, elements };
}

export function table(pipeline: PipelineStep[]): PhaseTable {
  return { format: "optinc.phases/1", convention: CONVENTION, pipeline };
}

/** Reference: gain · P_out · E_{k-1} … E_0 restricted to [outputs, inputs], as [re, im] rows. */
export function referenceMatrix(stage: PhaseStage): { re: number[][]; im: number[][] } {
  const n = stage.modes;
  let re: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let im: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const apply = (modes: number[], blk: Complex[][]): void => {
    const nr = re.map((r) => r.slice());
    const ni = im.map((r) => r.slice());
    modes.forEach((mi, a) => {
      for (let j = 0; j < n; j++) {
        let sr = 0;
        let si = 0;
        modes.forEach((mk, b) => {
          const [br, bi] = blk[a][b];
          sr += br * re[mk][j] - bi * im[mk][j];
          si += br * im[mk][j] + bi * re[mk][j];
        });
        nr[mi][j] = sr;
        ni[mi][j] = si;
      }
    });
    re = nr;
    im = ni;
  };
  for (const e of [...stage.elements].sort((x, y) => x.index - y.index)) apply(e.modes, e.matrix as Complex[][]);
  for (let m = 0; m < n; m++) {
    const p = stage.outputPhases[m] ?? 0;
    apply([m], [[[Math.cos(p) * stage.gain, Math.sin(p) * stage.gain]]]);
  }
  return {
    re: re.slice(0, stage.outputs).map((r) => r.slice(0, stage.inputs)),
    im: im.slice(0, stage.outputs).map((r) => r.slice(0, stage.inputs)),
  };
}

/** A small ONN-shaped pipeline (not trained): source → SVD layer with bias → relu → Σ·U layer → detector. */
export function onnTable(): PhaseTable {
  const l1 = svdStage(5, 21, 4, 5, 2, "layer1");
  l1.biasInput = 0.75;
  const l2 = svdStage(4, 31, 2, 4, 1.5, "layer2");
  l2.role = "sigma-u";
  return table([
    { name: "source", role: "source", workers: 2, digits: 2, levels: 4, amplitudePerLevel: 0.25 },
    l1,
    { name: "act1", role: "activation", function: "relu", params: {}, modes: 4 },
    l2,
    { name: "detector", role: "detector", levels: 4, step: 0.1, offset: 0.05, modes: 2 },
  ]);
}
