// Bound propagation through one unit's pipeline, case by case: the ideal field of every wire (the
// same arithmetic as netlist/sim/simulate.ts, so the ideal readout is the simulator's to the bit) and a
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
import { circuitLookup } from "../../../netlist/die/die.ts";
import { detectorReference, num, pamAmplitude, ratioScale } from "../../../netlist/models.ts";
import type { PortSpec } from "../../../netlist/ports.ts";
import { netlistPortSpec, resolveInstance, topologicalOrder } from "../../../netlist/sim/propagate.ts";
import { buildMatrix, type CircuitPrograms, type LinearProgram } from "../../../netlist/sim/stage-program.ts";
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
    | { kind: "activation"; slope: number; homodyne: boolean }
    | { kind: "detector" }
  );

export interface WalkPlan {
  steps: Step[];
  /** Wires of the top netlist's inputs in0.. (fed by the case digits), and of the readout modes. */
  inputWires: number[];
  readout: number[];
  /**
   * A ratiometric detector's reference level: its reference row is the last readout, and each
   * decoded readout is scaled by level / Re(row) (applyRatio, after the bounds are tightened).
   */
  reference: { level: number } | null;
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
  let reference: WalkPlan["reference"] = null;
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
      // A regenerating read's gains scale its outputs and their errors; the bounds here assume unit gain.
      if (inst.settings.gain !== undefined || inst.settings.limit !== undefined)
        throw new CertifyUnsupported(`activation "${name}": gains or limits of a regenerating read`);
      // A homodyne read passes Re z only: a projection, so the bounds of the field model hold for it.
      steps.push({
        ...wiring,
        kind: "activation",
        slope: fn === "relu" ? 0 : num(inst.settings, "slope"),
        homodyne: inst.settings.read === "homodyne",
      });
    } else if (inst.component === "detector") {
      if (readout) throw new CertifyUnsupported("more than one detector");
      steps.push({ ...wiring, kind: "detector" });
      // A ratiometric detector reads its reference row last (netlist/ir.ts DetectorStep).
      const level = detectorReference(inst.settings);
      const decoded = num(inst.settings, "modes");
      readout = level === null ? inWires.slice(0, decoded) : inWires.slice(0, decoded + 1);
      if (level !== null) reference = { level };
    } else throw new CertifyUnsupported(`no bound rule for ${inst.component} "${name}"`);
  }
  if (!readout) {
    const outs = Object.keys(top.ports).filter((p) => /^out\d+$/.test(p));
    outs.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    readout = outs.map((p) => wireOf.get(top.ports[p]!) ?? -1);
  }
  return { steps, inputWires, readout, reference, wires };
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
  /** Per linear stage: G·E, its own errors acting on the error of its input (outputs × cases; null: exact input). */
  cross: Map<string, Float64Array | null>;
}

/**
 * Ideal readout fields and their bounds for `cases` cases (inputs row-major as for the simulator).
 * `ideal`: a walk of the same cases in another box, whose ideal fields are taken as they are (they
 * do not depend on the box); only the bounds are computed.
 */
export function walk(plan: WalkPlan, g: Map<string, Float64Array>, inputs: Float64Array, cases: number, ideal?: WalkResult): WalkResult {
  const wires: (Wire | null)[] = new Array(plan.wires).fill(null);
  const cross = new Map<string, Float64Array | null>();
  const w = plan.inputWires.length;
  const same = (wi: number): Wire | null => {
    const x = ideal?.wires[wi];
    return x ? { re: x.re, im: x.im, err: new Float64Array(cases) } : null;
  };
  plan.inputWires.forEach((wi, j) => {
    let f = same(wi);
    if (!f) {
      const re = new Float64Array(cases);
      for (let c = 0; c < cases; c++) re[c] = inputs[c * w + j]!;
      f = { re, im: null, err: new Float64Array(cases) };
    }
    wires[wi] = f;
  });
  const dark = (): Wire => ({ re: new Float64Array(cases), im: null, err: new Float64Array(cases) });
  for (const st of plan.steps) {
    const xs = st.inWires.map((wi) => (wi >= 0 ? wires[wi] : null) ?? null);
    const put = (q: number, f: Wire) => (wires[st.outWires[q]!] = f);
    const was = (q: number) => (ideal ? (ideal.wires[st.outWires[q]!] ?? null) : null);
    if (st.kind === "linear") {
      const r = linearStep(st, g.get(st.name)!, xs, cases, ideal ? st.outWires.map((_, q) => was(q)!) : null);
      r.out.forEach((y, q) => put(q, y));
      cross.set(st.name, r.cross);
    } else if (st.kind === "pam") {
      xs.forEach((x, k) => {
        let f = same(st.outWires[k]!);
        if (!f) {
          const re = new Float64Array(cases);
          if (x) for (let c = 0; c < cases; c++) re[c] = pamAmplitude(st.settings, x.re[c]!);
          f = { re, im: null, err: new Float64Array(cases) };
        }
        put(k, f);
      });
    } else if (st.kind === "bias")
      put(0, same(st.outWires[0]!) ?? { re: new Float64Array(cases).fill(st.amplitude), im: null, err: new Float64Array(cases) });
    else if (st.kind === "activation") xs.forEach((x, k) => put(k, activation(x ?? dark(), st.slope, st.homodyne, cases, was(k))));
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
  return { re, err, width, wires, cross };
}

/**
 * The ratio rule. The detector decodes y·ℓ/r (Re parts; models.ts ratioScale), with |y − y₀| ≤ E_y and
 * |r − r₀| ≤ E_r. Then y/r − y₀/r₀ = ((y − y₀)·r₀ − y₀·(r − r₀)) / (r·r₀), so for r₀ > E_r
 *   |ℓ·y/r − ℓ·y₀/r₀| ≤ ℓ·(E_y·r₀ + |y₀|·E_r) / (r₀·(r₀ − E_r)),
 * and no bound (∞) when the reference may reach zero. The ideal value is the simulator's y₀·(ℓ/r₀).
 */
export function ratioBound(y0: number, ey: number, r0: number, er: number, level: number): { re: number; err: number } {
  const re = y0 * ratioScale(level, r0);
  if (!(r0 > er)) return { re, err: Number.POSITIVE_INFINITY };
  return { re, err: (level * (ey * r0 + Math.abs(y0) * er)) / (r0 * (r0 - er)) };
}

/**
 * The decoded readouts of a ratiometric detector (cases × (width − 1)) from the raw ones, its
 * reference row last (cases × width), by the ratio rule; without a reference, the raw ones.
 */
export function applyRatio(plan: WalkPlan, re: Float64Array, err: Float64Array, cases: number): { re: Float64Array; err: Float64Array } {
  if (!plan.reference) return { re, err };
  const w = plan.readout.length;
  const out = { re: new Float64Array(cases * (w - 1)), err: new Float64Array(cases * (w - 1)) };
  for (let c = 0; c < cases; c++)
    for (let k = 0; k < w - 1; k++) {
      const r = ratioBound(re[c * w + k]!, err[c * w + k]!, re[c * w + w - 1]!, err[c * w + w - 1]!, plan.reference.level);
      out.re[c * (w - 1) + k] = r.re;
      out.err[c * (w - 1) + k] = r.err;
    }
  return out;
}

// Loops run over the cases innermost (the wires are arrays over cases); each sum still adds its
// terms in the simulator's order, so the ideal fields are bit for bit the same.
function linearStep(
  st: Extract<Step, { kind: "linear" }>,
  g: Float64Array,
  xs: (Wire | null)[],
  cases: number,
  ideal: (Wire | null)[] | null,
): { out: Wire[]; cross: Float64Array | null } {
  const { m, abs, rowNorm } = st;
  const mre = m.re;
  const mim = m.im;
  const rows = m.rows;
  const cols = m.cols;
  const real = xs.every((x) => !x || x.im === null);
  const zero = new Float64Array(cases);
  const xr = xs.map((x) => (x ? x.re : zero));
  const xi = xs.map((x) => (x && x.im ? x.im : zero));
  const xe = xs.map((x) => (x ? x.err : zero));
  const lit = xe.some((e) => e.some((v) => v !== 0));
  // |x| + E per input, and ‖E‖₂ per case.
  const xa = xs.map((_, k) => {
    const a = new Float64Array(cases);
    const r = xr[k]!;
    const i = xi[k]!;
    const e = xe[k]!;
    for (let c = 0; c < cases; c++) a[c] = Math.sqrt(r[c]! * r[c]! + i[c]! * i[c]!) + e[c]!;
    return a;
  });
  const eNorm = new Float64Array(cases);
  if (lit) {
    for (const e of xe) for (let c = 0; c < cases; c++) eNorm[c]! += e[c]! * e[c]!;
    for (let c = 0; c < cases; c++) eNorm[c] = Math.sqrt(eNorm[c]!);
  }
  const cross = lit ? new Float64Array(rows * cases) : null;
  const carried = new Float64Array(cases);
  const out: Wire[] = [];
  for (let q = 0; q < rows; q++) {
    const known = ideal?.[q];
    const re = known ? known.re : new Float64Array(cases);
    const im = known ? known.im! : new Float64Array(cases);
    const err = new Float64Array(cases);
    const r = q * cols;
    for (let k = 0; k < cols; k++) {
      const a = mre[r + k]!;
      const b = mim[r + k]!;
      const x = xr[k]!;
      // The simulator's sums, term for term (netlist/sim/simulate.ts applyMatrix).
      if (known) {
        // Taken from the earlier walk.
      } else if (real)
        for (let c = 0; c < cases; c++) {
          re[c]! += a * x[c]!;
          im[c]! += b * x[c]!;
        }
      else {
        const y = xi[k]!;
        for (let c = 0; c < cases; c++) {
          re[c]! += a * x[c]! - b * y[c]!;
          im[c]! += a * y[c]! + b * x[c]!;
        }
      }
      const gk = g[r + k]!;
      const xak = xa[k]!;
      for (let c = 0; c < cases; c++) err[c]! += gk * xak[c]!;
    }
    if (lit) {
      carried.fill(0);
      const ge = cross!.subarray(q * cases, (q + 1) * cases);
      for (let k = 0; k < cols; k++) {
        const ak = abs[r + k]!;
        const gk = g[r + k]!;
        const e = xe[k]!;
        for (let c = 0; c < cases; c++) {
          carried[c]! += ak * e[c]!;
          ge[c]! += gk * e[c]!;
        }
      }
      const rn = rowNorm[q]!;
      for (let c = 0; c < cases; c++) err[c] = Math.min(carried[c]!, rn * eNorm[c]!) + err[c]!;
    }
    out.push({ re, im, err });
  }
  return { out, cross };
}

function activation(x: Wire, slope: number, homodyne: boolean, cases: number, known: Wire | null): Wire {
  const re = known ? known.re : Float64Array.from(x.re);
  const im = known ? known.im! : x.im ? Float64Array.from(x.im) : new Float64Array(cases);
  const err = new Float64Array(cases);
  const a = Math.abs(slope);
  const xr = x.re;
  const xi = x.im;
  for (let c = 0; c < cases; c++) {
    const e = x.err[c]!;
    const zr = xr[c]!;
    const zi = xi ? xi[c]! : 0;
    const size = Math.sqrt(zr * zr + zi * zi);
    if (zr > e) err[c] = e;
    else if (zr <= -e) err[c] = a * e;
    else err[c] = Math.max(1, a) * e + Math.abs(1 - slope) * size;
    if (known) continue;
    // The simulator's transfer (netlist/models.ts activationFn).
    if (!(zr > 0)) {
      if (slope === 0) re[c] = im[c] = 0;
      else {
        re[c]! *= slope;
        im[c]! *= slope;
      }
    }
    if (homodyne) im[c] = 0;
  }
  return { re, im, err };
}
