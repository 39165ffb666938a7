// Gradient aggregators for the data-parallel emulation. Each maps the N workers' fp32
// gradients to the one gradient every worker applies.
//   exact:   the fp32 average (what ring all-reduce delivers)
//   optinc:  block quantization → offset-binary b-bit codes → PAM-L digits → an injected
//            digit aggregator (golden function, or a simulated circuit) → optional injected
//            errors in output steps → dequantization
import { digitCount, fromDigits, goldenAverage, toDigits } from "../../compiler/onn/golden.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { drawError, type ErrorModel } from "./error-model.ts";
import { createRng } from "./rng.ts";

export type GradientAggregator = (grads: readonly Float32Array[]) => Float32Array;

/** N workers' digits (worker-major, x[w·D + k], k = 0 least significant) → D output digits. */
export type DigitAggregator = (workerDigits: Int32Array, out: Int32Array) => void;

export interface OptincFormat {
  workers: number;
  precision: number;
  levels: number;
  rounding: Rounding;
  /** Elements sharing one scale in block quantization. */
  blockSize: number;
}

/** The fp32 average (element-wise sum then divide, in fp32 storage). */
export function exactAverage(grads: readonly Float32Array[]): Float32Array {
  const n = grads.length;
  const out = new Float32Array(grads[0]!.length);
  for (const g of grads) for (let i = 0; i < out.length; i++) out[i] += g[i]!;
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}

/** The golden quantized average, as a digit aggregator. */
export function goldenDigitAggregator(f: Pick<OptincFormat, "workers" | "precision" | "levels" | "rounding">): DigitAggregator {
  const d = digitCount(f);
  const codes = new Int32Array(f.workers);
  return (digits, out) => {
    for (let w = 0; w < f.workers; w++) codes[w] = fromDigits(digits, f.levels, w * d, d);
    toDigits(goldenAverage(codes, f), f, out);
  };
}

/** Largest signed level of the symmetric b-bit quantizer (codes 1..2^b − 1 are used). */
export function maxLevel(precision: number): number {
  return 2 ** (precision - 1) - 1;
}

/** Shared per-block scale: the largest |g| of the block over all workers (one max-reduce per block). */
export function blockScales(grads: readonly Float32Array[], blockSize: number): Float64Array {
  const m = grads[0]!.length;
  const scales = new Float64Array(Math.ceil(m / blockSize));
  for (const g of grads) {
    for (let i = 0; i < m; i++) {
      const a = Math.abs(g[i]!);
      const b = (i / blockSize) | 0;
      if (a > scales[b]!) scales[b] = a;
    }
  }
  return scales;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface OptincAggregatorOptions {
  format: OptincFormat;
  digitAggregator: DigitAggregator;
  /** Injected output errors; omitted = error-free. */
  errors?: ErrorModel;
  /** Seed of the error stream. */
  seed?: number;
}

export function optincAggregator(opts: OptincAggregatorOptions): GradientAggregator {
  const { format, digitAggregator } = opts;
  const d = digitCount(format);
  const half = 2 ** (format.precision - 1);
  const top = 2 * half - 1;
  const qmax = maxLevel(format.precision);
  const rng = createRng(opts.seed ?? 0);
  const digits = new Int32Array(format.workers * d);
  const outDigits = new Int32Array(d);
  return (grads) => {
    if (grads.length !== format.workers) throw new RangeError(`expected ${format.workers} workers, got ${grads.length}`);
    const m = grads[0]!.length;
    const scales = blockScales(grads, format.blockSize);
    const out = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      const scale = scales[(i / format.blockSize) | 0]!;
      if (scale === 0) continue;
      for (let w = 0; w < format.workers; w++) {
        const x = roundHalfEven((grads[w]![i]! / scale) * qmax);
        toDigits(x + half, format, digits, w * d);
      }
      digitAggregator(digits, outDigits);
      let code = fromDigits(outDigits, format.levels, 0, d);
      if (opts.errors) code = Math.min(top, Math.max(0, code + drawError(opts.errors, rng)));
      out[i] = ((code - half) / qmax) * scale;
    }
    return out;
  };
}
