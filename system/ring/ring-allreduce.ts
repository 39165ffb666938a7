// An executed ring all-reduce (Patarasuk & Yuan 2009): N in-process workers, chunked
// reduce-scatter then all-gather. Workers share nothing: at every step each worker posts one
// message to its right neighbour and then reads only the message its left neighbour posted.
// Arithmetic is fp32 (Float32Array), as on a GPU; the caller checks against a float64 reference.
import { ringChunks, type Chunk } from "./chunks.ts";

export interface WorkerCounters {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  /** Steps in which this worker sent or received. */
  steps: number;
}

export interface RingResult {
  /** Every worker's final buffer (all equal after a correct all-gather). */
  outputs: Float32Array[];
  /** Global step count (reduce-scatter + all-gather). */
  steps: number;
  perWorker: WorkerCounters[];
}

interface Message {
  from: number;
  chunk: number;
  data: Float32Array;
}

const BYTES_PER_ELEMENT = 4;

/**
 * Ring all-reduce of `inputs` (one Float32Array per worker, equal lengths). With `average`, the
 * owner of each reduced chunk divides it by N before the all-gather (so the result is the mean).
 * Inputs are not modified.
 */
export function ringAllReduce(inputs: Float32Array[], opts: { average?: boolean } = {}): RingResult {
  const n = inputs.length;
  if (n < 1) throw new Error("ringAllReduce: need at least one worker");
  const m = inputs[0]!.length;
  for (const g of inputs) if (g.length !== m) throw new Error("ringAllReduce: workers' gradients differ in length");
  const average = opts.average ?? true;
  const buffers = inputs.map((g) => Float32Array.from(g));
  const chunks = ringChunks(m, n);
  const perWorker: WorkerCounters[] = Array.from({ length: n }, () => ({
    messagesSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    steps: 0,
  }));
  const mod = (k: number) => ((k % n) + n) % n;

  // One synchronous step: every worker w sends chunk chunkOf(w) to w+1; then every worker consumes.
  const step = (chunkOf: (w: number) => number, consume: (buf: Float32Array, c: Chunk, data: Float32Array) => void) => {
    const inbox: (Message | undefined)[] = new Array(n);
    for (let w = 0; w < n; w++) {
      const c = chunkOf(w);
      const { start, length } = chunks[c]!;
      const data = buffers[w]!.slice(start, start + length); // a copy: the wire, not shared memory
      inbox[mod(w + 1)] = { from: w, chunk: c, data };
      perWorker[w]!.messagesSent++;
      perWorker[w]!.bytesSent += length * BYTES_PER_ELEMENT;
    }
    for (let w = 0; w < n; w++) {
      const msg = inbox[w];
      if (!msg || msg.from !== mod(w - 1)) throw new Error(`ring: worker ${w} got no message from its left neighbour`);
      consume(buffers[w]!, chunks[msg.chunk]!, msg.data);
      perWorker[w]!.messagesReceived++;
      perWorker[w]!.bytesReceived += msg.data.length * BYTES_PER_ELEMENT;
      perWorker[w]!.steps++;
    }
  };

  // Reduce-scatter: at step s worker w sends chunk (w − s); the receiver adds it into its own copy.
  for (let s = 0; s < n - 1; s++) {
    step(
      (w) => mod(w - s),
      (buf, c, data) => {
        for (let i = 0; i < c.length; i++) buf[c.start + i] = buf[c.start + i]! + data[i]!;
      },
    );
  }
  // Worker w now owns the fully reduced chunk (w + 1).
  if (average) {
    for (let w = 0; w < n; w++) {
      const { start, length } = chunks[mod(w + 1)]!;
      const buf = buffers[w]!;
      for (let i = start; i < start + length; i++) buf[i] = buf[i]! / n;
    }
  }
  // All-gather: at step s worker w forwards chunk (w + 1 − s); the receiver overwrites.
  for (let s = 0; s < n - 1; s++) {
    step(
      (w) => mod(w + 1 - s),
      (buf, c, data) => buf.set(data, c.start),
    );
  }
  return { outputs: buffers, steps: 2 * (n - 1), perWorker };
}

/** The exact element-wise mean, computed in float64 (the reference for both data paths). */
export function exactAverage(inputs: Float32Array[]): Float64Array {
  const m = inputs[0]?.length ?? 0;
  const out = new Float64Array(m);
  for (const g of inputs) for (let i = 0; i < m; i++) out[i] = out[i]! + g[i]!;
  for (let i = 0; i < m; i++) out[i] = out[i]! / inputs.length;
  return out;
}

/** max |a − ref| over elements. */
export function maxAbsError(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs(a[i]! - ref[i]!));
  return e;
}
