// How ring all-reduce cuts a vector of M elements into N chunks, and the closed-form counts.
// When N does not divide M the first (M mod N) chunks get one extra element, so chunk sizes
// differ by at most one and per-worker traffic differs between workers by at most two elements.

export interface Chunk {
  start: number;
  length: number;
}

export function ringChunks(elements: number, workers: number): Chunk[] {
  const base = Math.floor(elements / workers);
  const extra = elements % workers;
  const chunks: Chunk[] = [];
  let start = 0;
  for (let c = 0; c < workers; c++) {
    const length = base + (c < extra ? 1 : 0);
    chunks.push({ start, length });
    start += length;
  }
  return chunks;
}

export interface RingClosedForm {
  /** Communication steps every worker takes part in: N−1 reduce-scatter + N−1 all-gather. */
  steps: number;
  /** Messages every worker sends (one per step). */
  messagesPerWorker: number;
  /** Elements worker w sends: 2M − |chunk (w+1) mod N| − |chunk (w+2) mod N| (it never sends those two). */
  elementsSentPerWorker: number[];
  /** 2(N−1)/N · M, exact when N divides M. */
  idealElementsPerWorker: number;
}

export function ringClosedForm(elements: number, workers: number): RingClosedForm {
  const chunks = ringChunks(elements, workers);
  const n = workers;
  const elementsSentPerWorker: number[] = [];
  for (let w = 0; w < n; w++) {
    elementsSentPerWorker.push(n === 1 ? 0 : 2 * elements - chunks[(w + 1) % n]!.length - chunks[(w + 2) % n]!.length);
  }
  return {
    steps: 2 * (n - 1),
    messagesPerWorker: 2 * (n - 1),
    elementsSentPerWorker,
    idealElementsPerWorker: (2 * (n - 1) * elements) / n,
  };
}
