// The column order (layout/order.ts, docs/design/layout.md §7.2): sweeps and transpositions make
// the channels' crossing networks shallower than the single barycentre pass, on a planted shuffle
// and on the quick start's threshold circuit, and change only the order, never a connection; the
// late columns (layout/columns.ts), kept where shallower, lower a worst path where they can.
import { describe, expect, it } from "vitest";
import { compiledVariant, flatPam4, linkBase } from "../helpers/examples.ts";
import { CellCache, layoutCircuit } from "../../layout/design.ts";
import { orderColumns } from "../../layout/order.ts";
import { channelCost, channelTarget, networkDepth, totalCost, type OrderItem } from "../../layout/order-cost.ts";
import { transpositionLayers } from "../../layout/channel.ts";
import { longestPath, type PlaceNode } from "../../layout/columns.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";

type Ordering = "best" | "sweeps" | "single-pass";
/** The quick start's add0 netlist. */
// The quick start's flat PAM-4 add0 (route = auto builds binary cells inside; this is the wider cell).
const add0Circuit = () => readNetlistJson(compiledVariant("paper-4x8", flatPam4).files.get("paper_4x8.add0.netlist.json")!);
const add0Layouts = new Map<string, ReturnType<typeof layoutCircuit>>();
/** The quick start's add0 drawn with an ordering, with or without the port order (each once per file). */
function add0(ordering: Ordering, portOrder: boolean): ReturnType<typeof layoutCircuit> {
  const key = `${ordering}/${portOrder}`;
  let l = add0Layouts.get(key);
  if (!l) {
    l = layoutCircuit(add0Circuit(), new CellCache(DEFAULT_LENGTH_ENCODING, undefined, ordering, "potentials", portOrder));
    add0Layouts.set(key, l);
  }
  return l;
}

/**
 * Two binary splitter trees of `levels` levels, A above B, whose leaves pair up (A's k-th with
 * B's k-th) in combiners: drawn tree by tree, the last channel is a perfect shuffle.
 */
function twoTrees(levels: number): { cols: OrderItem[][]; initial: number[][] } {
  let edge = 0;
  const cols: OrderItem[][] = [[]];
  // column 0: the two roots, each with two outs
  let frontier: number[][] = [];
  for (let t = 0; t < 2; t++) {
    const outs = [edge++, edge++];
    cols[0]!.push({ ins: [], outs, pinned: false });
    frontier.push(outs);
  }
  // per tree, its open tracks top-down
  let open = frontier;
  for (let l = 1; l < levels; l++) {
    const col: OrderItem[] = [];
    const next: number[][] = [];
    for (const tracks of open) {
      const mine: number[] = [];
      for (const e of tracks) {
        const outs = [edge++, edge++];
        col.push({ ins: [e], outs, pinned: false });
        mine.push(...outs);
      }
      next.push(mine);
    }
    cols.push(col);
    open = next;
  }
  frontier = open;
  const combine: OrderItem[] = frontier[0]!.map((a, k) => ({ ins: [a, frontier[1]![k]!], outs: [], pinned: false }));
  cols.push(combine);
  return { cols, initial: cols.map((c) => c.map((_, i) => i)) };
}

describe("the column order", () => {
  it("spreads a planted shuffle over the trees' channels: less total depth than the single pass", () => {
    const { cols, initial } = twoTrees(4); // 16 leaves a tree
    const before = totalCost(cols, initial);
    const last = cols.length - 2;
    expect(networkDepth(channelTarget(cols, initial, last))).toBe(15); // the shuffle of 2 × 16 tracks
    const after = orderColumns(cols, initial);
    const cost = totalCost(cols, after);
    expect(before.depth).toBe(15);
    expect(cost.depth).toBeLessThanOrEqual(4); // about one layer a level
    // only orders: every column keeps its items
    after.forEach((o, c) => expect(o.slice().sort((a, b) => a - b)).toEqual(initial[c]));
  });

  it("counts depth as the channel's odd-even transposition network does", () => {
    const { cols, initial } = twoTrees(3);
    for (let c = 0; c + 1 < cols.length; c++) {
      const t = channelTarget(cols, initial, c);
      expect(networkDepth(t)).toBe(transpositionLayers(t).length);
    }
  });

  it("keeps pinned items (a cell's input ports) in their own order", () => {
    const { cols, initial } = twoTrees(3);
    for (const it of cols[0]!) it.pinned = true;
    const after = orderColumns(cols, initial);
    expect(after[0]).toEqual([0, 1]);
  });

  it("lowers the quick start's threshold circuit's crossing depth below the single pass (86 → under 60 on add0's worst path)", () => {
    const sum = (ordering: "sweeps" | "single-pass"): Map<string, number> => {
      // the sub-circuits' own ports free (no port order, port-order.ts): the order alone
      const laid = add0(ordering, false);
      return new Map([...laid.channels].map(([n, ch]) => [n, ch.reduce((a, c) => a + c.depth, 0)]));
    };
    const single = sum("single-pass");
    const swept = sum("sweeps");
    // the planted fault: the single pass draws the shuffle of the two trees' leaves in one channel
    expect(single.get("threshold_circuit")).toBe(54);
    expect(swept.get("threshold_circuit")!).toBeLessThanOrEqual(33);
    for (const [n, d] of swept) expect(d, n).toBeLessThanOrEqual(single.get(n)!);
    const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    expect(total(single)).toBe(86);
    expect(total(swept)).toBeLessThan(60);
  });

  it("moves a branch off the longest path as late as its successors allow, its sink after it", () => {
    // in → a → b → c → join → out, and in2 → m → join with a sink t after m: m waits for join
    const names = ["in", "a", "b", "c", "join", "out", "in2", "m", "t"];
    const nodes: PlaceNode[] = names.map((name) => ({ name, cell: null, ...(name.startsWith("in") ? { port: "in" as const } : {}) }));
    nodes[5]!.port = "out";
    const at = (n: string): { node: number; pin: string } => ({ node: names.indexOf(n), pin: "o1" });
    const links: [string, string][] = [
      ["in", "a"],
      ["a", "b"],
      ["b", "c"],
      ["c", "join"],
      ["join", "out"],
      ["in2", "m"],
      ["m", "join"],
      ["m", "t"],
    ];
    const edges = links.map(([f, t]) => ({ from: at(f), to: at(t) }));
    const preds = nodes.map(() => [] as number[]);
    const succs = nodes.map(() => [] as number[]);
    edges.forEach((e, i) => {
      succs[e.from.node]!.push(i);
      preds[e.to.node]!.push(i);
    });
    const col = (late: boolean): Record<string, number> => {
      const level = longestPath(nodes, edges, preds, succs, late);
      return Object.fromEntries(names.map((n, i) => [n, level[i]!]));
    };
    // the planted fault: the longest-path columns leave m beside a, three feed-throughs from join
    expect(col(false)).toMatchObject({ m: 1, t: 2, join: 4 });
    expect(col(true)).toMatchObject({ a: 1, m: 3, t: 4, join: 4, in2: 0 });
  });

  it("keeps the late columns where they put fewer crossing cells on a path: paper-4x8-robust's PAM-4 L2.add4 11 → 10", () => {
    // With the port order (port-order.ts), as `optinc layout` draws. Most designs take the same worst
    // paths either way; the radix-2 cascade's PAM-4 L2.add4 (paper-4x8-robust without its binary
    // cells inside) is one where the late columns shorten it. The planted fault: the longest-path
    // columns only.
    const c = readNetlistJson(compiledVariant("paper-4x8-robust", linkBase).files.get("paper_4x8.L2.add4.netlist.json")!);
    const cells = (ordering: Ordering): number =>
      layoutCircuit(c, new CellCache(DEFAULT_LENGTH_ENCODING, undefined, ordering, "potentials", true)).top.crossingCells!;
    expect(cells("sweeps")).toBe(11);
    expect(cells("best")).toBe(10);
  });

  it("counts a track's crossings and the network's depth as the transposition network swaps, and the worst path over them", () => {
    // random permutations (a fixed linear congruential sequence): per track, the swaps it takes part in
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let shortcutWrong = 0;
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + rand(12);
      const t = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rand(i + 1);
        [t[i], t[j]] = [t[j]!, t[i]!];
      }
      // one column of n single-track items, then one whose items take the tracks in the order t
      const cols: OrderItem[][] = [
        t.map((_, i) => ({ ins: [], outs: [i], pinned: false })),
        t.map((_, r) => ({ ins: [t.indexOf(r)], outs: [], pinned: false })),
      ];
      const order = cols.map((c) => c.map((_, i) => i));
      const { cross } = channelCost(cols, order, 0);
      const swaps = t.map(() => 0);
      const at = t.map((_, i) => i);
      for (const layer of transpositionLayers(t))
        for (const p of layer) {
          swaps[at[p]!]!++;
          swaps[at[p + 1]!]!++;
          [at[p], at[p + 1]] = [at[p + 1]!, at[p]!];
        }
      t.forEach((_, i) => expect(cross[i], `trial ${trial} track ${i}`).toBe(swaps[i]));
      // the depth as the network's layers (networkDepth's incremental descent count); a plausible
      // shortcut, the largest displacement, is the planted fault: it differs on some trial
      const layers = transpositionLayers(t).length;
      expect(networkDepth(t), `trial ${trial}`).toBe(layers);
      if (Math.max(...t.map((r, i) => Math.abs(r - i))) !== layers) shortcutWrong++;
      // the worst path: the most crossed track, plus what the item after it adds
      cols[1]![0]!.inner = 5;
      expect(totalCost(cols, order).path).toBe(Math.max(...swaps, swaps[t.indexOf(0)]! + 5));
    }
    expect(shortcutWrong).toBeGreaterThan(0);
  });

  it("with the port order (layout/port-order.ts), the quick start's add0 worst path from 31 to 15 crossing cells; off (the planted fault), 31", () => {
    const on = add0("best", true);
    expect(on.top.crossingCells).toBe(15);
    // the top's own channels cross nothing: every path is its sub-circuits' counts in series
    const inner = ["sum_circuit", "threshold_circuit", "step_circuit", "digits_circuit"].map((n) => on.netlists.get(n)!.crossingCells!);
    expect(on.top.crossingCells).toBe(inner.reduce((a, b) => a + b, 0));
    const top = add0Circuit().top;
    expect(on.channels.get(top)!.every((c) => c.depth === 0)).toBe(true);
    expect(add0("best", false).top.crossingCells).toBe(31);
  });
});
