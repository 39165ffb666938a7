// Mesh synthesis speed: decomposeUnitary (full API, including building the IR elements
// with their explicit 2×2 matrices) and the nulling alone, against one complex N×N matmul
// timed in the same process, plus the reconstruction error of the emitted stage.
import { loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { frobenius, matmul, maxAbsDiff, sub } from "../../math/cmat.ts";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { stageDepth } from "../../compiler/mesh/build.ts";
import { decomposeMatrix, decomposeUnitary, meshRaw, type MeshKind } from "../../compiler/mesh/decompose.ts";
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
  return n <= 64 ? 41 : n <= 128 ? 21 : n <= 256 ? 9 : 5;
}

// Collect garbage before every timed repetition (outside the timer), so one call is not
// billed for the garbage of the previous ones (the matmul reference allocates an N×N result
// per call). Garbage collection triggered by a call's own allocations is still timed.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Median wall time (ms); `cpu` receives the median process CPU time (all threads, incl. GC). */
function time(fn: () => void, reps: number, cpu?: { ms: number }): number {
  // Warm up until the JIT has seen the code for a while (≥ 3 runs and ≥ 50 ms).
  const w0 = performance.now();
  for (let k = 0; k < 3 || performance.now() - w0 < 50; k++) fn();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < reps; r++) {
    gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1000);
  }
  if (cpu) cpu.ms = median(cs);
  return median(ts);
}

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export const bench: BenchModule = {
  name: "mesh",
  run(): BenchTable[] {
    const load0 = loadavg()[0];
    const rows: (string | number)[][] = [];
    for (const n of SIZES) {
      const u = haarUnitary(n, createRng(1000 + n));
      const reps = repeatsFor(n);
      const tMul = time(() => void matmul(u, u), reps);
      for (const mesh of ["clements", "reck"] as MeshKind[]) {
        let stage = decomposeUnitary(u, { mesh });
        const tNull = time(() => void meshRaw(u, mesh), reps);
        const cpu = { ms: 0 };
        const tDec = time(() => void (stage = decomposeUnitary(u, { mesh })), reps, cpu);
        const err = maxAbsDiff(stageMatrix(stage), u);
        rows.push([
          n,
          mesh,
          stage.elements.length,
          stageDepth(stage.elements),
          fmtMs(tDec),
          fmtMs(cpu.ms),
          fmtMs(tNull),
          fmtMs(tMul),
          (tDec / tMul).toFixed(2),
          err.toExponential(1),
        ]);
      }
    }
    const svdRows: (string | number)[][] = [];
    for (const n of [16, 32, 64, 128]) {
      const w = ginibre(n, n, createRng(2000 + n));
      let stage = decomposeMatrix(w, { mesh: "clements" });
      const t = time(() => void (stage = decomposeMatrix(w, { mesh: "clements" })), n <= 32 ? 9 : 3);
      const m = stageMatrix(stage);
      svdRows.push([n, stage.elements.length, fmtMs(t), (frobenius(sub(m, w)) / frobenius(w)).toExponential(1)]);
    }
    return [
      {
        title: "Mesh synthesis: decomposeUnitary on Haar-random unitaries (median ms)",
        columns: ["N", "mesh", "MZIs", "depth", "decompose ms", "(cpu ms)", "nulling ms", "matmul ms", "ratio", "max|ΔU|"],
        rows,
        notes: [
          "decompose = full API (nulling + IR elements with 2×2 matrices), wall time; (cpu ms) = its process CPU time, all threads incl. GC",
          "(µs-resolution, coarse below ~1 ms); nulling = the O(N³) part alone. A full GC runs before each repetition (untimed).",
          "ratio = decompose / one complex N×N matmul (i-k-j, split Float64Array) timed in this process.",
          "Targets: N=128 ≤ 20 ms, N=512 ≤ 2 s, ratio at N=256 ≤ 2. max|ΔU| = max entry error of stageMatrix(stage) vs U.",
          `1-min load average: ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end (machine has 2 cores; others' jobs inflate times).`,
        ],
      },
      {
        title: "SVD stage: decomposeMatrix on complex Ginibre N×N (Jacobi SVD + two Clements meshes + attenuators)",
        columns: ["N", "elements", "median ms", "rel. error ‖ΔW‖F/‖W‖F"],
        rows: svdRows,
      },
    ];
  },
};
