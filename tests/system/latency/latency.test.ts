import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../../dsl/defaults.ts";
import { PRESETS } from "../../../dsl/presets.ts";
import { bandwidthForTarget, computeTimeForTarget, latencyBreakdown } from "../../../system/latency.ts";

describe("iteration latency breakdown", () => {
  it("rows: ring first at 1.0, compute from the preset, total = compute + comm, OptINC last", () => {
    for (const preset of ["resnet50-cifar100", "llama-8l-384"]) {
      const b = latencyBreakdown(preset, 4);
      expect(b.rows[0]!.model).toBe("ring");
      expect(b.rows[0]!.normalized).toBe(1);
      expect(b.rows.at(-1)!.model).toBe("optinc");
      for (const r of b.rows) {
        expect(r.compute).toBe(PRESETS[preset]!.computeTime);
        expect(r.total).toBeCloseTo(r.compute + r.comm, 15);
        expect(r.normalized).toBeLessThanOrEqual(1);
      }
    }
  });

  it("hand-computed: α = h = γ = 0, no scale sync → ring comm 1.5·M/B, OptINC comm M/4/B + fixed optics", () => {
    const b = latencyBreakdown("resnet50-cifar100", 4, {
      stepLatency: 0,
      hopLatency: 0,
      reduceSecondsPerByte: 0,
      reconfigTime: 0,
      scaleSync: false,
    });
    const m = PRESETS["resnet50-cifar100"]!.gradientBytes;
    const bw = 800e9; // 8 × 800 Gb/s
    expect(b.rows[0]!.comm).toBeCloseTo((1.5 * m) / bw, 15);
    const fixed = 2 * 10 * 5e-9 + 10e-9 + 100e-9; // propagation both ways over 10 m, ONN, O/E/O
    expect(b.rows.at(-1)!.comm).toBeCloseTo(m / 4 / bw + fixed, 15);
    const c = PRESETS["resnet50-cifar100"]!.computeTime;
    expect(b.rows.at(-1)!.normalized).toBeCloseTo((c + m / 4 / bw + fixed) / (c + (1.5 * m) / bw), 12);
  });

  it("full overlap hides all communication; a Spec gives the same result as its preset", () => {
    for (const r of latencyBreakdown("llama-8l-384", 8, { overlap: 1 }).rows) expect(r.normalized).toBe(1);
    const spec = defaultSpec("t"); // resnet50-cifar100 with the paper's link
    expect(latencyBreakdown(spec, 4).rows).toEqual(latencyBreakdown("resnet50-cifar100", 4).rows);
    expect(() => latencyBreakdown("nope", 4)).toThrow(/unknown workload preset "nope"/);
  });

  it("solvers: the bandwidth and the compute time they return reproduce the target", () => {
    const bStar = bandwidthForTarget("resnet50-cifar100", 4, 0.74)!;
    const at = latencyBreakdown("resnet50-cifar100", 4, { transceivers: 1, transceiverBps: 8 * bStar }).rows;
    expect(at.at(-1)!.normalized).toBeCloseTo(0.74, 6);
    expect(bStar).toBeLessThan(100e9); // far below the paper's 800 GB/s per server
    const cStar = computeTimeForTarget("resnet50-cifar100", 4, 0.74)!;
    const spec = defaultSpec("t");
    spec.workload = { ...spec.workload, computeTime: cStar };
    expect(latencyBreakdown(spec, 4).rows.at(-1)!.normalized).toBeCloseTo(0.74, 9);
    expect(computeTimeForTarget("resnet50-cifar100", 4, 0.01)).toBeNull(); // unreachable
  });
});
