// Light through a circuit's top netlist, case by case, for the power budget: every linear stage as
// the simulator builds its matrix (netlist/sim/simulate.ts, at the technology's MZI loss), every
// source, activation and detector as docs/reference/netlists.md §4 states them. It keeps what a
// budget needs and no more: per top-level instance the largest and the weakest lit power at its
// inputs, and the fields on every input of the detector (the reference row included). Fields are in
// the circuit's own units: a worker digit d is the field d·amplitude_per_level.
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

export interface CircuitLight {
  stages: StageLight[];
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
export function walkCircuit(circuit: Circuit, matrices: ReadonlyMap<string, CMat>, inputs: Float64Array, cases: number): CircuitLight {
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
  const sources: CircuitLight["sources"] = [];
  let detector: DetectorLight | null = null;
  let topField = 0;
  const inputOf = (ref: string): Field => {
    const j = external.get(ref);
    if (j !== undefined) {
      const f = zero();
      for (let c = 0; c < cases; c++) f.re[c] = inputs[c * width + j]!;
      return f;
    }
    const from = upstream.get(ref);
    return (from && values.get(from)) || zero();
  };
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const r = resolveInstance(name, inst, lookup);
    const spec = r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
    const xs = spec.inputs.map((p) => inputOf(`${name},${p}`));
    const outs = spec.outputs.map((p) => `${name},${p}`);
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
    } else if (comp === "bias_source") {
      const a = num(inst.settings, "amplitude");
      const f = zero();
      f.re.fill(a);
      values.set(outs[0]!, f);
      sources.push({ name, kind: "bias", field: Math.abs(a) });
      stat("bias", [f]);
    } else if (comp === "activation") {
      stat("activation", xs);
      const { leaky, slope } = activationRule(inst.settings);
      xs.forEach((x, k) => {
        const f = zero();
        for (let c = 0; c < cases; c++) {
          const on = x.re[c]! > 0;
          const g = on ? 1 : leaky ? slope : 0;
          f.re[c] = x.re[c]! * g;
          f.im[c] = x.im[c]! * g;
        }
        values.set(outs[k]!, f);
      });
    } else if (comp === "detector") {
      stat("detector", xs);
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
    } else {
      const m = matrices.get(name);
      if (!m) throw new PowerWalkError(`instance "${name}" (${comp}): no stage matrix`);
      stat("linear", xs);
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
  return { stages, detector, topField, sources };
}
