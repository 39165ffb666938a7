// Two real matrix-matrix kernels (the trainer's and the simulator's), hand-written in WASM SIMD (f64x2 or f32x4),
// register-blocked 4 rows × 2 vectors (8 accumulators, each operand loaded once per 8 multiply-adds):
//
//   nn(L, R) → O[b, j] = Σ_t L[b, t] · R[t, j]   then an epilogue: store, leaky-relu, or a
//                                                   relu-derivative mask read from A[b, j]
//   tn(L, R) → O[i, j] = Σ_t L[t, i] · R[t, j]    (weight gradients: Xᵀ·G over the batch)
//
// Every argument is a byte address in the module's memory or an element count/stride. Columns
// (N) are multiples of 4, nn's rows (M) multiples of 4; tn handles any M. Multiplies and adds are
// separate IEEE operations, each sum runs over t in ascending order from 0, so every output equals
// the scalar loop `s = 0; for t: s += l·r` bit for bit, on every machine.
// The vocabulary is gemm-ops.ts, the kernel bodies gemm-kernels.ts.
import { assemble, instantiate, type WasmMemory } from "./wasm.ts";
import { opsFor, type Precision } from "./gemm-ops.ts";
import { actKernel, nnKernel, tnKernel } from "./gemm-kernels.ts";

export { EPILOGUE, type Precision } from "./gemm-ops.ts";

export interface GemmKernels {
  memory: WasmMemory;
  nn(
    L: number,
    ldl: number,
    R: number,
    ldr: number,
    K: number,
    N: number,
    O: number,
    ldo: number,
    M: number,
    mode: number,
    slope: number,
    A: number,
    lda: number,
  ): void;
  tn(L: number, ldl: number, R: number, ldr: number, K: number, N: number, O: number, ldo: number, M: number): void;
  /** The simulator's complex relu / leaky-relu on rows (netlist/models.ts activationFn), in place. */
  act(re: number, im: number, bytes: number, slope: number, leaky: number): void;
}

const bytes: Partial<Record<Precision, Uint8Array>> = {};

/** A fresh instance (own memory of `bytes` rounded up to 64 KiB pages). */
export function createGemm(precision: Precision, memoryBytes: number): GemmKernels {
  const x = opsFor(precision);
  const k = instantiate((bytes[precision] ??= assemble([nnKernel(x), tnKernel(x), actKernel()], 1)));
  const need = Math.ceil(memoryBytes / 65536);
  const have = k.memory.buffer.byteLength / 65536;
  if (need > have) k.memory.grow(need - have);
  return { memory: k.memory, nn: k.fns.nn as GemmKernels["nn"], tn: k.fns.tn as GemmKernels["tn"], act: k.fns.act as GemmKernels["act"] };
}
