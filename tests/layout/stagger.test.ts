// Staggered heater columns (layout/stagger.ts, docs/design/layout.md §4.2): a column
// of heaters is spread over several columns, heaters alternating top-down, every item keeping its
// rank, so the staggering adds no crossing; on the quick start it makes the netlist cells with
// heater columns smaller at the same crossings.
import { describe, expect, it } from "vitest";
import type { LayoutCell } from "../../layout/cell.ts";
import { columnsOf, type End, type Item, type PlaceNode } from "../../layout/columns.ts";
import { staggerings } from "../../layout/stagger.ts";
import { CellCache, layoutCircuit } from "../../layout/design.ts";
import { RULES } from "../../layout/layers.ts";
import { compiledVariant, flatPam4 } from "../helpers/examples.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";

/** A stand-in cell: only its kind and height matter to the staggering. */
const cell = (kind: string, h: number): LayoutCell =>
  ({ name: kind, kind, shapes: [], refs: [], pins: [], bbox: { x0: 0, y0: -h / 2, x1: 100, y1: h / 2 }, through: {} }) as LayoutCell;

/** Four MZI arms: couplers C_i feed a heater H_i and its reference arm W_i, couplers D_i take them. */
function mesh(): { nodes: PlaceNode[]; edges: { from: End; to: End }[]; level: number[]; names: string[] } {
  const names: string[] = [];
  const nodes: PlaceNode[] = [];
  const add = (name: string, c: LayoutCell | null): number => (names.push(name), nodes.push({ name, cell: c }) - 1);
  const edges: { from: End; to: End }[] = [];
  const level: number[] = [];
  for (let i = 0; i < 4; i++) {
    const C = add(`C${i}`, cell("coupler", 16));
    const H = add(`H${i}`, cell("phase", 6));
    const W = add(`W${i}`, cell("waveguide", 0.5));
    const D = add(`D${i}`, cell("coupler", 16));
    level.push(0, 1, 1, 2);
    edges.push({ from: { node: C, pin: "o3" }, to: { node: H, pin: "o1" } }, { from: { node: C, pin: "o4" }, to: { node: W, pin: "o1" } });
    edges.push({ from: { node: H, pin: "o2" }, to: { node: D, pin: "o1" } }, { from: { node: W, pin: "o2" }, to: { node: D, pin: "o2" } });
  }
  return { nodes, edges, level, names };
}

describe("staggered heater columns", () => {
  it("spread a column of heaters over two columns, alternating top-down, every item at its rank", () => {
    const { nodes, edges, level, names } = mesh();
    const base = columnsOf(level, edges);
    // top-down as stacked: C0 … C3; H0 W0 H1 W1 …; D0 … D3 (node indices are in that order)
    const order = base.cols.map((items) => items.map((_, i) => i));
    // the pins: a coupler's o3 above its o4 (as the cells draw them)
    const pinY = (e: End): number => (e.pin === "o3" || e.pin === "o1" ? 5 : -5);
    const all = staggerings({ ...base, order }, nodes, edges, RULES.heaterClearance, pinY);
    expect(all.length).toBeGreaterThan(0);
    const two = all.find((s) => s.last === base.last + 1)!;
    expect(two.spread).toBe(1);
    const at = (n: string): number => two.level[names.indexOf(n)]!;
    expect(["H0", "H1", "H2", "H3"].map(at)).toEqual([1, 2, 1, 2]);
    expect(["W0", "W3", "C2", "D1"].map(at)).toEqual([1, 1, 0, 3]);
    // each column top-down: nodes by name, tracks by the edge they carry
    const label = (it: Item): string =>
      it.kind === "node" ? names[it.node]! : `${names[edges[it.edge]!.from.node]}>${names[edges[it.edge]!.to.node]}`;
    const column = (c: number): string[] => two.order[c]!.map((i) => label(two.cols[c]![i]!));
    expect(column(1)).toEqual(["H0", "W0", "C1>H1", "W1", "H2", "W2", "C3>H3", "W3"]);
    expect(column(2)).toEqual(["H0>D0", "W0>D0", "H1", "W1>D1", "H2>D2", "W2>D2", "H3", "W3>D3"]);
    // the planted fault: rank the tracks by edge index alone, and the column's order is not the base's
    const byEdge = two.cols[2]!.map((_, i) => i).sort((a, b) => {
      const [x, y] = [two.cols[2]![a]!, two.cols[2]![b]!];
      return (x.kind === "dummy" ? x.edge : 99) - (y.kind === "dummy" ? y.edge : 99);
    });
    expect(byEdge.map((i) => label(two.cols[2]![i]!))).not.toEqual(column(2));
  });

  it("leave a column alone that is no taller than the rest, and one with a single heater", () => {
    const { nodes, edges, level } = mesh();
    const base = columnsOf(level, edges);
    const order = base.cols.map((items) => items.map((_, i) => i));
    // at the least clearance a heater column is as tall as the couplers': nothing to gain
    expect(staggerings({ ...base, order }, nodes, edges, 8.75, () => 0)).toEqual([]);
    const one = nodes.map((n, i) => (n.cell?.kind === "phase" && i > 1 ? { ...n, cell: cell("waveguide", 0.5) } : n));
    expect(staggerings({ ...base, order }, one, edges, RULES.heaterClearance, () => 0)).toEqual([]);
  });

  it("make the quick start's add0 cells with heater columns smaller at the same crossings (off: the planted fault)", () => {
    const add0 = readNetlistJson(compiledVariant("paper-4x8", flatPam4).files.get("paper_4x8.add0.netlist.json")!);
    const cache = (stagger: boolean) =>
      new CellCache(DEFAULT_LENGTH_ENCODING, undefined, "best", "potentials", true, RULES.heaterClearance, stagger);
    const on = layoutCircuit(add0, cache(true));
    const off = layoutCircuit(add0, cache(false));
    expect(off.staggered).toBe(0);
    expect(on.staggered).toBeGreaterThan(0);
    const area = (c: LayoutCell): number => (c.bbox.x1 - c.bbox.x0) * (c.bbox.y1 - c.bbox.y0);
    let smaller = 0;
    for (const [name, cellOn] of on.netlists) {
      const cellOff = off.netlists.get(name)!;
      // the staggering keeps every column's order: the same crossings inside each cell
      const crossed = (l: typeof on): number => l.channels.get(name)!.reduce((a, ch) => a + ch.inversions, 0);
      expect(crossed(on), name).toBe(crossed(off));
      expect(cellOn.crossingCells, name).toBe(cellOff.crossingCells);
      expect(area(cellOn), name).toBeLessThanOrEqual(area(cellOff) * 1.001);
      if (area(cellOn) < 0.9 * area(cellOff)) smaller++;
    }
    expect(smaller).toBeGreaterThan(0);
    expect(area(on.top)).toBeLessThan(0.8 * area(off.top));
  });
});
