// Placement and routing of one netlist (docs/design/layout.md §4):
// 1. every instance gets a column: its longest path from the inputs (a source with no inputs, such
//    as a terminator on a dark input, sits just before its first successor); a connection that
//    skips columns runs through them as a feed-through track;
// 2. each column is stacked top-down in the order of its predecessors' heights (barycentre), and
//    a column of heaters is spread over several columns where that gives a smaller cell (stagger.ts);
// 3. between two columns, the tracks leave in one vertical order and must arrive in another: an
//    odd-even transposition network of crossing cells realizes that permutation, cosine S-bends
//    (slope ≤ RULES.maxSlope, radius ≥ the minimum) move tracks between pins and the crossing grid;
// 4. every route segment (pin to pin, or to a crossing) gets a trim bump that makes its drawn length
//    a whole number of periods λ/n_eff, so routing adds no phase to the circuit.
import { boundsOf, pin, type CellRef, type LayoutCell, type Pin, type Shape } from "./cell.ts";
import { heaterBumps } from "./heater-bumps.ts";
import { splitZone } from "./leads.ts";
import { crossingGeometry } from "./cells.ts";
import { sbend, snap, type Pt } from "./geometry.ts";
import { RULES } from "./layers.ts";
import { channelStats, planChannel, type ChannelStats } from "./channel.ts";
import { routeShapes } from "./route-shape.ts";
import { planJunctions } from "./junctions.ts";
import { trimSegment, type SegBuild, type Segment } from "./trim.ts";
import { throughLengths } from "./through-lengths.ts";
import { drawNetwork } from "./network-draw.ts";
import { cellGap, splitColumns } from "./stack.ts";
import { orderColumns } from "./order.ts";
import { staggerings } from "./stagger.ts";
import { channelSpan, edgesThrough, lanesBefore, stackedArea, type StackedPlacement } from "./extent.ts";
import { less, totalCost, type OrderCost } from "./order-cost.ts";
import { type End, type Item, type Ordering, orderItems, placeColumns, type PlaceNode, type PortOrder } from "./columns.ts";

export type { PlaceNode } from "./columns.ts";

export interface PlaceInput {
  name: string;
  nodes: PlaceNode[];
  /** Directed connections, upstream pin → downstream pin. */
  edges: { from: End; to: End }[];
  /** One period λ/n_eff, µm. */
  period: number;
  /** The crossing cell (made once per period). */
  crossing: LayoutCell;
  /** The loss-matched junction a track passes in a crossing layer it does not cross. */
  junction: LayoutCell;
  /** Most points per drawn route piece (route-shape.ts). */
  maxPathPoints: number;
  /**
   * "best": the sweeps (order.ts) on the longest-path columns and on the late columns, the
   * shallower kept; "sweeps": on the longest-path columns only; "single-pass": the barycentre pass.
   */
  ordering?: Ordering;
  /** Junctions where paths need them ("potentials") or in every free slot (junctions.ts). */
  junctions?: "potentials" | "every-slot";
  /** A heater strip's gap to the next cell's Si in its column, µm (stack.ts cellGap; default RULES.heaterClearance). */
  heaterClearance?: number;
  /** Heater columns staggered where that gives a smaller cell (stagger.ts; default on). */
  stagger?: boolean;
  /**
   * A height the cell gains nothing by going under, µm (its parent is at least that tall: design.ts
   * parentFloors): the staggering compares width × max(height, floor).
   */
  heightFloor?: number;
  /** The boundary ports' drawn order (port-order.ts); by default inputs pinned by index, outputs free. */
  ports?: PortOrder;
}

export interface Placed {
  cell: LayoutCell;
  segments: Segment[];
  crossings: number;
  /** Columns of heaters spread over several columns (stagger.ts). */
  staggered: number;
  /** Per channel, left to right: what sets its crossing cells (channel.ts). */
  channels: ChannelStats[];
}

/** The pin of a bare boundary port: an input port feeds the circuit (its pin faces right). */
const bare = (side: "in" | "out"): Pin => ({ name: "p", x: 0, y: 0, side: side === "in" ? "out" : "in" });

export function placeAndRoute(inp: PlaceInput): Placed {
  const { nodes, edges, period } = inp;
  const xg = crossingGeometry(period);
  const pinOf = (e: End): Pin => {
    const n = nodes[e.node]!;
    if (!n.cell) return bare(n.port!);
    return pin(n.cell, e.pin);
  };
  // 1. columns
  const preds = nodes.map(() => [] as number[]);
  const succs = nodes.map(() => [] as number[]);
  edges.forEach((e, i) => {
    succs[e.from.node]!.push(i);
    preds[e.to.node]!.push(i);
  });
  // The columns as the longest paths give them, or (tried too, and kept when its crossing
  // networks are shallower) with every node as late as its successors allow (columns.ts).
  let { level, last, cols } = placeColumns(nodes, edges, preds, succs, false);
  // 2. stacking
  const origin = new Map<number, Pt>(); // node → cell origin
  const dummyY = new Map<number, number>(); // dummyKey(edge, col) → y
  const dummyKey = (edge: number, col: number): number => edge * (last + 1) + col;
  const colX: number[] = [];
  const colW: number[] = [];
  /** Per column: 0, or the sub-column width of a split column. */
  const splitLen: number[] = [];
  /** Per column: its stacked height. */
  const colH: number[] = [];
  const pinAbs = (e: End): Pt => {
    const o = origin.get(e.node)!;
    const p = pinOf(e);
    return [snap(o[0] + p.x), snap(o[1] + p.y)];
  };
  const srcY = (edge: number, col: number): number => {
    const e = edges[edge]!;
    return level[e.from.node] === col - 1 ? pinAbs(e.from)[1] : dummyY.get(dummyKey(edge, col - 1))!;
  };
  const portIndex = (name: string): number => inp.ports?.rank.get(name) ?? Number(/(\d+)$/.exec(name)?.[1] ?? 0);
  const ranked = (n: PlaceNode): boolean => !!n.port && !!inp.ports?.rank.has(n.name);
  // a column of heaters only that would be the tallest is split (stack.ts)
  const splitOf = (cs: Item[][]): boolean[] =>
    splitColumns(
      cs.map((items) => items.map((it) => (it.kind === "node" ? nodes[it.node]!.cell : "feed"))),
      inp.heaterClearance,
    );
  let splits = splitOf(cols);
  // Stack every column, in the order given or (none given) by the barycentre of the heights its
  // predecessors were stacked at; returns the orders used (item indices top-down).
  const stackColumns = (fixed: number[][] | null): number[][] => {
    origin.clear();
    dummyY.clear();
    colX.length = colW.length = splitLen.length = colH.length = 0;
    const used: number[][] = [];
    let x = 0;
    for (let c = 0; c <= last; c++) {
      const items = cols[c]!;
      const fed = (node: number): number => (c > 0 && preds[node]!.length ? ys(preds[node]!.map((ei) => srcY(ei, c))) : Number.NaN);
      // A source with no input (a dark input's terminator, a bias laser) sits level with the light
      // its successor's other inputs bring, on the side of the pin it feeds. At the foot of the
      // column, where it used to sit, its track crossed every track between there and its successor.
      const sourceKey = (node: number): [number, number] => {
        for (const ei of succs[node]!) {
          const e = edges[ei]!;
          if (level[e.to.node] !== c + 1) continue;
          const others = preds[e.to.node]!.filter((x) => x !== ei);
          const at = others.map((x) => (level[edges[x]!.from.node]! < c ? srcY(x, c) : fed(edges[x]!.from.node))).filter(Number.isFinite);
          if (!at.length) continue;
          const side = pinOf(e.to).y > ys(others.map((x) => pinOf(edges[x]!.to).y)) ? 1 : -1;
          return [ys(at), side];
        }
        return [-Infinity, 0];
      };
      // [height, side]: the side orders a source against the track it sits level with
      const key = (it: Item): [number, number] => {
        if (it.kind === "dummy") return [srcY(it.edge, c), 0];
        const n = nodes[it.node]!;
        if (n.port === "in") return [-portIndex(n.name), 0];
        if (n.port === "out") return [c > 0 && preds[it.node]!.length && !ranked(n) ? fed(it.node) : -portIndex(n.name), 0];
        return c > 0 && preds[it.node]!.length ? [fed(it.node), 0] : sourceKey(it.node);
      };
      const keyed: { it: Item; i: number; k?: [number, number] }[] = fixed
        ? fixed[c]!.map((i) => ({ it: items[i]!, i }))
        : items.map((it, i) => ({ it, k: key(it), i }));
      if (!fixed) keyed.sort((a, b) => b.k![0] - a.k![0] || b.k![1] - a.k![1] || a.i - b.i);
      used.push(keyed.map((k) => k.i));
      // stack, then centre the column on y = 0
      let cursor = 0;
      const tops: number[] = [];
      const kindOf = (it: Item | undefined): string | undefined => (it?.kind === "node" ? nodes[it.node]!.cell?.kind : undefined);
      // a column of heaters only is split in two sub-columns, heaters alternating (leads.ts splitZone)
      const heaterCount = items.filter((it) => kindOf(it) === "phase").length;
      const split = splits[c]!;
      let nth = 0; // heaters so far: odd ones go to the right sub-column
      keyed.forEach(({ it }, j) => {
        tops.push(cursor);
        const h = it.kind === "node" && nodes[it.node]!.cell ? nodes[it.node]!.cell!.bbox.y1 - nodes[it.node]!.cell!.bbox.y0 : 0;
        if (split) cursor -= RULES.splitHeaterPitch;
        else
          cursor -=
            h + (kindOf(it) === "grating_coupler" ? RULES.ioPitch - h : cellGap(kindOf(it), kindOf(keyed[j + 1]?.it), inp.heaterClearance));
      });
      colH[c] = -cursor;
      const shift = snap(-cursor / 2);
      let width = 0;
      for (const { it } of keyed)
        if (it.kind === "node" && nodes[it.node]!.cell)
          width = Math.max(width, nodes[it.node]!.cell!.bbox.x1 - nodes[it.node]!.cell!.bbox.x0);
      width = snap(width);
      splitLen.push(split ? width : 0);
      if (split) width = snap(2 * width + splitZone(heaterCount));
      keyed.forEach(({ it }, j) => {
        const top = tops[j]! + shift;
        if (it.kind === "dummy") dummyY.set(dummyKey(it.edge, c), snap(top));
        else {
          const cell = nodes[it.node]!.cell;
          if (!cell) origin.set(it.node, [x, snap(top)]);
          // the right sub-column's cells are right-aligned, so its ground contacts line up
          else if (split && nth++ % 2) origin.set(it.node, [snap(x + width - cell.bbox.x1), snap(top - cell.bbox.y1)]);
          else origin.set(it.node, [snap(x - cell.bbox.x0), snap(top - cell.bbox.y1)]);
        }
      });
      colX.push(x);
      colW.push(width);
      x = snap(x + width);
    }
    return used;
  };
  const phasesIn = (items: Item[]): number => items.filter((it) => it.kind === "node" && nodes[it.node]!.cell?.kind === "phase").length;
  // a track's height where it leaves column c, and where it enters column c + 1
  const yLeft = (i: number, c: number): number =>
    level[edges[i]!.from.node] === c ? pinAbs(edges[i]!.from)[1] : dummyY.get(dummyKey(i, c))!;
  const yRight = (i: number, c: number): number =>
    level[edges[i]!.to.node] === c + 1 ? pinAbs(edges[i]!.to)[1] : dummyY.get(dummyKey(i, c + 1))!;
  const span = (i: number): [number, number] => [level[edges[i]!.from.node]!, level[edges[i]!.to.node]!];
  const extent = (): StackedPlacement => ({
    last,
    cols,
    span,
    colW,
    colH,
    splitLen,
    yLeft,
    yRight,
    heatersIn: phasesIn,
    crossing: xg,
    edges: edges.length,
  });
  const ordering = inp.ordering ?? "best";
  let stacked: number[][];
  if (ordering === "single-pass") stacked = stackColumns(null);
  else {
    let best: { level: number[]; last: number; cols: Item[][]; splits: boolean[]; order: number[][]; cost: OrderCost } | null = null;
    for (const late of ordering === "best" ? [false, true] : [false]) {
      // the longest-path columns are placed above already
      if (late) {
        ({ level, last, cols } = placeColumns(nodes, edges, preds, succs, true));
        splits = splitOf(cols);
      }
      const items = orderItems(cols, nodes, edges, preds, succs, pinOf, inp.ports);
      const order = orderColumns(items, stackColumns(null));
      const cost = totalCost(items, order);
      if (!best || less(cost, best.cost)) best = { level, last, cols, splits, order, cost };
    }
    ({ level, last, cols, splits } = best!);
    stacked = stackColumns(best!.order);
  }
  // Staggered heater columns (stagger.ts): each staggering stacked and measured, the smallest kept.
  const base = { level, last, cols, splits, order: stacked, spread: 0 };
  const candidates =
    inp.stagger === false ? [] : staggerings(base, nodes, edges, inp.heaterClearance ?? RULES.heaterClearance, (e) => pinOf(e).y);
  let staggered = 0;
  if (candidates.length) {
    let pick = base;
    let area = stackedArea(extent(), inp.heightFloor);
    for (const st of candidates) {
      ({ level, last, cols } = st);
      splits = cols.map(() => false);
      stackColumns(st.order);
      const a = stackedArea(extent(), inp.heightFloor);
      if (a < area) [area, pick] = [a, { ...st, splits }];
    }
    ({ level, last, cols, splits, spread: staggered } = pick);
    // the last candidate is still stacked: stack the one kept, unless it is that one
    if (pick.order !== candidates.at(-1)!.order) stackColumns(pick.order);
  }
  // 3. channels: a channel's width depends on the heights on both sides, so the columns are
  // stacked first (their order depends only on heights) and then moved right by the channels.
  const shapes: Shape[] = [];
  // Each segment is trimmed as soon as it ends: its parts are then garbage, not held to the end.
  const segments: Segment[] = [];
  // Its points go straight into packed shapes (two crossings in a row abut: their zero-length
  // segment is kept for the path lengths, not drawn).
  const done = (sb: SegBuild): void => {
    const { points, ...seg } = trimSegment(sb, period);
    if (seg.length > 0) shapes.push(...routeShapes(points, RULES.wgWidth, inp.maxPathPoints));
    segments.push(seg);
  };
  const open = new Map<number, SegBuild>(); // edge → segment being drawn
  const refs: CellRef[] = [];
  let crossings = 0;
  // The edges through each channel, in edge order: listed once (scanning every edge per channel
  // is quadratic on a deep mesh).
  const through = edgesThrough(last, edges.length, span);
  const tracksOf = (c: number): { edge: number; yl: number; yr: number }[] =>
    through[c]!.map((i) => ({ edge: i, yl: yLeft(i, c), yr: yRight(i, c) }));
  // Moving columns right changes no y, so each channel is planned once.
  const channels: { tracks: ReturnType<typeof tracksOf>; plan: ReturnType<typeof planChannel> }[] = [];
  // Shift columns right by the channel widths, in order.
  let offset = 0;
  const shiftCol = (c: number, by: number): void => {
    for (const it of cols[c]!)
      if (it.kind === "node") {
        const o = origin.get(it.node)!;
        origin.set(it.node, [snap(o[0] + by), o[1]]);
      }
    colX[c] = snap(colX[c]! + by);
  };
  // heaters per column: the channel after a column also holds their signal lanes (leads.ts)
  // (a split column's lanes are in its own zone)
  const heatersIn = cols.map((items, c) => (splitLen[c] ? 0 : phasesIn(items)));
  // The lanes after a column need straight tracks of their own before the channel (extent.ts).
  const lanes = (c: number): number => lanesBefore(heatersIn[c]!, channels[c]!.plan);
  for (let c = 0; c <= last; c++) {
    if (offset) shiftCol(c, offset);
    if (c === last) break;
    const tracks = tracksOf(c);
    const plan = planChannel(tracks, xg);
    channels.push({ tracks, plan });
    offset = snap(offset + channelSpan(heatersIn[c]!, plan));
  }
  // the free slots of the networks that get a loss-matched junction (junctions.ts)
  const inner = (v: number): number => nodes[v]!.cell?.crossingCells ?? 0;
  const jn = planJunctions(nodes, edges, level, channels, inner, inp.junctions);
  // 4. draw: feed-throughs and channels, left to right
  const startSeg = (edge: number, from: string): SegBuild => {
    const s: SegBuild = { parts: [], from, to: "" };
    open.set(edge, s);
    return s;
  };
  const refName = (e: End): string => (nodes[e.node]!.cell ? `${nodes[e.node]!.name},${e.pin}` : nodes[e.node]!.name);
  edges.forEach((e, i) => {
    const s = startSeg(i, refName(e.from));
    const p = pinAbs(e.from);
    s.parts.push({ kind: "pts", pts: [p] });
  });
  for (let c = 0; c < last; c++) {
    // the channel starts after the column and its lane section, through which tracks run straight
    const xr = snap(colX[c]! + colW[c]! + lanes(c));
    const { tracks, plan } = channels[c]!;
    // feed-throughs of column c and the straight from each pin across the lane section
    for (const t of tracks) {
      const s = open.get(t.edge)!;
      const e = edges[t.edge]!;
      if (level[e.from.node]! < c) s.parts.push({ kind: "pts", pts: [[colX[c]!, t.yl]] });
      s.parts.push({ kind: "pts", pts: [[xr, t.yl]] });
    }
    if (!plan.cross) {
      for (const t of tracks) {
        const s = open.get(t.edge)!;
        s.parts.push({ kind: "pts", pts: sbend(xr, t.yl, plan.ls1, t.yr - t.yl) });
        s.parts.push({ kind: "trim", x: snap(xr + plan.ls1), y: t.yr, b: 0 });
      }
    } else
      crossings += drawNetwork({
        c,
        tracks,
        plan,
        xr,
        xg,
        slots: jn.slots[c]!,
        open,
        startSeg,
        done,
        refs,
        crossing: inp.crossing,
        junction: inp.junction,
      });
    const xe = snap(colX[c + 1]!);
    for (const t of tracks) open.get(t.edge)!.parts.push({ kind: "pts", pts: [[xe, t.yr]] });
  }
  edges.forEach((e, i) => {
    const s = open.get(i)!;
    s.parts.push({ kind: "pts", pts: [pinAbs(e.to)] });
    s.to = refName(e.to);
    done(s);
  });
  // 5. the cell: instances, boundary pins
  const pins: Pin[] = [];
  nodes.forEach((n, i) => {
    const o = origin.get(i)!;
    if (n.cell) refs.push({ cell: n.cell, at: o, name: n.name });
    else {
      const p: Pin = { name: n.name, x: o[0], y: o[1], side: n.port === "in" ? "in" : "out" };
      pins.push(p);
      shapes.push(
        { kind: "box", layer: "pinrec", x0: p.x - 0.1, y0: p.y - RULES.wgWidth / 2, x1: p.x + 0.1, y1: p.y + RULES.wgWidth / 2 },
        { kind: "text", layer: "pinrec", at: [p.x, p.y], text: p.name },
      );
    }
  });
  // 6. the heaters' leads and their bump fields, above and below the mesh (leads.ts, bumps.ts)
  const bumps = heaterBumps(cols, colX, colW, splitLen, nodes, origin, boundsOf(shapes, refs, pins), shapes);
  const bbox = boundsOf(shapes, refs, pins);
  const cell: LayoutCell = {
    name: inp.name,
    kind: "netlist",
    shapes,
    refs,
    pins,
    bbox,
    through: {},
    crossingCells: jn.cells,
    pathCells: jn.longest,
    ...(bumps ? { bumps } : {}),
  };
  cell.through = throughLengths(cell, nodes, segments);
  return { cell, segments, crossings, staggered, channels: channels.map((ch) => channelStats(ch.plan, ch.tracks.length)) };
}

function ys(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
