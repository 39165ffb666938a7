// Calibration of one linear part (a stage of the pipeline, or any linear instance of the top
// netlist) for one die. Two passes over its cells (cells.ts):
//
// 1. Requirements (requirements.ts), output side first. Every output the design reads must arrive
//    as λ × the designed field (λ: one scale for the whole part, passed on to the next part's bias
//    and the detector).
//    Walking back through the part, each pin gets the amplitude and phase its light must have,
//    relative to the designed field, for the elements after it to deliver that: a fixed coupler
//    divides by its measured path gain (t'/t or κ'/κ), a loss by its amplitude, a programmable
//    phase shifter frees the phase, an attenuator (or any cell with one lit input and one used
//    output) frees both. A fixed coupler whose two outputs both need light from one input can
//    only honour one of them: fan-out imbalance with nothing programmable behind it is reported.
//
// 2. Light order. The designed field D and the realized field R of every pin are propagated over
//    the unit inputs; a pin's pending f = ⟨D, R⟩/⟨D, D⟩ is how far its light is from the design.
//    Each MZ-in cell is re-solved in closed form (mzi-solve.ts) for its measured couplers, losses
//    and phase offsets, given the pendings of its inputs and the requirements of its outputs; each
//    phase shifter cancels the pending phase it receives; phases are then programmed through the
//    shifter's gain and offset and snapped to the DAC (program.ts). What a cell leaves over is
//    passed forward in R and absorbed by the next programmable element.
//
// λ starts at 1; when an amplitude element cannot reach its target (losses eat the headroom), the
// pass is repeated with λ = the smallest headroom.
import type { CMat } from "../../math/cmat.ts";
import type { DieElement } from "../../netlist/die/elements.ts";
import { cellGraph, type CellGraph, type LeafCell, type MziCell } from "./cells.ts";
import { cabs, carg, cmul, type Complex, type Matrix2 } from "../../math/complex.ts";
import { cellHardware, cellPhases, leafError, realizedLeaf, type CellView } from "./hardware.ts";
import { cellMatrix, solveCell, type CellHardware, type Target } from "./mzi-solve.ts";
import { num } from "../../netlist/models.ts";
import { programPhase, type Programmed } from "./program.ts";
import { dieGain } from "../../netlist/die/die.ts";
import { applyDesign, designedLit, fmt, leafTransfer, LIT, mziDesign, REL } from "./designed.ts";
import { requirements } from "./requirements.ts";
import type { CalibrateOptions, Issue, PartCalibration, ProgrammedPhase, Req } from "./types.ts";

interface Field {
  dre: Float64Array;
  dim: Float64Array;
  rre: Float64Array;
  rim: Float64Array;
  /**
   * The pin's pending: realized ≈ f · designed, carried element by element from the inputs (f = 1)
   * through each element's realized and designed 2×2 — not fitted from the fields, so light that
   * leaks onto a weakly lit pin cannot make it blow up. Null on a designed-dark pin.
   */
  f: Complex | null;
}

export function calibratePart(
  cellView: CellView,
  elements: DieElement[],
  ports: { inputs: string[]; outputs: string[] },
  opts: CalibrateOptions,
): PartCalibration {
  const graph = cellGraph(cellView.part, elements, ports.inputs, ports.outputs);
  const lit = designedLit(cellView, graph);
  const reqs = requirements(cellView, graph, lit, opts);
  let run = sweep(cellView, graph, reqs.reqs, lit, 1, opts);
  const headroom = Math.min(1, ...run.headrooms);
  if (headroom < 1 && headroom > 0) run = sweep(cellView, graph, reqs.reqs, lit, headroom, opts);
  const { lambda, residual } = fit(graph, run.fields);
  return {
    part: cellView.part.name,
    phases: run.phases,
    lambda,
    residual,
    dacError: run.dacError,
    issues: [...reqs.issues, ...run.issues],
  };
}

// ---------------------------------------------------------------------------------------------
// Pass 2: light order
// ---------------------------------------------------------------------------------------------

interface SweepResult {
  phases: Map<string, ProgrammedPhase>;
  issues: Issue[];
  headrooms: number[];
  fields: Map<string, Field>;
  dacError: number;
}

function sweep(
  cellView: CellView,
  g: CellGraph,
  reqs: Map<string, Req | null>,
  lit: Set<string>,
  lambda: number,
  opts: CalibrateOptions,
): SweepResult {
  const n = g.inputs.length;
  const fields = new Map<string, Field>();
  g.inputs.forEach((pin, j) => {
    const f: Field = { dre: new Float64Array(n), dim: new Float64Array(n), rre: new Float64Array(n), rim: new Float64Array(n), f: [1, 0] };
    f.dre[j] = 1;
    f.rre[j] = 1;
    fields.set(pin, f);
  });
  const out: SweepResult = { phases: new Map(), issues: [], headrooms: [], fields: new Map(), dacError: 0 };
  const outSet = new Set(g.outputs);
  const outReq = (pin: string): Req | null => {
    const to = g.peer.get(pin);
    if (to !== undefined && reqs.has(to)) return reqs.get(to) ?? null;
    return outSet.has(pin) ? (reqs.get(pin) ?? null) : null;
  };
  const target = (r: Req | null): Target | null => (r ? { amp: r.amp === null ? null : lambda * r.amp, phase: r.phase } : null);
  const program = (leaf: string, element: string, targetPhase: number, gain: number, offset: number): Programmed => {
    const p = programPhase(targetPhase, gain, offset, opts.dacBits);
    if (p.gap > REL)
      out.issues.push({
        element,
        kind: "gain-gap",
        detail: `shifter ${leaf} (gain ${fmt(gain)}) cannot realize the phase it needs: ${fmt(p.gap)} rad short`,
        miss: p.gap,
      });
    out.dacError = Math.max(out.dacError, p.miss - p.gap);
    out.phases.set(leaf, { value: p.value, code: p.code });
    return p;
  };
  for (const cell of g.cells) {
    const ins = cell.ins.map((p) => fields.get(p) ?? null);
    let t: { d: Matrix2 | CMat; r: Matrix2 | CMat };
    if (cell.kind === "mzi") t = solveMzi(cellView, cell, ins, n, cell.outs.map(outReq), target, opts, program, out);
    else t = solveLeaf(cellView, cell, ins, n, outReq(cell.outs[0] ?? ""), opts, program);
    const res = applyField(
      t,
      ins,
      n,
      cell.outs.map((p) => lit.has(p)),
    );
    cell.outs.forEach((p, q) => {
      const to = g.peer.get(p);
      if (to !== undefined) fields.set(to, res[q]!);
      if (outSet.has(p)) out.fields.set(p, res[q]!);
    });
    for (const p of cell.ins) fields.delete(p);
  }
  return out;
}

function applyField(t: { d: Matrix2 | CMat; r: Matrix2 | CMat }, ins: (Field | null)[], n: number, litOut: boolean[]): Field[] {
  const dIn = ins.map((f) => (f ? { re: f.dre, im: f.dim } : null));
  const rIn = ins.map((f) => (f ? { re: f.rre, im: f.rim } : null));
  const d = applyDesign(t.d, dIn, n);
  const r = applyDesign(t.r, rIn, n);
  const fin = ins.map((x) => x?.f ?? null);
  const energy = dIn.map((x) => {
    let e = 0;
    if (x) for (let c = 0; c < n; c++) e += x.re[c]! * x.re[c]! + x.im[c]! * x.im[c]!;
    return e;
  });
  return d.map((x, q) => ({ dre: x.re, dim: x.im, rre: r[q]!.re, rim: r[q]!.im, f: litOut[q] ? outPending(t, q, fin, energy) : null }));
}

const entry = (t: Matrix2 | CMat, q: number, k: number): Complex =>
  Array.isArray(t) ? t[q]![k]! : [t.re[q * t.cols + k]!, t.im[q * t.cols + k]!];

/**
 * Pending of output q: realized row · f against the designed row over the lit inputs, each input
 * weighted by the designed power it carries (the least-squares pending when the inputs' fields are
 * orthogonal). Exact when the element met its target.
 */
function outPending(t: { d: Matrix2 | CMat; r: Matrix2 | CMat }, q: number, fin: (Complex | null)[], energy: number[]): Complex | null {
  let num: Complex = [0, 0];
  let den = 0;
  fin.forEach((f, k) => {
    if (!f) return;
    const td = entry(t.d, q, k);
    const w = energy[k]!;
    const v = cmul(cmul([td[0], -td[1]], entry(t.r, q, k)), f);
    num = [num[0] + w * v[0], num[1] + w * v[1]];
    den += w * (td[0] * td[0] + td[1] * td[1]);
  });
  return den > LIT * LIT ? [num[0] / den, num[1] / den] : null;
}

function solveMzi(
  cellView: CellView,
  cell: MziCell,
  ins: (Field | null)[],
  _n: number,
  outs: (Req | null)[],
  target: (r: Req | null) => Target | null,
  opts: CalibrateOptions,
  program: (leaf: string, element: string, phase: number, gain: number, offset: number) => Programmed,
  out: SweepResult,
): { d: Matrix2; r: Matrix2 } {
  const design = mziDesign(cellView, cell);
  const real = cellHardware(cellView, cell, true);
  const ph = cellPhases(cellView, cell);
  const canProgram = opts.programmable(cell.leaves.theta) && opts.programmable(cell.leaves.phi);
  const realize = (sh: CellHardware["theta"], p: number): number => sh.gain * p + sh.offset;
  const asIs = (): { d: Matrix2; r: Matrix2 } => {
    const th = realizedLeaf(cellView, cell.leaves.theta, cellView.part.flat.instances[cell.leaves.theta]!);
    const pp = realizedLeaf(cellView, cell.leaves.phi, cellView.part.flat.instances[cell.leaves.phi]!);
    return { d: design, r: cellMatrix(real, num(th.settings, "phi"), num(pp.settings, "phi")) };
  };
  if (!canProgram) return asIs();
  const f: [Complex | null, Complex | null] = [ins[0]?.f ?? null, ins[1]?.f ?? null];
  const used: [boolean, boolean] = [outs[0] !== null, outs[1] !== null];
  if ((!f[0] && !f[1]) || (!used[0] && !used[1])) {
    // No light through it, or none that matters: keep the design's setting (snapped to the DAC).
    const th = program(cell.leaves.theta, cell.name, realize(real.theta, ph.theta), real.theta.gain, real.theta.offset);
    const pp = program(cell.leaves.phi, cell.name, realize(real.phi, ph.phi), real.phi.gain, real.phi.offset);
    return { d: design, r: cellMatrix(real, realize(real.theta, th.value), realize(real.phi, pp.value)) };
  }
  const sol = solveCell({
    hw: real,
    design,
    f,
    used,
    target: [target(outs[0] ?? null), target(outs[1] ?? null)],
    keepPhi: realize(real.phi, ph.phi),
    designTheta: realize(real.theta, ph.theta),
  });
  if (sol.reach && sol.reach.miss > REL) {
    const r = sol.reach;
    const what = r.quantity === "split" ? "power split" : "transmitted amplitude";
    out.issues.push({
      element: cell.name,
      kind: "unreachable",
      detail: `needs ${what} ${fmt(r.needed)}, reachable [${fmt(r.lo)}, ${fmt(r.hi)}] with its measured couplers: short by ${fmt(r.miss)}`,
      miss: r.miss,
    });
  }
  // The part's scale follows the amplitude elements whose light arrives roughly as designed; one
  // starved by an unreachable element upstream is clamped (and reported) instead of dimming all.
  const fin = f[0] ?? f[1];
  if (sol.headroom !== null && Number.isFinite(sol.headroom) && fin && cabs(fin) >= 0.5 && cabs(fin) <= 2) out.headrooms.push(sol.headroom);
  const th = program(cell.leaves.theta, cell.name, sol.thetaR, real.theta.gain, real.theta.offset);
  // φ has no effect when only the bottom input is lit: keep the programmed φ (snapped).
  const phiTarget = f[0] ? sol.phiR : realize(real.phi, ph.phi);
  const pp = program(cell.leaves.phi, cell.name, phiTarget, real.phi.gain, real.phi.offset);
  return { d: design, r: cellMatrix(real, realize(real.theta, th.value), realize(real.phi, pp.value)) };
}

function solveLeaf(
  cellView: CellView,
  cell: LeafCell,
  ins: (Field | null)[],
  _n: number,
  req: Req | null,
  opts: CalibrateOptions,
  program: (leaf: string, element: string, phase: number, gain: number, offset: number) => Programmed,
): { d: CMat; r: CMat } {
  const d = leafTransfer(cell.inst);
  if (cell.inst.component !== "phase" || !opts.programmable(cell.leaf))
    return { d, r: leafTransfer(realizedLeaf(cellView, cell.leaf, cell.inst)) };
  const e = leafError(cellView, cell.leaf);
  const gain = dieGain(e, cellView.die?.dacBits);
  const offset = e?.dPhi ?? 0;
  const phiD = num(cell.inst.settings, "phi");
  const f = ins[0]?.f ?? null;
  // Cancel the pending phase (or put the output at its required phase); without light, keep the design.
  const targetPhase = f && req ? phiD + (req.phase ?? 0) - carg(f) : gain * phiD + offset;
  const p = program(cell.leaf, cell.name, targetPhase, gain, offset);
  return { d, r: leafTransfer(realizedLeaf(cellView, cell.leaf, cell.inst, p.value)) };
}

/** λ by least squares over the read outputs, and the residual relative to λ · design. */
function fit(g: CellGraph, fields: Map<string, Field>): { lambda: Complex; residual: number } {
  let dd = 0;
  let re = 0;
  let im = 0;
  const all = g.outputs.map((p) => fields.get(p)).filter((f): f is Field => f !== undefined);
  for (const f of all) {
    for (let c = 0; c < f.dre.length; c++) {
      const a = f.dre[c]!;
      const b = f.dim[c]!;
      dd += a * a + b * b;
      re += a * f.rre[c]! + b * f.rim[c]!;
      im += a * f.rim[c]! - b * f.rre[c]!;
    }
  }
  const lambda: Complex = dd > 0 ? [re / dd, im / dd] : [1, 0];
  let err = 0;
  let scale = 0;
  for (const f of all) {
    for (let c = 0; c < f.dre.length; c++) {
      const ld = cmul(lambda, [f.dre[c]!, f.dim[c]!]);
      err = Math.max(err, cabs([f.rre[c]! - ld[0], f.rim[c]! - ld[1]]));
      scale = Math.max(scale, cabs(ld));
    }
  }
  return { lambda, residual: scale > 0 ? err / scale : 0 };
}
