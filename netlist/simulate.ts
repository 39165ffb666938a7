// The netlist simulator: responses computed from a Circuit alone (instances, settings and
// connections). compileCircuit precomputes one complex matrix per linear instance of the top
// netlist (by propagating through its flattened sub-circuit, after applying one die: a Monte-Carlo
// trial of static errors, or a measured chip; netlist/die.ts), then run() pushes a whole batch of
// cases through the pipeline in top-netlist topological order. Fields are stored per mode as Float64Arrays over cases (structure of arrays),
// and every matrix application is a blocked matrix-matrix product over the cases (stage-gemm.ts).
import type { CMat } from "../math/cmat.ts";
import { createRng } from "../math/rng.ts";
import type { Circuit, Netlist } from "./ir.ts";
import { activationFn, detectDigit, detectorThresholds, num, pamAmplitude, type Model } from "./models.ts";
import { applyDie, circuitLookup, drawDie, linearParts, type Die, type LinearPart } from "./die.ts";
import { errorLevels, isIdeal, validateNonIdealities, type NonIdealities } from "./nonideal.ts";
import { netlistPortSpec, resolveInstance, topologicalOrder, transferMatrix } from "./propagate.ts";
import { splitRef, type PortSpec } from "./ports.ts";
import { applyStage } from "./stage-gemm.ts";

export type { NonIdealities } from "./nonideal.ts";

export interface SimOptions extends NonIdealities {
  /** Seed of the Monte-Carlo streams (phase noise, imbalance signs, detector noise). Default 0. */
  seed?: number;
  /** Trial index: trial t uses the streams of (seed, t), so trials are independent and reproducible. */
  trial?: number;
  /** An explicit die (a measured chip, or one drawn beforehand); replaces the draw from the levels. */
  die?: Die | null;
  /**
   * Linear stage matrices by top-level instance name, already built for this run's die and DAC
   * (e.g. by a caller that compiled the flattened stages once and rebuilds them per trial); they
   * replace the die and DAC for those instances. Instances not listed are built as usual.
   */
  matrices?: ReadonlyMap<string, CMat>;
}

export interface StageMatrix {
  /** Instance name in the top netlist and the component (sub-circuit) it instantiates. */
  instance: string;
  component: string;
  /** outputs × inputs, mode order. */
  matrix: CMat;
}

export interface SimResult {
  cases: number;
  /** Modes read out: the detector's inputs, or the top netlist's outputs when there is no detector. */
  width: number;
  /** Complex fields at those modes, cases × width, row-major. */
  fields: { re: Float64Array; im: Float64Array };
  /** Decoded digits, cases × width row-major; length 0 when the circuit has no detector. */
  digits: Int32Array;
}

export interface CompiledCircuit {
  stageMatrices: StageMatrix[];
  /** Columns of run()'s input rows: the top netlist's input ports in0..in<k-1>. */
  inputWidth: number;
  hasDetector: boolean;
  /**
   * inputs: cases × inputWidth, row-major. Values are symbol digits when the top input feeds a
   * pam_source, otherwise real optical amplitudes.
   */
  run(inputs: Float64Array, cases: number): SimResult;
}

interface Field {
  re: Float64Array;
  /** null = identically zero (real field), which halves the work of the next matrix. */
  im: Float64Array | null;
}

type Step =
  | { kind: "linear"; name: string; spec: PortSpec; matrix: CMat }
  | { kind: "pam"; name: string; spec: PortSpec; model: Model; settings: Netlist["instances"][string]["settings"] }
  | { kind: "bias"; name: string; spec: PortSpec; amplitude: number }
  | { kind: "activation"; name: string; spec: PortSpec; fn: ReturnType<typeof activationFn> }
  | { kind: "detector"; name: string; spec: PortSpec; levels: number; step: number[]; offset: number[]; response: Die["detector"] | null };

export function compileCircuit(circuit: Circuit, opts: SimOptions = {}): CompiledCircuit {
  validateNonIdealities(opts);
  const top = circuit.netlists[circuit.top];
  if (!top) throw new Error(`circuit "${circuit.name}": top netlist "${circuit.top}" is missing`);
  const lookup = circuitLookup(circuit);
  const seed = opts.seed ?? 0;
  const trial = opts.trial ?? 0;
  const die = opts.die !== undefined ? opts.die : isIdeal({ ...opts, dacBits: null }) ? null : drawDie(circuit, errorLevels(opts), seed, trial);
  let partsByName: Map<string, LinearPart> | null = null;
  const part = (name: string): LinearPart => (partsByName ??= new Map(linearParts(circuit).map((p) => [p.name, p]))).get(name)!;
  const steps: Step[] = [];
  const stageMatrices: StageMatrix[] = [];
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name];
    const r = resolveInstance(name, inst, lookup);
    const spec = r.model ? r.model.ports(inst.settings) : netlistPortSpec(r.netlist, lookup);
    const kind = r.model?.kind ?? "linear";
    try {
      if (kind === "linear") {
        const matrix = opts.matrices?.get(name) ?? transferMatrix(applyDie(part(name), die, opts.dacBits), spec.inputs, spec.outputs, lookup);
        steps.push({ kind: "linear", name, spec, matrix });
        stageMatrices.push({ instance: name, component: inst.component, matrix });
      } else if (inst.component === "pam_source") {
        steps.push({ kind: "pam", name, spec, model: r.model!, settings: inst.settings });
      } else if (inst.component === "bias_source") {
        steps.push({ kind: "bias", name, spec, amplitude: num(inst.settings, "amplitude") });
      } else if (inst.component === "activation") {
        steps.push({ kind: "activation", name, spec, fn: activationFn(inst.settings) });
      } else if (inst.component === "detector") {
        const s = inst.settings;
        const { step, offset } = detectorThresholds(s, spec.inputs.length);
        steps.push({ kind: "detector", name, spec, levels: num(s, "levels"), step, offset, response: die?.detector ?? null });
      } else {
        throw new Error(`no simulation rule for ${inst.component}`);
      }
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith("instance ") ? msg : `instance "${name}" (${inst.component}): ${msg}`);
    }
  }
  const inputPorts = Object.keys(top.ports).filter((p) => /^in\d+$/.test(p));
  inputPorts.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  const detectorNoise = opts.detectorNoise ?? 0;
  const hasDetector = steps.some((s) => s.kind === "detector");
  if (steps.filter((s) => s.kind === "detector").length > 1) throw new Error("the simulator supports at most one detector");
  return {
    stageMatrices,
    inputWidth: inputPorts.length,
    hasDetector,
    run(inputs, cases) {
      if (inputs.length !== cases * inputPorts.length) {
        throw new RangeError(`run: expected ${cases} × ${inputPorts.length} inputs, got ${inputs.length} values`);
      }
      // Detector noise is drawn mode by mode over all cases: one pass keeps that order.
      if (detectorNoise) return runSteps(top, steps, inputPorts, inputs, cases, { sigma: detectorNoise, rng: createRng(seed * 1000003 + trial * 2 + 2) });
      if (cases <= RUN_BLOCK) return runSteps(top, steps, inputPorts, inputs, cases, null);
      // Blocks of cases keep every intermediate field small and cache-resident (no large garbage).
      const w = inputPorts.length;
      let out: SimResult | null = null;
      for (let c0 = 0; c0 < cases; c0 += RUN_BLOCK) {
        const n = Math.min(RUN_BLOCK, cases - c0);
        const r = runSteps(top, steps, inputPorts, inputs.subarray(c0 * w, (c0 + n) * w), n, null);
        out ??= { cases, width: r.width, fields: { re: new Float64Array(cases * r.width), im: new Float64Array(cases * r.width) }, digits: new Int32Array(r.digits.length ? cases * r.width : 0) };
        out.fields.re.set(r.fields.re, c0 * r.width);
        out.fields.im.set(r.fields.im, c0 * r.width);
        if (r.digits.length) out.digits.set(r.digits, c0 * r.width);
      }
      return out!;
    },
  };
}

/** Cases per pass through the steps (no detector noise). */
const RUN_BLOCK = 512;

function runSteps(
  top: Netlist,
  steps: Step[],
  inputPorts: string[],
  inputs: Float64Array,
  cases: number,
  noise: { sigma: number; rng: ReturnType<typeof createRng> } | null,
): SimResult {
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const arrived = new Map<string, Field>();
  const w = inputPorts.length;
  inputPorts.forEach((p, j) => {
    const re = new Float64Array(cases);
    for (let c = 0; c < cases; c++) re[c] = inputs[c * w + j];
    arrived.set(top.ports[p], { re, im: null });
  });
  let readout: Field[] | null = null;
  let digits: Int32Array[] | null = null;
  const deliver = (name: string, port: string, f: Field): void => {
    const ref = `${name},${port}`;
    const to = peer.get(ref);
    if (to !== undefined) arrived.set(to, f);
    arrived.set(ref, f); // also visible to top-level output ports
  };
  for (const st of steps) {
    const xs = st.spec.inputs.map((p) => arrived.get(`${st.name},${p}`) ?? null);
    if (st.kind === "linear") {
      applyStage(st.matrix, xs, cases).forEach((y, q) => deliver(st.name, st.spec.outputs[q], y));
    } else if (st.kind === "pam") {
      xs.forEach((x, k) => {
        const re = new Float64Array(cases);
        if (x) for (let c = 0; c < cases; c++) re[c] = pamAmplitude(st.settings, x.re[c]);
        deliver(st.name, st.spec.outputs[k], { re, im: null });
      });
    } else if (st.kind === "bias") {
      deliver(st.name, st.spec.outputs[0], { re: new Float64Array(cases).fill(st.amplitude), im: null });
    } else if (st.kind === "activation") {
      xs.forEach((x, k) => {
        const re = x ? Float64Array.from(x.re) : new Float64Array(cases);
        const im = x?.im ? Float64Array.from(x.im) : new Float64Array(cases);
        st.fn(re, im, 0, cases);
        deliver(st.name, st.spec.outputs[k], { re, im });
      });
    } else {
      readout = xs.map((x) => x ?? { re: new Float64Array(cases), im: null });
      // A die's detector response (gain and offset per mode) acts on what the receiver measures.
      if (st.response) readout = readout.map((x, k) => ({ re: x.re.map((v) => st.response!.gain[k]! * v + st.response!.offset[k]!), im: x.im }));
      digits = readout.map((x, k) => {
        const d = new Int32Array(cases);
        const step = st.step[k]!;
        const offset = st.offset[k]!;
        for (let c = 0; c < cases; c++) {
          // The one documented decision rule (models.ts), so the tested function is the one used.
          d[c] = detectDigit(x.re[c] + (noise ? noise.sigma * step * noise.rng.normal() : 0), step, offset, st.levels);
        }
        deliver(st.name, st.spec.outputs[k], { re: Float64Array.from(d), im: null });
        return d;
      });
    }
  }
  if (!readout) {
    const outs = Object.keys(top.ports).filter((p) => /^out\d+$/.test(p));
    outs.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    readout = outs.map((p) => {
      const [i, port] = splitRef(top.ports[p]);
      return arrived.get(`${i},${port}`) ?? { re: new Float64Array(cases), im: null };
    });
  }
  const width = readout.length;
  const fields = { re: new Float64Array(cases * width), im: new Float64Array(cases * width) };
  readout.forEach((f, k) => {
    for (let c = 0; c < cases; c++) {
      fields.re[c * width + k] = f.re[c];
      if (f.im) fields.im[c * width + k] = f.im[c];
    }
  });
  const out = new Int32Array(digits ? cases * width : 0);
  if (digits) (digits as Int32Array[]).forEach((d, k) => { for (let c = 0; c < cases; c++) out[c * width + k] = d[c]; });
  return { cases, width, fields, digits: out };
}
