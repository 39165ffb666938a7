// The OptINC data path executed on real gradient arrays: block quantization → PAM-L digits →
// aggregation (an injected function: the golden model, or the emitted netlist's simulator) →
// optional injected errors → dequantization. Every worker receives the same broadcast result.
import { createRng } from "../math/rng.ts";
import { blockScales, checkFormat, dequantizeValue, qmax, quantizeValue, type QuantFormat } from "./block-quantize.ts";
import { digitCount, encode, fromDigits, fromWire, toDigits, toWire } from "../aggregate/wire-codec.ts";
import { batched, type Aggregate, type AggregateMany } from "../aggregate/aggregator.ts";

/** Injected output errors: with probability `rate` per element, add k steps, k drawn by weight. */
export interface InjectedErrors {
  rate: number;
  distribution: { steps: number; weight: number }[];
  seed: number;
}

export interface OptincOptions extends QuantFormat {
  blockSize: number;
  /** Exactly one of the two aggregator forms. */
  aggregate?: Aggregate;
  aggregateMany?: AggregateMany;
  errors?: InjectedErrors;
}

export interface OptincResult {
  /** Dequantized average (fp32), identical for every worker. */
  output: Float32Array;
  /** Signed output level per element (after injected errors). */
  levels: Int32Array;
  /** Per-block shared scales. */
  scales: Float64Array;
  /** Gradient payload each worker sends once (and receives once): M·b/8 bytes. */
  bytesSentPerWorker: number;
  bytesReceivedPerWorker: number;
  /** Block-scale agreement traffic per worker (one fp32 per block), reported separately. */
  scaleBytesPerWorker: number;
  /** Elements hit by an injected error. */
  injected: number;
}

function sampler(e: InjectedErrors): () => number {
  const rng = createRng(e.seed);
  const total = e.distribution.reduce((s, d) => s + d.weight, 0);
  if (!(e.rate >= 0 && e.rate <= 1)) throw new Error(`error rate must be in [0, 1], got ${e.rate}`);
  if (e.rate > 0 && !(total > 0)) throw new Error("error distribution needs a positive total weight");
  return () => {
    if (e.rate === 0 || rng.next() >= e.rate) return 0;
    let u = rng.next() * total;
    for (const d of e.distribution) {
      u -= d.weight;
      if (u < 0) return d.steps;
    }
    return e.distribution[e.distribution.length - 1]!.steps;
  };
}

export function optincAllReduce(grads: Float32Array[], opts: OptincOptions): OptincResult {
  checkFormat(opts);
  const n = grads.length;
  const m = grads[0]?.length ?? 0;
  if (!(Number.isInteger(opts.blockSize) && opts.blockSize >= 1))
    throw new Error(`block size must be a positive integer, got ${opts.blockSize}`);
  const d = digitCount(opts);
  const qm = qmax(opts.precision);
  const scales = blockScales(grads, opts.blockSize);
  const output = new Float32Array(m);
  const levels = new Int32Array(m);
  const err = opts.errors ? sampler(opts.errors) : () => 0;
  if ((opts.aggregate === undefined) === (opts.aggregateMany === undefined))
    throw new Error("pass exactly one of aggregate and aggregateMany");
  const many = opts.aggregateMany ?? batched(opts.aggregate!, n, d);
  const CHUNK = 4096;
  const inDigits = new Int32Array(CHUNK * n * d);
  let injected = 0;
  for (let start = 0; start < m; start += CHUNK) {
    const cases = Math.min(CHUNK, m - start);
    for (let c = 0; c < cases; c++) {
      const i = start + c;
      const scale = scales[Math.floor(i / opts.blockSize)]!;
      for (let w = 0; w < n; w++)
        toDigits(toWire(encode(quantizeValue(grads[w]![i]!, scale, opts), opts), opts), opts, inDigits, (c * n + w) * d);
    }
    const outDigits = many(inDigits.subarray(0, cases * n * d), cases);
    if (outDigits.length !== cases * d)
      throw new Error(`aggregator returned ${outDigits.length} digits for ${cases} elements, expected ${cases * d}`);
    for (let c = 0; c < cases; c++) {
      for (let k = 0; k < d; k++) {
        const v = outDigits[c * d + k]!;
        if (!(v >= 0 && v < opts.levels)) throw new Error(`aggregator digit ${k} = ${v} is outside 0..${opts.levels - 1}`);
      }
      const i = start + c;
      let q = fromWire(fromDigits(outDigits, opts.levels, c * d, d), opts);
      const e = err();
      if (e !== 0) {
        injected++;
        q = Math.max(-qm, Math.min(qm, q + e)); // the receiver saturates to the representable range
      }
      levels[i] = q;
      output[i] = dequantizeValue(q, scales[Math.floor(i / opts.blockSize)]!, opts);
    }
  }
  const payload = (m * opts.precision) / 8;
  return {
    output,
    levels,
    scales,
    bytesSentPerWorker: payload,
    bytesReceivedPerWorker: payload,
    scaleBytesPerWorker: scales.length * 4,
    injected,
  };
}
