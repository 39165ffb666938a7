// Acceptance: Haar-random unitaries decomposed by both meshes and rebuilt from the
// EMITTED phase table text, by two evaluators in different orders.
import { describe, expect, it } from "vitest";
import { maxAbsDiff } from "../../math/cmat.ts";
import { haarUnitary } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { stageDepth } from "../../compiler/mesh/build.ts";
import { decomposeUnitary, type MeshKind } from "../../compiler/mesh/decompose.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { MziElement, PhaseStage } from "../../netlist/ir.ts";
import { buildPhaseTable, parsePhaseTable, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { maxDiff, rebuildFromPhasesJson } from "./independent-rebuild.ts";

const SIZES = [2, 3, 4, 7, 8, 16, 33, 64, 128];
const MESHES: MeshKind[] = ["clements", "reck"];

describe.each(MESHES)("%s mesh on Haar-random unitaries", (mesh) => {
  it.each(SIZES)("N = %i reconstructs from the emitted phase table", (n) => {
    const u = haarUnitary(n, createRng(7000 + n));
    const stage = decomposeUnitary(u, { mesh, name: `haar${n}` });
    const text = phaseTableToJson(buildPhaseTable([stage]));
    const tol = n <= 64 ? 1e-12 : 1e-11;

    const parsed = parsePhaseTable(text).pipeline[0] as PhaseStage;
    expect(maxAbsDiff(stageMatrix(parsed), u)).toBeLessThanOrEqual(tol);
    const [rebuilt] = rebuildFromPhasesJson(text);
    expect(maxDiff(rebuilt, u.re, u.im)).toBeLessThanOrEqual(tol);

    // Counts and layout.
    const els = parsed.elements as MziElement[];
    expect(els.length).toBe((n * (n - 1)) / 2);
    expect(els.every((e) => e.kind === "mzi")).toBe(true);
    expect(stageDepth(els)).toBe(mesh === "clements" ? (n === 2 ? 1 : n) : 2 * n - 3);
    // Per-element checks are collected and asserted once (one expect() each would cost more than the mesh).
    const bad: string[] = [];
    const inTurn = (x: number): boolean => x >= 0 && x < 2 * Math.PI;
    els.forEach((e, i) => {
      if (!Object.is(e.index, i)) bad.push(`element ${i}: index ${e.index}`);
      if (i > 0 && !(e.column >= els[i - 1].column)) bad.push(`element ${i}: column ${e.column} before ${els[i - 1].column}`);
      for (const x of [e.theta, e.phi]) if (!inTurn(x)) bad.push(`element ${i}: angle ${x} outside [0, 2π)`);
      // Rectangular mesh: column c holds MZIs on modes (m, m+1) with m ≡ c (mod 2).
      if (mesh === "clements" && !Object.is(e.modes[0] % 2, e.column % 2)) bad.push(`element ${i}: modes ${e.modes} in column ${e.column}`);
    });
    for (const p of parsed.outputPhases) if (!inTurn(p)) bad.push(`output phase ${p} outside [0, 2π)`);
    // Elements in one column act on disjoint modes.
    const seen = new Map<number, Set<number>>();
    for (const e of els) {
      const s = seen.get(e.column) ?? new Set<number>();
      for (const m of e.modes) {
        if (s.has(m)) bad.push(`column ${e.column}: mode ${m} used twice`);
        s.add(m);
      }
      seen.set(e.column, s);
    }
    expect(bad).toEqual([]);
  });
});

it("the decomposition is deterministic: same input → byte-identical phase table", () => {
  const u = haarUnitary(9, createRng(1));
  const a = phaseTableToJson(buildPhaseTable([decomposeUnitary(u, { mesh: "clements" })]));
  const b = phaseTableToJson(buildPhaseTable([decomposeUnitary(u, { mesh: "clements" })]));
  expect(a).toBe(b);
});
