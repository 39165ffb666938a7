// Worst-case deviation of one linear stage's matrix inside an error box, as a nonnegative matrix G
// (outputs × inputs) with |((M' − M) x)_k| ≤ Σ_j G_kj |x_j| for every die in the box and every x.
//
// With the leaves T_1 … T_n in light order, the exact telescoping identity
//   M' − M = Σ_i D'_i Δ_i U_i,   U_i = T_{i−1}⋯T_1 (ideal, upstream),  D'_i = T'_n⋯T'_{i+1} (perturbed, downstream)
// gives, for output k,
//   |((M' − M) x)_k| ≤ Σ_i (‖D_i[k, outs_i]‖ + ρ_{k,i}) · δ_i · Σ_j ‖U_i[ins_i, j]‖ |x_j|
// where δ_i bounds ‖Δ_i‖ (leaf-bounds.ts) and ρ_{k,i} bounds ‖(D'_i − D_i)[k, ·]‖ by the backward
// recursion ρ ← ρ·‖T'_i‖ + δ_i·‖D_i[k, outs_i]‖ (sound at every level, second order when small).
// ‖D_i[k, outs_i]‖ and ‖U_i[ins_i, j]‖ depend only on the ideal stage: they are computed once by a
// backward and a forward sweep over the compiled program, and G is re-summed per box.
import type { LinearProgram } from "../../../netlist/sim/stage-program.ts";
import { leafTransfer } from "../../../netlist/sim/stage-program.ts";
import { leafDelta, leafNorm, type ErrorBox } from "./leaf-bounds.ts";

export interface StageSensitivity {
  program: LinearProgram;
  /** Per op, per output k: ‖D_i[k, outs_i]‖ (ops × outputs). */
  down: Float64Array;
  /** Per op, per input j: ‖U_i[ins_i, j]‖ (ops × inputs). */
  up: Float64Array;
}

export function stageSensitivity(p: LinearProgram): StageSensitivity {
  const J = p.inputs;
  const K = p.outputs;
  const nOps = p.ops.length;
  const t = new Float64Array(8);
  // Forward: rows of U per slot (slots × J complex).
  const up = new Float64Array(nOps * J);
  {
    const re = new Float64Array(p.slots * J);
    const im = new Float64Array(p.slots * J);
    p.inputSlots.forEach((s, j) => (re[s * J + j] = 1));
    const yr = [new Float64Array(J), new Float64Array(J)];
    const yi = [new Float64Array(J), new Float64Array(J)];
    p.ops.forEach((op, i) => {
      for (const s of op.ins) {
        if (s < 0) continue;
        for (let j = 0; j < J; j++) up[i * J + j]! += re[s * J + j]! ** 2 + im[s * J + j]! ** 2;
      }
      for (let j = 0; j < J; j++) up[i * J + j] = Math.sqrt(up[i * J + j]!);
      leafTransfer(op, null, null, t);
      const nin = op.ins.length;
      op.outs.forEach((_, q) => {
        yr[q]!.fill(0);
        yi[q]!.fill(0);
        op.ins.forEach((s, k) => {
          if (s < 0) return;
          const tr = t[2 * (q * nin + k)]!;
          const ti = t[2 * (q * nin + k) + 1]!;
          for (let j = 0; j < J; j++) {
            yr[q]![j]! += tr * re[s * J + j]! - ti * im[s * J + j]!;
            yi[q]![j]! += tr * im[s * J + j]! + ti * re[s * J + j]!;
          }
        });
      });
      for (const s of op.ins) if (s >= 0 && !p.keep[s]) re.fill(0, s * J, s * J + J), im.fill(0, s * J, s * J + J);
      op.outs.forEach((s, q) => {
        if (s < 0) return;
        re.set(yr[q]!, s * J);
        im.set(yi[q]!, s * J);
      });
    });
  }
  // Backward: D columns per slot (slots × K complex): ∂(stage output k)/∂(field on the wire).
  const down = new Float64Array(nOps * K);
  {
    const re = new Float64Array(p.slots * K);
    const im = new Float64Array(p.slots * K);
    p.outputSlots.forEach((s, k) => {
      if (s >= 0) re[s * K + k] = 1;
    });
    const dr = [new Float64Array(K), new Float64Array(K)];
    const di = [new Float64Array(K), new Float64Array(K)];
    for (let i = nOps - 1; i >= 0; i--) {
      const op = p.ops[i]!;
      for (const s of op.outs) {
        if (s < 0) continue;
        for (let k = 0; k < K; k++) down[i * K + k]! += re[s * K + k]! ** 2 + im[s * K + k]! ** 2;
      }
      for (let k = 0; k < K; k++) down[i * K + k] = Math.sqrt(down[i * K + k]!);
      leafTransfer(op, null, null, t);
      const nin = op.ins.length;
      // D_in = Σ_q D_out_q · T[q][in].
      op.ins.forEach((_, m) => {
        dr[m]!.fill(0);
        di[m]!.fill(0);
        op.outs.forEach((s, q) => {
          if (s < 0) return;
          const tr = t[2 * (q * nin + m)]!;
          const ti = t[2 * (q * nin + m) + 1]!;
          for (let k = 0; k < K; k++) {
            dr[m]![k]! += re[s * K + k]! * tr - im[s * K + k]! * ti;
            di[m]![k]! += re[s * K + k]! * ti + im[s * K + k]! * tr;
          }
        });
      });
      // Before this leaf its output wires do not exist yet; its input wires get their D.
      for (const s of op.outs) if (s >= 0) re.fill(0, s * K, s * K + K), im.fill(0, s * K, s * K + K);
      op.ins.forEach((s, m) => {
        if (s < 0) return;
        re.set(dr[m]!, s * K);
        im.set(di[m]!, s * K);
      });
    }
  }
  return { program: p, down, up };
}

/** G (outputs × inputs) for one box: Σ_i δ_i (down_i + ρ_i) ⊗ up_i. */
export function sensitivityMatrix(st: StageSensitivity, box: ErrorBox): Float64Array {
  const p = st.program;
  const J = p.inputs;
  const K = p.outputs;
  const g = new Float64Array(K * J);
  const rho = new Float64Array(K);
  const w = new Float64Array(K);
  for (let i = p.ops.length - 1; i >= 0; i--) {
    const op = p.ops[i]!;
    const delta = leafDelta(op, box);
    const nrm = leafNorm(op);
    if (delta > 0) {
      for (let k = 0; k < K; k++) w[k] = delta * (st.down[i * K + k]! + rho[k]!);
      for (let k = 0; k < K; k++) {
        const wk = w[k]!;
        if (wk === 0) continue;
        const row = k * J;
        for (let j = 0; j < J; j++) g[row + j]! += wk * st.up[i * J + j]!;
      }
    }
    // ρ now covers this leaf too, for the leaves upstream of it.
    for (let k = 0; k < K; k++) rho[k] = rho[k]! * nrm + delta * st.down[i * K + k]!;
  }
  return g;
}
