// WRHT, ODDL, fat-tree and SiP-Ring (system/models/): formulas against hand computations, limiting
// cases, monotonicity properties, and the seeds' headline claims with tolerances (docs/design/system-models.md §5, docs/studies/allreduce.md §4).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PRESETS, vgg19Layers } from "../../../dsl/presets.ts";
import { compareOnWorkload, crossovers, modelSweep } from "../../../system/comparison.ts";
import { gradientBuckets, iterationTime } from "../../../system/iteration.ts";
import { fatTreeFlows, fatTreeModel, fatTreeTerms } from "../../../system/models/fat-tree.ts";
import { groupRingStep, localRingStep, stepFlows, xorStep } from "../../../system/models/fat-tree-flows.ts";
import { oddlModel, oddlTerms } from "../../../system/models/oddl.ts";
import { opticalRecursiveDoublingModel } from "../../../system/models/optical.ts";
import { modelInputs, parseModelParams } from "../../../system/models/params.ts";
import { sipRingModel, sipRingSharing } from "../../../system/models/sip-ring.ts";
import { lossBudget, wrhtModel, wrhtPlan } from "../../../system/models/wrht.ts";

const close = (a: number, b: number, rel = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
/** 16 nodes, 1 MB, 8 Gb/s per wavelength (1 ms per MB), α = 1 µs, no retune, no reduction cost, W = 4. */
const P = modelInputs({
  workers: 16,
  messageBytes: 1e6,
  transceiverBps: 8e9,
  stepLatency: 1e-6,
  reconfigTime: 0,
  reduceSecondsPerByte: 0,
  wavelengths: 4,
});

describe("WRHT (wrht.ts)", () => {
  it("loss budget by hand: 10 − (−15) − 3 = 22 dB; fixed 1 + 2·1 + 1 + 1 = 5 dB; per node 8·0.01 + 100·0.001 = 0.18 dB; reach ⌊17/0.18⌋ = 94", () => {
    const b = lossBudget(P);
    close(b.budgetDb, 22);
    close(b.fixedDb, 5);
    close(b.perNodeDb, 0.18);
    expect(b.maxHops).toBe(94);
  });

  it("m = 4 on 16 nodes: 2 levels, farthest children 2 and 8 nodes, 2 λ per direction, T = 2·(2α + M/b_λ + M/b_λ)", () => {
    const plan = wrhtPlan(P, 4);
    expect(plan.levels.map((l) => l.hops)).toEqual([2, 8]);
    close(plan.levels[0]!.slackDb, 17 - 2 * 0.18);
    close(plan.levels[1]!.slackDb, 17 - 8 * 0.18);
    expect(plan.levels.every((l) => l.regenerations === 0)).toBe(true);
    expect(plan.wavelengthsUsed).toBe(2);
    close(plan.time, 2 * (2e-6 + 1e-3 + 1e-3));
  });

  it("the loss budget binds when the loss per ring is raised: 1 dB per ring caps the reach at ⌊17/8.1⌋ = 2 nodes, so level 2 (8 nodes) regenerates 3 times", () => {
    const lossy = { ...P, mrrThroughLossDb: 1, wrhtRegeneration: "store-and-forward" as const };
    expect(lossBudget(lossy).maxHops).toBe(2);
    const plan = wrhtPlan(lossy, 4);
    expect(plan.levels.map((l) => l.regenerations)).toEqual([0, 3]);
    close(plan.levels[1]!.slackDb, 17 - 8 * 8.1);
    close(plan.time, 2 * (2e-6 + 2e-3) + 2 * 3 * (1e-6 + 1e-3));
    // Cut-through regeneration (the default) pays only the step latency per regeneration.
    close(wrhtPlan({ ...lossy, wrhtRegeneration: "cut-through" }, 4).time, 2 * (2e-6 + 2e-3) + 2 * 3 * 1e-6);
    expect(wrhtModel(P).notes.loss_binds).toBe(false);
    const r = wrhtModel({ ...P, workers: 64, mrrThroughLossDb: 1 });
    expect(r.notes.loss_binds).toBe(true);
    expect(r.notes.regenerations as number).toBeGreaterThan(0);
    expect(Math.min(...(r.notes.loss_slack_db as number[]))).toBeLessThan(0);
  });

  it("one wavelength: m ≤ 2W + 1 = 3, one λ used", () => {
    const r = wrhtModel({ ...P, wavelengths: 1 });
    expect(r.notes.arity as number).toBeLessThanOrEqual(3);
    expect(r.notes.wavelengths_used).toBe(1);
    expect(r.notes.wavelengths_available).toBe(1);
  });

  it("infinite bandwidth: only the 2L(α + t_r) step latencies remain", () => {
    const r = wrhtModel({ ...P, transceiverBps: Number.MAX_VALUE });
    close(r.time_s, (r.notes.steps as number) * 1e-6, 1e-9);
  });

  it("more wavelengths never slow WRHT (rings per node fixed)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (n, w, extra, thru) => {
          const p = { ...P, workers: n, ringsPerNode: 16, mrrThroughLossDb: thru };
          return wrhtModel({ ...p, wavelengths: w + extra }).time_s <= wrhtModel({ ...p, wavelengths: w }).time_s * (1 + 1e-12);
        },
      ),
      { seed: 25, numRuns: 200 },
    );
  });

  it("WRHT's 80.81 % against optical recursive doubling at N = 1024, W = 64, one λ per lightpath, α = t_r = 0, loss budget not binding: 1 − 4/21 = 80.95 %", () => {
    const p = modelInputs({
      workers: 1024,
      messageBytes: 100e6,
      transceiverBps: 100e9,
      opticalStripe: 1,
      stepLatency: 0,
      reconfigTime: 0,
      reduceSecondsPerByte: 0,
      mrrThroughLossDb: 0,
      nodeWaveguideM: 0,
    });
    const rd = opticalRecursiveDoublingModel(p);
    const w = wrhtModel(p);
    expect(rd.notes.rounds).toBe(21);
    expect(w.notes.steps).toBe(4);
    const reduction = 1 - w.time_s / rd.time_s;
    close(reduction, 1 - 4 / 21, 1e-9);
    expect(Math.abs(reduction - 0.8081)).toBeLessThan(0.005);
    // At the DSENT through loss the same setting regenerates at the top level: store-and-forward
    // regeneration loses the claim, cut-through (the default) keeps it.
    const lossy = { ...p, mrrThroughLossDb: 0.01, nodeWaveguideM: 1e-3 };
    expect(wrhtModel(lossy).notes.loss_binds).toBe(true);
    expect(1 - wrhtModel({ ...lossy, wrhtRegeneration: "store-and-forward" }).time_s / rd.time_s).toBeLessThan(0.5);
    expect(1 - wrhtModel(lossy).time_s / rd.time_s).toBeGreaterThan(0.8);
  });
});

describe("ODDL (oddl.ts)", () => {
  const Q = modelInputs({
    workers: 8,
    messageBytes: 8e6,
    transceiverBps: 8e9,
    transceivers: 1,
    stepLatency: 1e-6,
    reduceSecondsPerByte: 0,
    oddlControlDelay: 20e-6,
    oddlTuneTime: 1e-6,
  });
  it("ring: 14(α + M/(8B)) + t_ctrl + t_tune; halving-doubling: 6(α + t_ctrl + t_tune) + 2·7/8·M/B", () => {
    const ring = oddlTerms(Q, "ring");
    close(ring.latency_s + ring.transfer_s, 14 * (1e-6 + 1e-3) + 21e-6);
    const hd = oddlTerms(Q, "halving-doubling");
    close(hd.latency_s + hd.transfer_s, 6 * 22e-6 + 1.75 * 8e-3);
    // 14.035 ms against 14.132 ms: the ring is the faster.
    const best = oddlModel(Q);
    expect(best.notes.schedule).toBe("ring");
    close(best.time_s, 14 * (1e-6 + 1e-3) + 21e-6);
    // A latency-bound all-reduce (α = 1 ms, 64 nodes): 12 circuit changes beat 126 ring steps.
    expect(oddlModel({ ...Q, workers: 64, messageBytes: 1e3, stepLatency: 1e-3 }).notes.schedule).toBe("halving-doubling");
    expect(best.notes.wss_setup_s).toBe(20e-3);
  });
  it("zero reconfiguration: ODDL's ring is the ideal ring 2(N−1)(α + M/(NB))", () => {
    const r = oddlModel({ ...Q, oddlControlDelay: 0, oddlTuneTime: 0, oddlSchedule: "ring" });
    close(r.time_s, 14 * (1e-6 + 1e-3));
  });
});

describe("fat-tree (fat-tree.ts)", () => {
  it("4 ordered ranks in one pod of a k = 4 tree at 2:1: two flows cross ToRs on half-rate uplinks, slowdown 2, 4 links", () => {
    const f = fatTreeFlows(4, 4, 2, "ordered", 1, 1);
    expect(f.slowdown).toBe(2);
    expect(f.hops).toBe(4);
    expect(f.offRack).toBe(0.5);
    const p = modelInputs({
      workers: 4,
      messageBytes: 4e6,
      transceiverBps: 8e9,
      transceivers: 1,
      stepLatency: 1e-6,
      reduceSecondsPerByte: 0,
      fatTreeRadix: 4,
      fatTreeOversubscription: 2,
      placement: "ordered",
      fatTreeAlgorithm: "ring",
    });
    close(fatTreeModel(p).time_s, 6 * (1e-6 + 4 * 500e-9 + 1e-3 * 2));
    close(fatTreeTerms(p, "ring").transfer_s, 6 * 1e-3 * 2);
  });
  it("two ranks under one ToR: no sharing, 2 links", () => {
    expect(fatTreeFlows(2, 16, 4, "ordered", 1, 1)).toEqual({ slowdown: 1, hops: 2, offRack: 0 });
  });
  it("infinite bandwidth: only 2(N−1)(α + hops·h) remain", () => {
    const p = modelInputs({
      workers: 4,
      messageBytes: 4e6,
      transceiverBps: Number.MAX_VALUE,
      transceivers: 1,
      stepLatency: 1e-6,
      reduceSecondsPerByte: 0,
      fatTreeRadix: 4,
      placement: "ordered",
      fatTreeAlgorithm: "ring",
    });
    close(fatTreeModel(p).time_s, 6 * (1e-6 + 4 * 500e-9), 1e-9);
  });
  it("halving-doubling by hand: 4 ordered ranks on k = 4 (2 per ToR) at 2:1: partner 2 away leaves the ToR (2 flows per ToR on 2 half-rate uplinks: slowdown ≥ 2), partner 1 away stays", () => {
    const p = modelInputs({
      workers: 4,
      messageBytes: 4e6,
      transceiverBps: 8e9,
      transceivers: 1,
      stepLatency: 1e-6,
      reduceSecondsPerByte: 0,
      fatTreeRadix: 4,
      fatTreeOversubscription: 2,
      placement: "ordered",
    });
    const far = stepFlows({ n: 4, k: 4, oversubscription: 2, placement: "ordered", trials: 1, seed: 1 }, xorStep(2));
    const near = stepFlows({ n: 4, k: 4, oversubscription: 2, placement: "ordered", trials: 1, seed: 1 }, xorStep(1));
    expect(near).toEqual({ slowdown: 1, hops: 2, offRack: 0 });
    expect(far.slowdown).toBeGreaterThanOrEqual(2);
    const hd = fatTreeTerms(p, "halving-doubling");
    // Steps: M/2 at distance 2, then M/4 at distance 1, each twice (reduce-scatter and all-gather).
    close(hd.transfer_s, 2 * (2e-3 * far.slowdown + 1e-3));
    close(hd.latency_s, 2 * (1e-6 + far.hops * 500e-9) + 2 * (1e-6 + 2 * 500e-9));
  });
  it("best is the fastest algorithm, and the notes keep every algorithm's time", () => {
    const p = modelInputs({ workers: 1024, messageBytes: 25e6, transceiverBps: 100e9, transceivers: 1 });
    const r = fatTreeModel(p);
    const times = ["ring_s", "halving_doubling_s", "double_binary_tree_s", "hierarchical_s"].map((k) => r.notes[k] as number);
    close(r.time_s, Math.min(...times));
    for (const a of ["ring", "halving-doubling", "double-binary-tree", "hierarchical"] as const)
      expect(fatTreeModel({ ...p, fatTreeAlgorithm: a }).time_s).toBeGreaterThanOrEqual(r.time_s);
  });
  it("hierarchical on 16 ordered ranks, k = 8 (4 per ToR), 1:1: the intra-ToR rings never leave the ToR", () => {
    const f = stepFlows({ n: 16, k: 8, oversubscription: 1, placement: "ordered", trials: 1, seed: 1 }, localRingStep(4));
    expect(f).toEqual({ slowdown: 1, hops: 2, offRack: 0 });
    const across = stepFlows({ n: 16, k: 8, oversubscription: 1, placement: "ordered", trials: 1, seed: 1 }, groupRingStep(4));
    expect(across.offRack).toBe(1);
  });
  it("a higher oversubscription never speeds the fat-tree", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 256 }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 8, noNaN: true }),
        fc.constantFrom("random" as const, "ordered" as const),
        (n, o, more, placement) => {
          const p = modelInputs({ workers: n, messageBytes: 1e8, placement, placementTrials: 2 });
          return (
            fatTreeModel({ ...p, fatTreeOversubscription: o + more }).time_s >= fatTreeModel({ ...p, fatTreeOversubscription: o }).time_s
          );
        },
      ),
      { seed: 25, numRuns: 60 },
    );
  });
});

describe("SiP-Ring (sip-ring.ts)", () => {
  const S = modelInputs({
    workers: 8,
    messageBytes: 8e6,
    transceiverBps: 8e9,
    transceivers: 1,
    stepLatency: 1e-6,
    reduceSecondsPerByte: 0,
    sipRingReconfigTime: 1e-3,
    sipRingLiveTime: 9e-3,
  });
  it("ordered ring: one flow per segment, duty 9/10: T = 14(α + M/(8B))/0.9", () => {
    expect(sipRingSharing(8, "ordered", 1)).toBe(1);
    close(sipRingModel(S).time_s, (14 * (1e-6 + 1e-3)) / 0.9);
  });
  it("zero reconfiguration time: SiP-Ring is ODDL's ring without its circuit set-up", () => {
    close(
      sipRingModel({ ...S, sipRingReconfigTime: 0 }).time_s,
      oddlModel({ ...S, oddlSchedule: "ring", oddlControlDelay: 0, oddlTuneTime: 0 }).time_s,
    );
  });
  it("random placement makes ring flows share segments (≥ 1 flow, ≤ N)", () => {
    const s = sipRingSharing(64, "random", 3);
    expect(s).toBeGreaterThan(1);
    expect(s).toBeLessThanOrEqual(64);
  });
});

describe("vgg19 and the per-iteration time (iteration.ts)", () => {
  it("the torchvision architecture: 143 667 240 parameters, 19.63 G multiply-adds forward", () => {
    const layers = vgg19Layers();
    expect(layers.reduce((a, l) => a + l.parameters, 0)).toBe(143_667_240);
    expect(layers.reduce((a, l) => a + l.forwardFlops, 0) / 2e9).toBeCloseTo(19.632, 3);
    expect(PRESETS.vgg19!.gradientBytes).toBe(4 * 143_667_240);
  });
  it("buckets hold every gradient byte, ready in backward order; zero communication leaves the compute time", () => {
    const w = PRESETS.vgg19!;
    const b = gradientBuckets(w, vgg19Layers());
    expect(b.reduce((a, x) => a + x.bytes, 0)).toBe(w.gradientBytes);
    expect(b[0]!.bytes).toBeGreaterThanOrEqual(1024 * 1024);
    for (let i = 1; i < b.length; i++) expect(b[i]!.ready).toBeGreaterThan(b[i - 1]!.ready);
    close(b[b.length - 1]!.ready, w.computeTime);
    close(iterationTime(b, w.computeTime, () => 0).time, w.computeTime);
    // 1 ms per bucket: only the last bucket's all-reduce is exposed when each finishes before the next is ready.
    const it1 = iterationTime(b, w.computeTime, () => 1e-3);
    expect(it1.exposed).toBeGreaterThanOrEqual(1e-3 - 1e-15);
    expect(it1.exposed).toBeLessThanOrEqual(b.length * 1e-3);
  });
  it("a workload without layers is one bucket: compute + all-reduce", () => {
    const w = PRESETS["resnet50-cifar100"]!;
    const t = iterationTime(gradientBuckets(w, null), w.computeTime, () => 0.01);
    close(t.time, w.computeTime + 0.01);
  });
});

describe("one comparison, and the ODDL headline (docs/studies/allreduce.md §4)", () => {
  const at = (overrides: Parameters<typeof compareOnWorkload>[4]) =>
    compareOnWorkload(["oddl", "fat-tree", "sip-ring", "wrht"], [1024], "vgg19", 0, { transceiverBps: 100e9, ...overrides }).rows[0]!
      .models;
  it("every model has a name and a per-iteration time", () => {
    const m = at({});
    for (const k of ["wrht", "oddl", "fat-tree", "sip-ring"]) {
      expect(m[k]!.name).toBe(k);
      expect(m[k]!.time).toBeGreaterThan(PRESETS.vgg19!.computeTime);
    }
  });
  it("at ODDL's 1 × 100 Gb/s with sourced defaults: 1.6× over the fat-tree's ring and 1.7× over SiP-Ring hold within ±25 %; against the fat-tree's best algorithm the gain shrinks", () => {
    const m = at({ transceivers: 1 });
    const ring = at({ transceivers: 1, fatTreeAlgorithm: "ring" });
    const ft = ring["fat-tree"]!.time / ring.oddl!.time;
    const sip = m["sip-ring"]!.time / m.oddl!.time;
    expect(Math.abs(ft / 1.6 - 1)).toBeLessThan(0.25);
    expect(Math.abs(sip / 1.7 - 1)).toBeLessThan(0.25);
    expect(m["sip-ring"]!.notes.duty_cycle).toBeCloseTo(0.8, 12);
    // Rank-ordered placement: no ECMP collisions for the ring.
    expect(ring["fat-tree"]!.notes.ecmp_slowdown).toBe(1);
    const best = m["fat-tree"]!.time / m.oddl!.time;
    expect(best).toBeLessThan(ft);
    expect(best).toBeGreaterThan(1);
  });
  it("crossovers are found where two series swap order", () => {
    const s = modelSweep(["optical-ring", "wrht"], [1e3, 1e5, 1e7, 1e9], (x) => ({ workers: 64, messageBytes: x }), {
      stepLatency: 48e-6,
      transceiverBps: 100e9,
      opticalStripe: 1,
    });
    const x = crossovers(s);
    expect(x.length).toBe(1);
    expect(x[0]!.x).toBeGreaterThan(1e3);
    expect(x[0]!.x).toBeLessThan(1e9);
  });
});

describe("--param (parseModelParams)", () => {
  it("parses numbers, choices and null, and rejects unknown names and bad values", () => {
    expect(parseModelParams("fatTreeOversubscription=4, placement=ordered,wrhtReceivers=null,laserPowerDbm=-3")).toEqual({
      fatTreeOversubscription: 4,
      placement: "ordered",
      wrhtReceivers: null,
      laserPowerDbm: -3,
    });
    expect(() => parseModelParams("nope=1")).toThrow(/unknown model parameter "nope"/);
    expect(() => parseModelParams("placement=diagonal")).toThrow(/not one of random, ordered/);
    expect(() => parseModelParams("fatTreeRadix=-2")).toThrow(/not a non-negative number/);
  });
});
