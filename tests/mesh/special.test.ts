// Structured unitaries hit the exact-zero (bar/cross) branches of the nulling.
import { describe, expect, it } from "vitest";
import { type CMat, identity, matmul, maxAbsDiff, zeros } from "../../math/cmat.ts";
import { ginibre, haarOrthogonal, haarUnitary } from "../../math/haar.ts";
import { nearestUnitary } from "../../math/procrustes.ts";
import { createRng } from "../../math/rng.ts";
import { NotUnitaryError, decomposeMatrix, decomposeUnitary, type MeshKind } from "../../compiler/mesh/decompose.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { MziElement, PhaseStage } from "../../netlist/ir.ts";
import { buildPhaseTable, parsePhaseTable, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { maxDiff, rebuildFromPhasesJson } from "./independent-rebuild.ts";

const MESHES: MeshKind[] = ["clements", "reck"];

function permutation(p: number[], phases?: number[]): CMat {
  const n = p.length;
  const m = zeros(n, n);
  p.forEach((j, i) => {
    const a = phases ? phases[i] : 0;
    m.re[i * n + j] = Math.cos(a);
    m.im[i * n + j] = Math.sin(a);
  });
  return m;
}

function dft(n: number): CMat {
  const m = zeros(n, n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      m.re[j * n + k] = Math.cos(a) / Math.sqrt(n);
      m.im[j * n + k] = Math.sin(a) / Math.sqrt(n);
    }
  }
  return m;
}

function blockDiag(a: CMat, b: CMat): CMat {
  const n = a.rows + b.rows;
  const m = zeros(n, n);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.rows; j++) {
      m.re[i * n + j] = a.re[i * a.rows + j];
      m.im[i * n + j] = a.im[i * a.rows + j];
    }
  for (let i = 0; i < b.rows; i++)
    for (let j = 0; j < b.rows; j++) {
      m.re[(a.rows + i) * n + a.rows + j] = b.re[i * b.rows + j];
      m.im[(a.rows + i) * n + a.rows + j] = b.im[i * b.rows + j];
    }
  return m;
}

function allPermutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return allPermutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

/** Decompose, emit, re-read; check both evaluators against the target. */
function roundTrip(u: CMat, mesh: MeshKind, tol = 1e-13): PhaseStage {
  const stage = decomposeUnitary(u, { mesh });
  const text = phaseTableToJson(buildPhaseTable([stage]));
  const parsed = parsePhaseTable(text).pipeline[0] as PhaseStage;
  expect(maxAbsDiff(stageMatrix(parsed), u)).toBeLessThanOrEqual(tol);
  expect(maxDiff(rebuildFromPhasesJson(text)[0], u.re, u.im)).toBeLessThanOrEqual(tol);
  expect(parsed.elements.length).toBe((u.rows * (u.rows - 1)) / 2);
  return parsed;
}

describe.each(MESHES)("%s: special unitaries", (mesh) => {
  it("identity of every size 1..12 is a mesh of bar states (θ = π)", () => {
    for (let n = 1; n <= 12; n++) {
      const st = roundTrip(identity(n), mesh);
      for (const e of st.elements as MziElement[]) expect(Math.abs(e.theta - Math.PI)).toBeLessThan(1e-15);
    }
  });
  it("anti-identity, N = 2..12 (odd and even)", () => {
    for (let n = 2; n <= 12; n++) roundTrip(permutation(Array.from({ length: n }, (_, i) => n - 1 - i)), mesh);
  });
  it("all 120 permutations of 5 modes, and all 24 of 4 with random phases", () => {
    for (const p of allPermutations(5)) roundTrip(permutation(p), mesh);
    const rng = createRng(4);
    for (const p of allPermutations(4))
      roundTrip(
        permutation(
          p,
          p.map(() => 2 * Math.PI * rng.next()),
        ),
        mesh,
      );
  });
  it("random permutations of 16 and 33 modes", () => {
    const rng = createRng(5);
    for (const n of [16, 33]) {
      for (let t = 0; t < 3; t++) {
        const p = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [p[i], p[j]] = [p[j], p[i]];
        }
        roundTrip(permutation(p), mesh);
      }
    }
  });
  it("DFT matrices N = 2..17", () => {
    for (let n = 2; n <= 17; n++) roundTrip(dft(n), mesh, 1e-13);
  });
  it("real orthogonal (Haar O(N)), N = 2, 5, 8, 33", () => {
    for (const n of [2, 5, 8, 33]) roundTrip(haarOrthogonal(n, createRng(n)), mesh);
  });
  it("diagonal phase screens and block-diagonal unitaries (exact zero blocks)", () => {
    const rng = createRng(6);
    for (const n of [2, 3, 6, 9]) {
      const d = zeros(n, n);
      for (let i = 0; i < n; i++) {
        const a = 2 * Math.PI * rng.next();
        d.re[i * n + i] = Math.cos(a);
        d.im[i * n + i] = Math.sin(a);
      }
      roundTrip(d, mesh);
    }
    roundTrip(blockDiag(haarUnitary(3, rng), haarUnitary(4, rng)), mesh);
    roundTrip(matmul(permutation([2, 0, 4, 1, 3]), blockDiag(haarUnitary(2, rng), haarUnitary(3, rng))), mesh);
  });
  it("near-identity unitaries: entries at and around the 1e-15 'already zero' threshold", () => {
    const rng = createRng(12);
    for (const eps of [1e-17, 5e-16, 1e-15, 3e-15, 1e-12]) {
      const a = identity(24);
      const g = ginibre(24, 24, rng);
      for (let i = 0; i < a.re.length; i++) {
        a.re[i] += eps * g.re[i];
        a.im[i] += eps * g.im[i];
      }
      roundTrip(nearestUnitary(a), mesh);
    }
  });
  it("N = 2 edge cases: bar, cross, i·swap, −1 entries", () => {
    const cases: [number, number][][][] = [
      [
        [
          [1, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [1, 0],
        ],
      ],
      [
        [
          [0, 0],
          [1, 0],
        ],
        [
          [1, 0],
          [0, 0],
        ],
      ],
      [
        [
          [0, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [0, 0],
        ],
      ],
      [
        [
          [-1, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [0, -1],
        ],
      ],
      [
        [
          [0, 0],
          [-1, 0],
        ],
        [
          [1, 0],
          [0, 0],
        ],
      ],
      [
        [
          [Math.SQRT1_2, 0],
          [Math.SQRT1_2, 0],
        ],
        [
          [Math.SQRT1_2, 0],
          [-Math.SQRT1_2, 0],
        ],
      ],
    ];
    for (const c of cases) {
      const m = zeros(2, 2);
      c.forEach((row, i) => row.forEach(([a, b], j) => ((m.re[i * 2 + j] = a), (m.im[i * 2 + j] = b))));
      roundTrip(m, mesh);
    }
  });
});

describe("input checks", () => {
  it("rejects non-unitary and non-square input", () => {
    const a = identity(3);
    a.re[0] = 2;
    expect(() => decomposeUnitary(a, { mesh: "clements" })).toThrow(NotUnitaryError);
    expect(() => decomposeUnitary(a, { mesh: "reck" })).toThrow(/not unitary/);
    expect(() => decomposeUnitary(zeros(2, 3), { mesh: "clements" })).toThrow(/square/);
    const nan = identity(2);
    nan.im[3] = Number.NaN;
    expect(() => decomposeUnitary(nan, { mesh: "reck" })).toThrow(/entry \(1, 1\) is not finite/);
    expect(() => decomposeMatrix(nan, { mesh: "reck" })).toThrow(/not finite/);
  });
  it("the unitarity certificate is sharp: a 1e-7 perturbation is caught at tolerance 1e-9", () => {
    const u = haarUnitary(10, createRng(2));
    u.re[13] += 1e-7;
    expect(() => decomposeUnitary(u, { mesh: "clements" })).toThrow(NotUnitaryError);
    expect(() => decomposeUnitary(u, { mesh: "clements", unitaryTol: 1e-6 })).not.toThrow();
  });
});
