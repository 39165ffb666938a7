import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ringChunks, ringClosedForm } from "../../../system/ring/chunks.ts";
import { exactAverage, ringAllReduce } from "../../../system/ring/ring-allreduce.ts";
import { syntheticGradients } from "../../../system/ring/gradients.ts";

const U = 2 ** -24; // fp32 unit roundoff

/**
 * Forward-error bound of the ring's fp32 arithmetic: N−1 additions in some order give
 * |ŝ − s| ≤ γ_{N−1} Σ|g_i| (Higham, Thm 4.4) with γ_k = k·u/(1 − k·u); the division by N adds
 * one more relative u. Bound on |ring − exact mean|.
 */
function errorBound(inputs: Float32Array[], i: number): number {
  const n = inputs.length;
  let abs = 0;
  let sum = 0;
  for (const g of inputs) {
    abs += Math.abs(g[i]!);
    sum += g[i]!;
  }
  const gamma = ((n - 1) * U) / (1 - (n - 1) * U);
  return (gamma * abs) / n + U * (Math.abs(sum / n) + (gamma * abs) / n);
}

describe("ring all-reduce (executed)", () => {
  it("equals the exact average within fp32 rounding, identically on every worker (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, m, seed) => {
          const inputs = syntheticGradients(n, m, seed, 1);
          const { outputs } = ringAllReduce(inputs);
          const ref = exactAverage(inputs);
          for (const out of outputs) {
            expect(out.length).toBe(m);
            for (let i = 0; i < m; i++) {
              if (out[i] !== outputs[0]![i]) throw new Error(`replicas differ at ${i}`); // bitwise identical
              const e = Math.abs(out[i]! - ref[i]!);
              if (e > errorBound(inputs, i)) throw new Error(`element ${i}: error ${e} above the fp32 bound`);
            }
          }
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it("sums (not averages) when asked, and leaves the inputs untouched", () => {
    const inputs = [Float32Array.of(1, 2, 3), Float32Array.of(10, 20, 30), Float32Array.of(100, 200, 300)];
    const { outputs } = ringAllReduce(inputs, { average: false });
    for (const o of outputs) expect(Array.from(o)).toEqual([111, 222, 333]);
    expect(Array.from(inputs[0]!)).toEqual([1, 2, 3]);
  });

  it("the error bound is tight enough to catch a wrong reduction (one chunk reduced twice)", () => {
    const inputs = syntheticGradients(4, 64, 7, 1);
    const { outputs } = ringAllReduce(inputs);
    const ref = exactAverage(inputs);
    const broken = Float32Array.from(outputs[0]!);
    broken[0] = broken[0]! + inputs[1]![0]! / 4; // a worker's contribution counted twice
    expect(Math.abs(broken[0]! - ref[0]!)).toBeGreaterThan(errorBound(inputs, 0));
  });

  it("message, byte and step counts equal the closed forms 2(N−1) and 2(N−1)/N·M (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 200 }), (n, m) => {
        const r = ringAllReduce(syntheticGradients(n, m, n * 1000 + m));
        const cf = ringClosedForm(m, n);
        expect(r.steps).toBe(2 * (n - 1));
        r.perWorker.forEach((w, k) => {
          expect(w.steps).toBe(2 * (n - 1));
          expect(w.messagesSent).toBe(2 * (n - 1));
          expect(w.messagesReceived).toBe(2 * (n - 1));
          expect(w.bytesSent).toBe(4 * cf.elementsSentPerWorker[k]!);
          expect(w.bytesReceived).toBe(r.perWorker[(k + n - 1) % n]!.bytesSent); // only from the left neighbour
          // Chunks differ by at most one element: traffic within 2 elements of the ideal volume.
          expect(Math.abs(w.bytesSent / 4 - cf.idealElementsPerWorker)).toBeLessThanOrEqual(2);
          if (m % n === 0) expect(w.bytesSent).toBe((2 * (n - 1) * 4 * m) / n);
        });
        // Every byte sent is received by someone: totals balance.
        const sent = r.perWorker.reduce((s, w) => s + w.bytesSent, 0);
        const recv = r.perWorker.reduce((s, w) => s + w.bytesReceived, 0);
        expect(recv).toBe(sent);
      }),
      { seed: 42, numRuns: 120 },
    );
  });

  it("chunks cover the vector; sizes differ by at most one", () => {
    for (const [m, n] of [
      [10, 4],
      [3, 8],
      [16, 16],
      [0, 3],
    ] as const) {
      const c = ringChunks(m, n);
      expect(c.reduce((s, x) => s + x.length, 0)).toBe(m);
      const lens = c.map((x) => x.length);
      expect(Math.max(...lens) - Math.min(...lens)).toBeLessThanOrEqual(1);
      c.forEach((x, k) => k > 0 && expect(x.start).toBe(c[k - 1]!.start + c[k - 1]!.length));
    }
  });

  it("hand-worked 3 workers × 4 elements: worker bytes 2M − |c(w+1)| − |c(w+2)|", () => {
    // chunks of 4 over 3: [2,1,1]; worker 0 skips c1,c2 → 8−2 = 6 elements; worker 1 skips c2,c0 → 5; worker 2 skips c0,c1 → 5.
    const r = ringAllReduce(syntheticGradients(3, 4, 1));
    expect(r.perWorker.map((w) => w.bytesSent / 4)).toEqual([6, 5, 5]);
  });
});
