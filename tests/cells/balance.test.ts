// The scales of a chain of sparse stages (compiler/cells/balance.ts), checked against what
// docs/design/digit-cells.md §2.2 says they are: every |σ| ≤ headroom, the smallest |σ| as large as any
// passive scaling allows (the max-min value, recomputed here with Floyd–Warshall), and, from there,
// Σ_e w_e/|σ_e| (w_e = |W| × largest input / the row's budget) at a minimum: no single scale, moved
// either way within the constraints, lowers it, and every layer has an entry at the headroom.
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { balanceScales, type LayerBudget } from "../../compiler/cells/balance.ts";
import { cellNetwork } from "../../compiler/cells/cell-network.ts";
import { entrySigma, sparseLayout, type SparseLayout, type SparseScales } from "../../compiler/cells/sparse-stage.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { createRng } from "../../math/rng.ts";

interface Entry {
  l: number;
  r: number;
  j: number;
  w: number;
}

function entries(layers: SparseLayout[], budgets?: LayerBudget[]): Entry[] {
  const out: Entry[] = [];
  layers.forEach((layer, l) => {
    const cols = layer.weights[0]!.length;
    layer.weights.forEach((row, r) =>
      row.forEach((x, j) => {
        if (x === 0) return;
        const b = budgets?.[l];
        out.push({ l, r, j, w: b ? (Math.abs(x) * (j === cols - 1 ? 1 : b.inputMax[j]!)) / b.rowMargin[r]! : 1 });
      }),
    );
  });
  return out;
}

const sigmas = (layers: SparseLayout[], scales: SparseScales[], es: Entry[]): number[] =>
  es.map((e) => entrySigma(layers[e.l]!, scales[e.l]!, e.r, e.j));
const objective = (layers: SparseLayout[], scales: SparseScales[], es: Entry[]): number =>
  sigmas(layers, scales, es).reduce((a, s, k) => a + es[k]!.w / s, 0);

/** The largest t such that some passive scaling has every ln|σ| in [t, ln headroom]: bisection, each step a Floyd–Warshall negative-cycle test. */
function maxMin(layers: SparseLayout[], sourceAmplitude: number, headroom: number): number {
  // Nodes: 0 = the source; per layer its rows (one shared node for the last layer) and its bias.
  let n = 1;
  const rowNode: number[][] = [];
  const biasNode: number[] = [];
  layers.forEach((layer, l) => {
    const shared = l === layers.length - 1 ? n++ : -1;
    rowNode.push(layer.weights.map(() => (shared >= 0 ? shared : n++)));
    biasNode.push(n++);
  });
  const H = Math.log(headroom);
  const cons: { x: number; y: number; c: number }[] = [];
  layers.forEach((layer, l) => {
    const cols = layer.weights[0]!.length;
    layer.weights.forEach((row, r) =>
      row.forEach((x, j) => {
        if (x === 0) return;
        // ln|σ| = x_row − y_input + c, c = ln|W| − ln|path| (the source's own amplitude cancels: node 0 is fixed).
        cons.push({
          x: rowNode[l]![r]!,
          y: j === cols - 1 ? biasNode[l]! : l === 0 ? 0 : rowNode[l - 1]![j]!,
          c: Math.log(Math.abs(x)) - Math.log(layer.pathMag[r]![j]!),
        });
      }),
    );
  });
  void sourceAmplitude;
  const feasible = (t: number): boolean => {
    const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, k) => (i === k ? 0 : Infinity)));
    for (const e of cons) {
      d[e.y]![e.x] = Math.min(d[e.y]![e.x]!, H - e.c); // x − y ≤ H − c
      d[e.x]![e.y] = Math.min(d[e.x]![e.y]!, e.c - t); // y − x ≤ c − t
    }
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++) for (let m = 0; m < n; m++) if (d[i]![k]! + d[k]![m]! < d[i]![m]!) d[i]![m] = d[i]![k]! + d[k]![m]!;
    return d.every((row, i) => row[i]! >= -1e-12);
  };
  let lo = H - 60;
  let hi = H;
  expect(feasible(lo)).toBe(true);
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (feasible(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The scales with one node's log scale moved by δ: a row (and the next layer's input it feeds), the last layer's shared scale, or a bias. */
function moved(scales: SparseScales[], what: { l: number; row?: number; bias?: true }, delta: number): SparseScales[] {
  const s = structuredClone(scales);
  const f = Math.exp(delta);
  const last = s.length - 1;
  if (what.bias) s[what.l]!.biasAmplitude *= f;
  else {
    const rows = what.l === last ? s[last]!.rowScale.map((_, r) => r) : [what.row!];
    for (const r of rows) {
      s[what.l]!.rowScale[r]! *= f;
      if (what.l < last) s[what.l + 1]!.inputScale[r]! *= f;
    }
  }
  return s;
}

function checkBalanced(name: string, layers: SparseLayout[], sourceAmplitude: number, headroom: number, budgets?: LayerBudget[]): void {
  const scales = balanceScales(layers, sourceAmplitude, headroom, budgets);
  const es = entries(layers, budgets);
  const sig = sigmas(layers, scales, es);
  // The scales chain: layer 0 reads the sources, layer l the rows of layer l − 1; the last layer's rows share one scale.
  expect(scales.length, name).toBe(layers.length);
  scales.forEach((s, l) => {
    expect(s.inputScale, name).toEqual(
      l === 0 ? new Array(layers[0]!.weights[0]!.length - 1).fill(sourceAmplitude) : scales[l - 1]!.rowScale,
    );
    expect(
      [...s.rowScale, s.biasAmplitude].every((x) => Number.isFinite(x) && x > 0),
      name,
    ).toBe(true);
  });
  const lastRows = scales[scales.length - 1]!.rowScale;
  expect(
    lastRows.every((x) => x === lastRows[0]),
    name,
  ).toBe(true);
  // Every |σ| within the headroom, and every layer with one at it.
  expect(Math.max(...sig), name).toBeLessThanOrEqual(headroom * (1 + 1e-9));
  layers.forEach((_, l) =>
    expect(Math.max(...sig.filter((__, k) => es[k]!.l === l)) / headroom, `${name}: layer ${l}'s largest |σ|`).toBeCloseTo(1, 9),
  );
  // The smallest |σ| is the max-min value.
  const tStar = maxMin(layers, sourceAmplitude, headroom);
  expect(Math.log(Math.min(...sig)) - tStar, `${name}: ln min |σ| − t*`).toBeCloseTo(0, 6);
  // Σ w/|σ| is at a minimum along every single scale, within the constraints.
  const F = objective(layers, scales, es);
  const floor = Math.min(...sig);
  const nodes: { l: number; row?: number; bias?: true }[] = [];
  layers.forEach((layer, l) => {
    if (l === layers.length - 1) nodes.push({ l });
    else layer.weights.forEach((_, row) => nodes.push({ l, row }));
    nodes.push({ l, bias: true });
  });
  let tried = 0;
  for (const node of nodes) {
    for (const delta of [1e-4, -1e-4, 1e-2, -1e-2]) {
      const s = moved(scales, node, delta);
      const sg = sigmas(layers, s, es);
      if (Math.max(...sg) > headroom * (1 + 1e-9) || Math.min(...sg) < floor * (1 - 1e-12)) continue;
      tried++;
      expect(objective(layers, s, es), `${name}: moving ${JSON.stringify(node)} by ${delta}`).toBeGreaterThanOrEqual(F * (1 - 1e-10));
    }
  }
  expect(tried, name).toBeGreaterThan(0);
}

describe("balanced scales", () => {
  it("the cell networks of four chips, with their error budgets", () => {
    for (const [N, b, L, r] of [
      [4, 8, 4, "nearest-even"],
      [4, 4, 4, "nearest-away"],
      [5, 4, 4, "floor"],
      [6, 3, 2, "nearest-away"],
    ] as [number, number, number, Rounding][]) {
      for (const cell of planDigitChip(flatUnit(N, b, L, r)).cells) {
        const net = cellNetwork(cell);
        const layouts = net.layers.map((l) => sparseLayout(l.name, l.weights));
        checkBalanced(`${cell.name} of N = ${N}, L = ${L}, ${r}`, layouts, 1 / (L - 1), 0.9, net.layers);
      }
    }
  });

  it("without budgets every entry weighs 1; other headrooms and source amplitudes", () => {
    const cell = planDigitChip(flatUnit(4, 4, 4, "nearest-away")).cells.find((c) => c.role === "divide")!;
    const layouts = cellNetwork(cell).layers.map((l) => sparseLayout(l.name, l.weights));
    checkBalanced("divide0, no budgets", layouts, 1 / 3, 0.9);
    checkBalanced("divide0, headroom 0.5, source 2", layouts, 2, 0.5);
  });

  it("random chains of two and three sparse layers (seeded)", () => {
    const rng = createRng(23);
    const matrix = (rows: number, cols: number): number[][] => {
      for (;;) {
        const W = Array.from({ length: rows }, () =>
          Array.from({ length: cols + 1 }, () => (rng.next() < 0.5 ? 0 : (rng.int(9) - 4 || 1) / 2)),
        );
        if (W.every((row) => row.some((x) => x !== 0))) return W;
      }
    };
    for (let t = 0; t < 12; t++) {
      const widths = Array.from({ length: 2 + (t % 2) + 1 }, () => 1 + rng.int(4));
      const layers = widths.slice(1).map((rows, i) => sparseLayout(`l${i}`, matrix(rows, widths[i]!)));
      const budgets = layers.map((l) => ({
        inputMax: l.weights[0]!.slice(1).map(() => 1 + rng.int(5)),
        rowMargin: l.weights.map(() => 0.25 + rng.next()),
      }));
      checkBalanced(`chain ${t} (${widths})`, layers, 0.25 + rng.next(), 0.9, t % 3 ? budgets : undefined);
    }
  });
});
