// The ring's bytes on every path of `optinc allreduce`, for worker counts that do not divide the
// message: the busiest worker's traffic is counted here by walking the ring schedule by hand
// (reduce-scatter sends chunk w − s, all-gather chunk w + 1 − s), independently of chunks.ts.
// The cost models' bytes_per_worker are checked against their closed forms.
import { describe, expect, it } from "vitest";
import { evaluateModels } from "../../../system/models/index.ts";
import { modelInputs } from "../../../system/models/params.ts";
import { runAllreduce, type AllreduceRunOptions } from "../../../system/ring/allreduce-run.ts";
import { ringClosedForm } from "../../../system/ring/chunks.ts";

/** Elements each worker sends in a ring all-reduce of `m` elements over `n` workers. */
function scheduleCounts(m: number, n: number): number[] {
  // Chunk c holds ⌊m/n⌋ elements, plus one for the first m mod n chunks.
  const size = (c: number) => Math.floor(m / n) + (c < m % n ? 1 : 0);
  const mod = (k: number) => ((k % n) + n) % n;
  const sent = new Array<number>(n).fill(0);
  for (let w = 0; w < n; w++) {
    for (let s = 0; s < n - 1; s++) sent[w] += size(mod(w - s)); // reduce-scatter
    for (let s = 0; s < n - 1; s++) sent[w] += size(mod(w + 1 - s)); // all-gather
  }
  return sent;
}

function options(workers: number, messageBytes: number, execElements: number): AllreduceRunOptions {
  return {
    workers,
    messageBytes,
    execElements,
    bits: 8,
    levels: 4,
    encoding: "offset-binary",
    rounding: "nearest-even",
    blockSize: 256,
    seed: 3,
    link: {},
  };
}

describe("the ring's busiest worker, when N does not divide M", () => {
  it("hand-walked schedule: 3 workers × 1000 elements send 1334, 1333, 1333; 4 × 10 send 15, 16, 15, 14", () => {
    expect(scheduleCounts(1000, 3)).toEqual([1334, 1333, 1333]);
    // Chunks 3, 3, 2, 2. Worker 0 sends c0 c3 c2 then c1 c0 c3: 7 + 8; worker 3 sends c3 c2 c1 then c0 c3 c2: 7 + 7.
    expect(scheduleCounts(10, 4)).toEqual([15, 16, 15, 14]);
  });

  it("the closed form: 2(N−1) steps and messages, every worker's elements, the ideal 2(N−1)/N·M", () => {
    expect(ringClosedForm(10, 4)).toEqual({
      steps: 6,
      messagesPerWorker: 6,
      elementsSentPerWorker: [15, 16, 15, 14],
      idealElementsPerWorker: 15,
    });
    expect(ringClosedForm(1000, 3).elementsSentPerWorker).toEqual(scheduleCounts(1000, 3));
    expect(ringClosedForm(7, 1)).toEqual({ steps: 0, messagesPerWorker: 0, elementsSentPerWorker: [0], idealElementsPerWorker: 0 });
  });

  it.each([
    [3, 1000],
    [5, 1003],
    [6, 1001],
    [7, 997],
    [12, 1030],
  ])("executed path (not scaled): N = %i, M = %i elements", (n, m) => {
    expect(m % n).not.toBe(0);
    const counts = scheduleCounts(m, n);
    const busiest = Math.max(...counts);
    expect(busiest).toBeGreaterThan(Math.min(...counts)); // so max and min differ
    const run = runAllreduce(options(n, 4 * m, 1 << 20));
    expect(run.executed).toEqual({ elements: m, scaled: false });
    expect(run.ring.bytesSentPerWorker).toBe(4 * busiest);
    expect(run.volumeRatio).toBe((4 * busiest) / (4 * m));
    expect(run.optinc.bytesSentPerWorker).toBe(m); // 8 bits per element
  });

  it.each([
    [3, 25_000_001],
    [5, 1_000_003],
    [7, 2_500_000],
    [12, 100_000_010],
  ])("scaled path (closed form at full size): N = %i, M = %i elements", (n, m) => {
    expect(m % n).not.toBe(0);
    const counts = scheduleCounts(m, n);
    const busiest = Math.max(...counts);
    expect(busiest).toBeGreaterThan(Math.min(...counts));
    const run = runAllreduce(options(n, 4 * m, 4096));
    expect(run.executed.scaled).toBe(true);
    expect(run.executed.elements).toBeLessThan(m);
    expect(run.ring.bytesSentPerWorker).toBe(4 * busiest);
    expect(run.volumeRatio).toBe((4 * busiest) / (4 * m));
    expect(run.optinc.bytesSentPerWorker).toBe(m);
    expect(run.ring.steps).toBe(2 * (n - 1));
    expect(run.ring.messagesPerWorker).toBe(2 * (n - 1));
  });

  it("when N divides M every worker sends exactly 2(N−1)/N·M on both paths", () => {
    for (const [n, exec] of [
      [4, 1 << 20],
      [4, 512],
      [8, 1 << 20],
      [8, 512],
    ] as const) {
      const m = 8000;
      const run = runAllreduce(options(n, 4 * m, exec));
      expect(run.executed.scaled).toBe(exec < m);
      expect(run.ring.bytesSentPerWorker).toBe((4 * 2 * (n - 1) * m) / n);
    }
  });
});

describe("cost models: bytes per worker against their closed forms", () => {
  it.each([
    [2, 1e6],
    [3, 1e6 + 1],
    [8, 64e6],
    [7, 123_457],
    [1024, 1e9],
  ])("N = %i, M = %d bytes", (n, m) => {
    const lg = Math.ceil(Math.log2(n) - 1e-12);
    const byName = Object.fromEntries(evaluateModels(modelInputs({ workers: n, messageBytes: m, bits: 8 })).map((r) => [r.name, r.notes]));
    expect(byName.ring!.bytes_per_worker).toBeCloseTo((2 * (n - 1) * m) / n, 6);
    expect(byName.ring!.steps).toBe(2 * (n - 1));
    expect(byName.rabenseifner!.bytes_per_worker).toBeCloseTo((2 * (n - 1) * m) / n, 6);
    expect(byName.rabenseifner!.steps).toBe(2 * lg);
    expect(byName["recursive-doubling"]!.bytes_per_worker).toBe(lg * m);
    expect(byName["double-binary-tree"]!.bytes_per_worker).toBe(n > 2 ? 2 * m : m);
    expect(byName.sharp!.bytes_per_worker).toBe(m);
    expect(byName.optinc!.bytes_per_worker).toBe((m * 8) / 32);
  });
});
