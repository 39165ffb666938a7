// The MLP's forward and backward passes as blocked matrix-matrix products (gemm-wasm.ts) over a
// whole batch, in one preallocated WASM memory: nothing is allocated per case or per step.
// The Float64 master weights (and Adam, and the Σ·U parameterization) stay in mlp.ts / train.ts;
// pack() copies them in once per step.
//
// In "f64" every output is bit-identical to mlp.ts's scalar reference: the bias is the FIRST term
// of every forward sum (as in linearForward), every sum runs in the reference's order, and
// multiplies and adds are separate IEEE operations. So the trained weights do not depend on the
// engine. "f32" is twice the arithmetic rate but trains a different trajectory (docs/design/performance.md §1).
//
// Layout per layer ℓ (n inputs, m outputs, padded to multiples of 4: np, mp):
//   acts[ℓ]  rows × (np + 4): column 0 is the constant bias input 1, columns 1..n the activations,
//            the rest zeros (padded units have zero weights, so they stay 0 and get no gradient);
//   Wt[ℓ]   (np + 1) × mp: forward right operand, the bias in row 0;
//   W[ℓ]     mp × np: backward right operand (dX = G · W, bias column excluded);
//   dWt[ℓ]  (np + 1) × mp: weight gradient Xᵀ · G, bias row 0;
//   G[ℓ]     rows × mp: dL/dz of the layer's outputs.
import { createGemm, EPILOGUE, type GemmKernels, type Precision } from "../../math/gemm-wasm.ts";
import type { Mlp } from "./mlp.ts";

export type { Precision } from "../../math/gemm-wasm.ts";

const pad4 = (n: number): number => (n + 3) & ~3;

/** Multiply-adds issued by every engine in this thread (padded shapes), for the bench's GFLOP/s. */
export const kernelCounters = { macs: 0 };

interface LayerBufs {
  n: number;
  m: number;
  np: number;
  mp: number;
  wt: number;
  w: number;
  dwt: number;
}

export class MlpEngine {
  readonly rows: number;
  readonly precision: Precision;
  private readonly k: GemmKernels;
  private readonly f: Float32Array | Float64Array;
  /** Bytes per element. */
  private readonly size: number;
  private readonly layers: LayerBufs[];
  /** Element index and row stride of every activation buffer. */
  private readonly acts: { at: number; ld: number }[];
  private readonly grads: number[];
  private readonly slope: number;
  private readonly macs: number;
  private readonly backwardMacs: number;

  /** `rows`: the largest batch this engine will run (rounded up to a multiple of 4). */
  constructor(net: Mlp, rows: number, precision: Precision = "f64") {
    this.rows = pad4(Math.max(4, rows));
    this.precision = precision;
    this.slope = net.slope;
    this.size = precision === "f32" ? 4 : 8;
    let at = 0;
    const take = (elems: number): number => {
      const a = at;
      at += pad4(elems);
      return a;
    };
    this.layers = net.layers.map((l) => {
      const np = pad4(l.in);
      const mp = pad4(l.out);
      return { n: l.in, m: l.out, np, mp, wt: take((np + 1) * mp), w: take(mp * np), dwt: take((np + 1) * mp) };
    });
    const widths = [this.layers[0]!.np, ...this.layers.map((l) => l.mp)];
    this.acts = widths.map((p) => ({ at: take(this.rows * (p + 4)), ld: p + 4 }));
    this.grads = [0, ...this.layers.map((l) => take(this.rows * l.mp))];
    this.macs = this.layers.reduce((s, l) => s + (l.np + 1) * l.mp, 0);
    this.backwardMacs = this.layers.reduce((s, l, i) => s + (l.np + 1) * l.mp + (i > 0 ? l.mp * l.np : 0), 0);
    this.k = createGemm(precision, at * this.size);
    this.f = precision === "f32" ? new Float32Array(this.k.memory.buffer) : new Float64Array(this.k.memory.buffer);
    for (const { at: a, ld } of this.acts) for (let r = 0; r < this.rows; r++) this.f[a + r * ld] = 1;
  }

  /** Copy the Float64 weights into both operand layouts (rounded to f32 in "f32"). */
  pack(net: Mlp): void {
    const f = this.f;
    net.layers.forEach((l, li) => {
      const b = this.layers[li]!;
      const stride = l.in + 1;
      for (let o = 0; o < l.out; o++) {
        f[b.wt + o] = l.w[o * stride + l.in]!;
        for (let i = 0; i < l.in; i++) {
          const v = l.w[o * stride + i]!;
          f[b.wt + (i + 1) * b.mp + o] = v;
          f[b.w + o * b.np + i] = v;
        }
      }
    });
  }

  /** Write `batch` input rows: x[ids[from + r]] (or rows from..from+batch of x when ids is null). */
  setInputs(x: Float64Array, ids: Int32Array | null, from: number, batch: number): void {
    const { at, ld } = this.acts[0]!;
    const n = this.layers[0]!.n;
    const f = this.f;
    for (let r = 0; r < batch; r++) {
      const c = ids ? ids[from + r]! : from + r;
      for (let k = 0; k < n; k++) f[at + r * ld + 1 + k] = x[c * n + k]!;
    }
    // Rows past the batch up to the next multiple of 4 are computed too: keep them finite.
    for (let r = batch; r < pad4(batch); r++) for (let k = 0; k < n; k++) f[at + r * ld + 1 + k] = 0;
  }

  /** Forward over the rows set by setInputs; the outputs go to `y` (batch × outputs) at yOffset. */
  forward(batch: number, y?: Float64Array, yOffset = 0): void {
    const rows = pad4(batch);
    const last = this.layers.length - 1;
    const sz = this.size;
    kernelCounters.macs += rows * this.macs;
    this.layers.forEach((l, li) => {
      const x = this.acts[li]!;
      const z = this.acts[li + 1]!;
      const mode = li === last ? EPILOGUE.store : EPILOGUE.leakyRelu;
      this.k.nn(x.at * sz, x.ld, l.wt * sz, l.mp, l.np + 1, l.mp, (z.at + 1) * sz, z.ld, rows, mode, this.slope, 0, 0);
    });
    if (y) {
      const out = this.acts[last + 1]!;
      const m = this.layers[last]!.m;
      const f = this.f;
      for (let r = 0; r < batch; r++) for (let k = 0; k < m; k++) y[yOffset + r * m + k] = f[out.at + r * out.ld + 1 + k]!;
    }
  }

  /**
   * Backward after forward(batch): gOut = dL/dy (batch × outputs). Writes dL/dW into `grads`
   * (row-major out × (in + 1) per layer, overwritten).
   */
  backward(batch: number, gOut: Float64Array, grads: Float64Array[]): void {
    const rows = pad4(batch);
    const f = this.f;
    const sz = this.size;
    const L = this.layers.length;
    kernelCounters.macs += rows * this.backwardMacs;
    const top = this.layers[L - 1]!;
    const g = this.grads[L]!;
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < top.mp; k++) f[g + r * top.mp + k] = r < batch && k < top.m ? gOut[r * top.m + k]! : 0;
    for (let li = L - 1; li >= 0; li--) {
      const l = this.layers[li]!;
      const x = this.acts[li]!;
      const gz = this.grads[li + 1]!;
      this.k.tn(x.at * sz, x.ld, gz * sz, l.mp, rows, l.mp, l.dwt * sz, l.mp, l.np + 1);
      if (li > 0)
        this.k.nn(
          gz * sz,
          l.mp,
          l.w * sz,
          l.np,
          l.mp,
          l.np,
          this.grads[li]! * sz,
          l.np,
          rows,
          EPILOGUE.mask,
          this.slope,
          (x.at + 1) * sz,
          x.ld,
        );
      const out = grads[li]!;
      const stride = l.n + 1;
      for (let o = 0; o < l.m; o++) {
        out[o * stride + l.n] = f[l.dwt + o]!;
        for (let i = 0; i < l.n; i++) out[o * stride + i] = f[l.dwt + (i + 1) * l.mp + o]!;
      }
    }
  }

  /** Multiply-adds of one row through forward and through backward (padded shapes). */
  macsPerRow(): { forward: number; backward: number } {
    return { forward: this.macs, backward: this.backwardMacs };
  }

  /** Outputs of all `cases` rows of x, chunked through the engine (cases × outputs). */
  forwardAll(x: Float64Array, cases: number, y: Float64Array): void {
    const m = this.layers[this.layers.length - 1]!.m;
    for (let c0 = 0; c0 < cases; c0 += this.rows) {
      const n = Math.min(this.rows, cases - c0);
      this.setInputs(x, null, c0, n);
      this.forward(n, y, c0 * m);
    }
  }
}
