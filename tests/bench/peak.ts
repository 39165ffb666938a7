// The machine's arithmetic ceiling as this process sees it: tight multiply-add loops with
// independent accumulators, in scalar JavaScript (Float64) and in WASM SIMD (f32x4, f64x2).
// WASM has no fused multiply-add without relaxed SIMD (not in Node 20), so one "FMA" here is a
// multiply and an add: 2 flops, as in the training kernels. Each loop carries 12 accumulators
// (enough to cover add latency on two add ports) and a running multiplier so nothing is hoisted;
// the WASM loops read one operand per multiply-add from L1 (memory), as a GEMM inner loop does,
// and issue 24 multiply-adds per loop test.
import { assemble, instantiate, loop, op, type ValType } from "../../math/wasm.ts";

const ACC = 12;

function simdPeakModule(kind: "f32" | "f64"): Uint8Array {
  // locals: 0 n (param), 1 i, 2 y, 3 dy, 4.. accumulators; result written to memory[0]
  const i = 1,
    y = 2,
    dy = 3,
    acc0 = 4;
  const splat = kind === "f32" ? op.f32x4splat : op.f64x2splat;
  const cst = kind === "f32" ? op.f32 : op.f64;
  const add = kind === "f32" ? op.f32x4add : op.f64x2add;
  const mul = kind === "f32" ? op.f32x4mul : op.f64x2mul;
  const body: number[] = [];
  const addr = 64; // the 12 operand vectors x_k live at bytes 64.. (zero-initialised memory: any value works)
  // Two multiply-adds per accumulator per iteration: 24 independent products per loop test.
  for (let rep = 0; rep < 2; rep++)
    for (let k = 0; k < ACC; k++)
      body.push(
        ...op.get(acc0 + k),
        ...op.i32(0),
        ...op.v128load(addr + 16 * (k + ACC * rep)),
        ...op.get(y),
        ...mul,
        ...add,
        ...op.set(acc0 + k),
      );
  body.push(...op.get(y), ...op.get(dy), ...add, ...op.set(y));
  const init: number[] = [...cst(1e-9), ...splat, ...op.set(dy), ...cst(0.5), ...splat, ...op.set(y)];
  for (let k = 0; k < ACC; k++) init.push(...cst(k), ...splat, ...op.set(acc0 + k));
  const sum: number[] = [...op.get(acc0)];
  for (let k = 1; k < ACC; k++) sum.push(...op.get(acc0 + k), ...add);
  const fn = {
    name: "peak",
    params: ["i32"] as ValType[],
    locals: ["i32", "v128", "v128", ...Array<ValType>(ACC).fill("v128")] as ValType[],
    body: [...init, ...loop(i, op.i32(0), op.get(0), 1, body), ...op.i32(0), ...sum, ...op.v128store()],
  };
  return assemble([fn], 1);
}

function jsPeak(n: number): number {
  let a0 = 0,
    a1 = 1,
    a2 = 2,
    a3 = 3,
    a4 = 4,
    a5 = 5,
    a6 = 6,
    a7 = 7,
    a8 = 8,
    a9 = 9,
    a10 = 10,
    a11 = 11;
  let y = 0.5;
  for (let i = 0; i < n; i++) {
    a0 += y * 1.0;
    a1 += y * 1.1;
    a2 += y * 1.2;
    a3 += y * 1.3;
    a4 += y * 1.4;
    a5 += y * 1.5;
    a6 += y * 1.6;
    a7 += y * 1.7;
    a8 += y * 1.8;
    a9 += y * 1.9;
    a10 += y * 2.0;
    a11 += y * 2.1;
    y += 1e-9;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}

export interface Peak {
  name: string;
  /** Best of the timed runs, in GFLOP/s (a multiply and an add count 2). */
  gflops: number;
}

function best(run: (n: number) => void, flopsPerIter: number, n: number, repeats = 5): number {
  run(n / 10); // warm-up: tier up to the optimizing compiler
  let top = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    run(n);
    const s = (performance.now() - t0) / 1000;
    top = Math.max(top, (flopsPerIter * n) / s / 1e9);
  }
  return top;
}

/** Peaks of this process: JS Float64 scalar, WASM f32x4 and f64x2 multiply-add. */
export function measurePeaks(iterations = 20_000_000): Peak[] {
  let sink = 0;
  const js = best(
    (n) => {
      sink += jsPeak(n);
    },
    2 * ACC,
    iterations,
  );
  const f32 = instantiate(simdPeakModule("f32")).fns.peak!;
  const f64 = instantiate(simdPeakModule("f64")).fns.peak!;
  const w32 = best((n) => f32(n), 2 * 2 * ACC * 4, iterations / 2);
  const w64 = best((n) => f64(n), 2 * 2 * ACC * 2, iterations / 2);
  if (Number.isNaN(sink)) throw new Error("unreachable");
  return [
    { name: "JS scalar f64 multiply-add", gflops: js },
    { name: "WASM SIMD f32x4 multiply-add", gflops: w32 },
    { name: "WASM SIMD f64x2 multiply-add", gflops: w64 },
  ];
}
