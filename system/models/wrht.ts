// WRHT, the Wavelength-Reused Hierarchical Tree on a WDM optical ring (Dai, Chen, Huang, Zhang &
// Zhang, arXiv 2207.10982; ICPP '23). The paper's own equations were not available: this follows
// the structure its abstract states (wavelengths required, minimum steps, communication time, an
// insertion-loss constraint) as derived in seed-systems.md §2.1. Every choice is marked [derived].
//
// - N nodes on a bidirectional ring are grouped m at a time; each group's representative sits in
//   the middle of its arc and is the member of the next level up: L = ⌈log_m N⌉ levels, 2L steps
//   (reduce up, broadcast down by drop-and-continue multicast).
// - A child ⌈(m−1)/2⌉ positions away needs its own wavelength on the arc: λ_req = ⌈(m−1)/2⌉ per
//   direction. Arcs of different groups are disjoint, so every group reuses all W: m ≤ 2W + 1.
// - Loss: a lightpath passing h nodes loses IL_mod + 2·IL_couple + IL_drop + IL_pd + h·(R·IL_thru
//   + α_wg·d); it must stay within P_laser − S_rx − margin, which caps h at h_max. A level whose
//   farthest child is farther regenerates (store-and-forward O-E-O at intermediate nodes),
//   ⌈h/h_max⌉ − 1 times per direction of the step, each costing α + t_r + M/b_λ (store-and-forward)
//   or α + t_r (cut-through: the regenerator re-drives the stream as it arrives).
// - Time: T = Σ_levels [2(α + t_r) + ⌈(m−1)/k_rx⌉·M/b_λ + M/b_λ + (m−1)·M·γ + regenerations],
//   minimised over m.
import { ceilLog, type ModelInputs } from "./params.ts";
import { finish, type ModelResult } from "./result.ts";

export interface LossBudget {
  /** P_laser − S_rx − margin, dB. */
  budgetDb: number;
  /** Losses every lightpath pays whatever its length, dB. */
  fixedDb: number;
  /** Loss per node passed, dB. */
  perNodeDb: number;
  /** Farthest reach without regeneration, nodes passed (0: not even a neighbour). */
  maxHops: number;
}

export function lossBudget(p: ModelInputs): LossBudget {
  const rings = p.ringsPerNode ?? 2 * p.wavelengths;
  const budgetDb = p.laserPowerDbm - p.receiverSensitivityDbm - p.lossMarginDb;
  const fixedDb = p.modulatorLossDb + 2 * p.couplingLossDb + p.mrrDropLossDb + p.photodetectorLossDb;
  const perNodeDb = rings * p.mrrThroughLossDb + p.waveguideLossDbPerM * p.nodeWaveguideM;
  const spare = budgetDb - fixedDb;
  const maxHops = spare < 0 ? 0 : perNodeDb > 0 ? Math.floor(spare / perNodeDb + 1e-9) : Number.POSITIVE_INFINITY;
  return { budgetDb, fixedDb, perNodeDb, maxHops };
}

export interface WrhtLevel {
  /** Farthest child of this level, nodes passed. */
  hops: number;
  /** Budget left on that lightpath, dB (negative: the budget binds). */
  slackDb: number;
  /** O-E-O regenerations per lightpath of this level (0 when it fits). */
  regenerations: number;
}

export interface WrhtPlan {
  arity: number;
  levels: WrhtLevel[];
  /** Wavelengths each group uses per direction, ⌈(m−1)/2⌉. */
  wavelengthsUsed: number;
  terms: ModelResult["terms"];
  time: number;
}

/** The tree of arity m (2 ≤ m ≤ 2W + 1): its levels, their loss slack, and its time. */
export function wrhtPlan(p: ModelInputs, m: number): WrhtPlan {
  const n = p.workers;
  const budget = lossBudget(p);
  const kRx = p.wrhtReceivers ?? 2 * p.wavelengths;
  const bLambda = p.transceiverBps / 8;
  const transfer = p.messageBytes / bLambda;
  const step = p.stepLatency + p.reconfigTime;
  const half = Math.ceil((m - 1) / 2);
  const levels: WrhtLevel[] = [];
  let latency = 0;
  let bandwidth = 0;
  let reduce = 0;
  for (let span = 1; span < n; span *= m) {
    // The farthest child at level l is ⌈(m−1)/2⌉·m^(l−1) nodes away, never more than half the ring.
    const hops = Math.min(half * span, Math.floor(n / 2));
    const slackDb = budget.budgetDb - budget.fixedDb - hops * budget.perNodeDb;
    const regenerations = hops <= budget.maxHops ? 0 : Math.ceil(hops / Math.max(1, budget.maxHops)) - 1;
    levels.push({ hops, slackDb, regenerations });
    latency += 2 * step + 2 * regenerations * step;
    const resend = p.wrhtRegeneration === "store-and-forward" ? transfer : 0;
    bandwidth += Math.ceil((m - 1) / kRx) * transfer + transfer + 2 * regenerations * resend;
    reduce += (m - 1) * p.messageBytes * p.reduceSecondsPerByte;
  }
  const terms = { latency_s: latency, transfer_s: bandwidth, reduce_s: reduce };
  return { arity: m, levels, wavelengthsUsed: half, terms, time: latency + bandwidth + reduce };
}

/** WRHT at the arity that minimises its time under the wavelength limit m ≤ 2W + 1. */
export function wrhtModel(p: ModelInputs): ModelResult {
  const n = p.workers;
  const mMax = Math.max(2, Math.min(n, 2 * p.wavelengths + 1));
  let best = wrhtPlan(p, 2);
  for (let m = 3; m <= mMax; m++) {
    const plan = wrhtPlan(p, m);
    if (plan.time < best.time) best = plan;
  }
  const budget = lossBudget(p);
  const regenerations = best.levels.reduce((a, l) => a + l.regenerations, 0);
  return finish("wrht", "optical-endpoint", true, p.messageBytes, n, best.terms, {
    arity: best.arity,
    levels: best.levels.length,
    steps: 2 * best.levels.length,
    wavelengths_used: best.wavelengthsUsed,
    wavelengths_available: p.wavelengths,
    loss_slack_db: best.levels.map((l) => round3(l.slackDb)),
    max_hops: Number.isFinite(budget.maxHops) ? budget.maxHops : -1,
    regenerations,
    loss_binds: regenerations > 0,
    // A tree's reduce and broadcast: every rank but the root sends M up once and receives it once;
    // the relays of regenerating nodes are not counted.
    bytes_per_worker: ((2 * (n - 1)) / n) * p.messageBytes,
  });
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** ⌈log_m N⌉, re-exported for the tests' hand computations. */
export const wrhtLevels = (n: number, m: number): number => ceilLog(n, m);
