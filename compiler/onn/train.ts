// Exact-match training of one unit's ONN, hardware-aware (segmented Σ·U) when asked.
//
// Schedule over `epochs` epochs (fractions of that budget; the fitted phase may run as long again):
//   warm-up  [0, 0.15)    MSE to the target levels, all cases;
//   free     [0.15, 0.45) margin hinge, unconstrained weights;
//   pull     [0.45, 0.7)  hinge plus a proximal
//                         pull λ·(W − Π(W)) toward the Σ·U set, λ ramping up; Π refreshed every
//                         `projectEvery` steps (the paper's periodic approximation, two-stage loss);
//   fitted   [0.7, 2]     hinge in the hardware parameterization itself: per segment, signed
//                         attenuations d and Givens angles θ — every iterate IS a Σ·U network.
// Without approximated layers: warm-up, then free training to the end. Training stops as soon
// as the (fitted) network decodes every case correctly.
// The fitted phase trains on the active set only: cases violating the margin. Cases that satisfy
// it have exactly zero loss and gradient, so skipping them changes nothing but the cost.
// Forward and backward run as blocked Float64 matrix products (mlp-simd.ts, WASM SIMD) whose every
// output equals mlp.ts's scalar reference bit for bit, so the trained weights are the reference's.
import type { Rng } from "../../math/rng.ts";
import { createAdam, adamStep, type Adam } from "./adam.ts";
import type { Dataset } from "../../aggregate/unit.ts";
import { marginLoss, minDecisionMargin } from "./loss.ts";
import type { Mlp } from "./mlp.ts";
import { MlpEngine } from "./mlp-simd.ts";
import { projectLayer, tilePlan, writeLayer, type Tile, type TilePlan } from "./sigma-u.ts";
import { tileGradients, tilesFromFactors, toTiles, writeWeights, type LayerTiles } from "./tile-params.ts";

export interface TrainConfig {
  levels: number;
  /** Segment size per weight layer; null = keep the layer unconstrained (full SVD mapping). */
  segments: (number | null)[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  margin: number;
  projectEvery: number;
  /** Relative weight noise (σ/|w|) injected in hinge phases: robustness to phase errors. */
  weightNoise: number;
  /**
   * Train in the hardware parameterization from the first epoch (warm-up, then fitted): the network
   * is exactly Σ·U at every step, so no free-to-constrained transition can undo what it learned.
   */
  fitFromStart?: boolean;
}

export type Phase = "warm-up" | "free" | "pull" | "fitted";

export interface EpochStats {
  epoch: number;
  phase: Phase;
  exact: number;
  violations: number;
  loss: number;
}

export interface TrainResult {
  net: Mlp;
  plans: (TilePlan | null)[];
  tiles: (Tile[] | null)[];
  exact: number;
  cases: number;
  epochs: number;
  history: EpochStats[];
  /** Smallest distance of any output to its decision thresholds, in quantization steps. */
  decisionMargin: number;
}

/** Fewest optimizer steps per epoch; small reduced spaces are cycled to reach it. */
const MIN_STEPS = 32;
/**
 * Most training samples per epoch. Spaces larger than this (a 390,625-case unit trained whole,
 * network.slices = none) are sampled rather than swept: a fresh random slice each epoch, while
 * every epoch still ends with an exact evaluation over ALL cases. Smaller spaces are swept whole.
 */
const MAX_SAMPLES = 32_768;
/** Polishing budget after the first exact epoch, as a fraction of `epochs` (see the training loop). */
const POLISH = 0.2;
/** Fraction of the learning rate kept after the schedule, while the fitted phase chases the last cases. */
const FIT_FLOOR = 0.02;
/** Final strength of the proximal pull toward Σ·U (per weight, before Adam's normalisation). */
const PULL_MAX = 1;

/** Network inputs from digit sums, centred: x_k = S_k / maxSum − ½ (preprocessing removes the offset optically). */
export function inputsFromSums(ds: Dataset, maxSum: number): Float64Array {
  const x = new Float64Array(ds.cases * ds.inDigits);
  for (let i = 0; i < x.length; i++) x[i] = ds.sums[i] / maxSum - 0.5;
  return x;
}

/** He-initialised network; the bias column starts small. */
export function initMlp(dims: number[], activation: Mlp["activation"], slope: number, rng: Rng): Mlp {
  const layers = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    const n = dims[i];
    const m = dims[i + 1];
    const w = new Float64Array(m * (n + 1));
    const sc = Math.sqrt(2 / n);
    for (let o = 0; o < m; o++) {
      for (let j = 0; j < n; j++) w[o * (n + 1) + j] = rng.normal() * sc;
      w[o * (n + 1) + n] = 0.1 * rng.normal();
    }
    layers.push({ out: m, in: n, w });
  }
  return { layers, activation, slope };
}

export function phaseOf(frac: number, approximating: boolean): Phase {
  if (frac < 0.15) return "warm-up";
  if (!approximating || frac < 0.45) return "free";
  return frac < 0.7 ? "pull" : "fitted";
}

function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

export function trainUnit(
  net: Mlp,
  ds: Dataset,
  x: Float64Array,
  cfg: TrainConfig,
  rng: Rng,
  onEpoch?: (s: EpochStats) => void,
): TrainResult {
  const { outDigits: nout, cases } = ds;
  const plans = net.layers.map((l, i) => (cfg.segments[i] == null ? null : tilePlan(l.out, l.in + 1, cfg.segments[i]!)));
  const approximating = plans.some((p) => p !== null);
  const tiles: (Tile[] | null)[] = plans.map(() => null);
  const targets: (Float64Array | null)[] = plans.map(() => null);
  const grads = net.layers.map((l) => new Float64Array(l.w.length));
  const clean = net.layers.map((l) => new Float64Array(l.w.length));
  const yAll = new Float64Array(cases * nout);
  const gAll = new Float64Array(cases * nout);
  const bmax = Math.max(cfg.batchSize * 4, 128);
  const eng = new MlpEngine(net, Math.max(bmax, 512));
  const yb = new Float64Array(bmax * nout);
  const g = new Float64Array(bmax * nout);
  const tgt = new Int32Array(bmax * nout);
  const order = Int32Array.from({ length: cases }, (_, i) => i);
  const history: EpochStats[] = [];
  const xin = x;
  let pull = 0;
  let pullSteps = 0;

  // Optimised arrays: the layer weights until the fitted phase, then free layers' weights plus
  // every approximated layer's (d, θ).
  let params: Float64Array[] = net.layers.map((l) => l.w);
  let pgrads: Float64Array[] = grads;
  let opt: Adam = createAdam(params);
  let fitted: (LayerTiles | null)[] | null = null;

  const refreshTargets = (iterations: number): void => {
    net.layers.forEach((l, i) => {
      const plan = plans[i];
      if (!plan) return;
      tiles[i] = projectLayer(l.w, plan, iterations, tiles[i] ?? undefined);
      writeLayer((targets[i] ??= new Float64Array(l.w.length)), plan, tiles[i]!);
    });
  };

  const enterFitted = (): void => {
    refreshTargets(40);
    fitted = plans.map((p, i) => (p ? tilesFromFactors(p, tiles[i]!) : null));
    params = [];
    pgrads = [];
    fitted.forEach((lt, i) => {
      if (lt) {
        writeWeights(lt, net.layers[i].w);
        params.push(lt.d, lt.theta);
        pgrads.push(new Float64Array(lt.d.length), new Float64Array(lt.theta.length));
      } else {
        params.push(net.layers[i].w);
        pgrads.push(grads[i]);
      }
    });
    opt = createAdam(params);
  };

  // Constant margin: cases that satisfy it leave the active set, so a smaller margin would leave
  // fewer cases anchoring the network (tried: annealing it destabilized the last epochs).
  const margin = cfg.margin;
  const step = (ids: Int32Array, from: number, batch: number, mse: boolean, lr: number): void => {
    eng.setInputs(xin, ids, from, batch);
    for (let b = 0; b < batch; b++) {
      const c = ids[from + b];
      for (let k = 0; k < nout; k++) tgt[b * nout + k] = ds.targets[c * nout + k];
    }
    // Weight noise: evaluate the gradient at perturbed weights, apply it to the clean ones.
    const noisy = cfg.weightNoise > 0 && !mse;
    if (noisy)
      net.layers.forEach((l, i) => {
        clean[i].set(l.w);
        for (let j = 0; j < l.w.length; j++) l.w[j] += cfg.weightNoise * Math.abs(l.w[j]) * rng.normal();
      });
    eng.pack(net);
    eng.forward(batch, yb);
    const y = yb;
    if (mse) for (let j = 0; j < batch * nout; j++) g[j] = (2 * (y[j] - tgt[j])) / batch;
    else {
      marginLoss(y, tgt, 0, batch, nout, cfg.levels, margin, g);
      for (let j = 0; j < batch * nout; j++) g[j] /= batch;
    }
    eng.backward(batch, g, grads);
    if (noisy) net.layers.forEach((l, i) => l.w.set(clean[i]));
    if (pull > 0)
      targets.forEach((t, i) => {
        if (!t) return;
        const w = net.layers[i].w;
        for (let j = 0; j < w.length; j++) grads[i][j] += pull * (w[j] - t[j]);
      });
    if (fitted) {
      let p = 0;
      fitted.forEach((lt, i) => {
        if (lt) {
          tileGradients(lt, grads[i], pgrads[p], pgrads[p + 1]);
          p += 2;
        } else p++;
      });
    }
    adamStep(opt, params, pgrads, lr);
    if (fitted) fitted.forEach((lt, i) => lt && writeWeights(lt, net.layers[i].w));
  };

  const evaluate = (margin: number): { exact: number; loss: number; active: Int32Array; minMargin: number } => {
    eng.pack(net);
    eng.forwardAll(xin, cases, yAll);
    const y = yAll;
    const minMargin = minDecisionMargin(y, ds.targets, cases * nout, cfg.levels);
    const r = marginLoss(y, ds.targets, 0, cases, nout, cfg.levels, margin, gAll);
    const act: number[] = [];
    for (let c = 0; c < cases; c++)
      for (let k = 0; k < nout; k++)
        if (gAll[c * nout + k] !== 0) {
          act.push(c);
          break;
        }
    return { exact: r.exact, loss: r.loss, active: Int32Array.from(act), minMargin };
  };

  const fromStart = approximating && cfg.fitFromStart === true;
  if (fromStart) enterFitted();
  let exact = 0;
  let epoch = 1;
  let last: Int32Array | null = null;
  let lastMargin = -Infinity;
  let bestExact = -1;
  let bestMargin = -Infinity;
  let best: Float64Array[] | null = null;
  // Once exact, keep training for margin ("polish"): until every case clears the requested margin
  // or POLISH × epochs more epochs have run. The kept snapshot is the most exact, then the one
  // with the largest decision margin, so polishing can only improve robustness.
  let exactAt = -1;
  const maxEpochs = approximating ? 2 * cfg.epochs : cfg.epochs;
  for (; epoch <= maxEpochs; epoch++) {
    const frac = Math.min(1, (epoch - 1) / cfg.epochs);
    const phase: Phase = fromStart ? (frac < 0.15 ? "warm-up" : "fitted") : phaseOf(frac, approximating);
    const lr = cfg.learningRate * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * (approximating ? Math.min(1, frac / 0.7) : frac))));
    if (phase === "fitted") {
      if (!fitted) enterFitted();
      // Restart at a third of the rate, decaying over the fitted span (from the start: the full rate).
      const fitLr = fromStart
        ? cfg.learningRate * (FIT_FLOOR + (1 - FIT_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * frac)))
        : (cfg.learningRate / 3) *
          (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (epoch - 1 - 0.7 * cfg.epochs) / (1.3 * cfg.epochs)))));
      // The previous epoch ended with an evaluation at the same weights: reuse its active set.
      const active = last ?? evaluate(margin).active;
      shuffle(active, rng);
      const batch = Math.max(1, Math.min(cfg.batchSize, active.length));
      const passes = Math.max(1, Math.ceil((MIN_STEPS * batch) / Math.max(1, active.length)));
      let steps = 0;
      for (let pass = 0; pass < passes && active.length > 0; pass++)
        for (let s = 0; s + batch <= active.length && steps * batch < MAX_SAMPLES; s += batch, steps++)
          step(active, s, batch, false, fitLr);
    } else {
      // All cases, shuffled; batches grow as training settles. Small spaces: smaller batches and
      // several passes, so an epoch has at least MIN_STEPS steps.
      const want = phase === "warm-up" ? 128 : phase === "free" ? cfg.batchSize : cfg.batchSize * 2;
      const batch = Math.max(1, Math.min(want, Math.floor(cases / 4)));
      const passes = Math.max(1, Math.ceil((MIN_STEPS * batch) / cases));
      let steps = 0;
      for (let pass = 0; pass < passes; pass++) {
        shuffle(order, rng);
        for (let s = 0; s + batch <= cases && steps * batch < MAX_SAMPLES; s += batch, steps++) {
          if (phase === "pull") {
            // λ ramps quadratically over the phase: the task adapts while weights approach Σ·U.
            pull = PULL_MAX * Math.min(1, (frac - 0.45) / 0.25) ** 2;
            if (pullSteps++ % cfg.projectEvery === 0) refreshTargets(10);
          }
          step(order, s, batch, phase === "warm-up", lr);
        }
      }
    }
    if (phase === "fitted") pull = 0;
    const ev = evaluate(margin);
    exact = ev.exact; // decodes correctly, whatever the margin
    last = ev.active;
    lastMargin = ev.minMargin;
    // Keep the best network seen in the (constrained) final phase: late epochs can jitter.
    if ((phase === "fitted" || !approximating) && (exact > bestExact || (exact === bestExact && ev.minMargin > bestMargin))) {
      bestExact = exact;
      bestMargin = ev.minMargin;
      best = params.map((p) => Float64Array.from(p));
    }
    const stats: EpochStats = { epoch, phase, exact, violations: ev.active.length, loss: ev.loss };
    history.push(stats);
    onEpoch?.(stats);
    const done = approximating ? phase === "fitted" : phase !== "warm-up";
    if (done && exact === cases && exactAt < 0) exactAt = epoch;
    if (exactAt > 0 && (ev.active.length === 0 || epoch >= exactAt + Math.ceil(POLISH * cfg.epochs))) break;
  }
  if (best && (bestExact > exact || (bestExact === exact && bestMargin > lastMargin))) {
    params.forEach((p, i) => p.set(best![i]));
    const f = fitted as (LayerTiles | null)[] | null;
    if (f) f.forEach((lt, i) => lt && writeWeights(lt, net.layers[i].w));
    exact = bestExact;
  }
  const final = fitted as (LayerTiles | null)[] | null;
  if (final) final.forEach((lt, i) => (tiles[i] = lt ? toTiles(lt) : null));
  eng.pack(net);
  eng.forwardAll(xin, cases, yAll);
  const decisionMargin = minDecisionMargin(yAll, ds.targets, cases * nout, cfg.levels);
  return { net, plans, tiles, exact, cases, epochs: Math.min(epoch, maxEpochs), history, decisionMargin };
}
