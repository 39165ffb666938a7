// The first-order bound of one case and target (first-order.ts) split into what the box size does
// not change and what it does. Leaves fall into groups with the same closed-form parameters in every
// box (kind, coupling, loss, arm); the bound is then, exactly (not a further bound),
//
//   Σ_g (a_g A_g + b_g B_g) + Σ_g δ_g Σ_h Q_gh δ_h + Σ_t Σ_q R_tq (G_t E_t)_q + X
//
// A_g, B_g: the group's sums of |Re z|, |Im z| (z₁, z₂ for couplers; |z| for "abs"), a_g, b_g their
// closed-form factors; Q: the ρ·δ·‖u‖ remainder, δ_g δ_h Σ ‖u_i‖ ‖w_j‖ Π‖T'‖ over leaf pairs of a
// stage; R: |sensitivity| at each stage output, times the cross term G·E of the box; X: the
// activations whose branch may flip (their bound times |sensitivity|). Everything but a, b, δ, G·E
// and X depends only on the ideal circuit and the case, so a record without flips is computed once
// and every further level of a search costs O(groups + classes² + stage outputs) per case and target.
//
// Q is kept per class, not per group: couplers whose ratios move alike under a coupling error share
// one (qClasses), and the class's δ is the largest of its groups' in the box, so the Q term can only
// grow (still a bound). Amplitude-shared trees give nearly every fan-out coupler its own ratio (142
// on 5 × 12 bit × PAM-4); per group, Q made each leaf cost O(groups) and each record O(groups²).
import { lossAmplitude } from "../../../netlist/models.ts";
import type { LeafOp, LinearProgram } from "../../../netlist/sim/stage-program.ts";
import { leafDelta, type ErrorBox } from "./leaf-bounds.ts";
import type { Step, WalkResult } from "./walk.ts";

export const KIND = { coupler: 0, phase: 1, waveguide: 2, amplifier: 3 } as const;

/** "re": bound the real part (what the homodyne detector and an activation's branch read); "abs": the modulus. */
export type Mode = "re" | "abs";

/** A program's leaves as typed arrays, with their ideal transfers and groups. */
export interface Packed {
  p: LinearProgram;
  kind: Uint8Array;
  ins: Int32Array;
  outs: Int32Array;
  nin: Uint8Array;
  nout: Uint8Array;
  t: Float64Array;
  norm: Float64Array;
  /** Leaf group (−1: never perturbed, an amplifier). */
  group: Int32Array;
}

export type LinearStep = Extract<Step, { kind: "linear" }>;

export interface StageScratch {
  /** Leaf input fields of the current case (ops × 2 complex). */
  uRe: Float64Array;
  uIm: Float64Array;
  slotRe: Float64Array;
  slotIm: Float64Array;
  /** Offset of this stage's outputs in a record's R part. */
  rAt: number;
}

/** Record layout: A (G), B (G), Q (C × C over the groups' classes), R (every stage output), X (1). */
export interface Layout {
  groups: number;
  /** The Q class of each group (qClasses). */
  classOf: Int32Array;
  classes: number;
  outputs: number;
  length: number;
}

export function layout(reps: readonly LeafOp[], outputs: number): Layout {
  const classOf = qClasses(reps);
  const groups = reps.length;
  const classes = groups === 0 ? 0 : Math.max(...classOf) + 1;
  return { groups, classOf, classes, outputs, length: 2 * groups + classes * classes + outputs + 1 };
}

/**
 * Bins of a coupler's sensitivity to a coupling error, 1/(2√(k(1−k))) (= da/dk, a = asin √k), each
 * QCLASS_RATIO wide: within a class the groups' δ differ by about that ratio, so taking its largest
 * loosens the Q term by at most its square there. The ratios a fan-out of equal splits uses
 * (½, ⅓, ¼, …) fall into classes of their own.
 */
export const QCLASS_RATIO = 1.02;

/** Each group's Q class: a coupler by its sensitivity bin (k of 0 or 1 by itself), every other group alone. */
export function qClasses(reps: readonly LeafOp[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(reps, (op, g) => {
    let key = `g${g}`;
    if (op.kind === "coupler") {
      const k = Math.min(1, Math.max(0, op.coupling));
      key = k <= 0 || k >= 1 ? `k${k}` : `c${Math.floor(Math.log(1 / (2 * Math.sqrt(k * (1 - k)))) / Math.log(QCLASS_RATIO))}`;
    }
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  });
}

/** Per box: each group's δ and closed-form factors, per mode. */
export interface Coefficients {
  delta: Float64Array;
  /** Per Q class: the largest δ of its groups. */
  qDelta: Float64Array;
  aRe: Float64Array;
  bRe: Float64Array;
  aAbs: Float64Array;
  bAbs: Float64Array;
}

/** The factors of first-order.ts's closed forms for one representative leaf per group. */
export function coefficients(reps: LinearProgram["ops"], box: ErrorBox, lay: Layout): Coefficients {
  const n = reps.length;
  const c: Coefficients = {
    delta: new Float64Array(n),
    qDelta: new Float64Array(lay.classes),
    aRe: new Float64Array(n),
    bRe: new Float64Array(n),
    aAbs: new Float64Array(n),
    bAbs: new Float64Array(n),
  };
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const asinSqrt = (x: number) => Math.asin(Math.sqrt(clamp(x)));
  reps.forEach((op, g) => {
    c.delta[g] = leafDelta(op, box);
    const q = lay.classOf[g]!;
    c.qDelta[q] = Math.max(c.qDelta[q]!, c.delta[g]!);
    // first-order.ts skips a leaf the box does not move (δ = 0).
    if (c.delta[g] === 0) return;
    const f = op.arm && box.loss > 0 ? lossAmplitude(box.loss) : 1;
    if (op.kind === "coupler") {
      const k = clamp(op.coupling);
      const a0 = asinSqrt(k);
      const al = box.coupler > 0 ? Math.max(Math.abs(asinSqrt(k + box.coupler) - a0), Math.abs(asinSqrt(k - box.coupler) - a0)) : 0;
      c.aRe[g] = c.aAbs[g] = 1 - Math.cos(al);
      c.bRe[g] = c.bAbs[g] = Math.sin(Math.min(al, Math.PI / 2));
      return;
    }
    const d = op.kind === "phase" ? Math.min(Math.PI, box.phase) : 0;
    // max |r e^{iθ} − 1| over r ∈ [f, 1], |θ| ≤ δ: at r = 1 or r = f (convex in r).
    c.aAbs[g] = Math.max(2 * Math.sin(d / 2), Math.sqrt(Math.max(0, f * f - 2 * f * Math.cos(d) + 1)));
    if (op.kind === "phase") {
      c.aRe[g] = d <= Math.PI / 2 ? 1 - f * Math.cos(d) : 2;
      c.bRe[g] = d <= Math.PI / 2 ? Math.sin(d) : 1;
    } else c.aRe[g] = 1 - f;
  });
  return c;
}

/** The bound a record stands for in one box; `ge` from `geAt`: G_t E_t of the case, laid out like R. */
export function evaluate(rec: Float64Array, at: number, lay: Layout, co: Coefficients, mode: Mode, ge: Float64Array, geAt: number): number {
  const G = lay.groups;
  const a = mode === "re" ? co.aRe : co.aAbs;
  const b = mode === "re" ? co.bRe : co.bAbs;
  let bound = rec[at + lay.length - 1]!;
  for (let g = 0; g < G; g++) bound += a[g]! * rec[at + g]! + b[g]! * rec[at + G + g]!;
  const C = lay.classes;
  const d = co.qDelta;
  const q = at + 2 * G;
  for (let g = 0; g < C; g++) {
    const dg = d[g]!;
    if (dg === 0) continue;
    let s = 0;
    for (let h = 0; h < C; h++) s += rec[q + g * C + h]! * d[h]!;
    bound += dg * s;
  }
  const r = q + C * C;
  for (let k = 0; k < lay.outputs; k++) {
    const v = rec[r + k]!;
    if (v !== 0) bound += v * ge[geAt + k]!;
  }
  return bound;
}

/** Leaf input fields u_i of case c. */
export function forwardCase(st: LinearStep, pk: Packed, sc: StageScratch, wires: WalkResult["wires"], c: number): void {
  const p = pk.p;
  const { uRe, uIm, slotRe, slotIm } = sc;
  slotRe.fill(0);
  slotIm.fill(0);
  for (let j = 0; j < p.inputs; j++) {
    const wi = st.inWires[j]!;
    const x = wi >= 0 ? wires[wi] : null;
    if (!x) continue;
    const s = p.inputSlots[j]!;
    slotRe[s] = x.re[c]!;
    slotIm[s] = x.im ? x.im[c]! : 0;
  }
  const t = pk.t;
  for (let i = 0; i < p.ops.length; i++) {
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

/** One stage backwards for one mode: its terms go into the record; sensitivities move to its inputs. */
export function recordStage(
  st: LinearStep,
  pk: Packed,
  sc: StageScratch,
  sRe: Float64Array,
  sIm: Float64Array,
  mode: Mode,
  rec: Float64Array,
  at: number,
  lay: Layout,
  rho: Float64Array,
): void {
  const p = pk.p;
  const { uRe, uIm, slotRe, slotIm } = sc;
  const G = lay.groups;
  const C = lay.classes;
  slotRe.fill(0);
  slotIm.fill(0);
  let any = false;
  const rAt = at + 2 * G + C * C + sc.rAt;
  for (let q = 0; q < p.outputs; q++) {
    const o = st.outWires[q]!;
    const s = p.outputSlots[q]!;
    const rr = sRe[o]!;
    const ri = sIm[o]!;
    if (rr === 0 && ri === 0) continue;
    any = true;
    rec[rAt + q]! += Math.sqrt(rr * rr + ri * ri);
    if (s >= 0) {
      slotRe[s]! += rr;
      slotIm[s]! += ri;
    }
  }
  if (!any) return;
  rho.fill(0);
  let rhoAny = false;
  const t = pk.t;
  const qAt = at + 2 * G;
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
    const g = pk.group[i]!;
    const a0r = uRe[2 * i]!,
      a0i = uIm[2 * i]!,
      a1r = uRe[2 * i + 1]!,
      a1i = uIm[2 * i + 1]!;
    // Outside the target's light cone (w = 0) a leaf adds only its remainder term (ρ may be > 0).
    const lit = w0r !== 0 || w0i !== 0 || w1r !== 0 || w1i !== 0;
    let wNorm = 0;
    if (g >= 0) {
      if (lit) {
        wNorm = Math.sqrt(w0r * w0r + w0i * w0i + w1r * w1r + w1i * w1i);
        if (pk.kind[i] === KIND.coupler) {
          // z₁ = w·T·u, z₂ = w·T·(iXu) with iXu = (i·u1, i·u0).
          rec[at + g]! += wTv(t, b, w0r, w0i, w1r, w1i, a0r, a0i, a1r, a1i, mode);
          rec[at + G + g]! += wTv(t, b, w0r, w0i, w1r, w1i, -a1i, a1r, -a0i, a0r, mode);
        } else {
          // 1×1: z = w0 · t · a0 (complex); Re z enters with the loss, Im z with the phase.
          const tr = t[b]!,
            ti = t[b + 1]!;
          const vr = tr * a0r - ti * a0i;
          const vi = tr * a0i + ti * a0r;
          const zr = w0r * vr - w0i * vi;
          const zi = w0r * vi + w0i * vr;
          if (mode === "abs") rec[at + g]! += Math.sqrt(zr * zr + zi * zi);
          else {
            rec[at + g]! += Math.abs(zr);
            rec[at + G + g]! += Math.abs(zi);
          }
        }
      }
      // ρ·δ_i·‖u_i‖ with ρ = Σ_h δ_h ρ_h: the ρ_h are the leaves downstream, per Q class.
      if (rhoAny) {
        const uNorm = Math.sqrt(a0r * a0r + a0i * a0i + a1r * a1r + a1i * a1i);
        const row = qAt + lay.classOf[g]! * C;
        if (uNorm !== 0) for (let h = 0; h < C; h++) rec[row + h]! += uNorm * rho[h]!;
      }
    }
    const nrm = pk.norm[i]!;
    if (nrm !== 1 && rhoAny) for (let h = 0; h < C; h++) rho[h]! *= nrm;
    if (wNorm > 0) {
      rho[lay.classOf[g]!]! += wNorm;
      rhoAny = true;
    }
    // d_in[m] = Σ_q w_q t[q][m]
    let d0r = 0,
      d0i = 0,
      d1r = 0,
      d1i = 0;
    if (lit)
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
export function modulus(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}
