// The netlist simulator: responses computed from a Circuit alone (instances, settings and
// connections). compileCircuit precomputes one complex matrix per linear instance of the top
// netlist (through its compiled stage program, stage-program.ts, on a drawn die or none; or by
// propagating through its flattened sub-circuit after applying an explicit die, a measured chip,
// netlist/die/die.ts), then run() pushes a whole batch of cases through the pipeline in top-netlist
// topological order: engine.ts lays the fields out as rows over cases and applies every
// stage as one matrix-matrix product per block of cases.
import type { CMat } from "../../math/cmat.ts";
import { createRng } from "../../math/rng.ts";
import type { Circuit } from "../ir.ts";
import {
  activationGains,
  activationLimits,
  activationRule,
  activationUnitFn,
  activationHomodyne,
  detectorReference,
  detectorThresholds,
  num,
} from "../models.ts";
import { applyDie, circuitLookup, drawDie, linearParts, type Die, type LinearPart } from "../die/die.ts";
import { dieLevels, isIdeal, validateTechnology, type Technology } from "../../dsl/technology.ts";
import { netlistPortSpec, resolveInstance, topologicalOrder, transferMatrix } from "./propagate.ts";
import { runPlan } from "./engine.ts";
import { planSteps, rebindPlan, type Plan, type Step } from "./plan.ts";
import { circuitPrograms, dieMatrices, type CircuitPrograms } from "./stage-program.ts";
import { drawable, drawDieDraws, drawnMatrices } from "./die-draws.ts";

/** The technology of a run (dsl/technology.ts), plus how to realize it. */
export interface SimOptions extends Partial<Technology> {
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
  /**
   * The same circuit with other linear stage matrices (same shapes, by instance name, every stage
   * given) and the detector-noise stream of (seed, trial): per-die Monte-Carlo skips planning.
   */
  withMatrices(matrices: ReadonlyMap<string, CMat>, stream: { seed: number; trial: number }): CompiledCircuit;
}

export function compileCircuit(circuit: Circuit, opts: SimOptions = {}): CompiledCircuit {
  validateTechnology(opts);
  const top = circuit.netlists[circuit.top];
  if (!top) throw new Error(`circuit "${circuit.name}": top netlist "${circuit.top}" is missing`);
  const lookup = circuitLookup(circuit);
  const seed = opts.seed ?? 0;
  const trial = opts.trial ?? 0;
  const drawn = opts.die === undefined && !isIdeal(dieLevels(opts), { detector: "ignore" });
  // A drawn die (or none) goes through the compiled stage programs; an explicit die (a measured
  // chip: absolute couplings, gains per DAC code) through the perturbed netlist.
  // The ideal circuit needs no program: one propagation per stage is cheaper than compiling one.
  const built = opts.die === undefined && !opts.matrices && (drawn || opts.dacBits) ? programMatrices(circuit, opts, drawn) : null;
  const die = built ? null : opts.die !== undefined ? opts.die : drawn ? drawDie(circuit, dieLevels(opts), seed, trial) : null;
  const given = built ?? opts.matrices;
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
        const matrix = given?.get(name) ?? transferMatrix(applyDie(part(name), die, opts.dacBits), spec.inputs, spec.outputs, lookup);
        steps.push({ kind: "linear", name, spec, matrix });
        stageMatrices.push({ instance: name, component: inst.component, matrix });
      } else if (inst.component === "pam_source") {
        steps.push({ kind: "pam", name, spec, model: r.model!, settings: inst.settings });
      } else if (inst.component === "bias_source") {
        steps.push({ kind: "bias", name, spec, amplitude: num(inst.settings, "amplitude") });
      } else if (inst.component === "activation") {
        steps.push({
          kind: "activation",
          name,
          spec,
          fn: activationUnitFn(inst.settings),
          rule: { ...activationRule(inst.settings), homodyne: activationHomodyne(inst.settings) },
          gains: activationGains(inst.settings),
          limits: activationLimits(inst.settings),
        });
      } else if (inst.component === "detector") {
        const s = inst.settings;
        const { step, offset } = detectorThresholds(s, spec.outputs.length);
        const reference = detectorReference(s);
        steps.push({ kind: "detector", name, spec, levels: num(s, "levels"), step, offset, response: die?.detector ?? null, reference });
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
  return compiledOf(planSteps(top, steps, inputPorts), stageMatrices, inputPorts.length, hasDetector, detectorNoise, seed, trial);
}

function compiledOf(
  plan: Plan,
  stageMatrices: StageMatrix[],
  inputWidth: number,
  hasDetector: boolean,
  detectorNoise: number,
  seed: number,
  trial: number,
): CompiledCircuit {
  return {
    stageMatrices,
    inputWidth,
    hasDetector,
    run(inputs, cases) {
      if (inputs.length !== cases * inputWidth) {
        throw new RangeError(`run: expected ${cases} × ${inputWidth} inputs, got ${inputs.length} values`);
      }
      return runPlan(plan, inputs, cases, detectorNoise ? { sigma: detectorNoise, rng: createRng(seed * 1000003 + trial * 2 + 2) } : null);
    },
    withMatrices(matrices, stream) {
      const stages = stageMatrices.map((s) => {
        const matrix = matrices.get(s.instance);
        if (!matrix) throw new Error(`withMatrices: no matrix for stage "${s.instance}"`);
        return { ...s, matrix };
      });
      const bound = rebindPlan(
        plan,
        stages.map((s) => s.matrix),
      );
      return compiledOf(bound, stages, inputWidth, hasDetector, detectorNoise, stream.seed, stream.trial);
    },
  };
}

/**
 * Stage matrices of a drawn die (or of the ideal circuit) through the compiled stage programs, or
 * null when a part has none or the circuit is one the simulator must reject with its own message
 * (the netlist path then builds, and reports, every stage).
 */
function programMatrices(circuit: Circuit, opts: SimOptions, drawn: boolean): Map<string, CMat> | null {
  try {
    let cp = programsCache.get(circuit);
    if (cp === undefined) programsCache.set(circuit, (cp = circuitPrograms(circuit)));
    if (!drawable(cp)) return null;
    if (!drawn) return dieMatrices(cp, null, opts.dacBits);
    return drawnMatrices(cp, drawDieDraws(cp, opts.seed ?? 0, opts.trial ?? 0, !!opts.lossSpreadDb), dieLevels(opts), opts.dacBits);
  } catch {
    return null;
  }
}

// Circuits are not modified after they are read; every Monte-Carlo trial reuses the programs.
const programsCache = new WeakMap<Circuit, CircuitPrograms>();
