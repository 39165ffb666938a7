// Every cost model term by term against values worked out by hand, with non-zero hop latency,
// reconfiguration time and reduction cost so that no term hides behind a zero; the defaults and
// where each comes from; the comparison's choice of baselines, tie-break included.
import { describe, expect, it } from "vitest";
import { doubleBinaryTreeModel, rabenseifnerModel, recursiveDoublingModel, ringModel, sharpModel } from "../../../system/models/electrical.ts";
import { compareModels, evaluateModels } from "../../../system/models/index.ts";
import { opticalRecursiveDoublingModel, opticalRingModel, wrhtModel } from "../../../system/models/optical.ts";
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
  /** The WRHT time at arity m, transcribed from optical.ts's doc comment. */
  function wrhtAt(p: typeof P, m: number): number {
    let levels = 0;
    for (let reach = 1; reach < p.workers; reach *= m) levels++;
    const kUp = Math.max(1, Math.floor(p.transceivers / (m - 1)));
    const kDown = Math.min(p.transceivers, p.wavelengths);
    const lambda = p.transceiverBps / 8;
    return levels * 2 * (p.stepLatency + p.reconfigTime) + levels * (p.messageBytes / (kUp * lambda) + p.messageBytes / (kDown * lambda)) + levels * (m - 1) * p.messageBytes * p.reduceSecondsPerByte;
  }

  it.each([
    // m ≤ min(8, 2·4 + 1, 2 + 1) = 3. m = 2: 3 levels, k_up 2: 27 µs + 24 ms + 24 ms; m = 3: 2 levels, k_up 1: 18 µs + 24 ms + 32 ms.
    ["reduction-heavy: the binary tree", P, 2, 27e-6 + 24e-3 + 24e-3],
    // Without γ, m = 3 saves a level: 18 µs + 24 ms against 27 µs + 24 ms.
    ["no reduction cost: arity 3", { ...P, reduceSecondsPerByte: 0 }, 3, 18e-6 + 24e-3],
    // Latency-bound, 16 nodes: m ≤ min(16, 2·2 + 1, 17) = 5 (the wavelength bound); m = 4 and 5 need 2 levels, m = 4 has the wider up-link (k_up 5 vs 4).
    ["latency-bound, wavelength-limited", { ...P, workers: 16, transceivers: 16, wavelengths: 2, stepLatency: 1e-3, reduceSecondsPerByte: 0, messageBytes: 1e3 }, 4, NaN],
    // An exact tie (binary-exact sizes): m = 2 takes 3·(2^−10 + 2^−10) s, m = 3 takes 2·(2^−9 + 2^−10) s; the smaller arity is kept.
    ["a tie between arities 2 and 3", { ...P, transceivers: 8, wavelengths: 64, transceiverBps: 8 * 2 ** 30, messageBytes: 2 ** 23, stepLatency: 0, reconfigTime: 0, reduceSecondsPerByte: 0 }, 2, 3 * 2 ** -9],
    // Latency-bound, transceiver-limited: m ≤ min(16, 129, 3 + 1) = 4, two levels.
    ["latency-bound, transceiver-limited", { ...P, workers: 16, transceivers: 3, wavelengths: 64, stepLatency: 1e-3, reduceSecondsPerByte: 0, messageBytes: 1e3 }, 4, NaN],
  ])("WRHT, %s: arity %i", (_what, p, arity, time) => {
    const r = wrhtModel(p);
    expect(r.notes.arity).toBe(arity);
    expect(r.notes.steps).toBe(2 * Math.ceil(Math.log(p.workers) / Math.log(arity) - 1e-12));
    expect(r.notes.wavelengths_per_child).toBe(Math.max(1, Math.floor(p.transceivers / (arity - 1))));
    expect(r.time_s).toBeCloseTo(wrhtAt(p, arity), 15);
    if (!Number.isNaN(time)) expect(r.time_s).toBeCloseTo(time, 15);
    if (arity === 2 && p.stepLatency === 0) expect(wrhtAt(p, 3)).toBe(r.time_s);
    const mMax = Math.max(2, Math.min(p.workers, 2 * p.wavelengths + 1, p.transceivers + 1));
    for (let m = 2; m <= mMax; m++) expect(wrhtAt(p, m)).toBeGreaterThanOrEqual(r.time_s - 1e-18);
    expect(r).toMatchObject({ name: "wrht", kind: "optical-endpoint", derived: true });
    expect(r.terms.latency_s + r.terms.transfer_s + r.terms.reduce_s).toBeCloseTo(r.time_s, 15);
  });
});

describe("OptINC and the shared result fields", () => {
  it("OptINC: α + t_r + 2·levels·L·5 ns/m + levels·(t_ONN + t_OEO), M·q/32 / B, levels = ⌈log_2 8⌉ = 3", () => {
    const r = optincModel(P);
    close(terms(r.terms), [4e-6 + 0.5e-6 + 2 * 3 * 100 * 5e-9 + 3 * 50e-9, 2e6 / 2e9, 0]);
    expect(r).toMatchObject({ kind: "optical-in-network", derived: false, notes: { steps: 1, cascade_levels: 3, bytes_per_worker: 2e6, bits: 8 } });
    expect(optincModel({ ...P, workers: 2, radix: 4 }).notes.cascade_levels).toBe(1);
  });

  it("finish: time is the sum of the terms, algbw = M/t, busbw = algbw·2(N−1)/N for endpoint algorithms with N > 1", () => {
    const t = { latency_s: 1, transfer_s: 2, reduce_s: 5 };
    const e = finish("x", "electrical-endpoint", false, 80, 4, t, { a: 1 });
    expect(e).toEqual({ name: "x", kind: "electrical-endpoint", derived: false, time_s: 8, algbw_Bps: 10, busbw_Bps: 15, terms: t, notes: { a: 1 } });
    expect(finish("y", "optical-endpoint", true, 80, 4, t, {}).busbw_Bps).toBe(15);
    expect(finish("z", "optical-in-network", false, 80, 4, t, {}).busbw_Bps).toBeUndefined();
    expect(finish("w", "electrical-endpoint", false, 80, 1, t, {}).busbw_Bps).toBeUndefined();
  });
});

describe("defaults and comparison", () => {
  it("the documented defaults (params.ts)", () => {
    expect(DEFAULT_MODEL_INPUTS).toEqual({
      transceiverBps: 800e9,
      transceivers: 8,
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
    const baseline = Object.keys(t).filter((n) => n !== "optinc").reduce((a, b) => (t[b]! < t[a]! ? b : a));
    expect(c.bestElectrical).toBe(best);
    expect(c.bestBaseline).toBe(baseline);
    expect(c.speedupVsRing).toBe(t.ring! / t.optinc!);
    expect(c.speedupVsBestElectrical).toBe(t[best]! / t.optinc!);
    expect(c.speedupVsBestBaseline).toBe(t[baseline]! / t.optinc!);
    expect(c.models.map((m) => m.name)).toEqual(["ring", "recursive-doubling", "rabenseifner", "double-binary-tree", "sharp", "optical-ring", "optical-rd", "wrht", "optinc"]);
  });

  it("a tie goes to the model listed first (N = 2 with α = h = γ = 0: ring, RD, Rabenseifner and SHARP all take M/B)", () => {
    const c = compareModels(modelInputs({ workers: 2, messageBytes: 1e6, stepLatency: 0, hopLatency: 0, reduceSecondsPerByte: 0 }));
    const t = Object.fromEntries(c.models.map((m) => [m.name, m.time_s]));
    expect(new Set([t.ring, t["recursive-doubling"], t.rabenseifner, t.sharp]).size).toBe(1);
    expect(c.bestElectrical).toBe("ring");
  });
});
