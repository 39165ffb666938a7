// One stage matrix applied to a batch of cases as a real f64 matrix-matrix product in WASM SIMD
// (math/gemm-wasm.ts). A complex y = M·x is the real product
//   [xr xi] · [[Mrᵀ  Miᵀ], [−Miᵀ  Mrᵀ]] = [yr yi]
// (only the upper block row when every input is real). Cases go through in blocks of BLOCK rows,
// transposed from the simulator's per-mode arrays into row-major rows and back.
import type { CMat } from "../math/cmat.ts";
import { createGemm, EPILOGUE, type GemmKernels } from "../math/gemm-wasm.ts";

/** A field per mode over cases; im null = identically zero. */
export interface ModeField {
  re: Float64Array;
  im: Float64Array | null;
}

const BLOCK = 128;

let k: GemmKernels | null = null;
let f: Float64Array = new Float64Array(0);

function kernels(doubles: number): { k: GemmKernels; f: Float64Array } {
  if (!k || f.length < doubles) {
    k = createGemm("f64", Math.max(doubles, 1 << 16) * 8);
    f = new Float64Array(k.memory.buffer);
  }
  return { k, f };
}

/** y_q = Σ_k M[q][k] · x_k over all cases; dark inputs (null) are zero. */
export function applyStage(m: CMat, xs: (ModeField | null)[], cases: number): ModeField[] {
  const Q = m.rows;
  const K = m.cols;
  const real = xs.every((x) => !x || x.im === null);
  const Qp = Q + (Q & 1); // 2·Qp columns: a multiple of 4
  const N = 2 * Qp;
  const Kr = real ? K : 2 * K;
  const R = 0;
  const X = Kr * N;
  const O = X + BLOCK * Kr;
  const { k: g, f: mem } = kernels(O + BLOCK * N);
  mem.fill(0, R, X);
  for (let q = 0; q < Q; q++)
    for (let c = 0; c < K; c++) {
      const a = m.re[q * K + c]!;
      const b = m.im[q * K + c]!;
      mem[R + c * N + q] = a;
      mem[R + c * N + Qp + q] = b;
      if (!real) {
        mem[R + (K + c) * N + q] = -b;
        mem[R + (K + c) * N + Qp + q] = a;
      }
    }
  const yre: Float64Array[] = [];
  const yim: Float64Array[] = [];
  for (let q = 0; q < Q; q++) {
    yre.push(new Float64Array(cases));
    yim.push(new Float64Array(cases));
  }
  for (let c0 = 0; c0 < cases; c0 += BLOCK) {
    const n = Math.min(BLOCK, cases - c0);
    const rows = (n + 3) & ~3;
    for (let kk = 0; kk < K; kk++) {
      const x = xs[kk];
      const xr = x ? x.re : null;
      const xi = x && x.im ? x.im : null;
      let at = X + kk;
      if (xr) for (let c = 0; c < n; c++, at += Kr) mem[at] = xr[c0 + c]!;
      else for (let c = 0; c < n; c++, at += Kr) mem[at] = 0;
      if (real) continue;
      at = X + K + kk;
      if (xi) for (let c = 0; c < n; c++, at += Kr) mem[at] = xi[c0 + c]!;
      else for (let c = 0; c < n; c++, at += Kr) mem[at] = 0;
    }
    for (let c = n; c < rows; c++) mem.fill(0, X + c * Kr, X + (c + 1) * Kr);
    g.nn(X * 8, Kr, R * 8, N, Kr, N, O * 8, N, rows, EPILOGUE.store, 0, 0, 0);
    for (let q = 0; q < Q; q++) {
      const yr = yre[q]!;
      const yi = yim[q]!;
      for (let c = 0, at = O + q; c < n; c++, at += N) {
        yr[c0 + c] = mem[at]!;
        yi[c0 + c] = mem[at + Qp]!;
      }
    }
  }
  return yre.map((re, q) => ({ re, im: yim[q]! }));
}
