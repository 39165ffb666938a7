// A compiled stage program (stage-program.ts) run to its stage matrix: each leaf's 2 × 2 or 1 × 1
// transfer applied to the slot rows, in netlist/sim/propagate.ts transferMatrix's order of operations.
import { zeros, type CMat } from "../../math/cmat.ts";
import type { LeafOp, LinearProgram } from "./stage-ops.ts";

/** Reusable buffers of one program: slot rows (slots × inputs, re and im). */
export interface ProgramWorkspace {
  re: Float64Array;
  im: Float64Array;
  live: Uint8Array;
  t: Float64Array;
}

export function workspace(p: LinearProgram): ProgramWorkspace {
  return {
    re: new Float64Array(p.slots * p.inputs),
    im: new Float64Array(p.slots * p.inputs),
    live: new Uint8Array(p.slots),
    t: new Float64Array(8),
  };
}

/** Writes op i's transfer into `out` (leafTransfer's layout). */
export type TransferSource = (op: LeafOp, i: number, out: Float64Array) => void;

/** The stage matrix with each leaf's transfer taken from `transfer`. */
export function buildMatrixWith(p: LinearProgram, transfer: TransferSource, ws: ProgramWorkspace = workspace(p)): CMat {
  const n = p.inputs;
  const { re, im, live, t } = ws;
  live.fill(0);
  p.inputSlots.forEach((s, j) => {
    re.fill(0, s * n, s * n + n);
    im.fill(0, s * n, s * n + n);
    re[s * n + j] = 1;
    live[s] = 1;
  });
  let yr: Float64Array[] | null = null;
  let yi: Float64Array[] | null = null;
  for (let oi = 0; oi < p.ops.length; oi++) {
    const op = p.ops[oi]!;
    transfer(op, oi, t);
    const nin = op.ins.length;
    const nout = op.outs.length;
    if (nin <= 2 && nout <= 2) {
      leafStep(op, t, ws, p.keep, n);
      continue;
    }
    yr ??= [new Float64Array(n), new Float64Array(n)];
    yi ??= [new Float64Array(n), new Float64Array(n)];
    // y_q = Σ_k t[q][k] · x_k, in transferMatrix's order and skipping its skips.
    for (let q = 0; q < nout; q++) {
      const r = yr[q]!;
      const i = yi[q]!;
      r.fill(0);
      i.fill(0);
      for (let k = 0; k < nin; k++) {
        const s = op.ins[k]!;
        const tr = t[2 * (q * nin + k)]!;
        const ti = t[2 * (q * nin + k) + 1]!;
        if (s < 0 || !live[s] || (tr === 0 && ti === 0)) continue;
        const o = s * n;
        for (let c = 0; c < n; c++) {
          r[c] += tr * re[o + c]! - ti * im[o + c]!;
          i[c] += tr * im[o + c]! + ti * re[o + c]!;
        }
      }
    }
    for (const s of op.ins) if (s >= 0 && !p.keep[s]) live[s] = 0;
    for (let q = 0; q < nout; q++) {
      const s = op.outs[q]!;
      if (s < 0) continue;
      re.set(yr[q]!, s * n);
      im.set(yi[q]!, s * n);
      live[s] = 1;
    }
  }
  const m = zeros(p.outputs, n);
  p.outputSlots.forEach((s, k) => {
    if (s < 0 || !live[s]) return;
    m.re.set(re.subarray(s * n, s * n + n), k * n);
    m.im.set(im.subarray(s * n, s * n + n), k * n);
  });
  return m;
}

/**
 * One leaf of at most 2 × 2 applied column by column, the generic loop's arithmetic term for term
 * (0 + first term + second, skipping dark and zero terms), without its per-op fills and copies:
 * stages are a few columns wide, so that overhead was most of a build.
 */
function leafStep(op: LeafOp, t: Float64Array, ws: ProgramWorkspace, keep: Uint8Array, n: number): void {
  const { re, im, live } = ws;
  const nin = op.ins.length;
  const nout = op.outs.length;
  const s0 = nin > 0 ? op.ins[0]! : -1;
  const s1 = nin > 1 ? op.ins[1]! : -1;
  const l0 = s0 >= 0 && live[s0] !== 0;
  const l1 = s1 >= 0 && live[s1] !== 0;
  // Transfer entry (q, k) is at 2 (q · nin + k); an absent entry reads 0 and is never used.
  const a00r = nout > 0 && nin > 0 ? t[0]! : 0;
  const a00i = nout > 0 && nin > 0 ? t[1]! : 0;
  const a01r = nout > 0 && nin > 1 ? t[2]! : 0;
  const a01i = nout > 0 && nin > 1 ? t[3]! : 0;
  const a10r = nout > 1 && nin > 0 ? t[2 * nin]! : 0;
  const a10i = nout > 1 && nin > 0 ? t[2 * nin + 1]! : 0;
  const a11r = nout > 1 && nin > 1 ? t[6]! : 0;
  const a11i = nout > 1 && nin > 1 ? t[7]! : 0;
  const u00 = nout > 0 && l0 && !(a00r === 0 && a00i === 0);
  const u01 = nout > 0 && l1 && !(a01r === 0 && a01i === 0);
  const u10 = nout > 1 && l0 && !(a10r === 0 && a10i === 0);
  const u11 = nout > 1 && l1 && !(a11r === 0 && a11i === 0);
  const d0 = nout > 0 ? op.outs[0]! : -1;
  const d1 = nout > 1 ? op.outs[1]! : -1;
  const o0 = s0 * n;
  const o1 = s1 * n;
  for (let j = 0; j < n; j++) {
    // Inputs are read before outputs are written: an output may reuse an input's slot.
    const x0r = l0 ? re[o0 + j]! : 0;
    const x0i = l0 ? im[o0 + j]! : 0;
    const x1r = l1 ? re[o1 + j]! : 0;
    const x1i = l1 ? im[o1 + j]! : 0;
    let y0r = 0;
    let y0i = 0;
    let y1r = 0;
    let y1i = 0;
    if (u00) {
      y0r += a00r * x0r - a00i * x0i;
      y0i += a00r * x0i + a00i * x0r;
    }
    if (u01) {
      y0r += a01r * x1r - a01i * x1i;
      y0i += a01r * x1i + a01i * x1r;
    }
    if (u10) {
      y1r += a10r * x0r - a10i * x0i;
      y1i += a10r * x0i + a10i * x0r;
    }
    if (u11) {
      y1r += a11r * x1r - a11i * x1i;
      y1i += a11r * x1i + a11i * x1r;
    }
    if (d0 >= 0) {
      re[d0 * n + j] = y0r;
      im[d0 * n + j] = y0i;
    }
    if (d1 >= 0) {
      re[d1 * n + j] = y1r;
      im[d1 * n + j] = y1i;
    }
  }
  if (s0 >= 0 && !keep[s0]) live[s0] = 0;
  if (s1 >= 0 && !keep[s1]) live[s1] = 0;
  if (d0 >= 0) live[d0] = 1;
  if (d1 >= 0) live[d1] = 1;
}
