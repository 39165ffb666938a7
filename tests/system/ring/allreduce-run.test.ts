// One `optinc allreduce` run (system/ring/allreduce-run.ts) against the same computation redone
// here from its parts: the executed-array budget, the ring's and OptINC's errors, exact-match
// counting against the golden average, and every figure of the JSON it returns.
import { describe, expect, it } from "vitest";
import { goldenAverage } from "../../../aggregate/golden.ts";
import { latencyBreakdown } from "../../../system/latency.ts";
import { compareModels } from "../../../system/models/index.ts";
import { modelInputs } from "../../../system/models/params.ts";
import { optincAllReduce } from "../../../system/datapath.ts";
import type { AggregateMany } from "../../../aggregate/aggregator.ts";
import { qmax } from "../../../system/block-quantize.ts";
import { executedElements, goldenAggregate, runAllreduce, type AllreduceRunOptions } from "../../../system/ring/allreduce-run.ts";
import { syntheticGradients } from "../../../system/ring/gradients.ts";
import { exactAverage, maxAbsError, ringAllReduce } from "../../../system/ring/ring-allreduce.ts";

function options(o: Partial<AllreduceRunOptions> = {}): AllreduceRunOptions {
  return {
    workers: 4,
    messageBytes: 4 * 1000,
    execElements: 1 << 20,
    bits: 8,
    levels: 4,
    encoding: "offset-binary",
    rounding: "nearest-even",
    blockSize: 64,
    seed: 9,
    link: {},
    ...o,
  };
}

describe("goldenAggregate", () => {
  it("reads each worker's digits (least significant first) as its code and returns the golden average's digits", () => {
    const agg = goldenAggregate(3, 8, 4, "nearest-even");
    // Codes 27 = [3, 2, 1, 0], 200 = [0, 2, 0, 3], 255 = [3, 3, 3, 3]; average code of (−101, 72, 127) = 32.67 → 33 + 128.
    const out = agg(Int32Array.from([3, 2, 1, 0, 0, 2, 0, 3, 3, 3, 3, 3]));
    expect(goldenAverage([27, 200, 255], { precision: 8, rounding: "nearest-even" })).toBe(161);
    expect([...out]).toEqual([1, 0, 2, 2]); // 161 = 1 + 0·4 + 2·16 + 2·64
    expect([...goldenAggregate(2, 4, 2, "floor")(Int32Array.from([1, 0, 0, 1, 0, 1, 1, 1]))]).toEqual([1, 1, 0, 1]); // codes 9, 14 → ⌊(1 + 6)/2⌋ + 8 = 11
  });
});

describe("runAllreduce", () => {
  it("executes the whole array when it fits, and reproduces the ring's and OptINC's errors from the same gradients", () => {
    const o = options({ workers: 5, messageBytes: 4 * 997 });
    const run = runAllreduce(o);
    expect(run.executed).toEqual({ elements: 997, scaled: false });
    const grads = syntheticGradients(5, 997, o.seed + 5);
    const exact = exactAverage(grads);
    const ring = ringAllReduce(grads);
    expect(run.ring.maxAbsError).toBe(maxAbsError(ring.outputs[0]!, exact));
    expect(run.ring.maxAbsError).toBeGreaterThan(0);
    const opt = optincAllReduce(grads, {
      precision: 8,
      levels: 4,
      encoding: "offset-binary",
      rounding: "nearest-even",
      blockSize: 64,
      aggregate: goldenAggregate(5, 8, 4, "nearest-even"),
    });
    let err = 0;
    let steps = 0;
    for (let i = 0; i < 997; i++) {
      const e = Math.abs(opt.output[i]! - exact[i]!);
      err = Math.max(err, e);
      steps = Math.max(steps, e / (opt.scales[Math.floor(i / 64)]! / qmax(8)));
    }
    expect(run.optinc.maxAbsError).toBe(err);
    expect(run.optinc.maxErrorSteps).toBe(steps);
    expect(steps).toBeGreaterThan(0.4);
    expect(steps).toBeLessThanOrEqual(1);
    expect(run.optinc).toMatchObject({
      bits: 8,
      bytesSentPerWorker: 997,
      scaleBytesPerWorker: 4 * Math.ceil(997 / 64),
      injectedErrors: 0,
      mismatchedElements: 0,
    });
    expect(run.volumeRatioAtBits).toBe(run.ring.bytesSentPerWorker / 997);
    expect(run.messageBytes).toBe(4 * 997);
    expect(run.workers).toBe(5);
  });

  it("the executed budget: at most 2^22 values over all workers, at least one element per worker, whole rounds of N", () => {
    // 512 workers: ⌊2^22 / 512⌋ = 8,192 elements even when more are allowed; 3 workers: a cap of ⌊2^22 / 3⌋ = 1,398,101, so 1,398,099 in whole rounds of 3.
    expect(executedElements(512, 10_000, 1e9)).toEqual({ elements: 8192, scaled: true });
    expect(executedElements(3, 2e6, 1e9)).toEqual({ elements: 1_398_099, scaled: true });
    expect(executedElements(3, 1_398_102, 1e9)).toEqual({ elements: 1_398_099, scaled: true });
    expect(executedElements(3, 1_398_101, 1e9)).toEqual({ elements: 1_398_101, scaled: false }); // exactly the cap
    // Exactly the cap: not scaled.
    expect(executedElements(5, 1000, 1000)).toEqual({ elements: 1000, scaled: false });
    // A cap of 1003 over 5 workers executes 1,000 (whole rounds); a cap below N still runs N.
    expect(executedElements(5, 5000, 1003)).toEqual({ elements: 1000, scaled: true });
    expect(executedElements(5, 5000, 3)).toEqual({ elements: 5, scaled: true });
    // …and runAllreduce executes what the budget says.
    expect(runAllreduce(options({ workers: 5, messageBytes: 4 * 5000, execElements: 1003 })).executed).toEqual({
      elements: 1000,
      scaled: true,
    });
    expect(runAllreduce(options({ workers: 5, messageBytes: 4 * 1000, execElements: 1000 })).executed).toEqual({
      elements: 1000,
      scaled: false,
    });
  });

  it("scaled runs report full-size OptINC bytes and one fp32 scale per block of the full message", () => {
    const run = runAllreduce(options({ workers: 4, messageBytes: 4 * 100_001, execElements: 4096, blockSize: 100 }));
    expect(run.executed.scaled).toBe(true);
    expect(run.optinc.bytesSentPerWorker).toBe(100_001); // 8 bits per element
    expect(run.optinc.scaleBytesPerWorker).toBe(4 * 1001);
    expect(run.volumeRatioAtBits).toBe(run.ring.bytesSentPerWorker / 100_001);
  });

  it("counts elements whose level differs from the golden average's: injected errors, and a wrong aggregator", () => {
    const o = options({ workers: 4, messageBytes: 4 * 3000 });
    const noisy = runAllreduce({ ...o, errors: { rate: 0.1, distribution: [{ steps: 1, weight: 1 }], seed: 5 } });
    expect(noisy.optinc.injectedErrors).toBeGreaterThan(200);
    // +1 step at the top level is clamped away, so a few injected errors change nothing.
    expect(noisy.optinc.mismatchedElements).toBeGreaterThan(0.9 * noisy.optinc.injectedErrors);
    expect(noisy.optinc.mismatchedElements).toBeLessThanOrEqual(noisy.optinc.injectedErrors);
    // An aggregator that returns digit 0 = 0 always: mismatched exactly where the golden digit 0 is not 0.
    const golden = goldenAggregate(4, 8, 4, "nearest-even");
    const zeroLow: AggregateMany = (digits, cases) => {
      const out = new Int32Array(cases * 4);
      for (let c = 0; c < cases; c++) {
        out.set(golden(digits.subarray(c * 16, c * 16 + 16)), c * 4);
        out[c * 4] = 0;
      }
      return out;
    };
    const grads = syntheticGradients(4, 3000, o.seed + 4);
    const ref = optincAllReduce(grads, {
      precision: 8,
      levels: 4,
      encoding: "offset-binary",
      rounding: "nearest-even",
      blockSize: 64,
      aggregate: golden,
    });
    const wrong = optincAllReduce(grads, {
      precision: 8,
      levels: 4,
      encoding: "offset-binary",
      rounding: "nearest-even",
      blockSize: 64,
      aggregateMany: zeroLow,
    });
    let differ = 0;
    for (let i = 0; i < 3000; i++) if (ref.levels[i] !== wrong.levels[i]) differ++;
    const bad = runAllreduce(o, zeroLow);
    expect(differ).toBeGreaterThan(1000);
    expect(bad.optinc.mismatchedElements).toBe(differ);
    expect(runAllreduce(o).optinc.mismatchedElements).toBe(0);
  });

  it("every model's time, bandwidths and derived flag at full size; OptINC at 32 bits isolates the INC gain", () => {
    const o = options({ workers: 6, messageBytes: 24e6, execElements: 1024, link: { stepLatency: 1e-5 } });
    const run = runAllreduce(o);
    const cmp = compareModels(modelInputs({ stepLatency: 1e-5, workers: 6, messageBytes: 24e6, bits: 8 }));
    const cmp32 = compareModels(modelInputs({ stepLatency: 1e-5, workers: 6, messageBytes: 24e6, bits: 32 }));
    for (const m of cmp.models) {
      const j = run.models[m.name]!;
      expect(j).toEqual({
        time: m.time_s,
        algbw: m.algbw_Bps,
        ...(m.busbw_Bps !== undefined ? { busbw: m.busbw_Bps } : {}),
        energy: m.energy!.joules,
        energyTerms: { links: m.energy!.terms.links_J, switching: m.energy!.terms.switching_J, aggregator: m.energy!.terms.aggregator_J },
        derived: m.derived,
      });
    }
    expect(Object.keys(run.models)).toEqual(cmp.models.map((m) => m.name));
    expect("busbw" in run.models.optinc!).toBe(false);
    expect("busbw" in run.models.ring!).toBe(true);
    expect(run.bestElectrical).toBe(cmp.bestElectrical);
    expect(run.speedupVsRing).toBe(cmp.speedupVsRing);
    expect(run.speedupVsBestElectrical).toBe(cmp.speedupVsBestElectrical);
    expect(run.equalPrecision).toEqual({ speedupVsRing: cmp32.speedupVsRing, speedupVsBestElectrical: cmp32.speedupVsBestElectrical });
    expect(run.equalPrecision.speedupVsRing).toBeLessThan(run.speedupVsRing);
    expect(run.latency).toBeUndefined();
    const withLatency = runAllreduce({ ...o, workload: "llama-8l-384" });
    expect(withLatency.latency).toEqual(latencyBreakdown("llama-8l-384", 6, { stepLatency: 1e-5, bits: 8, blockSize: 64 }));
    expect(withLatency.latency).not.toEqual(latencyBreakdown("llama-8l-384", 6, {}));
  });
});

describe("ring executor edge cases", () => {
  it("rejects no workers and unequal lengths; the mean of no workers is empty", () => {
    expect(() => ringAllReduce([])).toThrow("ringAllReduce: need at least one worker");
    expect(() => ringAllReduce([new Float32Array(3), new Float32Array(4)])).toThrow("ringAllReduce: workers' gradients differ in length");
    expect(exactAverage([]).length).toBe(0);
  });

  it("maxAbsError is the largest |a − ref| over the reference's elements", () => {
    expect(maxAbsError([1, 5, -2], [1.5, 4, 1])).toBe(3);
    expect(maxAbsError([], [])).toBe(0);
    expect(maxAbsError([0, -4, 0, 9], [0, 0, 0, 0])).toBe(9);
  });

  it("one worker: nothing is sent and the output is the input", () => {
    const r = ringAllReduce([Float32Array.of(1.5, -2)]);
    expect(r.steps).toBe(0);
    expect(Array.from(r.outputs[0]!)).toEqual([1.5, -2]);
    expect(r.perWorker[0]).toEqual({ messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0, steps: 0 });
  });
});
