// Calibration pass 1 (stage.ts describes both passes): the requirement of every pin, output side
// first — the amplitude and phase its light must have, relative to the designed field, for the
// elements after it to deliver the part's outputs.
import type { CellGraph, LeafCell, MziCell } from "./cells.ts";
import { cabs } from "../../math/complex.ts";
import { cellHardware, realizedLeaf, type CellView } from "./hardware.ts";
import { lossAmplitude, num } from "../../netlist/models.ts";
import { couplerCross, couplerThrough } from "../../netlist/mzi.ts";
import { fmt, mziDesign, REL } from "./designed.ts";
import type { CalibrateOptions, Issue, Req } from "./types.ts";

/** A pin whose light may take any amplitude and phase (or, when designed dark, must stay dark). */
const FREE: Req = { amp: null, phase: null };

export function requirements(
  cellView: CellView,
  g: CellGraph,
  lit: Set<string>,
  opts: CalibrateOptions,
): { reqs: Map<string, Req | null>; issues: Issue[] } {
  const reqs = new Map<string, Req | null>();
  const issues: Issue[] = [];
  for (const p of g.outputs) reqs.set(p, lit.has(p) ? { amp: 1, phase: 0 } : FREE);
  const outReq = (pin: string): Req | null => {
    const to = g.peer.get(pin);
    if (to !== undefined && reqs.has(to)) return reqs.get(to)!;
    return g.outputs.includes(pin) ? reqs.get(pin)! : null;
  };
  // A pin matters when its light can reach a read output: designed-dark pins too, since any light
  // the die puts on them is error (they must stay dark).
  for (let i = g.cells.length - 1; i >= 0; i--) {
    const cell = g.cells[i]!;
    const outs = cell.outs.map(outReq);
    const reaches = outs.some((o) => o !== null);
    const ins = cell.kind === "mzi" ? mziReqs(cellView, cell, outs, lit) : leafReqs(cellView, cell, outs, lit, issues, opts);
    cell.ins.forEach((p, k) => reqs.set(p, reaches ? (lit.has(p) ? (ins[k] ?? FREE) : FREE) : null));
  }
  return { reqs, issues };
}

function mziReqs(cellView: CellView, cell: MziCell, outs: (Req | null)[], lit: Set<string>): (Req | null)[] {
  const used = outs.map((o) => o !== null);
  const on = cell.ins.map((p) => lit.has(p));
  if (!used.some(Boolean)) return [null, null];
  const d = cellHardware(cellView, cell, false);
  const r = cellHardware(cellView, cell, true);
  const armRatio = Math.sqrt((r.theta.amp ** 2 + r.ref.amp ** 2) / (d.theta.amp ** 2 + d.ref.amp ** 2));
  if (on[0] && on[1]) {
    const amps = outs.filter((o): o is Req => o !== null && o.amp !== null).map((o) => o.amp!);
    const amp = amps.length ? amps.reduce((a, b) => a + b, 0) / amps.length : null;
    return [
      { amp: amp === null ? null : (amp * d.phi.amp) / (armRatio * r.phi.amp), phase: null },
      { amp: amp === null ? null : amp / armRatio, phase: null },
    ];
  }
  const k = on[0] ? 0 : 1;
  const free: Req = { amp: null, phase: null };
  if (!(used[0] && used[1]) || outs.some((o) => o!.amp === null)) return k === 0 ? [free, null] : [null, free];
  const t = mziDesign(cellView, cell);
  const pw = cabs(t[0]![k]!) ** 2 + cabs(t[1]![k]!) ** 2;
  const need = Math.sqrt((outs[0]!.amp! ** 2 * cabs(t[0]![k]!) ** 2 + outs[1]!.amp! ** 2 * cabs(t[1]![k]!) ** 2) / pw) / armRatio;
  const req: Req = { amp: k === 0 ? (need * d.phi.amp) / r.phi.amp : need, phase: null };
  return k === 0 ? [req, null] : [null, req];
}

/** Amplitude and phase of a leaf as designed and as realized (its phase as programmed now). */
function leafFactor(cellView: CellView, cell: LeafCell): { amp: number; phase: number } {
  const s = cell.inst.settings;
  const r = realizedLeaf(cellView, cell.leaf, cell.inst).settings;
  if (cell.inst.component === "phase")
    return { amp: lossAmplitude(num(r, "loss_db", 0)) / lossAmplitude(num(s, "loss_db", 0)), phase: num(r, "phi") - num(s, "phi") };
  // A waveguide may realize a phase: an unheated section's fabricated error (die.ts perturbLeaf).
  if (cell.inst.component === "waveguide")
    return { amp: lossAmplitude(num(r, "loss_db", 0)) / lossAmplitude(num(s, "loss_db", 0)), phase: num(r, "phi", 0) };
  return { amp: 1, phase: 0 };
}

function leafReqs(
  cellView: CellView,
  cell: LeafCell,
  outs: (Req | null)[],
  lit: Set<string>,
  issues: Issue[],
  opts: CalibrateOptions,
): (Req | null)[] {
  const comp = cell.inst.component;
  if (comp === "coupler") return couplerReqs(cellView, cell, outs, lit, issues);
  if (cell.ins.length !== 1 || cell.outs.length !== 1) return cell.ins.map(() => null);
  const o = outs[0];
  if (!o) return [null];
  const f = leafFactor(cellView, cell);
  const programmable = comp === "phase" && opts.programmable(cell.leaf);
  return [{ amp: o.amp === null ? null : o.amp / f.amp, phase: programmable || o.phase === null ? null : o.phase - f.phase }];
}

function couplerReqs(cellView: CellView, cell: LeafCell, outs: (Req | null)[], lit: Set<string>, issues: Issue[]): (Req | null)[] {
  const s = cell.inst.settings;
  const k = num(s, "coupling", 0.5) + num(s, "imbalance", 0);
  const kr = num(realizedLeaf(cellView, cell.leaf, cell.inst).settings, "coupling", 0.5);
  // Path gains input i → output j (inputs [o2, o1], outputs [o3, o4]): bar √(1−k), cross √k.
  const gain = (kk: number, i: number, j: number): number => (i === j ? couplerThrough(kk) : couplerCross(kk));
  const on = cell.ins.map((p) => lit.has(p));
  const both = on[0] && on[1] && outs.some((o) => o !== null);
  return cell.ins.map((_, i) => {
    if (!on[i]) return null;
    const cands: { amp: number | null; phase: number | null; w: number }[] = [];
    outs.forEach((o, j) => {
      if (!o) return;
      const gd = gain(k, i, j);
      const gr = gain(kr, i, j);
      if (gd < 1e-12) return;
      cands.push({ amp: o.amp === null ? null : gr > 0 ? (o.amp * gd) / gr : Infinity, phase: o.phase, w: gd });
    });
    if (cands.length === 0) return null;
    cands.sort((a, b) => b.w - a.w);
    const first = cands[0]!;
    const amps = cands.map((c) => c.amp).filter((a): a is number => a !== null);
    if (amps.length > 1 && Math.abs(amps[0]! - amps[1]!) > REL * Math.max(amps[0]!, amps[1]!)) {
      const rel = Math.abs(amps[0]! - amps[1]!) / Math.max(amps[0]!, amps[1]!);
      issues.push({
        element: cell.name,
        kind: "uncompensable",
        detail: `fixed coupler splits one input to two used outputs at coupling ${fmt(kr)} instead of ${fmt(k)}, and nothing programmable after it restores the ratio (relative amplitude error ${fmt(rel)})`,
        miss: rel,
      });
    }
    const phase = both ? (first.phase ?? 0) : first.phase;
    return { amp: first.amp === Infinity ? null : first.amp, phase };
  });
}
