// A real-valued MLP whose linear layers become MZI meshes: y = W_L [h; 1], h_l = act(W_l [h_{l−1}; 1]).
// The bias column is the constant optical input. Forward and backward are hand-derived and batched.
import type { Activation } from "../../dsl/spec.ts";

export interface Layer {
  out: number;
  in: number;
  /** Row-major out × (in + 1); the last column multiplies the constant bias input 1. */
  w: Float64Array;
}

export interface Mlp {
  layers: Layer[];
  activation: Activation;
  /** Slope of leaky-relu for negative inputs (0 for relu). */
  slope: number;
}

export function activationSlope(a: Activation): number {
  return a === "leaky-relu" ? 0.01 : 0;
}

/** Activations kept for the backward pass: acts[0] = inputs, acts[l] = output of layer l. */
export interface Trace {
  batch: number;
  acts: Float64Array[];
  /** Pre-activation of each hidden layer (needed for the activation derivative). */
  pre: Float64Array[];
}

export function allocTrace(net: Mlp, batch: number): Trace {
  const acts = [new Float64Array(batch * net.layers[0].in)];
  const pre: Float64Array[] = [];
  for (const l of net.layers) {
    acts.push(new Float64Array(batch * l.out));
    pre.push(new Float64Array(batch * l.out));
  }
  return { batch, acts, pre };
}

/** out[b, o] = Σ_i w[o, i] x[b, i] + w[o, in]. */
export function linearForward(l: Layer, x: Float64Array, out: Float64Array, batch: number): void {
  const n = l.in;
  const stride = n + 1;
  const w = l.w;
  for (let b = 0; b < batch; b++) {
    const xo = b * n;
    const oo = b * l.out;
    for (let o = 0; o < l.out; o++) {
      const wo = o * stride;
      let s = w[wo + n];
      for (let i = 0; i < n; i++) s += w[wo + i] * x[xo + i];
      out[oo + o] = s;
    }
  }
}

/** Forward through the whole net; tr.acts[0] must hold the inputs. Returns the output buffer. */
export function forward(net: Mlp, tr: Trace, batch: number): Float64Array {
  const last = net.layers.length - 1;
  for (let li = 0; li <= last; li++) {
    const l = net.layers[li];
    const z = tr.pre[li];
    linearForward(l, tr.acts[li], z, batch);
    const a = tr.acts[li + 1];
    const m = batch * l.out;
    if (li === last) a.set(z.subarray(0, m));
    else for (let j = 0; j < m; j++) a[j] = z[j] > 0 ? z[j] : net.slope * z[j];
  }
  return tr.acts[last + 1];
}

/**
 * Backward: given dL/dy in `gOut` (batch × outputs), accumulate dL/dW into grads (zeroed by caller).
 * Derivation: z = W[x;1] ⇒ dW += g [x;1]ᵀ, dx = Wᵀ g (bias column excluded); a = act(z) ⇒ g_z = g_a · act'(z).
 */
export function backward(net: Mlp, tr: Trace, gOut: Float64Array, grads: Float64Array[], batch: number): void {
  let g = gOut;
  for (let li = net.layers.length - 1; li >= 0; li--) {
    const l = net.layers[li];
    const n = l.in;
    const stride = n + 1;
    const x = tr.acts[li];
    const gw = grads[li];
    const needDx = li > 0;
    const dx = needDx ? new Float64Array(batch * n) : undefined;
    for (let b = 0; b < batch; b++) {
      const xo = b * n;
      const go = b * l.out;
      for (let o = 0; o < l.out; o++) {
        const gv = g[go + o];
        if (gv === 0) continue;
        const wo = o * stride;
        for (let i = 0; i < n; i++) gw[wo + i] += gv * x[xo + i];
        gw[wo + n] += gv;
        if (dx) for (let i = 0; i < n; i++) dx[xo + i] += gv * l.w[wo + i];
      }
    }
    if (dx) {
      const z = tr.pre[li - 1];
      for (let j = 0; j < dx.length; j++) if (!(z[j] > 0)) dx[j] *= net.slope;
      g = dx;
    }
  }
}
