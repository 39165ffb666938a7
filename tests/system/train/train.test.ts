import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockScales, qmax } from "../../../system/block-quantize.ts";
import { goldenAggregate } from "../../../system/ring/allreduce-run.ts";
import { exactAverage } from "../../../system/ring/ring-allreduce.ts";
import { optincAggregator, ringAverage, type OptincFormat } from "../../../system/train/aggregators.ts";
import { emulate, type EmulationConfig } from "../../../system/train/emulate.ts";
import { tableIIErrors } from "../../../system/train/error-model.ts";
import { initParams, lossAndGradient, parameterCount } from "../../../system/train/mnist-mlp.ts";
import { IMAGE_PIXELS, loadMnist } from "../../../system/train/mnist-data.ts";
import { createRng } from "../../../math/rng.ts";
import { scenarioAggregators, SHORT_SCENARIO } from "../../../system/train/scenarios.ts";
import { FULL } from "../../helpers/tier.ts";

const FORMAT: OptincFormat = { workers: 4, precision: 8, levels: 4, encoding: "offset-binary", rounding: "nearest-even", blockSize: 16 };
const maxLevel = qmax;

/** Independent reference: round-half-even of the mean of signed values, via exact rationals. */
function referenceAverage(signed: number[]): number {
  const t = signed.reduce((a, b) => a + b, 0);
  const n = signed.length;
  const fl = Math.floor(t / n);
  const r = t - fl * n;
  if (2 * r < n) return fl;
  if (2 * r > n) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

describe("mnist data", () => {
  it("is deterministic, balanced and disjoint", () => {
    const a = loadMnist(20, 5, 3);
    const b = loadMnist(20, 5, 3);
    expect(a.train.n).toBe(200);
    expect(a.test.n).toBe(50);
    expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(b.train.x.buffer))).toBe(true);
    const counts = new Array(10).fill(0);
    for (const y of a.train.y) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(20));
    // No test image equals a training image of the same digit (first vs last samples).
    const key = (x: Float32Array, r: number) => Buffer.from(x.buffer, r * IMAGE_PIXELS * 4, IMAGE_PIXELS * 4).toString("base64");
    const train = new Set(Array.from({ length: a.train.n }, (_, r) => key(a.train.x, r)));
    for (let r = 0; r < a.test.n; r++) expect(train.has(key(a.test.x, r))).toBe(false);
  });
});

describe("mlp backprop", () => {
  it("matches central finite differences", () => {
    const data = loadMnist(2, 1, 1).train;
    const shape = { hidden: 6 };
    const p = initParams(shape, createRng(5));
    const g = new Float32Array(parameterCount(shape));
    const rows = [0, 1, 2, 3];
    lossAndGradient(p, shape, data, rows, g);
    const scratch = new Float32Array(p.length);
    const rng = createRng(9);
    let checked = 0;
    for (let t = 0; t < 400 && checked < 25; t++) {
      const i = rng.int(p.length);
      if (Math.abs(g[i]!) < 1e-3) continue;
      const eps = 1e-2;
      const orig = p[i]!;
      p[i] = orig + eps;
      const lp = lossAndGradient(p, shape, data, rows, scratch);
      p[i] = orig - eps;
      const lm = lossAndGradient(p, shape, data, rows, scratch);
      p[i] = orig;
      const fd = (lp - lm) / (Math.fround(orig + eps) - Math.fround(orig - eps));
      expect(Math.abs(fd - g[i]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(g[i]!)) + 2e-3);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe("OptINC aggregation path", () => {
  it("the golden digit aggregator it uses equals an independent rational reference", () => {
    const golden = goldenAggregate(4, 8, 4, "nearest-even");
    const agg = (d: Int32Array, out: Int32Array) => out.set(golden(d));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 4, maxLength: 4 }), (xs) => {
        const digits = new Int32Array(16);
        xs.forEach((x, w) => {
          let v = x + 128;
          for (let k = 0; k < 4; k++) {
            digits[w * 4 + k] = v % 4;
            v = Math.floor(v / 4);
          }
        });
        const out = new Int32Array(4);
        agg(digits, out);
        const code = out[0]! + 4 * out[1]! + 16 * out[2]! + 64 * out[3]!;
        expect(code - 128).toBe(referenceAverage(xs));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it("ideal OptINC gradients stay within one quantization step of the exact average", () => {
    const agg = optincAggregator({ format: FORMAT });
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), { minLength: 4 * 40, maxLength: 4 * 40 }),
        (flat) => {
          const grads = [0, 1, 2, 3].map((w) => Float32Array.from(flat.slice(w * 40, w * 40 + 40)));
          const got = agg(grads);
          const exact = exactAverage(grads);
          const scales = blockScales(grads, FORMAT.blockSize);
          for (let i = 0; i < 40; i++) {
            const step = scales[(i / FORMAT.blockSize) | 0]! / maxLevel(FORMAT.precision);
            expect(Math.abs(got[i]! - exact[i]!)).toBeLessThanOrEqual(step * (1 + 1e-6) + 1e-12);
          }
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it("injected errors move outputs by the drawn number of steps", () => {
    const ideal = optincAggregator({ format: FORMAT });
    const noisy = optincAggregator({ format: FORMAT, errors: { rate: 1, magnitudes: [{ steps: 1, probability: 1 }] }, seed: 3 });
    const rng = createRng(11);
    const grads = [0, 1, 2, 3].map(() => Float32Array.from({ length: 64 }, () => rng.normal() * 0.1));
    const a = ideal(grads);
    const b = noisy(grads);
    const scales = blockScales(grads, FORMAT.blockSize);
    for (let i = 0; i < 64; i++) {
      const step = scales[(i / FORMAT.blockSize) | 0]! / maxLevel(FORMAT.precision);
      expect(Math.abs(Math.abs(b[i]! - a[i]!) / step - 1)).toBeLessThan(1e-4);
    }
    // The ring reference is the executed ring all-reduce: equal to the average within fp32 rounding.
    const ring = ringAverage(grads);
    const ex = exactAverage(grads);
    for (let i = 0; i < 64; i++) expect(Math.abs(ring[i]! - ex[i]!)).toBeLessThan(1e-6);
  });

  it("injects errors at the configured rate with ±1 ≈ 90% of them, fresh each step", () => {
    const f: OptincFormat = { ...FORMAT, blockSize: 4096 };
    const ideal = optincAggregator({ format: f });
    const noisy = optincAggregator({ format: f, errors: tableIIErrors(0.1), seed: 7 });
    const rng = createRng(5);
    const grads = [0, 1, 2, 3].map(() => Float32Array.from({ length: 20000 }, () => rng.normal() * 0.01));
    const a = ideal(grads);
    const scale = blockScales(grads, 4096);
    const count = (b: Float32Array) => {
      let errs = 0;
      let ones = 0;
      for (let i = 0; i < a.length; i++) {
        const steps = Math.round(((b[i]! - a[i]!) * qmax(8)) / scale[(i / 4096) | 0]!);
        if (steps !== 0) errs++;
        if (Math.abs(steps) === 1) ones++;
      }
      return { errs, ones };
    };
    const first = noisy(grads);
    const { errs, ones } = count(first);
    expect(errs / a.length).toBeGreaterThan(0.09);
    expect(errs / a.length).toBeLessThan(0.11);
    expect(ones / errs).toBeGreaterThan(0.86);
    expect(ones / errs).toBeLessThan(0.94);
    const second = noisy(grads);
    expect(Buffer.from(second.buffer).equals(Buffer.from(first.buffer))).toBe(false);
  });
});

describe("training emulation (reduced)", () => {
  const config: EmulationConfig = {
    workers: 4,
    hidden: 16,
    batchPerWorker: 8,
    steps: 40,
    learningRate: 0.1,
    evalEvery: 10,
    trainPerDigit: 60,
    testPerDigit: 20,
    seed: 2,
  };
  const scenario = { ...SHORT_SCENARIO, ...config };

  it("loss decreases for ring, ideal OptINC and OptINC with errors; runs are reproducible", () => {
    const runs = emulate(config, scenarioAggregators(scenario));
    expect(runs.map((r) => r.name)).toHaveLength(3);
    for (const r of runs) {
      expect(r.curve.length).toBe(4);
      expect(r.curve[r.curve.length - 1]!.testLoss).toBeLessThan(r.curve[0]!.testLoss);
      expect(r.curve[r.curve.length - 1]!.trainLoss).toBeLessThan(r.curve[0]!.trainLoss);
      expect(r.finalAccuracy).toBeGreaterThan(0.5);
    }
    expect(runs[0]!.meanRelativeGradientError).toBeLessThan(1e-6); // fp32 rounding of the executed ring
    expect(runs[1]!.meanRelativeGradientError).toBeGreaterThan(0);
    expect(runs[1]!.meanRelativeGradientError).toBeLessThan(0.1);
    // The same runs again, byte for byte: these (another 4 s) in the full tier, two 10-step runs in
    // npm test.
    if (FULL) expect(JSON.stringify(emulate(config, scenarioAggregators(scenario)))).toBe(JSON.stringify(runs));
    else {
      const short = { ...config, steps: 10, evalEvery: 5 };
      const twice = [0, 1].map(() => JSON.stringify(emulate(short, scenarioAggregators({ ...scenario, ...short }))));
      expect(twice[1]).toBe(twice[0]);
    }
  });
});

describe("compiled circuit as the aggregator", () => {
  it("a tabulated exact circuit behaves like the golden function, in aggregation and in training", async () => {
    const { circuitAggregateMany } = await import("../../../verify/circuit/tabulated-aggregator.ts");
    const { tinyCircuit } = await import("../../verify/circuit/tiny-pipeline.ts");
    const many = circuitAggregateMany(tinyCircuit());
    const golden = goldenAggregate(2, 2, 2, "nearest-even");
    const all = new Int32Array(16 * 4);
    for (let c = 0; c < 16; c++) for (let i = 0; i < 4; i++) all[c * 4 + i] = (c >> i) & 1;
    const got = many(all, 16);
    for (let c = 0; c < 16; c++)
      expect(Array.from(got.subarray(c * 2, c * 2 + 2))).toEqual(Array.from(golden(all.subarray(c * 4, c * 4 + 4))));
    const s = {
      ...SHORT_SCENARIO,
      workers: 2,
      precision: 2,
      levels: 2 as const,
      hidden: 8,
      batchPerWorker: 8,
      steps: 10,
      evalEvery: 5,
      trainPerDigit: 20,
      testPerDigit: 5,
    };
    const viaCircuit = emulate(s, scenarioAggregators(s, { aggregateMany: many }));
    const viaGolden = emulate(s, scenarioAggregators(s));
    expect(JSON.stringify(viaCircuit)).toBe(JSON.stringify(viaGolden));
    // A noisy device changes the outputs of some input classes.
    const noisy = circuitAggregateMany(tinyCircuit(), { nonIdealities: { phaseNoise: 0.5 }, seed: 1, trial: 0 });
    const bad = noisy(all, 16);
    expect(Array.from(bad)).not.toEqual(Array.from(got));
  });
});
