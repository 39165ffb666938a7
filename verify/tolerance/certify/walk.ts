// Bound propagation through one unit's pipeline, case by case: the ideal field of every wire (the
// same arithmetic as netlist/simulate.ts, so the ideal readout is the simulator's to the bit) and a
// bound E on how far any die in the error box can move it.
//
//   source, bias      exact: E = 0
//   linear stage      E'_k = min(Σ_j |M_kj| E_j, ‖M_k,·‖₂ ‖E‖₂) + Σ_j G_kj (|x_j| + E_j)
//                     (M ideal; G from sensitivity.ts bounds the stage's own errors on the perturbed input)
//   relu              Re z > E: E;  Re z ≤ −E: 0;  otherwise |z| + E   (the branch may flip)
//   leaky-relu (a)    E, |a|·E, or max(1, |a|)·E + |1 − a|·|z|
// The detector's decision is certified when the bound stays inside its gaps (bounds.ts, receiver.ts).
import type { CMat } from "../../../math/cmat.ts";
import type { Circuit, Netlist } from "../../../netlist/ir.ts";
import { circuitLookup } from "../../../netlist/die.ts";
import { num, pamAmplitude } from "../../../netlist/models.ts";
import type { PortSpec } from "../../../netlist/ports.ts";
import { netlistPortSpec, resolveInstance, topologicalOrder } from "../../../netlist/propagate.ts";
import { buildMatrix, type CircuitPrograms, type LinearProgram } from "../../../netlist/stage-program.ts";
import { sensitivityMatrix, stageSensitivity, type StageSensitivity } from "./sensitivity.ts";
import type { ErrorBox } from "./leaf-bounds.ts";

interface Wiring {
  name: string;
  spec: PortSpec;
  /** Wire feeding each input port (−1: dark), and the wire of each output port. */
  inWires: number[];
  outWires: number[];
}

export type Step = Wiring &
  (
    | { kind: "linear"; program: LinearProgram; m: CMat; abs: Float64Array; rowNorm: Float64Array; sens: StageSensitivity }
    | { kind: "pam"; settings: Netlist["instances"][string]["settings"] }
    | { kind: "bias"; amplitude: number }
    | { kind: "activation"; slope: number }
    | { kind: "detector" }
  );

export interface WalkPlan {
  steps: Step[];
  /** Wires of the top netlist's inputs in0.. (fed by the case digits), and of the readout modes. */
  inputWires: number[];
  readout: number[];
  wires: number;
}

/** Why a circuit cannot be certified (a stage the compiled programs do not cover, an unknown nonlinearity). */
export class CertifyUnsupported extends Error {}

export function walkPlan(circuit: Circuit, cp: CircuitPrograms): WalkPlan {
  const top = circuit.netlists[circuit.top]!;
  const lookup = circuitLookup(circuit);
  const byName = new Map(cp.parts.map((p, i) => [p.name, i]));
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  // Wires: one per top-level input port and per step output port (the simulator's `arrived` map).
  let wires = 0;
  const wireOf = new Map<string, number>();
  const inputPorts = Object.keys(top.ports).filter((p) => /^in\d+$/.test(p));
  inputPorts.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  const inputWires = inputPorts.map((p) => {
    const w = wires++;
    wireOf.set(top.ports[p]!, w);
    return w;
  });
  const steps: Step[] = [];
  let readout: number[] | null = null;
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const r = resolveInstance(name, inst, lookup);
    const spec = r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
    const inWires = spec.inputs.map((p) => wireOf.get(`${name},${p}`) ?? -1);
    const outWires = spec.outputs.map((p) => {
      const w = wires++;
      const ref = `${name},${p}`;
      wireOf.set(ref, w);
      const to = peer.get(ref);
      if (to !== undefined) wireOf.set(to, w);
      return w;
    });
    const wiring = { name, spec, inWires, outWires };
    const kind = r.model?.kind ?? "linear";
    if (kind === "linear") {
      const i = byName.get(name);
      const p = i === undefined ? null : cp.programs[i];
      if (!p) throw new CertifyUnsupported(`stage "${name}" has a wiring the compiled programs do not cover`);
      const m = buildMatrix(p, null, null);
      const abs = new Float64Array(m.rows * m.cols);
      const rowNorm = new Float64Array(m.rows);
      for (let k = 0; k < m.rows; k++) {
        let sq = 0;
        for (let j = 0; j < m.cols; j++) {
          const a = Math.sqrt(m.re[k * m.cols + j]! * m.re[k * m.cols + j]! + m.im[k * m.cols + j]! * m.im[k * m.cols + j]!);
          abs[k * m.cols + j] = a;
          sq += a * a;
        }
        rowNorm[k] = Math.sqrt(sq);
      }
      steps.push({ ...wiring, kind: "linear", program: p, m, abs, rowNorm, sens: stageSensitivity(p) });
    } else if (inst.component === "pam_source") steps.push({ ...wiring, kind: "pam", settings: inst.settings });
    else if (inst.component === "bias_source") steps.push({ ...wiring, kind: "bias", amplitude: num(inst.settings, "amplitude") });
    else if (inst.component === "activation") {
      const fn = inst.settings.function;
      if (fn !== "relu" && fn !== "leaky-relu") throw new CertifyUnsupported(`activation "${name}": function ${String(fn)}`);
      steps.push({ ...wiring, kind: "activation", slope: fn === "relu" ? 0 : num(inst.settings, "slope") });
    } else if (inst.component === "detector") {
      if (readout) throw new CertifyUnsupported("more than one detector");
      steps.push({ ...wiring, kind: "detector" });
      readout = inWires;
    } else throw new CertifyUnsupported(`no bound rule for ${inst.component} "${name}"`);
  }
  if (!readout) {
    const outs = Object.keys(top.ports).filter((p) => /^out\d+$/.test(p));
    outs.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    readout = outs.map((p) => wireOf.get(top.ports[p]!) ?? -1);
  }
  return { steps, inputWires, readout, wires };
}

export interface Wire {
  re: Float64Array;
  /** null: identically zero (the simulator's real-field fast path). */
  im: Float64Array | null;
  err: Float64Array;
}

/** The box's G per linear stage (computed once per box, shared by every chunk of cases). */
export function stageBounds(plan: WalkPlan, box: ErrorBox): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const s of plan.steps) if (s.kind === "linear") out.set(s.name, sensitivityMatrix(s.sens, box));
  return out;
}

export interface WalkResult {
  /** Ideal amplitude and bound of every readout mode: cases × width. */
  re: Float64Array;
  err: Float64Array;
  width: number;
  /** Every wire of the chunk (null: never lit), for the first-order pass (first-order.ts). */
  wires: (Wire | null)[];
}

/** Ideal readout fields and their bounds for `cases` cases (inputs row-major as for the simulator). */
export function walk(plan: WalkPlan, g: Map<string, Float64Array>, inputs: Float64Array, cases: number): WalkResult {
  const wires: (Wire | null)[] = new Array(plan.wires).fill(null);
  const w = plan.inputWires.length;
  plan.inputWires.forEach((wi, j) => {
    const re = new Float64Array(cases);
    for (let c = 0; c < cases; c++) re[c] = inputs[c * w + j]!;
    wires[wi] = { re, im: null, err: new Float64Array(cases) };
  });
  const dark = (): Wire => ({ re: new Float64Array(cases), im: null, err: new Float64Array(cases) });
  for (const st of plan.steps) {
    const xs = st.inWires.map((wi) => (wi >= 0 ? wires[wi] : null) ?? null);
    const put = (q: number, f: Wire) => (wires[st.outWires[q]!] = f);
    if (st.kind === "linear") linearStep(st, g.get(st.name)!, xs, cases).forEach((y, q) => put(q, y));
    else if (st.kind === "pam") {
      xs.forEach((x, k) => {
        const re = new Float64Array(cases);
        if (x) for (let c = 0; c < cases; c++) re[c] = pamAmplitude(st.settings, x.re[c]!);
        put(k, { re, im: null, err: new Float64Array(cases) });
      });
    } else if (st.kind === "bias") put(0, { re: new Float64Array(cases).fill(st.amplitude), im: null, err: new Float64Array(cases) });
    else if (st.kind === "activation") xs.forEach((x, k) => put(k, activation(x ?? dark(), st.slope, cases)));
  }
  const readout = plan.readout.map((wi) => (wi >= 0 ? wires[wi] : null) ?? dark());
  const width = readout.length;
  const re = new Float64Array(cases * width);
  const err = new Float64Array(cases * width);
  readout.forEach((f, k) => {
    for (let c = 0; c < cases; c++) {
      re[c * width + k] = f.re[c]!;
      err[c * width + k] = f.err[c]!;
    }
  });
  return { re, err, width, wires };
}

function linearStep(st: Extract<Step, { kind: "linear" }>, g: Float64Array, xs: (Wire | null)[], cases: number): Wire[] {
  const { m, abs, rowNorm } = st;
  const rows = m.rows;
  const cols = m.cols;
  const real = xs.every((x) => !x || x.im === null);
  const out: Wire[] = [];
  const xr = new Float64Array(cols);
  const xi = new Float64Array(cols);
  const xe = new Float64Array(cols);
  const xa = new Float64Array(cols);
  for (let q = 0; q < rows; q++) out.push({ re: new Float64Array(cases), im: new Float64Array(cases), err: new Float64Array(cases) });
  for (let c = 0; c < cases; c++) {
    let e2 = 0;
    for (let k = 0; k < cols; k++) {
      const x = xs[k];
      xr[k] = x ? x.re[c]! : 0;
      xi[k] = x && x.im ? x.im[c]! : 0;
      xe[k] = x ? x.err[c]! : 0;
      xa[k] = Math.sqrt(xr[k]! * xr[k]! + xi[k]! * xi[k]!) + xe[k]!;
      e2 += xe[k]! * xe[k]!;
    }
    const eNorm = Math.sqrt(e2);
    for (let q = 0; q < rows; q++) {
      const r = q * cols;
      let sr = 0;
      let si = 0;
      let carried = 0;
      let own = 0;
      for (let k = 0; k < cols; k++) {
        const a = m.re[r + k]!;
        const b = m.im[r + k]!;
        // The simulator's sums, term for term (netlist/simulate.ts applyMatrix).
        if (real) {
          sr += a * xr[k]!;
          si += b * xr[k]!;
        } else {
          sr += a * xr[k]! - b * xi[k]!;
          si += a * xi[k]! + b * xr[k]!;
        }
        carried += abs[r + k]! * xe[k]!;
        own += g[r + k]! * xa[k]!;
      }
      out[q]!.re[c] = sr;
      out[q]!.im![c] = si;
      out[q]!.err[c] = Math.min(carried, rowNorm[q]! * eNorm) + own;
    }
  }
  return out;
}

function activation(x: Wire, slope: number, cases: number): Wire {
  const re = Float64Array.from(x.re);
  const im = x.im ? Float64Array.from(x.im) : new Float64Array(cases);
  const err = new Float64Array(cases);
  const a = Math.abs(slope);
  for (let c = 0; c < cases; c++) {
    const e = x.err[c]!;
    const zr = re[c]!;
    const size = Math.sqrt(zr * zr + im[c]! * im[c]!);
    if (zr > e) err[c] = e;
    else if (zr <= -e) err[c] = a * e;
    else err[c] = Math.max(1, a) * e + Math.abs(1 - slope) * size;
    // The simulator's transfer (netlist/models.ts activationFn).
    if (!(zr > 0)) {
      if (slope === 0) re[c] = im[c] = 0;
      else {
        re[c]! *= slope;
        im[c]! *= slope;
      }
    }
  }
  return { re, im, err };
}
