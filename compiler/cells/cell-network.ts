// A digit cell (aggregate/digit-chip.ts) as a small real ReLU network that is exact on every integer
// v it can see, with signals kept small and decisions restored to clean 0/1 levels:
//
//   sum        v = bias + Σ w_p x_p                              (one channel)
//   threshold  u_θ = ReLU(s·(θ − v) + c/2), r_θ = 1  for each θ = m + ½ where an output jumps  (+ v)
//   step       z_θ = ReLU(r_θ − u_θ/c) = [v > θ] ∈ {0, 1}                                      (+ v)
//   digits     y_o = c_o + b_o·v + Σ_θ Δ_oθ · z_θ           → detector: round(y_o)
//
// Each output is written as an affine part (its most common slope b_o) plus jumps, so a digit that
// wraps (v mod L) needs one step per wrap, not one per value. On integer v the threshold unit's input
// is ≤ −s/2 + c/2 (so u_θ = 0 and z_θ = 1) or ≥ s/2 + c/2 (so u_θ ≥ c and z_θ = 0): both decisions
// keep a margin of (s − c)/2 = 1.75 with s = 4, c = ½.
import type { Cell } from "../../aggregate/digit-chip.ts";

export interface CellLayer {
  name: string;
  /** rows × (inputs + 1): the last column multiplies the constant 1 (the layer's bias source). */
  weights: number[][];
  /** ReLU after the layer. */
  relu: boolean;
  /**
   * Rows come in blocks of this many (from row 0) that the stage's fan-out trees keep together:
   * the threshold layer's pairs (u_i, r_i), which the next layer joins (sparse-stage.ts).
   */
  rowUnit?: number;
  /**
   * Per row of a ReLU layer, a level above which no later output changes (null: none): a
   * regenerating read may saturate there (cell-circuit.ts), so the next layer sees a narrower range.
   */
  saturate?: (number | null)[];
  /** Largest value of each input (without the bias), and the error each row can take before a decision fails. */
  inputMax: number[];
  rowMargin: number[];
}

export interface CellNetwork {
  layers: CellLayer[];
  /** Thresholds θ (half-integers in v) of the step units. */
  thresholds: number[];
  /** Per output: its slope b_o in v. */
  slopes: number[];
}

/**
 * A network's widest decision: its largest threshold θ (0 with none). A relative error ε between a
 * cell's bias and signal paths moves a decision at θ by ε·θ (docs/design/structures.md §3).
 */
export const widestTheta = (n: CellNetwork): number => Math.max(0, ...n.thresholds);

/** Threshold slope s. */
export const THRESHOLD_SLOPE = 4;
/** Step knee c: the step unit is 0 once u_θ ≥ c. */
export const STEP_KNEE = 0.5;
/**
 * Where a threshold row may saturate: midway between the knee c, past which its step unit is 0,
 * and (s + c)/2, the least value it takes above 0 on an integer v; both margins are (s − c)/4.
 */
export const THRESHOLD_SATURATION = (STEP_KNEE + (THRESHOLD_SLOPE + STEP_KNEE) / 2) / 2;

function mostCommon(xs: number[]): number {
  const count = new Map<number, number>();
  for (const x of xs) count.set(x, (count.get(x) ?? 0) + 1);
  let best = 0;
  let n = -1;
  for (const [x, c] of count) if (c > n || (c === n && Math.abs(x) < Math.abs(best))) [best, n] = [x, c];
  return best;
}

export interface CellNetworkOptions {
  /**
   * "steps": every output is a sum of step units (no v passed through the activations);
   * "slope": an output may add its most common slope times v (fewer step units, but v must pass
   * through two activation layers at a scale that costs attenuation).
   */
  form: "steps" | "slope";
}

export function cellNetwork(cell: Cell, opts: CellNetworkOptions = { form: "steps" }): CellNetwork {
  const vmin = cell.bias + cell.ports.reduce((s, p) => s + Math.min(0, p.weight * p.max), 0);
  const vmax = cell.vmax;
  const s = THRESHOLD_SLOPE;
  const slopes: number[] = [];
  const jumps: Map<number, number>[] = [];
  const thresholdSet = new Set<number>();
  for (const out of cell.outputs) {
    const g = out.table;
    const diffs: number[] = [];
    for (let v = vmin; v < vmax; v++) diffs.push(g[v + 1]! - g[v]!);
    const b = diffs.length && opts.form === "slope" ? mostCommon(diffs) : 0;
    const j = new Map<number, number>();
    diffs.forEach((d, i) => {
      if (d !== b) {
        j.set(vmin + i + 0.5, d - b);
        thresholdSet.add(vmin + i + 0.5);
      }
    });
    slopes.push(b);
    jumps.push(j);
  }
  const thresholds = [...thresholdSet].sort((a, b) => a - b);
  const needV = slopes.some((b) => b !== 0);
  const n = thresholds.length;
  // Error budgets: a digit fails at ±½; a step unit's output error is multiplied by its largest
  // jump; v feeds the thresholds with slope s (margin (s − c)/2) and the digits with slopes b_o.
  const stepMargin = (s - STEP_KNEE) / 2;
  const vMargin = Math.min(n > 0 ? stepMargin / s : Infinity, ...slopes.filter((b) => b !== 0).map((b) => 0.5 / Math.abs(b)));
  const jumpMax = thresholds.map((t) => Math.max(...jumps.map((j) => Math.abs(j.get(t) ?? 0))));
  const layers: CellLayer[] = [
    {
      name: "sum",
      weights: [[...cell.ports.map((p) => p.weight), cell.bias]],
      relu: false,
      inputMax: cell.ports.map((p) => p.max),
      rowMargin: [vMargin],
    },
  ];
  const digits = (vIndex: number | null, stepIndex: (i: number) => number, width: number): number[][] =>
    cell.outputs.map((out, o) => {
      const row = new Array<number>(width + 1).fill(0);
      if (vIndex !== null) row[vIndex] = slopes[o]!;
      thresholds.forEach((t, i) => (row[stepIndex(i)] = jumps[o]!.get(t) ?? 0));
      row[width] = out.table[vmin]! - slopes[o]! * vmin;
      return row;
    });
  if (n === 0) {
    layers.push({ name: "digits", weights: digits(0, () => -1, 1), relu: false, inputMax: [vmax], rowMargin: cell.outputs.map(() => 0.5) });
    return { layers, thresholds, slopes };
  }
  // threshold layer: inputs [v, 1]. Beside each threshold row u_i it emits r_i = 1, which the
  // step row i takes as its 1: the constant then reaches every step row alongside its u_i, not
  // through a tree that must cross the u tracks to reach them (docs/design/digit-cells.md §2.2, "Per-row
  // constants"); rows u_0, r_0, u_1, r_1, … keep each pair adjacent.
  const pair = (i: number): [number, number] => [2 * i, 2 * i + 1];
  layers.push({
    name: "threshold",
    weights: [
      ...thresholds.flatMap((t) => [
        [-s, s * t + STEP_KNEE / 2],
        [0, 1],
      ]),
      ...(needV ? [[1, 0]] : []),
    ],
    relu: true,
    rowUnit: 2,
    saturate: [...thresholds.flatMap(() => [THRESHOLD_SATURATION, null]), ...(needV ? [null] : [])],
    inputMax: [vmax],
    rowMargin: [...thresholds.flatMap((_, i) => [stepMargin, 0.5 / jumpMax[i]!]), ...(needV ? [vMargin] : [])],
  });
  // step layer: inputs [u_0, r_0, …, u_{n−1}, r_{n−1}, (v), 1]; the 1 feeds only the carried replica
  const w = 2 * n + (needV ? 1 : 0);
  layers.push({
    name: "step",
    weights: [
      ...thresholds.map((_, i) => {
        const [u, r] = pair(i);
        return Array.from({ length: w + 1 }, (__, k) => (k === u ? -1 / STEP_KNEE : k === r ? 1 : 0));
      }),
      ...(needV ? [Array.from({ length: w + 1 }, (__, k) => (k === 2 * n ? 1 : 0))] : []),
    ],
    relu: true,
    inputMax: [...thresholds.flatMap((t) => [s * (t - vmin) + STEP_KNEE / 2, 1]), ...(needV ? [vmax] : [])],
    rowMargin: [...jumpMax.map((j) => 0.5 / j), ...(needV ? [vMargin] : [])],
  });
  layers.push({
    name: "digits",
    weights: digits(needV ? n : null, (i) => i, n + (needV ? 1 : 0)),
    relu: false,
    inputMax: [...thresholds.map(() => 1), ...(needV ? [vmax] : [])],
    rowMargin: cell.outputs.map(() => 0.5),
  });
  return { layers, thresholds, slopes };
}

/** The network on a real v (exact arithmetic reference for tests): the output values y_o. */
export function evaluateCellNetwork(net: CellNetwork, ports: number[]): number[] {
  let x = ports;
  for (const layer of net.layers) {
    x = layer.weights.map((row) => {
      let acc = row[row.length - 1]!;
      for (let k = 0; k < row.length - 1; k++) acc += row[k]! * x[k]!;
      return layer.relu ? Math.max(0, acc) : acc;
    });
  }
  return x;
}
