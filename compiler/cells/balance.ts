// Signal scales of a chain of sparse stages. A stage realizes its matrix only up to positive scales
// per row (ReLU commutes with them; the next stage divides them out), and each bias source may have
// any amplitude. Those choices set every attenuator's |σ|, and an attenuator's phase error costs
// ≈ δθ/2 of absolute transmission whatever its setting: a small |σ| is a large relative error. So
// the scales are chosen to make the smallest |σ| of the whole cell as large as possible, with every
// |σ| ≤ headroom. In logs this is a max-min problem over difference constraints,
//   t ≤ x_r + c_rj − y_j ≤ log headroom,
// (x: a row's log scale, y: its input's log amplitude, c_rj = log |W_rj| − log |tree path|),
// solved by bisection on t with a Bellman-Ford feasibility test (no negative cycle).
import { entrySigma, type SparseLayout, type SparseScales } from "./sparse-stage.ts";

interface Edge {
  from: number;
  to: number;
  w: number;
}

/**
 * Potentials satisfying x_to − x_from ≤ w for every edge, or null when infeasible: shortest
 * distances from a virtual root at 0 to every node, relaxed from a queue of the nodes whose
 * distance changed (only edges out of those are looked at again). Infeasible means a negative
 * cycle; every n relaxations the tree of last improvements is checked for a cycle, which can only
 * be a negative one (each edge on it improved its head), so an infeasible level is found after a
 * few sweeps rather than n.
 */
function feasible(n: number, edges: Edge[]): Float64Array | null {
  const d = new Float64Array(n);
  const parent = new Int32Array(n).fill(-1);
  const out = adjacency(n, edges);
  const queue = new Int32Array(n);
  const queued = new Uint8Array(n).fill(1);
  for (let v = 0; v < n; v++) queue[v] = v;
  let head = 0;
  let size = n;
  let relaxed = 0;
  while (size > 0) {
    const u = queue[head]!;
    head = (head + 1) % n;
    size--;
    queued[u] = 0;
    for (let k = out.start[u]!; k < out.start[u + 1]!; k++) {
      const e = edges[out.edge[k]!]!;
      if (d[u]! + e.w < d[e.to]! - 1e-12) {
        d[e.to] = d[u]! + e.w;
        parent[e.to] = u;
        if (++relaxed % n === 0 && hasCycle(parent)) return null;
        if (!queued[e.to]) {
          queued[e.to] = 1;
          queue[(head + size) % n] = e.to;
          size++;
        }
      }
    }
  }
  return d;
}

/** Whether following parent links from some node comes back to it. */
function hasCycle(parent: Int32Array): boolean {
  const state = new Uint8Array(parent.length); // 0 unseen, 1 on the current walk, 2 done
  for (let s = 0; s < parent.length; s++) {
    let v = s;
    while (v >= 0 && state[v] === 0) {
      state[v] = 1;
      v = parent[v]!;
    }
    if (v >= 0 && state[v] === 1) return true;
    for (let w = s; w >= 0 && state[w] === 1; w = parent[w]!) state[w] = 2;
  }
  return false;
}

/** Edge indices grouped by their tail node (compressed rows). */
function adjacency(n: number, edges: Edge[]): { start: Int32Array; edge: Int32Array } {
  const start = new Int32Array(n + 1);
  for (const e of edges) start[e.from + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const edge = new Int32Array(edges.length);
  edges.forEach((e, i) => (edge[fill[e.from]!++] = i));
  return { start, edge };
}

/**
 * Scales for layers fed by `inputs` source ports at amplitude `sourceAmplitude` each. Rows of
 * the last layer share one scale (they meet one detector step).
 */
export interface LayerBudget {
  /** Largest value of each non-bias input, and the error each row can take. */
  inputMax: number[];
  rowMargin: number[];
}

/**
 * `chained[l]`: layer l's bias column is not a fresh source but the previous layer's last row (a
 * replica of the constant that crossed the same stages as the signal; compiler/cells/cell-circuit.ts),
 * so its amplitude is that row's scale. Such a replica row's own entry is kept bright, |σ| ≥
 * REPLICA_FLOOR · headroom: every next row's constant arrives through it, so its relative error is
 * a common error of all of them, and a lab lights and reads later stages through it (a replica
 * attenuated to a tenth reaches the next ReLU too weak to find its phase, docs/design/calibration.md).
 */
export const REPLICA_FLOOR = 0.2;

export function balanceScales(
  layers: SparseLayout[],
  sourceAmplitude: number,
  headroom: number,
  budgets?: LayerBudget[],
  chained?: boolean[],
  referenceRow = false,
  regenerated?: boolean[],
): SparseScales[] {
  // A regenerated layer's inputs are written at full scale by the activations before it: input j
  // at its largest value has the source's full-scale amplitude, so its amplitude per unit is fixed.
  const regen = (l: number): boolean => l > 0 && regenerated?.[l] === true;
  // Node 0 is the source; then per layer its rows (one node for the last layer) and its bias.
  let n = 1;
  const rowNode: number[][] = [];
  const biasNode: number[] = [];
  layers.forEach((layer, l) => {
    const rows = layer.weights.length;
    if (l === layers.length - 1) {
      // The decoded rows meet one detector step; a ratiometric reference row (the last) has its own
      // scale, which the detector's reference level names, so nothing holds its entry dim.
      const shared = n++;
      const own = referenceRow ? n++ : shared;
      rowNode.push(Array.from({ length: rows }, (_, r) => (r === rows - 1 ? own : shared)));
    } else rowNode.push(Array.from({ length: rows }, () => n++));
    if (chained?.[l] && l > 0) biasNode.push(rowNode[l - 1]![rowNode[l - 1]!.length - 1]!);
    else biasNode.push(n++);
  });
  const H = Math.log(headroom);
  const entries: { x: number; y: number; c: number; w: number; layer: number; bright: boolean }[] = [];
  const B = Math.log(REPLICA_FLOOR * headroom);
  layers.forEach((layer, l) => {
    const cols = layer.weights[0]!.length;
    layer.weights.forEach((row, r) =>
      row.forEach((w, j) => {
        if (w === 0) return;
        const bias = j === cols - 1;
        const y = regen(l) ? 0 : bias ? biasNode[l]! : l === 0 ? 0 : rowNode[l - 1]![j]!;
        // Potential of a regenerated input per unit, relative to the source's: full scale over its largest value.
        const fixed = regen(l) ? Math.log(1 / (bias ? 1 : budgets![l]!.inputMax[j]!) / sourceAmplitude) : 0;
        // Weight of the entry's error: |W|·(largest input)/(row's margin), per unit of 1/|σ|.
        const b = budgets?.[l];
        const weight = b ? (Math.abs(w) * (j === cols - 1 ? 1 : b.inputMax[j]!)) / b.rowMargin[r]! : 1;
        // The replica row of a layer whose next layer reads it as its bias.
        const bright = chained?.[l + 1] === true && r === layer.weights.length - 1 && j === cols - 1;
        entries.push({
          x: rowNode[l]![r]!,
          y,
          c: Math.log(Math.abs(w)) - Math.log(layer.pathMag[r]![j]!) - fixed,
          w: weight,
          layer: l,
          bright,
        });
      }),
    );
  });
  const edgesAt = (t: number): Edge[] =>
    entries.flatMap((e) => [
      { from: e.y, to: e.x, w: H - e.c }, // x − y ≤ H − c
      { from: e.x, to: e.y, w: e.c - (e.bright ? Math.max(t, B) : t) }, // y − x ≤ c − t
    ]);
  let lo = H - 40;
  let hi = H;
  let best = feasible(n, edgesAt(lo));
  if (!best) throw new Error("internal: no passive scaling of the cell network");
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    const d = feasible(n, edgesAt(mid));
    if (d) [lo, best] = [mid, d];
    else hi = mid;
  }
  // The bisection only lifts the smallest |σ|. Then minimize the total error sensitivity
  // Σ_e w_e/|σ_e| (an attenuator's error is ≈ constant in absolute |σ|, so its relative error goes
  // as 1/|σ|) by exact coordinate descent: each log scale v sees A·e^{−v} + B·e^{v}, minimal at
  // ½ ln(A/B), clipped to keep every |σ| in [e^{t*}, headroom]. The problem is convex in logs.
  const pot = Float64Array.from(best, (x) => x - best![0]!);
  const floor = lo;
  // Each node's entries as a row (x) and as an input (y), in entry order: the sums below add in
  // the same order as a scan of all entries would, at a cost linear in the entries per sweep.
  const asRow: (typeof entries)[] = Array.from({ length: n }, () => []);
  const asInput: (typeof entries)[] = Array.from({ length: n }, () => []);
  const ofLayer: (typeof entries)[] = layers.map(() => []);
  for (const e of entries) {
    ofLayer[e.layer]!.push(e);
    if (e.x === e.y) continue;
    asRow[e.x]!.push(e);
    asInput[e.y]!.push(e);
  }
  for (let sweep = 0; sweep < 200; sweep++) {
    let moved = 0;
    for (let node = 1; node < n; node++) {
      let A = 0;
      let Bsum = 0;
      let upper = Infinity;
      let lower = -Infinity;
      for (const e of asRow[node]!) {
        A += e.w * Math.exp(pot[e.y]! - e.c);
        upper = Math.min(upper, H - e.c + pot[e.y]!);
        lower = Math.max(lower, (e.bright ? Math.max(floor, B) : floor) - e.c + pot[e.y]!);
      }
      for (const e of asInput[node]!) {
        Bsum += e.w * Math.exp(-pot[e.x]! - e.c);
        lower = Math.max(lower, pot[e.x]! + e.c - H);
        upper = Math.min(upper, pot[e.x]! + e.c - (e.bright ? Math.max(floor, B) : floor));
      }
      if (A === 0 && Bsum === 0) continue;
      const target = Bsum === 0 ? upper : A === 0 ? lower : 0.5 * Math.log(A / Bsum);
      const next = Math.min(upper, Math.max(lower, target));
      if (Number.isFinite(next)) {
        moved = Math.max(moved, Math.abs(next - pot[node]!));
        pot[node] = next;
      }
    }
    // A layer and everything after it may move up together: only that layer's |σ| change (all
    // up), so lift each layer until its largest |σ| meets the headroom.
    layers.forEach((_, l) => {
      let peak = -Infinity;
      for (const e of ofLayer[l]!) peak = Math.max(peak, pot[e.x]! + e.c - pot[e.y]!);
      const delta = H - peak;
      if (!(delta > 1e-12)) return;
      moved = Math.max(moved, delta);
      for (let k = l; k < layers.length; k++) {
        if (k > l && regen(k)) break;
        for (const node of new Set(rowNode[k])) pot[node]! += delta;
        // A chained bias is the previous layer's row, already moved with it.
        if (k > l && !chained?.[k]) pot[biasNode[k]!]! += delta;
      }
    });
    if (moved < 1e-9) break;
  }
  const value = (node: number): number => Math.exp(pot[node]!) * sourceAmplitude;
  const out: SparseScales[] = [];
  layers.forEach((layer, l) => {
    const cols = layer.weights[0]!.length;
    const inputScale = Array.from({ length: cols - 1 }, (_, j) =>
      regen(l) ? 1 / budgets![l]!.inputMax[j]! : l === 0 ? sourceAmplitude : out[l - 1]!.rowScale[j]!,
    );
    out.push({
      inputScale,
      rowScale: rowNode[l]!.map(value),
      biasAmplitude: regen(l) ? 1 : value(biasNode[l]!),
      ...(chained?.[l] && l > 0 ? { chained: true } : {}),
    });
  });
  // Guard the rounding of the bisection: no |σ| may exceed the headroom.
  layers.forEach((layer, l) => {
    let peak = 0;
    layer.weights.forEach((row, r) => row.forEach((w, j) => w !== 0 && (peak = Math.max(peak, entrySigma(layer, out[l]!, r, j)))));
    if (peak > headroom * (1 + 1e-9)) throw new Error(`internal: balanced stage ${layer.name} has |σ| = ${peak} > ${headroom}`);
  });
  return out;
}
