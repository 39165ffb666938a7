// The designed light of a linear part, shared by both calibration passes (requirements.ts,
// stage.ts): which pins carry light in the design, each cell's designed transfer, and the
// tolerances and number format of the passes' findings.
import type { CMat } from "../../math/cmat.ts";
import type { Instance } from "../../netlist/ir.ts";
import { getModel } from "../../netlist/models.ts";
import type { CellGraph, MziCell } from "./cells.ts";
import type { Matrix2 } from "../../math/complex.ts";
import { cellHardware, cellPhases, type CellView } from "./hardware.ts";
import { cellMatrix } from "./mzi-solve.ts";

export const LIT = 1e-13;
export const REL = 1e-9;

export const fmt = (x: number): string => (Math.abs(x) >= 1e-3 || x === 0 ? x.toPrecision(4) : x.toExponential(2));

/** Which pins carry light in the design (designed field nonzero for some input). */
export function designedLit(cellView: CellView, g: CellGraph): Set<string> {
  const n = g.inputs.length;
  const d = new Map<string, { re: Float64Array; im: Float64Array }>();
  g.inputs.forEach((pin, j) => {
    const re = new Float64Array(n);
    re[j] = 1;
    d.set(pin, { re, im: new Float64Array(n) });
  });
  const lit = new Set<string>();
  const mark = (pin: string, f: { re: Float64Array; im: Float64Array }): void => {
    let s = 0;
    for (let c = 0; c < n; c++) s = Math.max(s, Math.abs(f.re[c]!), Math.abs(f.im[c]!));
    if (s > LIT) lit.add(pin);
  };
  for (const pin of g.inputs) mark(pin, d.get(pin)!);
  for (const cell of g.cells) {
    const ins = cell.ins.map((p) => d.get(p) ?? null);
    const t = cell.kind === "mzi" ? mziDesign(cellView, cell) : leafTransfer(cell.inst);
    const outs = applyDesign(t, ins, n);
    cell.outs.forEach((p, q) => {
      mark(p, outs[q]!);
      const to = g.peer.get(p);
      if (to !== undefined) {
        d.set(to, outs[q]!);
        mark(to, outs[q]!);
      }
      d.set(p, outs[q]!);
    });
    for (const p of cell.ins) d.delete(p);
  }
  return lit;
}

export function mziDesign(cellView: CellView, cell: MziCell): Matrix2 {
  const ph = cellPhases(cellView, cell);
  return cellMatrix(cellHardware(cellView, cell, false), ph.theta, ph.phi);
}

export function leafTransfer(inst: Instance): CMat {
  const m = getModel(inst.component)!;
  if (!m.transfer) throw new Error(`internal: ${inst.component} has no transfer`);
  return m.transfer(inst.settings);
}

type Vec = { re: Float64Array; im: Float64Array };

export function applyDesign(t: Matrix2 | CMat, ins: (Vec | null)[], n: number): Vec[] {
  const rows = Array.isArray(t) ? 2 : t.rows;
  const cols = Array.isArray(t) ? 2 : t.cols;
  const out: Vec[] = [];
  for (let q = 0; q < rows; q++) {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let k = 0; k < cols; k++) {
      const x = ins[k];
      if (!x) continue;
      const [a, b] = Array.isArray(t) ? t[q]![k]! : [t.re[q * cols + k]!, t.im[q * cols + k]!];
      if (a === 0 && b === 0) continue;
      for (let c = 0; c < n; c++) {
        re[c] += a * x.re[c]! - b * x.im[c]!;
        im[c] += a * x.im[c]! + b * x.re[c]!;
      }
    }
    out.push({ re, im });
  }
  return out;
}
