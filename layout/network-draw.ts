// Drawing one channel's crossing network (place-route.ts step 4; docs/design/layout.md §4
// and §7): tracks bent onto the crossing grid, a layer of crossings per odd-even
// transposition step, a loss-matched junction in each free slot a path needs, and S-bends out to
// the pins. Returns the crossings drawn.
import type { CellRef, LayoutCell } from "./cell.ts";
import type { ChannelPlan } from "./channel.ts";
import { sbend, snap } from "./geometry.ts";
import { RULES } from "./layers.ts";
import type { SegBuild } from "./trim.ts";

export interface NetworkDraw {
  /** The channel's index (it names the instances). */
  c: number;
  tracks: { edge: number; yl: number; yr: number }[];
  plan: ChannelPlan;
  /** Where the channel starts, µm. */
  xr: number;
  xg: { width: number; pitch: number; exactWidth: number };
  /** The free slots "layer,position" that get a junction (junctions.ts). */
  slots: Set<string>;
  /** The segment each edge is drawing; startSeg opens the next, done closes one. */
  open: Map<number, SegBuild>;
  startSeg: (edge: number, from: string) => SegBuild;
  done: (s: SegBuild) => void;
  refs: CellRef[];
  crossing: LayoutCell;
  junction: LayoutCell;
}

export function drawNetwork(d: NetworkDraw): number {
  const { c, tracks, plan, xr, xg, slots, open, startSeg, done, refs, crossing, junction } = d;
  const lt = RULES.trimLength;
  let crossings = 0;
  const order = plan.order; // tracks top-down on the left
  const yg = (pos: number): number => snap(plan.gridTop - pos * xg.pitch);
  const x1 = snap(xr + lt);
  const x2 = snap(x1 + plan.ls1);
  order.forEach((ti, pos) => {
    const t = tracks[ti]!;
    const s = open.get(t.edge)!;
    s.parts.push({ kind: "trim", x: xr, y: t.yl, b: 0 });
    s.parts.push({ kind: "pts", pts: sbend(x1, t.yl, plan.ls1, yg(pos) - t.yl) });
  });
  const at = order.slice(); // at[pos] = track index
  plan.layers.forEach((swaps, li) => {
    const lx = snap(x2 + li * xg.exactWidth); // layers a whole number of periods apart
    // a track the layer does not cross passes a junction where its path needs one to meet as
    // many crossing cells as every other path (junctions.ts), else runs straight through
    const crossed = new Set(swaps.flatMap((p) => [p, p + 1]));
    for (let pos = 0; pos < at.length; pos++) {
      if (crossed.has(pos) || !slots.has(`${li},${pos}`)) continue;
      const name = `jn_c${c}_l${li}_p${pos}`;
      refs.push({ cell: junction, at: [lx, yg(pos)], name });
      const sj = open.get(tracks[at[pos]!]!.edge)!;
      sj.parts.push({ kind: "pts", pts: [[lx, yg(pos)]] });
      sj.to = `${name},o1`;
      done(sj);
      const nj = startSeg(tracks[at[pos]!]!.edge, `${name},o2`);
      nj.parts.push({ kind: "pts", pts: [[snap(lx + xg.width), yg(pos)]] });
    }
    for (const pos of swaps) {
      const [ta, tb] = [at[pos]!, at[pos + 1]!];
      const name = `xing_c${c}_l${li}_p${pos}`;
      refs.push({ cell: crossing, at: [lx, yg(pos)], name });
      crossings++;
      const sa = open.get(tracks[ta]!.edge)!; // upper track → o2 → o4 (lower)
      sa.parts.push({ kind: "pts", pts: [[lx, yg(pos)]] });
      sa.to = `${name},o2`;
      done(sa);
      const sb = open.get(tracks[tb]!.edge)!;
      sb.parts.push({ kind: "pts", pts: [[lx, yg(pos + 1)]] });
      sb.to = `${name},o1`;
      done(sb);
      const na = startSeg(tracks[ta]!.edge, `${name},o4`);
      na.parts.push({ kind: "pts", pts: [[snap(lx + xg.width), yg(pos + 1)]] });
      const nb = startSeg(tracks[tb]!.edge, `${name},o3`);
      nb.parts.push({ kind: "pts", pts: [[snap(lx + xg.width), yg(pos)]] });
      at[pos] = tb;
      at[pos + 1] = ta;
    }
  });
  const x3 = snap(x2 + (plan.layers.length - 1) * xg.exactWidth + xg.width);
  at.forEach((ti, pos) => {
    const t = tracks[ti]!;
    const s = open.get(t.edge)!;
    s.parts.push({ kind: "pts", pts: [[x3, yg(pos)], ...sbend(x3, yg(pos), plan.ls2, t.yr - yg(pos))] });
    s.parts.push({ kind: "trim", x: snap(x3 + plan.ls2), y: t.yr, b: 0 });
  });
  return crossings;
}
