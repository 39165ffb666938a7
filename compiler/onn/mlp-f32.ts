// The MLP's forward and backward passes as blocked f32 matrix-matrix products (gemm-wasm.ts) over
// a whole batch, in one preallocated WASM memory: nothing is allocated per case or per step.
// The Float64 master weights (and Adam, and the Σ·U parameterization) stay in mlp.ts / train.ts;
// pack() rounds them to f32 once per step. mlp.ts's Float64 forward stays the reference that the
// final exact count and decision margin are measured with (and tests compare this engine against).
//
// Layout per layer ℓ (n inputs, m outputs, padded to multiples of 4: np, mp):
//   acts[ℓ]  batch × (np + 4): columns < n hold activations, column np the constant bias input 1,
//            the rest zeros (padded units have zero weights, so they stay 0 and get no gradient);
//   Wt[ℓ]   (np + 1) × mp: forward right operand, the bias in row np;
//   W[ℓ]     mp × np: backward right operand (dX = G · W, bias column excluded);
//   dWt[ℓ]  (np + 1) × mp: weight gradient Xᵀ · G, bias row included;
//   G[ℓ]     batch × mp: dL/dz of the layer's outputs.
import { createGemm, EPILOGUE, type GemmKernels } from "./gemm-wasm.ts";
import type { Mlp } from "./mlp.ts";

const pad4 = (n: number): number => (n + 3) & ~3;

interface LayerBufs {
  n: number;
  m: number;
  np: number;
  mp: number;
  wt: number;
  w: number;
  dwt: number;
}

export class F32Mlp {
  readonly rows: number;
  private readonly k: GemmKernels;
  private readonly f32: Float32Array;
  private readonly layers: LayerBufs[];
  /** Byte address and row stride (elements) of every activation buffer. */
  private readonly acts: { at: number; ld: number }[];
  private readonly grads: number[];
  private readonly slope: number;

  /** `rows`: the largest batch this engine will run (rounded up to a multiple of 4). */
  constructor(net: Mlp, rows: number) {
    this.rows = pad4(Math.max(4, rows));
    this.slope = net.slope;
    let at = 0;
    const take = (floats: number): number => {
      const a = at;
      at += pad4(floats) * 4;
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
    this.k = createGemm(at);
    this.f32 = new Float32Array(this.k.memory.buffer);
    // Constant bias inputs: column np of every activation buffer.
    widths.forEach((p, i) => {
      const { at: a, ld } = this.acts[i]!;
      for (let r = 0; r < this.rows; r++) this.f32[a / 4 + r * ld + p] = 1;
    });
  }

  /** Round the Float64 weights into both f32 operand layouts. */
  pack(net: Mlp): void {
    const f = this.f32;
    net.layers.forEach((l, li) => {
      const b = this.layers[li]!;
      const stride = l.in + 1;
      const wt = b.wt / 4;
      const w = b.w / 4;
      for (let o = 0; o < l.out; o++) {
        for (let i = 0; i < l.in; i++) {
          const v = l.w[o * stride + i];
          f[wt + i * b.mp + o] = v;
          f[w + o * b.np + i] = v;
        }
        f[wt + b.np * b.mp + o] = l.w[o * stride + l.in];
      }
    });
  }

  /** Write `batch` input rows: x[ids[from + r]] (or rows from..from+batch of x when ids is null). */
  setInputs(x: Float64Array, ids: Int32Array | null, from: number, batch: number): void {
    const { at, ld } = this.acts[0]!;
    const n = this.layers[0]!.n;
    const f = this.f32;
    const base = at / 4;
    for (let r = 0; r < batch; r++) {
      const c = ids ? ids[from + r]! : from + r;
      for (let k = 0; k < n; k++) f[base + r * ld + k] = x[c * n + k]!;
    }
    // Rows past the batch up to the next multiple of 4 are computed too: keep them finite.
    for (let r = batch; r < pad4(batch); r++) for (let k = 0; k < n; k++) f[base + r * ld + k] = 0;
  }

  /** Forward over the rows set by setInputs; the outputs go to `y` (batch × outputs, Float64). */
  forward(batch: number, y?: Float64Array, yOffset = 0): void {
    const rows = pad4(batch);
    const last = this.layers.length - 1;
    this.layers.forEach((l, li) => {
      const x = this.acts[li]!;
      const z = this.acts[li + 1]!;
      this.k.nn(x.at, x.ld, l.wt, l.mp, l.np + 1, l.mp, z.at, z.ld, rows, li === last ? EPILOGUE.store : EPILOGUE.leakyRelu, this.slope, 0, 0);
    });
    if (y) {
      const out = this.acts[last + 1]!;
      const m = this.layers[last]!.m;
      const f = this.f32;
      for (let r = 0; r < batch; r++) for (let k = 0; k < m; k++) y[yOffset + r * m + k] = f[out.at / 4 + r * out.ld + k]!;
    }
  }

  /**
   * Backward after forward(batch): gOut = dL/dy (batch × outputs, Float64). Writes dL/dW into
   * `grads` (row-major out × (in + 1) per layer, overwritten, not accumulated).
   */
  backward(batch: number, gOut: Float64Array, grads: Float64Array[]): void {
    const rows = pad4(batch);
    const f = this.f32;
    const L = this.layers.length;
    const top = this.layers[L - 1]!;
    const g = this.grads[L]! / 4;
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < top.mp; k++) f[g + r * top.mp + k] = r < batch && k < top.m ? gOut[r * top.m + k]! : 0;
    for (let li = L - 1; li >= 0; li--) {
      const l = this.layers[li]!;
      const x = this.acts[li]!;
      const gz = this.grads[li + 1]!;
      this.k.tn(x.at, x.ld, gz, l.mp, rows, l.mp, l.dwt, l.mp, l.np + 1);
      if (li > 0) this.k.nn(gz, l.mp, l.w, l.np, l.mp, l.np, this.grads[li]!, l.np, rows, EPILOGUE.mask, this.slope, x.at, x.ld);
      const out = grads[li]!;
      const stride = l.n + 1;
      const d = l.dwt / 4;
      for (let o = 0; o < l.m; o++) {
        for (let i = 0; i < l.n; i++) out[o * stride + i] = f[d + i * l.mp + o]!;
        out[o * stride + l.n] = f[d + l.np * l.mp + o]!;
      }
    }
  }

  /** Multiply-adds of one case through forward (and backward: twice that). */
  macsPerCase(): number {
    return this.layers.reduce((s, l) => s + (l.np + 1) * l.mp, 0);
  }

  /** Outputs of all `cases` rows of x, chunked through the engine (cases × outputs, Float64). */
  forwardAll(x: Float64Array, cases: number, y: Float64Array): void {
    const m = this.layers[this.layers.length - 1]!.m;
    for (let c0 = 0; c0 < cases; c0 += this.rows) {
      const n = Math.min(this.rows, cases - c0);
      this.setInputs(x, null, c0, n);
      this.forward(n, y, c0 * m);
    }
  }
}
