// A one-hidden-layer MLP (784 → H → 10, ReLU, softmax cross-entropy) with hand-written
// backprop. Parameters and gradients are flat fp32 arrays so they can be all-reduced as-is.
// Layout: W1 (H × 784, row-major) | b1 (H) | W2 (10 × H) | b2 (10).
// MNIST images are ~80% zeros, so the first layer skips zero pixels (same result, faster).
import { CLASSES, IMAGE_PIXELS, type Dataset } from "./mnist-data.ts";
import type { Rng } from "../../math/rng.ts";

export interface MlpShape {
  hidden: number;
}

export function parameterCount({ hidden }: MlpShape): number {
  return hidden * IMAGE_PIXELS + hidden + CLASSES * hidden + CLASSES;
}

function offsets(hidden: number) {
  const w1 = 0;
  const b1 = w1 + hidden * IMAGE_PIXELS;
  const w2 = b1 + hidden;
  const b2 = w2 + CLASSES * hidden;
  return { w1, b1, w2, b2 };
}

/** He-normal weights, zero biases. */
export function initParams(shape: MlpShape, rng: Rng): Float32Array {
  const p = new Float32Array(parameterCount(shape));
  const o = offsets(shape.hidden);
  const s1 = Math.sqrt(2 / IMAGE_PIXELS);
  const s2 = Math.sqrt(2 / shape.hidden);
  for (let i = 0; i < shape.hidden * IMAGE_PIXELS; i++) p[o.w1 + i] = rng.normal() * s1;
  for (let i = 0; i < CLASSES * shape.hidden; i++) p[o.w2 + i] = rng.normal() * s2;
  return p;
}

interface Scratch {
  h: Float64Array;
  logits: Float64Array;
  dh: Float64Array;
  nz: Int32Array;
}

function scratch(hidden: number): Scratch {
  return { h: new Float64Array(hidden), logits: new Float64Array(CLASSES), dh: new Float64Array(hidden), nz: new Int32Array(IMAGE_PIXELS) };
}

/** Forward one sample; fills s.h, s.logits → softmax probabilities; returns the nonzero-pixel count. */
function forward(p: Float32Array, hidden: number, data: Dataset, row: number, s: Scratch): number {
  const o = offsets(hidden);
  const base = row * IMAGE_PIXELS;
  let nnz = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) if (data.x[base + i] !== 0) s.nz[nnz++] = i;
  for (let j = 0; j < hidden; j++) {
    let a = p[o.b1 + j];
    const w = o.w1 + j * IMAGE_PIXELS;
    for (let t = 0; t < nnz; t++) {
      const i = s.nz[t];
      a += p[w + i] * data.x[base + i];
    }
    s.h[j] = a > 0 ? a : 0;
  }
  let max = -Infinity;
  for (let c = 0; c < CLASSES; c++) {
    let z = p[o.b2 + c];
    const w = o.w2 + c * hidden;
    for (let j = 0; j < hidden; j++) z += p[w + j] * s.h[j];
    s.logits[c] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) {
    s.logits[c] = Math.exp(s.logits[c] - max);
    sum += s.logits[c];
  }
  for (let c = 0; c < CLASSES; c++) s.logits[c] /= sum;
  return nnz;
}

/**
 * Mean cross-entropy gradient over the given rows. Writes the gradient into `grad` (fp32)
 * and returns the mean loss.
 */
export function lossAndGradient(p: Float32Array, shape: MlpShape, data: Dataset, rows: ArrayLike<number>, grad: Float32Array): number {
  const { hidden } = shape;
  const o = offsets(hidden);
  const acc = new Float64Array(p.length);
  const s = scratch(hidden);
  let loss = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const nnz = forward(p, hidden, data, row, s);
    const label = data.y[row];
    loss -= Math.log(Math.max(s.logits[label], 1e-300));
    s.dh.fill(0);
    for (let c = 0; c < CLASSES; c++) {
      const dz = s.logits[c] - (c === label ? 1 : 0);
      acc[o.b2 + c] += dz;
      const w = o.w2 + c * hidden;
      for (let j = 0; j < hidden; j++) {
        acc[w + j] += dz * s.h[j];
        s.dh[j] += dz * p[w + j];
      }
    }
    const base = row * IMAGE_PIXELS;
    for (let j = 0; j < hidden; j++) {
      if (s.h[j] <= 0) continue;
      const d = s.dh[j];
      acc[o.b1 + j] += d;
      const w = o.w1 + j * IMAGE_PIXELS;
      for (let t = 0; t < nnz; t++) {
        const i = s.nz[t];
        acc[w + i] += d * data.x[base + i];
      }
    }
  }
  const inv = 1 / rows.length;
  for (let i = 0; i < acc.length; i++) grad[i] = acc[i] * inv;
  return loss * inv;
}

/** Accuracy and mean cross-entropy over a whole dataset. */
export function evaluate(p: Float32Array, shape: MlpShape, data: Dataset): { accuracy: number; loss: number } {
  const s = scratch(shape.hidden);
  let correct = 0;
  let loss = 0;
  for (let row = 0; row < data.n; row++) {
    forward(p, shape.hidden, data, row, s);
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (s.logits[c] > s.logits[best]) best = c;
    if (best === data.y[row]) correct++;
    loss -= Math.log(Math.max(s.logits[data.y[row]], 1e-300));
  }
  return { accuracy: correct / data.n, loss: loss / data.n };
}
