// A tighter bound for small designs: per case and per readout mode, the worst case of every leaf's
// own error is taken exactly in its leading order, on the quadrature the homodyne detector reads,
// and everything else is bounded rigorously. With a_t the error entering stage t (after the
// activations), S_t = (M'_t − M_t) x_t its own error on the ideal input and C_t = (M'_t − M_t) a_t:
//
//   e_out = Σ_t J_t (S_t + C_t) + Σ_n J_n ξ_n
//
// where J are the ideal downstream maps through the activations that the interval pass (walk.ts)
// proves stable, ξ_n the output of an activation whose branch may flip (|ξ_n| ≤ its bound), and
//   Re(J_t S_t)_k = Σ_i Re(w_i Δ_i u_i) + Σ_i (D'−D)-terms,   w_i = J_t[k,·] D_i, u_i = U_i x_t,
// per leaf in closed form over the box (Δ_i exact, not linearized):
//   phase     Re(z (r e^{iθ} − 1)) ≤ |Re z|(1 − f cos δ) + |Im z| sin δ      z = w·T·u, r ∈ [f, 1], |θ| ≤ δ
//   waveguide Re(z (r − 1))         ≤ |Re z|(1 − f)
//   coupler   T(a + α) − T(a) = T(a)((cos α − 1) + i sin α X): ≤ |Re z₁|(1 − cos δₐ) + |Re z₂| sin δₐ
//             z₁ = w·T·u, z₂ = w·T·(iXu)
// the (D'−D)-terms by ρ_i δ_i ‖u_i‖ with ρ ← ρ·‖T'_i‖ + δ_i ‖w_i‖ (sensitivity.ts), and
// |J_t C_t|_k ≤ Σ |J_t[k,·]| G_t E_t (G from sensitivity.ts, E_t the interval bound on a_t).
// The cost is O(leaves × readout modes) per case, so certify.ts uses it only for small designs;
// a search over levels pays it once per case and target (first-order-record.ts, FirstOrderCache).
import { leafTransfer, type LeafOp, type LinearProgram } from "../../../netlist/sim/stage-program.ts";
import { leafNorm, type ErrorBox } from "./leaf-bounds.ts";
import {
  coefficients,
  evaluate,
  forwardCase,
  KIND,
  layout,
  type Layout,
  type LinearStep,
  type Mode,
  modulus,
  type Packed,
  recordStage,
  type StageScratch,
} from "./first-order-record.ts";
import type { WalkPlan, WalkResult } from "./walk.ts";

/** Leaves with the same closed-form parameters in every box share a group. */
function groupKey(op: LeafOp): string | null {
  if (op.kind === "amplifier") return null;
  if (op.kind === "coupler") return `c${op.coupling}`;
  return `${op.kind}|${op.lossDb}|${op.arm ? 1 : 0}`;
}

function pack(p: LinearProgram, groups: Map<string, number>, reps: LeafOp[]): Packed {
  const n = p.ops.length;
  const pk: Packed = {
    p,
    kind: new Uint8Array(n),
    ins: new Int32Array(2 * n).fill(-1),
    outs: new Int32Array(2 * n).fill(-1),
    nin: new Uint8Array(n),
    nout: new Uint8Array(n),
    t: new Float64Array(8 * n),
    norm: new Float64Array(n),
    group: new Int32Array(n).fill(-1),
  };
  const t = new Float64Array(8);
  p.ops.forEach((op, i) => {
    pk.kind[i] = KIND[op.kind];
    op.ins.forEach((s, m) => (pk.ins[2 * i + m] = s));
    op.outs.forEach((s, q) => (pk.outs[2 * i + q] = s));
    pk.nin[i] = op.ins.length;
    pk.nout[i] = op.outs.length;
    leafTransfer(op, null, null, t);
    pk.t.set(t, 8 * i);
    pk.norm[i] = leafNorm(op);
    const key = groupKey(op);
    if (key === null) return;
    let g = groups.get(key);
    if (g === undefined) {
      g = reps.length;
      groups.set(key, g);
      reps.push(op);
    }
    pk.group[i] = g;
  });
  return pk;
}

export interface FirstOrderPlan {
  plan: WalkPlan;
  packed: Map<string, Packed>;
  /** One leaf per group: its δ and closed-form factors stand for the group's. */
  reps: LeafOp[];
  layout: Layout;
  /** Per linear stage: where its outputs sit in a record's R part. */
  rAt: Map<string, number>;
  /** Leaves × readout modes: the work per case. */
  cost: number;
}

export function firstOrderPlan(plan: WalkPlan): FirstOrderPlan {
  const packed = new Map<string, Packed>();
  const groups = new Map<string, number>();
  const reps: LeafOp[] = [];
  const rAt = new Map<string, number>();
  let leaves = 0;
  let outputs = 0;
  for (const s of plan.steps) {
    if (s.kind !== "linear") continue;
    packed.set(s.name, pack(s.program, groups, reps));
    rAt.set(s.name, outputs);
    outputs += s.program.outputs;
    leaves += s.program.ops.length;
  }
  return { plan, packed, reps, layout: layout(reps, outputs), rAt, cost: leaves * (plan.readout.length + 1) };
}

/**
 * Records of one unit's cases kept across the boxes of a search (first-order-record.ts): only those
 * built with every activation upstream of their target proven stable, which makes them independent
 * of the box. Bounded in memory; beyond it records are rebuilt per box.
 */
export interface FirstOrderCache {
  records: Map<number, Float64Array>;
  floats: number;
  maxFloats: number;
  /** Records built for one box only (an activation upstream may flip). */
  perBox: number;
}

export function firstOrderCache(maxFloats = 5e7): FirstOrderCache {
  return { records: new Map(), floats: 0, maxFloats, perBox: 0 };
}

/**
 * Bound on |Δ Re y| for every case of a chunk and readout mode (cases × width), given the
 * interval pass of the same chunk and box (`walked`, with its cross terms G·E). With a
 * `cache`, the chunk's cases are `start`… of the cache's unit (the same cases at every box).
 *
 * An activation the interval pass cannot prove stable gets its own first-order bounds first (in
 * light order): on Re of its input, to try again to prove its branch, and on the modulus, to bound
 * what it passes on when the branch may flip.
 */
export function firstOrderBounds(
  fo: FirstOrderPlan,
  box: ErrorBox,
  walked: WalkResult,
  cases: number,
  cache?: { store: FirstOrderCache; start: number },
): Float64Array {
  const { plan, layout: lay } = fo;
  const co = coefficients(fo.reps, box, lay);
  const width = plan.readout.length;
  const out = new Float64Array(cases * width);
  const sRe = new Float64Array(plan.wires);
  const sIm = new Float64Array(plan.wires);
  const rho = new Float64Array(lay.classes);
  const linear = plan.steps.filter((s): s is LinearStep => s.kind === "linear");
  const scratch = new Map<string, StageScratch>(
    linear.map((s) => {
      const n = s.program.ops.length;
      return [
        s.name,
        {
          uRe: new Float64Array(2 * n),
          uIm: new Float64Array(2 * n),
          slotRe: new Float64Array(s.program.slots),
          slotIm: new Float64Array(s.program.slots),
          rAt: fo.rAt.get(s.name)!,
        },
      ];
    }),
  );
  const wires = walked.wires;
  // G_t E_t of the current case (the walk's cross terms), laid out like a record's R.
  const ge = new Float64Array(lay.outputs);
  const cross = linear.map((st) => ({ at: fo.rAt.get(st.name)!, rows: st.program.outputs, ge: walked.cross.get(st.name) ?? null }));
  const fresh = new Float64Array(lay.length);
  // Target ids for cache keys: readouts, then (activation input wire, mode).
  const targets = width + 2 * plan.wires;
  // Per activation input wire: NaN = linear (stable), else the bound on what it passes on.
  const flip = new Float64Array(plan.wires);
  let forwarded = false;
  let c = 0;
  const build = (from: number, stepIndex: number, mode: Mode, rec: Float64Array): void => {
    if (!forwarded) {
      for (const st of linear) forwardCase(st, fo.packed.get(st.name)!, scratch.get(st.name)!, wires, c);
      forwarded = true;
    }
    rec.fill(0);
    sRe.fill(0);
    sIm.fill(0);
    sRe[from] = 1;
    for (let si = stepIndex; si >= 0; si--) {
      const st = plan.steps[si]!;
      if (st.kind === "activation") {
        st.outWires.forEach((o, q) => {
          const rr = sRe[o]!;
          const ri = sIm[o]!;
          if (rr === 0 && ri === 0) return;
          const i = st.inWires[q]!;
          if (i < 0 || !wires[i]) return;
          const e = flip[i]!;
          if (Number.isNaN(e)) {
            const a = wires[i]!.re[c]! > 0 ? 1 : st.slope;
            sRe[i]! += a * rr;
            sIm[i]! += a * ri;
          } else rec[lay.length - 1]! += modulus(rr, ri) * e;
        });
      } else if (st.kind === "linear") recordStage(st, fo.packed.get(st.name)!, scratch.get(st.name)!, sRe, sIm, mode, rec, 0, lay, rho);
    }
  };
  // `cut`: an activation upstream may flip, so records of this case depend on the box.
  let cut = false;
  const bound = (from: number, stepIndex: number, mode: Mode, id: number): number => {
    let rec: Float64Array | undefined;
    if (cache && !cut) {
      const key = (cache.start + c) * targets + id;
      rec = cache.store.records.get(key);
      if (!rec) {
        const s = cache.store;
        rec = s.floats + lay.length <= s.maxFloats ? new Float64Array(lay.length) : fresh;
        build(from, stepIndex, mode, rec);
        if (rec !== fresh) {
          s.records.set(key, rec);
          s.floats += lay.length;
        }
      }
    } else {
      build(from, stepIndex, mode, (rec = fresh));
      if (cache) cache.store.perBox++;
    }
    return evaluate(rec, 0, lay, co, mode, ge, 0);
  };
  for (c = 0; c < cases; c++) {
    forwarded = false;
    cut = false;
    for (const x of cross) for (let q = 0; q < x.rows; q++) ge[x.at + q] = x.ge ? x.ge[q * cases + c]! : 0;
    plan.steps.forEach((st, si) => {
      if (st.kind !== "activation") return;
      let flipped = false;
      st.inWires.forEach((i) => {
        if (i < 0 || !wires[i]) return;
        const x = wires[i]!;
        const zr = x.re[c]!;
        const e = x.err[c]!;
        flip[i] = NaN;
        if (zr > e || zr <= -e) return;
        // Not proven stable by the interval bound: the first-order bound of Re may still prove it.
        const eRe = Math.min(e, bound(i, si - 1, "re", width + 2 * i));
        if (zr > eRe || zr <= -eRe) return;
        const eAbs = Math.min(e, bound(i, si - 1, "abs", width + 2 * i + 1));
        const a = st.slope;
        flip[i] = Math.max(1, Math.abs(a)) * eAbs + Math.abs(1 - a) * modulus(zr, x.im ? x.im[c]! : 0);
        flipped = true;
      });
      if (flipped) cut = true;
    });
    for (let k = 0; k < width; k++) {
      const r0 = plan.readout[k]!;
      if (r0 >= 0) out[c * width + k] = bound(r0, plan.steps.length - 1, "re", k);
    }
  }
  return out;
}
