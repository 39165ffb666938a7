// Mesh synthesis speed: decomposeUnitary (full API, including building the IR elements)
// against one complex N×N matmul timed in the same process, plus reconstruction error.
import { matmul, maxAbsDiff } from "../../compiler/linalg/cmat.ts";
import { haarUnitary } from "../../compiler/linalg/haar.ts";
import { createRng } from "../../compiler/linalg/rng.ts";
import { stageDepth } from "../../compiler/mesh/build.ts";
import { decomposeUnitary, type MeshKind } from "../../compiler/mesh/decompose.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { BenchModule, BenchTable } from "./run.ts";

const SIZES = [16, 32, 64, 128, 256, 512];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Repeats for a stable median without spending minutes on N = 512. */
function repeatsFor(n: number): number {
  return n <= 64 ? 21 : n <= 128 ? 11 : n <= 256 ? 7 : 5;
}

function time(fn: () => void, reps: number): number {
  fn(); // warm-up (JIT)
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export const bench: BenchModule = {
  name: "mesh",
  run(): BenchTable[] {
    const rows: (string | number)[][] = [];
    for (const n of SIZES) {
      const u = haarUnitary(n, createRng(1000 + n));
      const reps = repeatsFor(n);
      const tMul = time(() => void matmul(u, u), reps);
      for (const mesh of ["clements", "reck"] as MeshKind[]) {
        let stage = decomposeUnitary(u, { mesh });
        const tDec = time(() => void (stage = decomposeUnitary(u, { mesh })), reps);
        const err = maxAbsDiff(stageMatrix(stage), u);
        rows.push([n, mesh, stage.elements.length, stageDepth(stage.elements), fmtMs(tDec), fmtMs(tMul), (tDec / tMul).toFixed(2), err.toExponential(1)]);
      }
    }
    return [
      {
        title: "Mesh synthesis: decomposeUnitary on Haar-random unitaries (median ms)",
        columns: ["N", "mesh", "MZIs", "depth", "decompose ms", "matmul ms", "ratio", "max|ΔU|"],
        rows,
        notes: [
          "ratio = decomposition time / one complex N×N matmul (i-k-j, split Float64Array) in this process.",
          "Targets: N=128 ≤ 20 ms, N=512 ≤ 2 s, ratio at N=256 ≤ 2. max|ΔU| from stageMatrix of the emitted stage.",
        ],
      },
    ];
  },
};
