// The first-order pass as it was before records (verify/tolerance/certify/first-order.ts): every
// box recomputes every leaf term. Kept as the oracle the record-based bounds must equal. With a
// `remainder` rule, the ρ·δ·‖u‖ remainder takes each leaf's δ from it instead of the leaf's own (the
// records' Q classes, or a planted fault); without one, every leaf's own δ: the exact pass.
import { lossAmplitude } from "../../../netlist/models.ts";
import { leafTransfer, type LinearProgram } from "../../../netlist/sim/stage-program.ts";
import { leafDelta, leafNorm, type ErrorBox } from "../../../verify/tolerance/certify/leaf-bounds.ts";
import type { Step, WalkPlan, WalkResult } from "../../../verify/tolerance/certify/walk.ts";

const KIND = { coupler: 0, phase: 1, waveguide: 2, amplifier: 3 } as const;

/** A program's leaves as typed arrays, with their ideal transfers. */
interface Packed {
  p: LinearProgram;
  kind: Uint8Array;
  ins: Int32Array;
  outs: Int32Array;
  nin: Uint8Array;
  nout: Uint8Array;
  t: Float64Array;
  arm: Uint8Array;
  /** Per box: δ_i, ‖T'_i‖, and the closed-form parameters (phase δ, loss factor f, coupler δₐ). */
  delta: Float64Array;
  /** Per box: the δ_i the remainder uses. */
  rest: Float64Array;
  norm: Float64Array;
  angle: Float64Array;
  f: Float64Array;
}

function pack(p: LinearProgram): Packed {
  const n = p.ops.length;
  const pk: Packed = {
    p,
    kind: new Uint8Array(n),
    ins: new Int32Array(2 * n).fill(-1),
    outs: new Int32Array(2 * n).fill(-1),
    nin: new Uint8Array(n),
    nout: new Uint8Array(n),
    t: new Float64Array(8 * n),
    arm: new Uint8Array(n),
    delta: new Float64Array(n),
    rest: new Float64Array(n),
    norm: new Float64Array(n),
    angle: new Float64Array(n),
    f: new Float64Array(n),
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
    pk.arm[i] = op.arm ? 1 : 0;
    pk.norm[i] = leafNorm(op);
  });
  return pk;
}

function setBox(pk: Packed, box: ErrorBox): void {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const asinSqrt = (x: number) => Math.asin(Math.sqrt(clamp(x)));
  pk.p.ops.forEach((op, i) => {
    pk.delta[i] = leafDelta(op, box);
    pk.f[i] = op.arm && box.loss > 0 ? lossAmplitude(box.loss) : 1;
    if (op.kind === "phase") pk.angle[i] = Math.min(Math.PI, box.phase);
    else if (op.kind === "coupler") {
      const k = clamp(op.coupling);
      const a0 = asinSqrt(k);
      pk.angle[i] = box.coupler > 0 ? Math.max(Math.abs(asinSqrt(k + box.coupler) - a0), Math.abs(asinSqrt(k - box.coupler) - a0)) : 0;
    } else pk.angle[i] = 0;
  });
}

/** Every leaf's δ in the remainder, from all leaves of the plan (in stage order) and their own δ. */
export type RemainderRule = (ops: LinearProgram["ops"], delta: Float64Array) => Float64Array;

export interface FirstOrderPlan {
  plan: WalkPlan;
  packed: Map<string, Packed>;
  remainder?: RemainderRule;
  /** Leaves × readout modes: the work per case. */
  cost: number;
}

export function firstOrderPlan(plan: WalkPlan, remainder?: RemainderRule): FirstOrderPlan {
  const packed = new Map<string, Packed>();
  let leaves = 0;
  for (const s of plan.steps) {
    if (s.kind !== "linear") continue;
    packed.set(s.name, pack(s.program));
    leaves += s.program.ops.length;
  }
  return { plan, packed, remainder, cost: leaves * (plan.readout.length + 1) };
}

/**
 * Bound on |Δ Re y| for every case of a chunk and readout mode (cases × width), given the
 * interval pass of the same chunk and box (`walked`) and the box's stage matrices `g`.
 *
 * An activation the interval pass cannot prove stable gets its own first-order bounds first (in
 * light order): on Re of its input, to try again to prove its branch, and on the modulus, to bound
 * what it passes on when the branch may flip.
 */
export function firstOrderBounds(
  fo: FirstOrderPlan,
  box: ErrorBox,
  g: Map<string, Float64Array>,
  walked: WalkResult,
  cases: number,
): Float64Array {
  const { plan } = fo;
  for (const pk of fo.packed.values()) setBox(pk, box);
  const all = [...fo.packed.values()];
  if (fo.remainder) {
    const rest = fo.remainder(
      all.flatMap((pk) => pk.p.ops),
      Float64Array.from(all.flatMap((pk) => [...pk.delta])),
    );
    let at = 0;
    for (const pk of all) pk.rest.set(rest.subarray(at, (at += pk.p.ops.length)));
  } else for (const pk of all) pk.rest.set(pk.delta);
  const width = plan.readout.length;
  const out = new Float64Array(cases * width);
  const sRe = new Float64Array(plan.wires);
  const sIm = new Float64Array(plan.wires);
  const linear = plan.steps.filter((s): s is Extract<Step, { kind: "linear" }> => s.kind === "linear");
  // Per stage: leaf input fields of the current case (ops × 2 complex) and slot scratch.
  const scratch = new Map(
    linear.map((s) => {
      const n = s.program.ops.length;
      return [
        s.name,
        {
          uRe: new Float64Array(2 * n),
          uIm: new Float64Array(2 * n),
          slotRe: new Float64Array(s.program.slots),
          slotIm: new Float64Array(s.program.slots),
          ge: new Float64Array(s.program.outputs),
        },
      ];
    }),
  );
  const wires = walked.wires;
  // Per activation input wire: NaN = linear (stable), else the bound on what it passes on.
  const flip = new Float64Array(plan.wires);
  const slope = new Float64Array(plan.wires);
  const backward = (from: number, stepIndex: number, mode: Mode, c: number): number => {
    sRe.fill(0);
    sIm.fill(0);
    sRe[from] = 1;
    let bound = 0;
    for (let si = stepIndex; si >= 0; si--) {
      const st = plan.steps[si]!;
      if (st.kind === "activation") {
        st.outWires.forEach((o, q) => {
          const rr = sRe[o]!;
          const ri = sIm[o]!;
          if (rr === 0 && ri === 0) return;
          const i = st.inWires[q]!;
          if (i < 0 || !wires[i]) return;
          const x = wires[i]!;
          const e = flip[i]!;
          if (Number.isNaN(e)) {
            const a = x.re[c]! > 0 ? 1 : st.slope;
            sRe[i]! += a * rr;
            sIm[i]! += a * ri;
          } else bound += Math.sqrt(rr * rr + ri * ri) * e;
        });
      } else if (st.kind === "linear") bound += backwardCase(st, fo.packed.get(st.name)!, scratch.get(st.name)!, sRe, sIm, mode);
    }
    return bound;
  };
  for (let c = 0; c < cases; c++) {
    for (const st of linear) forwardCase(st, fo.packed.get(st.name)!, scratch.get(st.name)!, wires, g.get(st.name)!, c);
    plan.steps.forEach((st, si) => {
      if (st.kind !== "activation") return;
      st.inWires.forEach((i) => {
        if (i < 0 || !wires[i]) return;
        const x = wires[i]!;
        const zr = x.re[c]!;
        const e = x.err[c]!;
        slope[i] = st.slope;
        flip[i] = NaN;
        if (zr > e || zr <= -e) return;
        // Not proven stable by the interval bound: the first-order bound of Re may still prove it.
        const eRe = Math.min(e, backward(i, si - 1, "re", c));
        if (zr > eRe || zr <= -eRe) return;
        const eAbs = Math.min(e, backward(i, si - 1, "abs", c));
        const a = st.slope;
        flip[i] = Math.max(1, Math.abs(a)) * eAbs + Math.abs(1 - a) * modulus(zr, x.im ? x.im[c]! : 0);
      });
    });
    for (let k = 0; k < width; k++) {
      const r0 = plan.readout[k]!;
      if (r0 >= 0) out[c * width + k] = backward(r0, plan.steps.length - 1, "re", c);
    }
  }
  return out;
}

/** "re": bound the real part (what the homodyne detector and an activation's branch read); "abs": the modulus. */
type Mode = "re" | "abs";

/** Leaf input fields u_i of case c, and G·E (the cross term's weights) of the stage. */
function forwardCase(
  st: Extract<Step, { kind: "linear" }>,
  pk: Packed,
  sc: { uRe: Float64Array; uIm: Float64Array; slotRe: Float64Array; slotIm: Float64Array; ge: Float64Array },
  wires: WalkResult["wires"],
  g: Float64Array,
  c: number,
): void {
  const p = pk.p;
  const { uRe, uIm, slotRe, slotIm, ge } = sc;
  slotRe.fill(0);
  slotIm.fill(0);
  const J = p.inputs;
  ge.fill(0);
  for (let j = 0; j < J; j++) {
    const wi = st.inWires[j]!;
    const x = wi >= 0 ? wires[wi] : null;
    if (!x) continue;
    const s = p.inputSlots[j]!;
    slotRe[s] = x.re[c]!;
    slotIm[s] = x.im ? x.im[c]! : 0;
    const e = x.err[c]!;
    if (e > 0) for (let q = 0; q < p.outputs; q++) ge[q]! += g[q * J + j]! * e;
  }
  const n = p.ops.length;
  for (let i = 0; i < n; i++) {
    const nin = pk.nin[i]!;
    let a0r = 0,
      a0i = 0,
      a1r = 0,
      a1i = 0;
    const s0 = pk.ins[2 * i]!;
    const s1 = pk.ins[2 * i + 1]!;
    if (s0 >= 0) (a0r = slotRe[s0]!), (a0i = slotIm[s0]!);
    if (nin > 1 && s1 >= 0) (a1r = slotRe[s1]!), (a1i = slotIm[s1]!);
    uRe[2 * i] = a0r;
    uIm[2 * i] = a0i;
    uRe[2 * i + 1] = a1r;
    uIm[2 * i + 1] = a1i;
    const t = pk.t;
    const b = 8 * i;
    for (let q = 0; q < pk.nout[i]!; q++) {
      const so = pk.outs[2 * i + q]!;
      if (so < 0) continue;
      // y_q = t[q][0] a0 + t[q][1] a1
      let yr = t[b + 2 * (q * nin)]! * a0r - t[b + 2 * (q * nin) + 1]! * a0i;
      let yi = t[b + 2 * (q * nin)]! * a0i + t[b + 2 * (q * nin) + 1]! * a0r;
      if (nin > 1) {
        yr += t[b + 2 * (q * nin + 1)]! * a1r - t[b + 2 * (q * nin + 1) + 1]! * a1i;
        yi += t[b + 2 * (q * nin + 1)]! * a1i + t[b + 2 * (q * nin + 1) + 1]! * a1r;
      }
      slotRe[so] = yr;
      slotIm[so] = yi;
    }
  }
}

/** One stage backwards for one readout mode: its contribution to the bound; sensitivities move to its inputs. */
function backwardCase(
  st: Extract<Step, { kind: "linear" }>,
  pk: Packed,
  sc: { uRe: Float64Array; uIm: Float64Array; slotRe: Float64Array; slotIm: Float64Array; ge: Float64Array },
  sRe: Float64Array,
  sIm: Float64Array,
  mode: Mode,
): number {
  const p = pk.p;
  const { uRe, uIm, slotRe, slotIm, ge } = sc;
  slotRe.fill(0);
  slotIm.fill(0);
  let any = false;
  let bound = 0;
  for (let q = 0; q < p.outputs; q++) {
    const o = st.outWires[q]!;
    const s = p.outputSlots[q]!;
    const rr = sRe[o]!;
    const ri = sIm[o]!;
    if (rr === 0 && ri === 0) continue;
    any = true;
    bound += Math.sqrt(rr * rr + ri * ri) * ge[q]!;
    if (s >= 0) {
      slotRe[s]! += rr;
      slotIm[s]! += ri;
    }
  }
  if (!any) return 0;
  let rho = 0;
  const t = pk.t;
  for (let i = p.ops.length - 1; i >= 0; i--) {
    const nin = pk.nin[i]!;
    const nout = pk.nout[i]!;
    const o0 = pk.outs[2 * i]!;
    const o1 = nout > 1 ? pk.outs[2 * i + 1]! : -1;
    const w0r = o0 >= 0 ? slotRe[o0]! : 0;
    const w0i = o0 >= 0 ? slotIm[o0]! : 0;
    const w1r = o1 >= 0 ? slotRe[o1]! : 0;
    const w1i = o1 >= 0 ? slotIm[o1]! : 0;
    const b = 8 * i;
    const delta = pk.delta[i]!;
    const a0r = uRe[2 * i]!,
      a0i = uIm[2 * i]!,
      a1r = uRe[2 * i + 1]!,
      a1i = uIm[2 * i + 1]!;
    if (delta > 0) {
      const wNorm = Math.sqrt(w0r * w0r + w0i * w0i + w1r * w1r + w1i * w1i);
      const uNorm = Math.sqrt(a0r * a0r + a0i * a0i + a1r * a1r + a1i * a1i);
      const kind = pk.kind[i]!;
      if (kind === KIND.coupler) {
        // z₁ = w·T·u, z₂ = w·T·(iXu) with iXu = (i·u1, i·u0).
        const z1 = wTv(t, b, w0r, w0i, w1r, w1i, a0r, a0i, a1r, a1i, mode);
        const z2 = wTv(t, b, w0r, w0i, w1r, w1i, -a1i, a1r, -a0i, a0r, mode);
        const al = pk.angle[i]!;
        bound += z1 * (1 - Math.cos(al)) + z2 * Math.sin(Math.min(al, Math.PI / 2));
      } else {
        // 1×1: z = w0 · t · a0 (complex); only Re z enters with the loss, Im z with the phase.
        const tr = t[b]!,
          ti = t[b + 1]!;
        const vr = tr * a0r - ti * a0i;
        const vi = tr * a0i + ti * a0r;
        const zr = w0r * vr - w0i * vi;
        const zi = w0r * vi + w0i * vr;
        const f = pk.f[i]!;
        if (mode === "abs") {
          // max |r e^{iθ} − 1| over r ∈ [f, 1], |θ| ≤ δ: at r = 1 or r = f (convex in r).
          const d = kind === KIND.phase ? pk.angle[i]! : 0;
          bound += Math.sqrt(zr * zr + zi * zi) * Math.max(2 * Math.sin(d / 2), Math.sqrt(Math.max(0, f * f - 2 * f * Math.cos(d) + 1)));
        } else if (kind === KIND.phase) {
          const d = pk.angle[i]!;
          bound += d <= Math.PI / 2 ? Math.abs(zr) * (1 - f * Math.cos(d)) + Math.abs(zi) * Math.sin(d) : Math.abs(zr) * 2 + Math.abs(zi);
        } else bound += Math.abs(zr) * (1 - f);
      }
      const rest = pk.rest[i]!;
      bound += rho * rest * uNorm;
      rho = rho * pk.norm[i]! + rest * wNorm;
    } else rho *= pk.norm[i]!;
    // d_in[m] = Σ_q w_q t[q][m]
    let d0r = 0,
      d0i = 0,
      d1r = 0,
      d1i = 0;
    for (let q = 0; q < nout; q++) {
      const wr = q === 0 ? w0r : w1r;
      const wi = q === 0 ? w0i : w1i;
      const tr0 = t[b + 2 * (q * nin)]!,
        ti0 = t[b + 2 * (q * nin) + 1]!;
      d0r += wr * tr0 - wi * ti0;
      d0i += wr * ti0 + wi * tr0;
      if (nin > 1) {
        const tr1 = t[b + 2 * (q * nin + 1)]!,
          ti1 = t[b + 2 * (q * nin + 1) + 1]!;
        d1r += wr * tr1 - wi * ti1;
        d1i += wr * ti1 + wi * tr1;
      }
    }
    if (o0 >= 0) (slotRe[o0] = 0), (slotIm[o0] = 0);
    if (o1 >= 0) (slotRe[o1] = 0), (slotIm[o1] = 0);
    const s0 = pk.ins[2 * i]!;
    const s1 = nin > 1 ? pk.ins[2 * i + 1]! : -1;
    if (s0 >= 0) (slotRe[s0] = d0r), (slotIm[s0] = d0i);
    if (s1 >= 0) (slotRe[s1] = d1r), (slotIm[s1] = d1i);
  }
  for (let j = 0; j < p.inputs; j++) {
    const wi = st.inWires[j]!;
    if (wi < 0) continue;
    const s = p.inputSlots[j]!;
    sRe[wi]! += slotRe[s]!;
    sIm[wi]! += slotIm[s]!;
  }
  return bound;
}

/** |Re(w · T · v)| ("re") or |w · T · v| ("abs") for a 2×2 leaf transfer at t[b..b+8). */
function wTv(
  t: Float64Array,
  b: number,
  w0r: number,
  w0i: number,
  w1r: number,
  w1i: number,
  v0r: number,
  v0i: number,
  v1r: number,
  v1i: number,
  mode: Mode,
): number {
  // (T v)_q = t[q][0] v0 + t[q][1] v1
  const y0r = t[b]! * v0r - t[b + 1]! * v0i + t[b + 2]! * v1r - t[b + 3]! * v1i;
  const y0i = t[b]! * v0i + t[b + 1]! * v0r + t[b + 2]! * v1i + t[b + 3]! * v1r;
  const y1r = t[b + 4]! * v0r - t[b + 5]! * v0i + t[b + 6]! * v1r - t[b + 7]! * v1i;
  const y1i = t[b + 4]! * v0i + t[b + 5]! * v0r + t[b + 6]! * v1i + t[b + 7]! * v1r;
  const re = w0r * y0r - w0i * y0i + (w1r * y1r - w1i * y1i);
  if (mode === "re") return Math.abs(re);
  return modulus(re, w0r * y0i + w0i * y0r + (w1r * y1i + w1i * y1r));
}

/** |a + ib| (Math.hypot is slow in V8, and these magnitudes never overflow). */
function modulus(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}
