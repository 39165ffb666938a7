// Every cost model term by term against values worked out by hand, with non-zero hop latency,
// reconfiguration time and reduction cost so that no term hides behind a zero; the defaults and
// where each comes from; the comparison's choice of baselines, tie-break included.
import { describe, expect, it } from "vitest";
import {
  doubleBinaryTreeModel,
  rabenseifnerModel,
  recursiveDoublingModel,
  ringModel,
  sharpModel,
} from "../../../system/models/electrical.ts";
import { compareModels, evaluateModels } from "../../../system/models/index.ts";
import { opticalRecursiveDoublingModel, opticalRingModel } from "../../../system/models/optical.ts";
import { optincModel } from "../../../system/models/optinc.ts";
import { DEFAULT_MODEL_INPUTS, modelInputs, opticalStripe, serverBandwidth } from "../../../system/models/params.ts";
import { finish } from "../../../system/models/result.ts";

// B = 2 transceivers × 8 Gb/s = 2e9 B/s; α = 4 µs, h = 1 µs, γ = 1 ns/B, t_r = 0.5 µs; M = 8 MB; N = 8.
const P = modelInputs({
  workers: 8,
  messageBytes: 8e6,
  transceivers: 2,
  transceiverBps: 8e9,
  stepLatency: 4e-6,
  hopLatency: 1e-6,
  reduceSecondsPerByte: 1e-9,
  reconfigTime: 0.5e-6,
  wavelengths: 4,
  treeChunkBytes: 1e6,
  switchRadix: 4,
  fiberLength: 100,
  onnLatency: 20e-9,
  oeoLatency: 30e-9,
  radix: 2,
});

const terms = (t: { latency_s: number; transfer_s: number; reduce_s: number }) => [t.latency_s, t.transfer_s, t.reduce_s];
const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 15));

describe("electrical baselines, term by term", () => {
  it("ring: 14·(α + h), 1.75·M/B, 0.875·M·γ", () => {
    const r = ringModel(P);
    close(terms(r.terms), [14 * 5e-6, 1.75 * 4e-3, 0.875 * 8e-3]);
    expect(r).toMatchObject({ name: "ring", kind: "electrical-endpoint", derived: false, notes: { steps: 14, bytes_per_worker: 14e6 } });
  });
  it("recursive doubling: 3·(α + h), 3·M/B, 3·M·γ", () => {
    const r = recursiveDoublingModel(P);
    close(terms(r.terms), [15e-6, 12e-3, 24e-3]);
    expect(r).toMatchObject({ derived: false, notes: { steps: 3, bytes_per_worker: 24e6 } });
  });
  it("Rabenseifner: 6·(α + h), 1.75·M/B, 0.875·M·γ", () => {
    const r = rabenseifnerModel(P);
    close(terms(r.terms), [30e-6, 7e-3, 7e-3]);
    expect(r).toMatchObject({ derived: false, notes: { steps: 6, bytes_per_worker: 14e6 } });
  });
  it("double binary tree: 6·(α + h + 1 MB/B), 2M/B, M·γ; chunk min(1 MB, M/2)", () => {
    const r = doubleBinaryTreeModel(P);
    close(terms(r.terms), [6 * (5e-6 + 0.5e-3), 8e-3, 8e-3]);
    expect(r).toMatchObject({ derived: false, notes: { steps: 6, bytes_per_worker: 16e6, chunk_bytes: 1e6 } });
    // A 1 MB message: each tree carries 0.5 MB, which caps the chunk.
    expect(doubleBinaryTreeModel({ ...P, messageBytes: 1e6 }).notes.chunk_bytes).toBe(0.5e6);
    // Two ranks: no interior rank, each sends M once; one rank: nothing to send or reduce.
    expect(doubleBinaryTreeModel({ ...P, workers: 2 }).notes.bytes_per_worker).toBe(8e6);
    expect(doubleBinaryTreeModel({ ...P, workers: 2 }).terms.reduce_s).toBeCloseTo(8e-3, 15);
    const one = doubleBinaryTreeModel({ ...P, workers: 1 });
    expect([one.notes.bytes_per_worker, one.terms.transfer_s, one.terms.reduce_s]).toEqual([0, 0, 0]);
  });
  it("SHARP-like: α + 2·depth·h + M/B, depth = ⌈log_4 8⌉ = 2; at least one switch level", () => {
    const r = sharpModel(P);
    close(terms(r.terms), [4e-6 + 4e-6, 4e-3, 0]);
    expect(r).toMatchObject({ kind: "electrical-in-network", derived: false, notes: { steps: 1, switch_depth: 2, bytes_per_worker: 8e6 } });
    expect(sharpModel({ ...P, workers: 1 }).notes.switch_depth).toBe(1);
    expect(sharpModel({ ...P, workers: 64 }).notes.switch_depth).toBe(3);
  });
});

describe("optical baselines, term by term", () => {
  it("optical ring: 14·α, 14·(M/N)/(k·b_λ) with k = min(transceivers, W) = 2, 0.875·M·γ", () => {
    const r = opticalRingModel(P);
    expect(opticalStripe(P)).toBe(2);
    close(terms(r.terms), [14 * 4e-6, 14 * (1e6 / 2e9), 7e-3]);
    expect(r).toMatchObject({ kind: "optical-endpoint", derived: true, notes: { steps: 14, wavelengths_per_transfer: 2 } });
  });
  it("optical recursive doubling: ⌈1·2/4⌉ + ⌈2·2/4⌉ + ⌈4·2/4⌉ = 4 rounds of (α + t_r + M/(k·b_λ)), 3·M·γ", () => {
    const r = opticalRecursiveDoublingModel(P);
    close(terms(r.terms), [4 * 4.5e-6, 4 * 4e-3, 24e-3]);
    expect(r).toMatchObject({ derived: true, notes: { steps: 3, rounds: 4, wavelengths_per_transfer: 2 } });
  });
  // WRHT (wrht.ts) is checked against hand computations in seed-systems.test.ts.
});

describe("OptINC and the shared result fields", () => {
  it("OptINC: α + t_r + 2·levels·L·5 ns/m + levels·(t_ONN + t_OEO), M·q/32 / B, levels = ⌈log_2 8⌉ = 3", () => {
    const r = optincModel(P);
    close(terms(r.terms), [4e-6 + 0.5e-6 + 2 * 3 * 100 * 5e-9 + 3 * 50e-9, 2e6 / 2e9, 0]);
    expect(r).toMatchObject({
      kind: "optical-in-network",
      derived: false,
      notes: { steps: 1, cascade_levels: 3, bytes_per_worker: 2e6, bits: 8 },
    });
    expect(optincModel({ ...P, workers: 2, radix: 4 }).notes.cascade_levels).toBe(1);
  });

  it("finish: time is the sum of the terms, algbw = M/t, busbw = algbw·2(N−1)/N for endpoint algorithms with N > 1", () => {
    const t = { latency_s: 1, transfer_s: 2, reduce_s: 5 };
    const e = finish("x", "electrical-endpoint", false, 80, 4, t, { a: 1 });
    expect(e).toEqual({
      name: "x",
      kind: "electrical-endpoint",
      derived: false,
      time_s: 8,
      algbw_Bps: 10,
      busbw_Bps: 15,
      terms: t,
      notes: { a: 1 },
    });
    expect(finish("y", "optical-endpoint", true, 80, 4, t, {}).busbw_Bps).toBe(15);
    expect(finish("z", "optical-in-network", false, 80, 4, t, {}).busbw_Bps).toBeUndefined();
    expect(finish("w", "electrical-endpoint", false, 80, 1, t, {}).busbw_Bps).toBeUndefined();
  });
});

describe("defaults and comparison", () => {
  it("the documented defaults (params.ts)", () => {
    expect(DEFAULT_MODEL_INPUTS).toEqual({
      linkPjPerBit: 21.25,
      switchPjPerBit: 8.8,
      optincChipPjPerBit: 31.15,
      transceiverBps: 800e9,
      transceivers: 8,
      electricalBps: null,
      baselineBits: 32,
      stepLatency: 2.7e-6,
      hopLatency: 130e-9,
      reduceSecondsPerByte: 3 / 3.35e12,
      fiberLength: 10,
      bits: 8,
      wavelengths: 64,
      opticalStripe: null,
      reconfigTime: 3e-9,
      onnLatency: 10e-9,
      oeoLatency: 100e-9,
      radix: 4,
      switchRadix: 64,
      treeChunkBytes: 524_288,
      seed: 1,
      wrhtReceivers: null,
      ringsPerNode: null,
      laserPowerDbm: 10,
      receiverSensitivityDbm: -15,
      lossMarginDb: 3,
      modulatorLossDb: 1,
      couplingLossDb: 1,
      mrrThroughLossDb: 0.01,
      mrrDropLossDb: 1,
      photodetectorLossDb: 1,
      waveguideLossDbPerM: 100,
      nodeWaveguideM: 1e-3,
      wrhtRegeneration: "cut-through",
      oddlWssTime: 20e-3,
      oddlControlDelay: 25e-6,
      oddlTuneTime: 10e-9,
      oddlSchedule: "best",
      fatTreeRadix: 16,
      fatTreeOversubscription: 1,
      fatTreeLinkLatency: 500e-9,
      placement: "ordered",
      fatTreeAlgorithm: "best",
      placementTrials: 8,
      sipRingWavelengths: 4,
      sipRingReconfigTime: 1e-3,
      sipRingLiveTime: 4e-3,
      sipRingPlacement: "ordered",
    });
    expect(DEFAULT_MODEL_INPUTS.reduceSecondsPerByte).toBeCloseTo(8.955e-13, 15);
    expect(serverBandwidth(modelInputs({ workers: 2, messageBytes: 1 }))).toBe(800e9);
    expect(modelInputs({ workers: 3, messageBytes: 5, bits: 16 })).toMatchObject({ workers: 3, messageBytes: 5, bits: 16, radix: 4 });
  });

  it("speed-ups are exact ratios of the named models' times", () => {
    const c = compareModels(P);
    const t = Object.fromEntries(evaluateModels(P).map((m) => [m.name, m.time_s]));
    const elec = ["ring", "recursive-doubling", "rabenseifner", "double-binary-tree", "sharp"];
    const best = elec.reduce((a, b) => (t[b]! < t[a]! ? b : a));
    const baseline = Object.keys(t)
      .filter((n) => n !== "optinc")
      .reduce((a, b) => (t[b]! < t[a]! ? b : a));
    expect(c.bestElectrical).toBe(best);
    expect(c.bestBaseline).toBe(baseline);
    expect(c.speedupVsRing).toBe(t.ring! / t.optinc!);
    expect(c.speedupVsBestElectrical).toBe(t[best]! / t.optinc!);
    expect(c.speedupVsBestBaseline).toBe(t[baseline]! / t.optinc!);
    expect(c.models.map((m) => m.name)).toEqual([
      "ring",
      "recursive-doubling",
      "rabenseifner",
      "double-binary-tree",
      "sharp",
      "optical-ring",
      "optical-rd",
      "wrht",
      "optinc",
    ]);
  });

  it("a tie goes to the model listed first (N = 2 with α = h = γ = 0: ring, RD, Rabenseifner and SHARP all take M/B)", () => {
    const c = compareModels(modelInputs({ workers: 2, messageBytes: 1e6, stepLatency: 0, hopLatency: 0, reduceSecondsPerByte: 0 }));
    const t = Object.fromEntries(c.models.map((m) => [m.name, m.time_s]));
    expect(new Set([t.ring, t["recursive-doubling"], t.rabenseifner, t.sharp]).size).toBe(1);
    expect(c.bestElectrical).toBe("ring");
  });
});
