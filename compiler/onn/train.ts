// Exact-match training of one unit's ONN, hardware-aware (segmented Σ·U) when asked.
//
// Schedule over at most `epochs` epochs (fractions of the budget):
//   warm-up  [0, 0.1)    MSE to the target levels, all cases, small batches: gets close fast;
//   free     [0.1, 0.4)  margin hinge, unconstrained weights;
//   periodic [0.4, 0.7)  hinge, every `projectEvery` steps each approximated layer is projected onto Σ·U;
//   fitted   [0.7, ...)  hinge, projection after every step: every iterate IS a Σ·U network.
// Training stops once the fitted network decodes every case correctly.
// Hinge phases train on the active set only: cases violating the margin. Cases that satisfy it have
// exactly zero loss and gradient, so skipping them changes nothing but the cost.
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

function phaseOf(frac: number): EpochStats["phase"] {
  return frac < 0.1 ? "warm-up" : frac < 0.4 ? "free" : frac < 0.7 ? "periodic" : "fitted";
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
  const params = net.layers.map((l) => l.w);
  const grads = params.map((p) => new Float64Array(p.length));
  const clean = params.map((p) => new Float64Array(p.length));
  const opt = createAdam(params);
  const all = allocTrace(net, cases);
  all.acts[0].set(x);
  const gAll = new Float64Array(cases * nout);
  const history: EpochStats[] = [];
  const bmax = Math.max(cfg.batchSize, 128);
  const tr = allocTrace(net, bmax);
  const g = new Float64Array(bmax * nout);
  const tgt = new Int32Array(bmax * nout);
  let order: Int32Array = Int32Array.from({ length: cases }, (_, i) => i);
  let exact = 0;
  let epoch = 0;
  let fittedSteps = 0;

  const step = (ids: Int32Array, from: number, batch: number, mse: boolean, lr: number): void => {
    for (let b = 0; b < batch; b++) {
      const c = ids[from + b];
      for (let k = 0; k < nin; k++) tr.acts[0][b * nin + k] = x[c * nin + k];
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
    adamStep(opt, params, grads, lr);
  };

  const evaluate = (margin: number): { exact: number; loss: number; active: Int32Array } => {
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

  const maxEpochs = cfg.epochs;
  for (epoch = 1; epoch <= maxEpochs; epoch++) {
    const frac = (epoch - 1) / maxEpochs;
    const phase = phaseOf(frac);
    const lr = cfg.learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, frac / 0.7))));
    if (phase === "warm-up") {
      shuffle(order, rng);
      for (let s = 0; s + 128 <= cases; s += 128) step(order, s, 128, true, lr);
    } else {
      const { active } = evaluate(cfg.margin);
      if (active.length === 0 && phase === "fitted") {
        order = active;
      } else {
        // Mix in a few random cases so decisions that are right but near the margin stay put.
        const ids = active.length > 0 ? active : order;
        shuffle(ids, rng);
        const batch = Math.min(cfg.batchSize, ids.length);
        for (let s = 0; s + batch <= ids.length; s += batch) {
          step(ids, s, batch, false, lr);
          if (phase === "fitted") {
            project(2);
            fittedSteps++;
          } else if (phase === "periodic" && ++fittedSteps % cfg.projectEvery === 0) project(10);
        }
      }
    }
    if (phase === "fitted" || (phase === "periodic" && epoch % 5 === 0)) project(phase === "fitted" ? 3 : 10);
    const ev = evaluate(cfg.margin);
    exact = evaluate(0).exact;
    const stats: EpochStats = { epoch, phase, exact, violations: ev.active.length, loss: ev.loss };
    history.push(stats);
    onEpoch?.(stats);
    const constrained = plans.every((p) => p === null) ? phase !== "warm-up" : phase === "fitted";
    if (constrained && exact === cases) break;
    order = Int32Array.from({ length: cases }, (_, i) => i);
  }
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
