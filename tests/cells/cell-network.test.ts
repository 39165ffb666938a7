// A digit cell as a real ReLU network (compiler/cells/cell-network.ts), checked against the cell's
// own tables on every integer v it can see, in both forms ("steps" and "slope"): the layer shapes
// of docs/design/digit-cells.md §2.2, the thresholds where outputs change, each layer's largest input
// (evaluated, not read back), and each row's error budget (an error just inside it, on that row
// alone, changes no decision).
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import type { Cell } from "../../aggregate/digit-chip.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { cellNetwork, evaluateCellNetwork, STEP_KNEE, THRESHOLD_SLOPE, type CellNetwork } from "../../compiler/cells/cell-network.ts";
import type { Rounding } from "../../dsl/spec.ts";

/** The cells of several chips: adders, carries, remainders, ties, flags and borrow chains. */
function cells(): { chip: string; cell: Cell }[] {
  const out: { chip: string; cell: Cell }[] = [];
  for (const [N, b, L, r] of [
    [4, 8, 4, "nearest-even"],
    [4, 4, 4, "nearest-away"],
    [5, 4, 4, "floor"],
    [6, 3, 2, "nearest-away"],
    [3, 4, 16, "nearest-even"],
    [2, 3, 2, "nearest-even"],
  ] as [number, number, number, Rounding][]) {
    for (const cell of planDigitChip(flatUnit(N, b, L, r)).cells) out.push({ chip: `N = ${N}, ${b} bits, L = ${L}, ${r}`, cell });
  }
  return out;
}

const vminOf = (c: Cell): number => c.bias + c.ports.reduce((s, p) => s + Math.min(0, p.weight * p.max), 0);

/** Layers 1… on v (the sum layer's output), with an optional error added to one row's pre-activation. */
function fromV(net: CellNetwork, v: number, err?: { layer: number; row: number; e: number }): { y: number[]; inputs: number[][] } {
  let x = [v + (err?.layer === 0 ? err.e : 0)];
  const inputs: number[][] = [x];
  net.layers.slice(1).forEach((layer, i) => {
    x = layer.weights.map((row, r) => {
      let acc = row[row.length - 1]!;
      for (let k = 0; k < row.length - 1; k++) acc += row[k]! * x[k]!;
      if (err && err.layer === i + 1 && err.row === r) acc += err.e;
      return layer.relu ? Math.max(0, acc) : acc;
    });
    inputs.push(x);
  });
  return { y: x, inputs };
}

function checkNetwork(cell: Cell, form: "steps" | "slope"): CellNetwork {
  const net = cellNetwork(cell, { form });
  const vmin = vminOf(cell);
  const name = `${cell.name} (${form})`;
  // Shapes: sum (no ReLU) → [threshold → step (ReLU each)] → digits (no ReLU).
  expect(net.layers[0]!.name, name).toBe("sum");
  expect(net.layers[0]!.weights, name).toEqual([[...cell.ports.map((p) => p.weight), cell.bias]]);
  expect(
    net.layers.map((l) => [l.name, l.relu]),
    name,
  ).toEqual(
    net.thresholds.length
      ? [
          ["sum", false],
          ["threshold", true],
          ["step", true],
          ["digits", false],
        ]
      : [
          ["sum", false],
          ["digits", false],
        ],
  );
  const last = net.layers[net.layers.length - 1]!;
  expect(last.weights.length, name).toBe(cell.outputs.length);
  // Slopes and thresholds from the tables: b_o = 0 ("steps") or the most common difference (ties:
  // the smaller |b|), and a threshold at every half-integer where some output departs from it.
  const slopes = cell.outputs.map((o) => {
    if (form === "steps" || cell.vmax === vmin) return 0;
    const count = new Map<number, number>();
    for (let v = vmin; v < cell.vmax; v++) count.set(o.table[v + 1]! - o.table[v]!, (count.get(o.table[v + 1]! - o.table[v]!) ?? 0) + 1);
    const top = Math.max(...count.values());
    return [...count]
      .filter(([, c]) => c === top)
      .map(([d]) => d)
      .sort((a, b) => Math.abs(a) - Math.abs(b))[0]!;
  });
  expect(net.slopes, name).toEqual(slopes);
  const thresholds: number[] = [];
  for (let v = vmin; v < cell.vmax; v++)
    if (cell.outputs.some((o, k) => o.table[v + 1]! - o.table[v]! !== slopes[k])) thresholds.push(v + 0.5);
  expect(net.thresholds, name).toEqual(thresholds);
  // Exact on every integer v, and equal to evaluateCellNetwork through the ports.
  // Per-value checks are collected and asserted once (one expect() each would cost more than the network).
  const bad: string[] = [];
  const seen = net.layers.map((l) => new Array<number>(l.weights[0]!.length - 1).fill(-Infinity));
  for (let v = vmin; v <= cell.vmax; v++) {
    const { y, inputs } = fromV(net, v);
    cell.outputs.forEach((o, k) => {
      if (!(Math.abs(y[k]! - o.table[v]!) < 1e-9)) bad.push(`${name} v = ${v} ${o.name}: ${y[k]} vs ${o.table[v]}`);
    });
    inputs.forEach((xs, l) => xs.forEach((x, j) => (seen[l + 1] ? (seen[l + 1]![j] = Math.max(seen[l + 1]![j]!, x)) : 0)));
  }
  // Each layer's inputMax is its largest input (layer 0: the ports' maxima).
  expect(net.layers[0]!.inputMax, name).toEqual(cell.ports.map((p) => p.max));
  net.layers.slice(1).forEach((l, i) =>
    l.inputMax.forEach((m, j) => {
      if (!(Math.abs(m - seen[i + 1]![j]!) < 1e-12)) bad.push(`${name} ${l.name} input ${j}: ${m} vs ${seen[i + 1]![j]}`);
    }),
  );
  // Each row's error budget holds: ±0.999 × rowMargin on that row alone changes no digit.
  net.layers.forEach((l, layer) =>
    l.rowMargin.forEach((m, row) => {
      expect(m, `${name} ${l.name} row ${row}`).toBeGreaterThan(0);
      for (const e of [0.999 * m, -0.999 * m]) {
        for (let v = vmin; v <= cell.vmax; v++) {
          const { y } = fromV(net, v, { layer, row, e });
          cell.outputs.forEach((o, k) => {
            if (!(Math.abs(y[k]! - o.table[v]!) < 0.5)) bad.push(`${name}: error ${e} on ${l.name} row ${row} at v = ${v}`);
          });
        }
      }
    }),
  );
  expect(bad).toEqual([]);
  expect(
    net.layers.map((l) => [l.inputMax.length, l.rowMargin.length]),
    name,
  ).toEqual(net.layers.map((l) => [l.weights[0]!.length - 1, l.weights.length]));
  return net;
}

describe("cell networks", () => {
  it("steps form: exact on every integer v, thresholds where outputs change, budgets that hold", () => {
    const all = cells();
    expect(all.length).toBeGreaterThan(30);
    for (const { cell } of all) checkNetwork(cell, "steps");
  });

  it("steps is the default form", () => {
    for (const { cell } of cells().slice(0, 8)) expect(cellNetwork(cell)).toEqual(cellNetwork(cell, { form: "steps" }));
  });

  it("slope form: exact too; v rides along when an output has a slope, and never more step units than steps", () => {
    let withSlope = 0;
    let fewer = 0;
    for (const { cell } of cells()) {
      const net = checkNetwork(cell, "slope");
      const steps = cellNetwork(cell, { form: "steps" });
      expect(net.thresholds.length).toBeLessThanOrEqual(steps.thresholds.length);
      if (net.thresholds.length < steps.thresholds.length) fewer++;
      const needV = net.slopes.some((b) => b !== 0);
      if (needV) withSlope++;
      if (net.thresholds.length) {
        // v passes the threshold and step layers as one extra row each, at slope 1 (the threshold
        // layer's other rows are the pairs u_θ, r_θ).
        expect(net.layers[1]!.weights.length).toBe(2 * net.thresholds.length + (needV ? 1 : 0));
        expect(net.layers[2]!.weights.length).toBe(net.thresholds.length + (needV ? 1 : 0));
        if (needV) {
          const n = net.thresholds.length;
          expect(net.layers[1]!.weights[2 * n]).toEqual([1, 0]);
          expect(net.layers[2]!.weights[n]!.map((w, k) => (w === 0 ? 0 : k))).toEqual(
            net.layers[2]!.weights[n]!.map((_, k) => (k === 2 * n ? k : 0)),
          );
        }
      }
    }
    expect(withSlope).toBeGreaterThan(5);
    expect(fewer).toBeGreaterThan(3);
  });

  it("a cell whose outputs are affine in v needs no threshold in slope form: sum → digits", () => {
    // v = 1 + x0 + x1 (two worker bits), output x0 + x1: affine in v.
    const cell: Cell = {
      name: "copy",
      role: "add",
      position: 0,
      ports: [
        { source: { kind: "worker", worker: 0, position: 0 }, weight: 1, max: 1 },
        { source: { kind: "worker", worker: 1, position: 0 }, weight: 1, max: 1 },
      ],
      groups: [
        { ports: [0], max: 1 },
        { ports: [1], max: 1 },
      ],
      bias: 1,
      vmax: 3,
      // "sum" = v − 1 on v ∈ [1, 3]: slope 1, no jump (entry 0 is below vmin, never read).
      outputs: [{ name: "sum", table: [0, 0, 1, 2] }],
    };
    const net = cellNetwork(cell, { form: "slope" });
    expect(net.thresholds).toEqual([]);
    expect(net.slopes).toEqual([1]);
    expect(net.layers.map((l) => [l.name, l.relu])).toEqual([
      ["sum", false],
      ["digits", false],
    ]);
    expect(net.layers[1]!.weights).toEqual([[1, -1]]);
    expect(net.layers[1]!.inputMax).toEqual([3]);
    expect(net.layers[1]!.rowMargin).toEqual([0.5]);
    // v's budget: half a step of the output, divided by its slope.
    expect(net.layers[0]!.rowMargin).toEqual([0.5]);
    for (const [x0, x1] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ])
      expect(evaluateCellNetwork(net, [x0!, x1!])).toEqual([x0! + x1!]);
  });

  it("threshold and step units keep the documented margins: s = 4, c = ½, margin (s − c)/2 = 1.75", () => {
    expect([THRESHOLD_SLOPE, STEP_KNEE]).toEqual([4, 0.5]);
    const cell = planDigitChip(flatUnit(4, 8, 4, "nearest-even")).cells[0]!;
    const net = cellNetwork(cell);
    // The threshold layer's rows come in pairs: u_θ, then r_θ = 1 (the step row's constant).
    const th = net.layers[1]!;
    expect(th.weights.length).toBe(2 * net.thresholds.length);
    expect(th.rowUnit).toBe(2);
    net.thresholds.forEach((t, i) => {
      expect(th.weights[2 * i]).toEqual([-4, 4 * t + 0.25]);
      expect(th.rowMargin[2 * i]).toBe(1.75);
      expect(th.weights[2 * i + 1]).toEqual([0, 1]);
    });
    // Largest jump of any output at a threshold: the step row's budget is ½ of a digit over it, and
    // so is its constant's. The step row reads u_θ and r_θ only: no constant column of its own.
    const step = net.layers[2]!;
    net.thresholds.forEach((t, i) => {
      const row = step.weights[i]!;
      expect(row.map((w, k) => (w === 0 ? null : [k, w])).filter((x) => x)).toEqual([
        [2 * i, -2],
        [2 * i + 1, 1],
      ]);
      const jump = Math.max(...cell.outputs.map((o) => Math.abs(o.table[t + 0.5]! - o.table[t - 0.5]!)));
      expect(step.rowMargin[i]).toBe(0.5 / jump);
      expect(th.rowMargin[2 * i + 1]).toBe(0.5 / jump);
    });
    // v feeds only the thresholds: its budget is 1.75 / 4.
    expect(net.layers[0]!.rowMargin).toEqual([1.75 / 4]);
  });
});
