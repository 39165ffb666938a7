// Light through a circuit's top netlist, case by case, for the power budget: every linear stage as
// the simulator builds its matrix (netlist/sim/simulate.ts, at the technology's MZI loss), every
// source and detector as docs/reference/netlists.md §4 states them, and every activation as the
// regenerating device of the light budget (netlist/devices/homodyne.ts): it reads Re z against its
// LO and writes ReLU(Re z) on fresh light, so its output has no imaginary part. It keeps per
// top-level instance the largest and the weakest lit power at its inputs, every port's field, and
// the order of the steps, which the noise propagation of budget.ts walks backwards. Fields are in
// the circuit's own units: a worker digit d is the field d·amplitude_per_level. An optional `noise`
// adds to every activation's read before it decides (the noise Monte-Carlo).
import type { CMat } from "../../math/cmat.ts";
import type { Circuit, Netlist } from "../../netlist/ir.ts";
import { activationRule, num, pamAmplitude } from "../../netlist/models.ts";
import { circuitLookup } from "../../netlist/die/die.ts";
import { netlistPortSpec, resolveInstance, topologicalOrder } from "../../netlist/sim/propagate.ts";

export interface Field {
  re: Float64Array;
  im: Float64Array;
}

/** What one top-level instance receives, over every case and input mode. */
export interface StageLight {
  instance: string;
  component: string;
  kind: "source" | "bias" | "linear" | "activation" | "detector";
  /** Largest |field|² on any of its inputs (circuit units; a source: its largest output). */
  maxField2: number;
  /** Smallest nonzero |Re field|² on an input mode that is lit in some case (activations: the sign decision's signal). */
  minLitRe2: number;
}

export interface DetectorLight {
  instance: string;
  levels: number;
  step: number[];
  offset: number[];
  /** Reference level r of a ratiometric detector, or null. */
  reference: number | null;
  /** Fields on the decoded inputs in<0> … in<modes−1>, one per mode, each over the cases. */
  modes: Field[];
  /** The reference row's field (in<modes>), or null. */
  referenceField: Field | null;
}

/** One top-level instance in propagation order, with the ports it reads and writes. */
export interface TraceStep {
  instance: string;
  kind: StageLight["kind"] | "terminator";
  /** Keys of the fields it reads (an upstream output, or "in<j>" for an external input). */
  reads: string[];
  /** Keys of the fields it writes. */
  writes: string[];
  matrix?: CMat;
  /** An activation's gain per mode (1 each without one). */
  gains?: number[];
  /** An activation's limit per mode in its input's units (0: none). */
  limits?: number[];
}

export interface CircuitLight {
  stages: StageLight[];
  steps: TraceStep[];
  /** Every written field by key, and the external inputs as "in<j>". */
  fields: Map<string, Field>;
  detector: DetectorLight;
  /** The largest full-scale field of a pam source input, (levels − 1)·amplitude_per_level. */
  topField: number;
  /** Every source of light: pam inputs (one per input port) and bias sources, with their full-scale field. */
  sources: { name: string; kind: "input" | "bias"; field: number }[];
}

export class PowerWalkError extends Error {}

/**
 * Propagates `cases` rows of `inputs` (cases × input ports, digits) through the top netlist with the
 * given linear stage matrices (by top-level instance name).
 */
export function walkCircuit(
  circuit: Circuit,
  matrices: ReadonlyMap<string, CMat>,
  inputs: Float64Array,
  cases: number,
  noise?: (instance: string, mode: number, re: Float64Array) => void,
): CircuitLight {
  const top: Netlist = circuit.netlists[circuit.top]!;
  const lookup = circuitLookup(circuit);
  const upstream = new Map<string, string>();
  for (const [from, to] of Object.entries(top.connections)) upstream.set(to, from);
  const external = new Map<string, number>();
  const inputPorts = Object.keys(top.ports).filter((p) => /^in\d+$/.test(p));
  inputPorts.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  inputPorts.forEach((p, j) => external.set(top.ports[p]!, j));
  const width = inputPorts.length;
  const values = new Map<string, Field>();
  const zero = (): Field => ({ re: new Float64Array(cases), im: new Float64Array(cases) });
  const stages: StageLight[] = [];
  const steps: TraceStep[] = [];
  const sources: CircuitLight["sources"] = [];
  let detector: DetectorLight | null = null;
  let topField = 0;
  const keyOf = (ref: string): string => {
    const j = external.get(ref);
    return j !== undefined ? `in${j}` : (upstream.get(ref) ?? `dark:${ref}`);
  };
  for (const j of external.values()) {
    const f = zero();
    for (let c = 0; c < cases; c++) f.re[c] = inputs[c * width + j]!;
    values.set(`in${j}`, f);
  }
  const inputOf = (ref: string): Field => values.get(keyOf(ref)) ?? zero();
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const r = resolveInstance(name, inst, lookup);
    const spec = r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
    const xs = spec.inputs.map((p) => inputOf(`${name},${p}`));
    const outs = spec.outputs.map((p) => `${name},${p}`);
    const reads = spec.inputs.map((p) => keyOf(`${name},${p}`));
    const stat = (kind: StageLight["kind"], fields: Field[]): void => {
      let maxField2 = 0;
      let minLitRe2 = Number.POSITIVE_INFINITY;
      for (const f of fields) for (let c = 0; c < cases; c++) maxField2 = Math.max(maxField2, f.re[c]! * f.re[c]! + f.im[c]! * f.im[c]!);
      // Below 1e-20 of the stage's largest power a field is rounding of a dark one (a cancelled sum).
      const floor = maxField2 * 1e-20;
      for (const f of fields)
        for (let c = 0; c < cases; c++) {
          const q = f.re[c]! * f.re[c]!;
          if (q > floor && q < minLitRe2) minLitRe2 = q;
        }
      stages.push({ instance: name, component: inst.component, kind, maxField2, minLitRe2: Number.isFinite(minLitRe2) ? minLitRe2 : 0 });
    };
    const comp = inst.component;
    if (comp === "pam_source") {
      const levels = num(inst.settings, "levels");
      const full = Math.abs(pamAmplitude(inst.settings, levels - 1));
      topField = Math.max(topField, full);
      const produced = xs.map((x) => {
        const f = zero();
        for (let c = 0; c < cases; c++) f.re[c] = pamAmplitude(inst.settings, x.re[c]!);
        return f;
      });
      outs.forEach((o, k) => {
        values.set(o, produced[k]!);
        sources.push({ name: `${name},in${k}`, kind: "input", field: full });
      });
      stat("source", produced);
      steps.push({ instance: name, kind: "source", reads, writes: outs });
    } else if (comp === "bias_source") {
      const a = num(inst.settings, "amplitude");
      const f = zero();
      f.re.fill(a);
      values.set(outs[0]!, f);
      sources.push({ name, kind: "bias", field: Math.abs(a) });
      stat("bias", [f]);
      steps.push({ instance: name, kind: "bias", reads, writes: outs });
    } else if (comp === "activation") {
      stat("activation", xs);
      const { leaky, slope } = activationRule(inst.settings);
      const gains = Array.isArray(inst.settings.gain) ? (inst.settings.gain as number[]) : null;
      const limits = Array.isArray(inst.settings.limit) ? (inst.settings.limit as number[]) : null;
      steps.push({ instance: name, kind: "activation", reads, writes: outs, ...(gains ? { gains } : {}), ...(limits ? { limits } : {}) });
      xs.forEach((x, k) => {
        const f = zero();
        const gk = gains ? gains[k]! : 1;
        const lk = limits ? limits[k]! : 0;
        let read = x.re;
        if (noise) {
          read = Float64Array.from(x.re);
          noise(name, k, read);
        }
        for (let c = 0; c < cases; c++) {
          const r = read[c]! * (read[c]! > 0 ? 1 : leaky ? slope : 0);
          f.re[c] = gk * (lk > 0 && r > lk ? lk : r);
        }
        values.set(outs[k]!, f);
      });
    } else if (comp === "detector") {
      stat("detector", xs);
      steps.push({ instance: name, kind: "detector", reads, writes: [] });
      if (detector) throw new PowerWalkError(`circuit "${circuit.name}" has more than one detector`);
      const s = inst.settings;
      const decoded = outs.length;
      const step = Array.isArray(s.step) ? (s.step as number[]) : new Array<number>(decoded).fill(num(s, "step"));
      const off = s.offset === undefined ? 0 : s.offset;
      const offset = Array.isArray(off) ? (off as number[]) : new Array<number>(decoded).fill(off as number);
      const reference = s.reference === undefined ? null : num(s, "reference");
      detector = {
        instance: name,
        levels: num(s, "levels"),
        step,
        offset,
        reference,
        modes: xs.slice(0, decoded),
        referenceField: reference === null ? null : xs[decoded]!,
      };
    } else if (comp === "terminator") {
      stat("linear", xs);
      steps.push({ instance: name, kind: "terminator", reads, writes: [] });
    } else {
      const m = matrices.get(name);
      if (!m) throw new PowerWalkError(`instance "${name}" (${comp}): no stage matrix`);
      stat("linear", xs);
      steps.push({ instance: name, kind: "linear", reads, writes: outs, matrix: m });
      for (let q = 0; q < m.rows; q++) {
        const f = zero();
        for (let j = 0; j < m.cols; j++) {
          const ar = m.re[q * m.cols + j]!;
          const ai = m.im[q * m.cols + j]!;
          if (ar === 0 && ai === 0) continue;
          const x = xs[j]!;
          for (let c = 0; c < cases; c++) {
            f.re[c] += ar * x.re[c]! - ai * x.im[c]!;
            f.im[c] += ar * x.im[c]! + ai * x.re[c]!;
          }
        }
        values.set(outs[q]!, f);
      }
    }
  }
  if (!detector) throw new PowerWalkError(`circuit "${circuit.name}" has no detector: no decision to budget`);
  if (!(topField > 0)) throw new PowerWalkError(`circuit "${circuit.name}" has no pam_source: no laser to scale the light by`);
  return { stages, steps, fields: values, detector, topField, sources };
}
