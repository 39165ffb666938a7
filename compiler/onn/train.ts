// Exact-match training of one unit's ONN, hardware-aware (segmented Σ·U) when asked.
//
// Schedule over `epochs` epochs (fractions of that budget; the fitted phase may run up to as long again):
//   warm-up  [0, 0.15)    MSE to the target levels, all cases, small batches, centred inputs;
//   free     [0.15, 0.45) margin hinge, unconstrained weights, centred inputs;
//   periodic [0.45, 0.7)  hinge on physical inputs (centring folded into layer 1), every
//                         `projectEvery` steps each approximated layer is projected onto Σ·U;
//   fitted   [0.7, 1]     hinge, projection after every step: every iterate IS a Σ·U network.
// Training stops once the fitted network decodes every case correctly.
// The fitted phase trains on the active set only: cases violating the margin. Cases that satisfy
// it have exactly zero loss and gradient, so skipping them changes nothing but the cost.
import type { Rng } from "../linalg/rng.ts";
import { createAdam, adamStep } from "./adam.ts";
import type { Dataset } from "./dataset.ts";
import { marginLoss } from "./loss.ts";
import { allocTrace, backward, forward, type Mlp } from "./mlp.ts";
import { projectLayer, tilePlan, writeLayer, type Tile, type TilePlan } from "./sigma-u.ts";

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
  /** Train through the Σ·U projection from the first epoch (no free or periodic phase). */
  fitFromStart?: boolean;
}

export interface EpochStats {
  epoch: number;
  phase: "warm-up" | "free" | "periodic" | "fitted";
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
}

/** Network inputs from digit sums: x_k = S_k / maxSum (uncentred, so the mapping can fold the scale into the bias source). */
export function inputsFromSums(ds: Dataset, maxSum: number): Float64Array {
  const x = new Float64Array(ds.cases * ds.inDigits);
  for (let i = 0; i < x.length; i++) x[i] = ds.sums[i] / maxSum;
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

/**
 * Data-dependent centring: set each layer's bias so its pre-activations have zero mean over the
 * inputs. Equivalent at the start to training on centred inputs, but keeps inputs uncentred so the
 * optical bias source can carry the offset exactly.
 */
export function centreBiases(net: Mlp, x: Float64Array, cases: number): void {
  const tr = allocTrace(net, cases);
  tr.acts[0].set(x.subarray(0, cases * net.layers[0].in));
  for (let li = 0; li < net.layers.length; li++) {
    const l = net.layers[li];
    forward(net, tr, cases);
    const h = tr.acts[li];
    const mean = new Float64Array(l.in);
    for (let c = 0; c < cases; c++) for (let i = 0; i < l.in; i++) mean[i] += h[c * l.in + i] / cases;
    for (let o = 0; o < l.out; o++) {
      let shift = 0;
      for (let i = 0; i < l.in; i++) shift += l.w[o * (l.in + 1) + i] * mean[i];
      l.w[o * (l.in + 1) + l.in] -= shift;
    }
  }
}

/** Fewest optimizer steps per epoch; small reduced spaces are cycled to reach it. */
const MIN_STEPS = 32;
/** Final strength of the proximal pull toward Σ·U (per weight, before Adam's normalisation). */
const PULL_MAX = 1;

function phaseOf(frac: number): EpochStats["phase"] {
  return frac < 0.15 ? "warm-up" : frac < 0.45 ? "free" : frac < 0.7 ? "periodic" : "fitted"; // frac ≥ 1: fitted
}

/**
 * Fold input centring into the first layer: W[x − ½; 1] = W[x; 1] with b ← b − ½·Σ_k W[:, k].
 * Free phases learn faster on centred inputs; hardware phases need the physical (uncentred) ones.
 */
export function uncentreFirstLayer(net: Mlp): void {
  const l = net.layers[0];
  for (let o = 0; o < l.out; o++) {
    let sum = 0;
    for (let k = 0; k < l.in; k++) sum += l.w[o * (l.in + 1) + k];
    l.w[o * (l.in + 1) + l.in] -= 0.5 * sum;
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
  const { inDigits: nin, outDigits: nout, cases } = ds;
  const plans = net.layers.map((l, i) => (cfg.segments[i] == null ? null : tilePlan(l.out, l.in + 1, cfg.segments[i]!)));
  const tiles: (Tile[] | null)[] = plans.map(() => null);
  const project = (iterations: number): void => {
    net.layers.forEach((l, i) => {
      const plan = plans[i];
      if (!plan) return;
      tiles[i] = projectLayer(l.w, plan, iterations, tiles[i] ?? undefined);
      writeLayer(l.w, plan, tiles[i]!);
    });
  };
  /** Refresh the pull targets Π(W) without moving the weights. */
  const refreshTargets = (iterations: number): void => {
    net.layers.forEach((l, i) => {
      const plan = plans[i];
      if (!plan) return;
      tiles[i] = projectLayer(l.w, plan, iterations, tiles[i] ?? undefined);
      const t = (targets[i] ??= new Float64Array(l.w.length));
      writeLayer(t, plan, tiles[i]!);
    });
  };
  /** Fitted phase: the network's weights become Π(shadow). */
  const projectShadow = (iterations: number): void => {
    net.layers.forEach((l, i) => {
      const plan = plans[i];
      if (!plan) return;
      tiles[i] = projectLayer(shadow[i], plan, iterations, tiles[i] ?? undefined);
      writeLayer(l.w, plan, tiles[i]!);
    });
  };
  // Shadow weights: what Adam updates. Outside the fitted phase they ARE the network's weights;
  // in the fitted phase the network runs on their Σ·U projection (straight-through estimator).
  const params = net.layers.map((l) => l.w);
  const shadow = params.map((p) => p);
  const grads = params.map((p) => new Float64Array(p.length));
  // Σ·U targets of the proximal pull λ·(W − Π(W)), refreshed every `projectEvery` steps.
  const targets: (Float64Array | null)[] = plans.map(() => null);
  let pull = 0;
  let fitting = false;
  const clean = params.map((p) => new Float64Array(p.length));
  const opt = createAdam(params);
  const all = allocTrace(net, cases);
  all.acts[0].set(x);
  const gAll = new Float64Array(cases * nout);
  const history: EpochStats[] = [];
  const bmax = Math.max(cfg.batchSize * 4, 128);
  const tr = allocTrace(net, bmax);
  const g = new Float64Array(bmax * nout);
  const tgt = new Int32Array(bmax * nout);
  const order = Int32Array.from({ length: cases }, (_, i) => i);
  let exact = 0;
  let epoch = 0;
  let fittedSteps = 0; // steps since the periodic phase began

  const centred = x.map((v) => v - 0.5);
  let xin: Float64Array = centred;
  const step = (ids: Int32Array, from: number, batch: number, mse: boolean, lr: number): void => {
    for (let b = 0; b < batch; b++) {
      const c = ids[from + b];
      for (let k = 0; k < nin; k++) tr.acts[0][b * nin + k] = xin[c * nin + k];
      for (let k = 0; k < nout; k++) tgt[b * nout + k] = ds.targets[c * nout + k];
    }
    // Weight noise: evaluate the gradient at perturbed weights, apply it to the clean ones.
    const noisy = cfg.weightNoise > 0 && !mse;
    if (noisy)
      params.forEach((p, i) => {
        clean[i].set(p);
        for (let j = 0; j < p.length; j++) p[j] += cfg.weightNoise * Math.abs(p[j]) * rng.normal();
      });
    const y = forward(net, tr, batch);
    if (mse) for (let j = 0; j < batch * nout; j++) g[j] = (2 * (y[j] - tgt[j])) / batch;
    else {
      marginLoss(y, tgt, 0, batch, nout, cfg.levels, cfg.margin, g);
      for (let j = 0; j < batch * nout; j++) g[j] /= batch;
    }
    for (const gg of grads) gg.fill(0);
    backward(net, tr, g, grads, batch);
    if (noisy) params.forEach((p, i) => p.set(clean[i]));
    if (pull > 0)
      targets.forEach((t, i) => {
        if (!t) return;
        const w = shadow[i];
        const gi = grads[i];
        for (let j = 0; j < w.length; j++) gi[j] += pull * (w[j] - t[j]);
      });
    adamStep(opt, shadow, grads, lr);
    if (fitting) projectShadow(2);
  };

  const evaluate = (margin: number): { exact: number; loss: number; active: Int32Array } => {
    all.acts[0].set(xin);
    const y = forward(net, all, cases);
    const r = marginLoss(y, ds.targets, 0, cases, nout, cfg.levels, margin, gAll);
    const act: number[] = [];
    for (let c = 0; c < cases; c++) {
      for (let k = 0; k < nout; k++)
        if (gAll[c * nout + k] !== 0) {
          act.push(c);
          break;
        }
    }
    return { exact: r.exact, loss: r.loss, active: Int32Array.from(act) };
  };

  // `epochs` is the schedule length; the fitted phase may run as long again to reach exact match.
  /** Approximated layers get shadow copies; from now on the net runs on Π(shadow). */
  const enterFitting = (): void => {
    fitting = true;
    pull = 0;
    net.layers.forEach((l, i) => {
      if (plans[i]) shadow[i] = Float64Array.from(l.w);
    });
    projectShadow(30);
  };
  if (cfg.fitFromStart && plans.some((p) => p)) enterFitting();
  const maxEpochs = 2 * cfg.epochs;
  for (epoch = 1; epoch <= maxEpochs; epoch++) {
    const frac = Math.min(1, (epoch - 1) / cfg.epochs);
    const approximating = plans.some((p) => p !== null);
    // Without approximated layers there is nothing to fit: warm-up, then free training throughout.
    const phase = approximating || frac < 0.15 ? phaseOf(frac) : "free";
    const lr = cfg.learningRate * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * (approximating ? Math.min(1, frac / 0.7) : frac))));
    // The fitted phase restarts at a third of the rate and decays over its own span.
    const fitLr = (cfg.learningRate / 3) * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, frac - 0.7) / 0.3))));
    if (phase !== "warm-up" && phase !== "free" && xin === centred) {
      uncentreFirstLayer(net);
      xin = x;
    }
    if (phase === "warm-up" || phase === "free" || phase === "periodic") {
      // All cases, shuffled; batches grow as training settles (less gradient noise near exact match).
      // Small spaces: smaller batches and several passes, so an epoch is at least MIN_STEPS steps.
      const want = phase === "warm-up" ? 128 : phase === "free" ? cfg.batchSize : cfg.batchSize * 2;
      const batch = Math.max(1, Math.min(want, Math.floor(cases / 4)));
      const passes = Math.max(1, Math.ceil((MIN_STEPS * batch) / cases));
      for (let pass = 0; pass < passes; pass++) {
        shuffle(order, rng);
        for (let s = 0; s + batch <= cases; s += batch) {
          step(order, s, batch, phase === "warm-up", lr);
          if (phase === "periodic" && !fitting) {
            // λ ramps quadratically over the phase: the task adapts while weights approach Σ·U.
            pull = PULL_MAX * Math.min(1, (frac - 0.45) / 0.25) ** 2;
            if (fittedSteps++ % cfg.projectEvery === 0) refreshTargets(10);
          }
        }
      }
    } else {
      if (!fitting) enterFitting();
      const { active } = evaluate(cfg.margin);
      shuffle(active, rng);
      const batch = Math.min(cfg.batchSize, active.length);
      for (let s = 0; s + batch <= active.length && batch > 0; s += batch) step(active, s, batch, false, fitLr);
    }
    const ev = evaluate(cfg.margin);
    exact = evaluate(0).exact;
    const stats: EpochStats = { epoch, phase, exact, violations: ev.active.length, loss: ev.loss };
    history.push(stats);
    onEpoch?.(stats);
    const constrained = approximating ? phase === "fitted" : phase !== "warm-up";
    if (constrained && exact === cases) break;
  }
  if (xin === centred) uncentreFirstLayer(net); // stopped early in a free phase (no layer approximated)
  return { net, plans, tiles, exact, cases, epochs: Math.min(epoch, maxEpochs), history };
}

function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
