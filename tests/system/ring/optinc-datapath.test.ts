import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goldenDigits } from "../../../aggregate/golden.ts";
import type { Encoding, Levels, Rounding } from "../../../dsl/spec.ts";
import { optincAllReduce } from "../../../system/datapath.ts";
import type { Aggregate } from "../../../aggregate/aggregator.ts";
import { optincBytesPerWorker } from "../../../system/models/optinc.ts";
import { exactAverage, ringAllReduce } from "../../../system/ring/ring-allreduce.ts";
import { syntheticGradients } from "../../../system/ring/gradients.ts";

/**
 * The reference quantized average, written here independently of verify/ and compiler/:
 * digits → offset-binary code → signed value; exact mean with BigInt-free rational rounding;
 * back to digits.
 */
function referenceAggregate(workers: number, bits: number, levels: number, rounding: Rounding): Aggregate {
  const d = Math.round(bits / Math.log2(levels));
  const half = 2 ** (bits - 1);
  return (digits) => {
    let total = 0;
    for (let w = 0; w < workers; w++) {
      let code = 0;
      let weight = 1;
      for (let k = 0; k < d; k++) {
        code += digits[w * d + k]! * weight;
        weight *= levels;
      }
      total += code - half;
    }
    // mean = total / workers; choose the integer per the rule by comparing 2·total with (2q ± 1)·workers.
    let q = Math.floor(total / workers);
    while (q * workers > total) q--;
    while ((q + 1) * workers <= total) q++;
    const twiceRem = 2 * (total - q * workers);
    if (rounding !== "floor") {
      if (twiceRem > workers) q++;
      else if (twiceRem === workers) {
        if (rounding === "nearest-even" ? q % 2 !== 0 : total > 0) q++;
      }
    }
    let code = q + half;
    const out = new Int32Array(d);
    for (let k = 0; k < d; k++) {
      out[k] = code % levels;
      code = Math.floor(code / levels);
    }
    return out;
  };
}

const ROUNDINGS: Rounding[] = ["nearest-even", "nearest-away", "floor"];

describe("OptINC data path (executed)", () => {
  it("error vs the exact average ≤ Δ (nearest) / < 2Δ (floor) per element, any N, b, L, encoding (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 16 }),
        fc.constantFrom(4, 8, 16),
        fc.constantFrom<Levels>(2, 4, 16),
        fc.constantFrom<Encoding>("offset-binary", "twos-complement"),
        fc.constantFrom(...ROUNDINGS),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 1e6 }),
        (n, bits, levels, encoding, rounding, blockSize, seed) => {
          const grads = syntheticGradients(n, 97, seed, 0.01);
          const r = optincAllReduce(grads, {
            precision: bits,
            levels,
            encoding,
            rounding,
            blockSize,
            aggregate: referenceAggregate(n, bits, levels, rounding),
          });
          const ref = exactAverage(grads);
          const qm = 2 ** (bits - 1) - 1;
          for (let i = 0; i < ref.length; i++) {
            const step = r.scales[Math.floor(i / blockSize)]! / qm;
            const bound = rounding === "floor" ? 2 * step : step;
            const e = Math.abs(r.output[i]! - ref[i]!);
            if (e > bound * (1 + 1e-6) + 1e-12) throw new Error(`element ${i}: error ${e} > ${bound}`);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("the lead's golden function gives exactly the independent reference's output", () => {
    for (const rounding of ROUNDINGS) {
      for (const [n, bits, levels] of [
        [4, 8, 4],
        [3, 8, 16],
        [8, 16, 4],
        [16, 8, 2],
      ] as const) {
        const grads = syntheticGradients(n, 500, n * bits + levels, 1);
        const d = bits / Math.log2(levels);
        const codes = new Int32Array(n);
        const golden: Aggregate = (digits) => {
          for (let w = 0; w < n; w++) {
            let c = 0;
            for (let k = d - 1; k >= 0; k--) c = c * levels + digits[w * d + k]!;
            codes[w] = c;
          }
          return goldenDigits(codes, { precision: bits, levels, rounding });
        };
        const fmt = { precision: bits, levels, encoding: "offset-binary" as const, rounding, blockSize: 32 };
        const a = optincAllReduce(grads, { ...fmt, aggregate: golden });
        const b = optincAllReduce(grads, { ...fmt, aggregate: referenceAggregate(n, bits, levels, rounding) });
        expect(Array.from(a.levels)).toEqual(Array.from(b.levels));
      }
    }
  });

  it("a hand-worked element: 4 workers, 8-bit, nearest-even", () => {
    // scale 1.27 → Δ = 0.01; levels 127, 2, 3, −1 → sum 131 → 32.75 → 33 → 0.33
    const grads = [Float32Array.of(1.27), Float32Array.of(0.02), Float32Array.of(0.03), Float32Array.of(-0.01)];
    const r = optincAllReduce(grads, {
      precision: 8,
      levels: 4,
      encoding: "twos-complement",
      rounding: "nearest-even",
      blockSize: 1,
      aggregate: referenceAggregate(4, 8, 4, "nearest-even"),
    });
    expect(r.levels[0]).toBe(33);
    expect(r.output[0]).toBeCloseTo(0.33, 6);
  });

  it("bytes: each worker sends M·b/32 once; ring/OptINC volume at equal precision is 2(N−1)/N", () => {
    for (const [n, ratio] of [
      [4, 1.5],
      [8, 1.75],
      [16, 1.875],
    ] as const) {
      const m = 4096;
      const grads = syntheticGradients(n, m, n);
      const o = optincAllReduce(grads, {
        precision: 8,
        levels: 4,
        encoding: "offset-binary",
        rounding: "nearest-even",
        blockSize: 256,
        aggregate: referenceAggregate(n, 8, 4, "nearest-even"),
      });
      expect(o.bytesSentPerWorker).toBe((4 * m * 8) / 32);
      expect(o.bytesReceivedPerWorker).toBe(o.bytesSentPerWorker);
      expect(o.scaleBytesPerWorker).toBe(4 * 16);
      const ring = ringAllReduce(grads).perWorker[0]!.bytesSent;
      expect(ring / optincBytesPerWorker(4 * m, 32)).toBe(ratio);
      expect(ring / o.bytesSentPerWorker).toBe(ratio * 4); // and 4× more at 8 bits
    }
  });

  it("injected errors: rate 0 changes nothing, rate 1 with +1 shifts every level, rate p hits ≈ p", () => {
    const n = 4;
    const grads = syntheticGradients(n, 5000, 3);
    const fmt = {
      precision: 8,
      levels: 4 as Levels,
      encoding: "offset-binary" as const,
      rounding: "nearest-even" as const,
      blockSize: 64,
      aggregate: referenceAggregate(n, 8, 4, "nearest-even"),
    };
    const clean = optincAllReduce(grads, fmt);
    const zero = optincAllReduce(grads, { ...fmt, errors: { rate: 0, distribution: [{ steps: 1, weight: 1 }], seed: 1 } });
    expect(Array.from(zero.levels)).toEqual(Array.from(clean.levels));
    const all = optincAllReduce(grads, { ...fmt, errors: { rate: 1, distribution: [{ steps: 1, weight: 1 }], seed: 1 } });
    for (let i = 0; i < clean.levels.length; i++) expect(all.levels[i]).toBe(Math.min(127, clean.levels[i]! + 1));
    const some = optincAllReduce(grads, {
      ...fmt,
      errors: {
        rate: 0.1,
        distribution: [
          { steps: -1, weight: 9 },
          { steps: 4, weight: 1 },
        ],
        seed: 9,
      },
    });
    expect(some.injected).toBeGreaterThan(400);
    expect(some.injected).toBeLessThan(600);
    let diff = 0;
    for (let i = 0; i < clean.levels.length; i++) if (some.levels[i] !== clean.levels[i]) diff++;
    expect(diff).toBeLessThanOrEqual(some.injected);
    const again = optincAllReduce(grads, {
      ...fmt,
      errors: {
        rate: 0.1,
        distribution: [
          { steps: -1, weight: 9 },
          { steps: 4, weight: 1 },
        ],
        seed: 9,
      },
    });
    expect(Array.from(again.levels)).toEqual(Array.from(some.levels)); // seeded: deterministic
  });

  it("rejects an aggregator that returns an invalid digit", () => {
    const grads = syntheticGradients(2, 4, 1);
    expect(() =>
      optincAllReduce(grads, {
        precision: 8,
        levels: 4,
        encoding: "offset-binary",
        rounding: "floor",
        blockSize: 4,
        aggregate: () => Int32Array.of(0, 0, 4, 0),
      }),
    ).toThrow(/outside 0\.\.3/);
  });
});
