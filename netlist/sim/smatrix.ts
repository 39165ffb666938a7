// The full bidirectional S-matrix of a netlist of reciprocal primitives, solved the way circuit
// S-parameter solvers (SAX, simphony) do: incoming waves a, outgoing b = S_blk·a per instance,
// connections impose a_p = b_q and a_q = b_p, external ports are the free inputs/outputs:
//   S_ext = S_EE + S_EI (I − C S_II)^{-1} C S_IE.
// It is an evaluation independent of the forward propagator (bidirectional, one linear solve),
// used to check reciprocity (S = Sᵀ) and to cross-check the forward transfer blocks.
import { zeros, type CMat } from "../../math/cmat.ts";
import type { Netlist } from "../ir.ts";
import { getModel } from "../models.ts";
import { pinOrder } from "../ports.ts";
import { flatten, instancePorts, noSubcircuits, type SubcircuitLookup } from "./propagate.ts";

/** S over the netlist's external ports in `ports` key order. */
export function netlistSMatrix(netlist: Netlist, lookup: SubcircuitLookup = noSubcircuits): { ports: string[]; s: CMat } {
  const flat = flatten(netlist, lookup);
  const pinIndex = new Map<string, number>();
  const blocks: { pins: number[]; s: CMat }[] = [];
  for (const [name, inst] of Object.entries(flat.instances)) {
    const model = getModel(inst.component);
    if (!model || !model.reciprocal || !model.transfer)
      throw new Error(`instance "${name}": ${inst.component} is not a reciprocal passive primitive`);
    const spec = instancePorts(name, inst, lookup);
    const pins = pinOrder(spec).map((p) => {
      const i = pinIndex.size;
      pinIndex.set(`${name},${p}`, i);
      return i;
    });
    const t = model.transfer(inst.settings);
    const ni = spec.inputs.length;
    const s = zeros(pins.length, pins.length);
    for (let q = 0; q < spec.outputs.length; q++) {
      for (let k = 0; k < ni; k++) {
        const re = t.re[q * t.cols + k];
        const im = t.im[q * t.cols + k];
        // b_out = T a_in and, by reciprocity of the element, b_in = Tᵀ a_out.
        s.re[(ni + q) * s.cols + k] = re;
        s.im[(ni + q) * s.cols + k] = im;
        s.re[k * s.cols + ni + q] = re;
        s.im[k * s.cols + ni + q] = im;
      }
    }
    blocks.push({ pins, s });
  }
  const total = pinIndex.size;
  const sBlk = zeros(total, total);
  for (const { pins, s } of blocks) {
    pins.forEach((pi, a) =>
      pins.forEach((pj, b) => {
        sBlk.re[pi * total + pj] = s.re[a * s.cols + b];
        sBlk.im[pi * total + pj] = s.im[a * s.cols + b];
      }),
    );
  }
  const ports = Object.keys(flat.ports);
  const ext = ports.map((p) => pinIndex.get(flat.ports[p])!);
  const internal: number[] = [];
  const partner = new Map<number, number>();
  for (const [a, b] of Object.entries(flat.connections)) {
    const ia = pinIndex.get(a)!;
    const ib = pinIndex.get(b)!;
    partner.set(ia, ib);
    partner.set(ib, ia);
    internal.push(ia, ib);
  }
  const nI = internal.length;
  // A = I − C S_II, B = C S_IE, where (C x)_p = x_partner(p).
  const a = zeros(nI, nI);
  const b = zeros(nI, ext.length);
  internal.forEach((p, r) => {
    const q = partner.get(p)!;
    a.re[r * nI + r] = 1;
    internal.forEach((p2, c) => {
      a.re[r * nI + c] -= sBlk.re[q * total + p2];
      a.im[r * nI + c] -= sBlk.im[q * total + p2];
    });
    ext.forEach((e, c) => {
      b.re[r * ext.length + c] = sBlk.re[q * total + e];
      b.im[r * ext.length + c] = sBlk.im[q * total + e];
    });
  });
  const x = solve(a, b);
  const out = zeros(ext.length, ext.length);
  ext.forEach((e, r) => {
    ext.forEach((e2, c) => {
      let re = sBlk.re[e * total + e2];
      let im = sBlk.im[e * total + e2];
      internal.forEach((p, k) => {
        const sr = sBlk.re[e * total + p];
        const si = sBlk.im[e * total + p];
        if (sr === 0 && si === 0) return;
        const xr = x.re[k * ext.length + c];
        const xi = x.im[k * ext.length + c];
        re += sr * xr - si * xi;
        im += sr * xi + si * xr;
      });
      out.re[r * ext.length + c] = re;
      out.im[r * ext.length + c] = im;
    });
  });
  return { ports, s: out };
}

/** Solve A X = B (complex, dense) by Gaussian elimination with partial pivoting. */
export function solve(a0: CMat, b0: CMat): CMat {
  const n = a0.rows;
  const m = b0.cols;
  const ar = Float64Array.from(a0.re);
  const ai = Float64Array.from(a0.im);
  const br = Float64Array.from(b0.re);
  const bi = Float64Array.from(b0.im);
  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = -1;
    for (let r = k; r < n; r++) {
      const v = Math.hypot(ar[r * n + k], ai[r * n + k]);
      if (v > best) [best, piv] = [v, r];
    }
    if (best < 1e-300) throw new Error("singular system in S-matrix solve (a lossless resonant loop?)");
    if (piv !== k) {
      for (let c = 0; c < n; c++) {
        [ar[k * n + c], ar[piv * n + c]] = [ar[piv * n + c], ar[k * n + c]];
        [ai[k * n + c], ai[piv * n + c]] = [ai[piv * n + c], ai[k * n + c]];
      }
      for (let c = 0; c < m; c++) {
        [br[k * m + c], br[piv * m + c]] = [br[piv * m + c], br[k * m + c]];
        [bi[k * m + c], bi[piv * m + c]] = [bi[piv * m + c], bi[k * m + c]];
      }
    }
    const pr = ar[k * n + k];
    const pi = ai[k * n + k];
    const d = pr * pr + pi * pi;
    for (let r = k + 1; r < n; r++) {
      const xr = ar[r * n + k];
      const xi = ai[r * n + k];
      if (xr === 0 && xi === 0) continue;
      const fr = (xr * pr + xi * pi) / d;
      const fi = (xi * pr - xr * pi) / d;
      for (let c = k; c < n; c++) {
        const yr = ar[k * n + c];
        const yi = ai[k * n + c];
        ar[r * n + c] -= fr * yr - fi * yi;
        ai[r * n + c] -= fr * yi + fi * yr;
      }
      for (let c = 0; c < m; c++) {
        const yr = br[k * m + c];
        const yi = bi[k * m + c];
        br[r * m + c] -= fr * yr - fi * yi;
        bi[r * m + c] -= fr * yi + fi * yr;
      }
    }
  }
  const x = zeros(n, m);
  for (let r = n - 1; r >= 0; r--) {
    const pr = ar[r * n + r];
    const pi = ai[r * n + r];
    const d = pr * pr + pi * pi;
    for (let c = 0; c < m; c++) {
      let sr = br[r * m + c];
      let si = bi[r * m + c];
      for (let k = r + 1; k < n; k++) {
        const ur = ar[r * n + k];
        const ui = ai[r * n + k];
        sr -= ur * x.re[k * m + c] - ui * x.im[k * m + c];
        si -= ur * x.im[k * m + c] + ui * x.re[k * m + c];
      }
      x.re[r * m + c] = (sr * pr + si * pi) / d;
      x.im[r * m + c] = (si * pr - sr * pi) / d;
    }
  }
  return x;
}
