import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareModels, evaluateModels } from "../../../system/models/index.ts";
import { ceilLog, modelInputs, type ModelInputs } from "../../../system/models/params.ts";

const byName = (p: ModelInputs) => Object.fromEntries(evaluateModels(p).map((m) => [m.name, m]));

// Round numbers so every expected value below is computed by hand.
// B = 1 transceiver × 8 Gb/s = 1e9 B/s, α = 10 µs, no hop latency, γ = 1 ps/byte, M = 64 MB, N = 8.
const HAND = modelInputs({
  workers: 8,
  messageBytes: 64e6,
  transceivers: 1,
  transceiverBps: 8e9,
  stepLatency: 1e-5,
  hopLatency: 0,
  reduceSecondsPerByte: 1e-12,
});

describe("cost models against hand-computed values", () => {
  it("ring: 14·α + 1.75·M/B + 0.875·M·γ", () => {
    expect(byName(HAND).ring!.time_s).toBeCloseTo(14e-5 + 0.112 + 5.6e-5, 12);
  });
  it("recursive doubling: 3·α + 3·M/B + 3·M·γ", () => {
    expect(byName(HAND)["recursive-doubling"]!.time_s).toBeCloseTo(3e-5 + 0.192 + 1.92e-4, 12);
  });
  it("Rabenseifner: 6·α + 1.75·M/B + 0.875·M·γ", () => {
    expect(byName(HAND).rabenseifner!.time_s).toBeCloseTo(6e-5 + 0.112 + 5.6e-5, 12);
  });
  it("double binary tree: 6·(α + 512 KiB/B) + 2M/B + M·γ", () => {
    expect(byName(HAND)["double-binary-tree"]!.time_s).toBeCloseTo(6 * (1e-5 + 524288e-9) + 0.128 + 6.4e-5, 12);
  });
  it("SHARP-like: α + M/B (one switch level, no hop latency)", () => {
    expect(byName(HAND).sharp!.time_s).toBeCloseTo(1e-5 + 0.064, 12);
  });
  it("OptINC: α + t_r + 2 levels·(2·10 m·5 ns/m + t_ONN + t_OEO) + M·8/32 / B", () => {
    const o = byName(HAND).optinc!;
    expect(o.notes.cascade_levels).toBe(2);
    expect(o.time_s).toBeCloseTo(1e-5 + 3e-9 + 2 * (100e-9 + 10e-9 + 100e-9) + 0.016, 12);
    expect(o.notes.bytes_per_worker).toBe(16e6);
  });
  it("optical ring: 14·(α + (M/8)/(8 Gb/s)) + 0.875·M·γ", () => {
    expect(byName(HAND)["optical-ring"]!.time_s).toBeCloseTo(14 * (1e-5 + 8e6 / 1e9) + 5.6e-5, 12);
  });
  it("optical recursive doubling: ⌈1/64⌉ + ⌈2/64⌉ + ⌈4/64⌉ = 3 rounds of (α + t_r + M/b_λ) + 3·M·γ", () => {
    expect(byName(HAND)["optical-rd"]!.notes.rounds).toBe(3);
    expect(byName(HAND)["optical-rd"]!.time_s).toBeCloseTo(3 * (1e-5 + 3e-9) + 0.192 + 1.92e-4, 12);
  });
  it("algbw = M/t for every model; busbw only for endpoint algorithms", () => {
    for (const m of evaluateModels(HAND)) {
      expect(m.algbw_Bps).toBeCloseTo(64e6 / m.time_s, 3);
      expect(m.busbw_Bps === undefined).toBe(m.kind.endsWith("in-network"));
    }
  });
  it("ceilLog on integers", () => {
    expect([ceilLog(1, 2), ceilLog(2, 2), ceilLog(16, 4), ceilLog(17, 4), ceilLog(1024, 2), ceilLog(1024, 9)]).toEqual([0, 1, 2, 3, 10, 4]);
  });
});

describe("identities and published checks", () => {
  it("nccl-tests: ring busbw = link bandwidth when α = γ = 0, and → B for large messages otherwise", () => {
    for (const n of [2, 4, 8, 16, 64, 1024]) {
      const ideal = modelInputs({ workers: n, messageBytes: 1e8, stepLatency: 0, hopLatency: 0, reduceSecondsPerByte: 0 });
      expect(byName(ideal).ring!.busbw_Bps! / 800e9).toBeCloseTo(1, 12);
      let prev = 0;
      for (const mb of [1e6, 1e8, 1e10, 1e13]) {
        const r = byName(modelInputs({ workers: n, messageBytes: mb, reduceSecondsPerByte: 0 })).ring!;
        expect(r.busbw_Bps!).toBeGreaterThan(prev); // monotone in M
        expect(r.busbw_Bps!).toBeLessThan(800e9);
        prev = r.busbw_Bps!;
      }
      expect(prev / 800e9).toBeGreaterThan(0.999); // 10 TB: the α term has vanished
    }
  });

  it("reproduces allreduce-models.md §5.5: ideal INC vs ring and Rabenseifner (B = 50 GB/s, α = 10 µs, 32-bit)", () => {
    const at = (n: number) => {
      const p = modelInputs({
        workers: n,
        messageBytes: 100e6,
        transceivers: 1,
        transceiverBps: 400e9,
        stepLatency: 10e-6,
        hopLatency: 0,
        reduceSecondsPerByte: 0,
      });
      const m = byName(p);
      return { ring: m.ring!.time_s / m.sharp!.time_s, rab: m.rabenseifner!.time_s / m.sharp!.time_s };
    };
    expect(at(8).ring).toBeCloseTo(1.8, 1);
    expect(at(8).rab).toBeCloseTo(1.77, 1);
    expect(at(1024).ring).toBeCloseTo(12.17, 1);
    expect(at(1024).rab).toBeCloseTo(2.09, 1);
  });

  it("WRHT wins when per-step overhead dominates and its loss budget does not bind, and loses for large messages at small α (§1.3)", () => {
    const slow = byName(
      modelInputs({ workers: 1024, messageBytes: 10e6, stepLatency: 48e-6, transceiverBps: 100e9, mrrThroughLossDb: 0, nodeWaveguideM: 0 }),
    );
    expect(slow.wrht!.notes.loss_binds).toBe(false);
    expect(slow.wrht!.time_s).toBeLessThan(0.1 * slow["optical-ring"]!.time_s);
    // At the DSENT through loss the top level (512 nodes away) regenerates, and the win shrinks.
    const lossy = byName(modelInputs({ workers: 1024, messageBytes: 10e6, stepLatency: 48e-6, transceiverBps: 100e9 }));
    expect(lossy.wrht!.notes.loss_binds).toBe(true);
    expect(lossy.wrht!.time_s).toBeGreaterThan(slow.wrht!.time_s);
    const fast = byName(modelInputs({ workers: 4, messageBytes: 1e9, stepLatency: 1e-6 }));
    expect(fast.wrht!.time_s).toBeGreaterThan(fast["optical-ring"]!.time_s);
  });

  it("Dai et al. (§1.2): on a 1024-node WDM ring RD improves with W, ring does not; crossover ≈ 64 MB at α_o + t_r = 48 µs", () => {
    const dai = (m: number, w: number) =>
      byName(
        modelInputs({
          workers: 1024,
          messageBytes: m,
          wavelengths: w,
          opticalStripe: 1,
          transceiverBps: 100e9,
          stepLatency: 48e-6,
          reconfigTime: 0,
          reduceSecondsPerByte: 0,
        }),
      );
    const rd = [16, 64, 256].map((w) => dai(10e6, w)["optical-rd"]!.time_s);
    expect(rd[0]).toBeGreaterThan(rd[1]!);
    expect(rd[1]).toBeGreaterThan(rd[2]!);
    const ring = [16, 64, 256].map((w) => dai(10e6, w)["optical-ring"]!.time_s);
    expect(new Set(ring).size).toBe(1);
    // 2046·(α + M/1024/b) = 21·(α + M/b) ⇒ M = 2025·α·b / (21 − 2046/1024) ≈ 63.9 MB
    expect(dai(60e6, 64)["optical-rd"]!.time_s).toBeLessThan(dai(60e6, 64)["optical-ring"]!.time_s);
    expect(dai(68e6, 64)["optical-rd"]!.time_s).toBeGreaterThan(dai(68e6, 64)["optical-ring"]!.time_s);
  });

  it("OptINC is compared with the best electrical baseline, never only ring (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 2048 }),
        fc.double({ min: 1e3, max: 1e10, noNaN: true }),
        fc.double({ min: 0, max: 1e-4, noNaN: true }),
        (n, m, a) => {
          const c = compareModels(modelInputs({ workers: n, messageBytes: m, stepLatency: a }));
          const t = Object.fromEntries(c.models.map((x) => [x.name, x.time_s]));
          const minElec = Math.min(t.ring!, t["recursive-doubling"]!, t.rabenseifner!, t["double-binary-tree"]!, t.sharp!);
          expect(t[c.bestElectrical]).toBe(minElec);
          expect(c.speedupVsBestElectrical).toBeLessThanOrEqual(c.speedupVsRing);
          expect(c.speedupVsBestBaseline).toBeLessThanOrEqual(c.speedupVsBestElectrical);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("rejects fewer than two workers and non-positive sizes", () => {
    expect(() => evaluateModels(modelInputs({ workers: 1, messageBytes: 1 }))).toThrow(/at least 2 workers/);
    expect(() => evaluateModels(modelInputs({ workers: 4, messageBytes: 0 }))).toThrow(/positive/);
  });
});
