// PhaseTable → Circuit. Each linear stage becomes its own sub-circuit netlist (stage-netlist.ts);
// the top netlist chains the pipeline: source → stage → activation → … → detector, with a
// bias_source instance wherever a stage has biasInput. Every number the simulator needs is an
// instance setting, so the circuit alone determines the response.
import { MZI_CONVENTION, type Circuit, type Instance, type Netlist, type PhaseTable, type PipelineStep } from "../ir.ts";
import { inPort, outPort, sanitizeName } from "../ports.ts";
import { stageNetlist } from "./stage-netlist.ts";

const STEP_PITCH_X = 1000;

export function circuitFromPhaseTable(table: PhaseTable, name: string): Circuit {
  if (table.pipeline.length === 0) throw new Error("phase table has an empty pipeline: nothing to build");
  const circuitName = sanitizeName(name);
  const used = new Set<string>();
  const unique = (base: string): string => {
    let n = sanitizeName(base);
    for (let k = 2; used.has(n); k++) n = `${sanitizeName(base)}_${k}`;
    used.add(n);
    return n;
  };
  const topName = unique(circuitName);
  const netlists: Record<string, Netlist> = {};
  const top: Netlist = { instances: {}, connections: {}, ports: {}, placements: {} };
  // prev: the instance whose out<k> ports feed the next step, and how many there are.
  let prev: { inst: string; outputs: number } | null = null;
  table.pipeline.forEach((step, i) => {
    const inst = unique(step.name || `step${i}`);
    const { instance, inputs, outputs, bias } = stepInstance(step, inst, netlists, unique);
    top.instances[inst] = instance;
    top.placements![inst] = { x: i * STEP_PITCH_X, y: 0 };
    const fed = inputs - (bias === undefined ? 0 : 1);
    if (prev) {
      if (prev.outputs > fed) {
        throw new Error(`pipeline step ${i} ("${step.name}") takes ${fed} input mode(s) but the previous step produces ${prev.outputs}`);
      }
      for (let k = 0; k < prev.outputs; k++) top.connections[`${prev.inst},${outPort(k)}`] = `${inst},${inPort(k)}`;
    } else {
      for (let k = 0; k < fed; k++) top.ports[inPort(k)] = `${inst},${inPort(k)}`;
    }
    if (bias !== undefined) {
      const b = unique(`${inst}_bias`);
      top.instances[b] = { component: "bias_source", settings: { amplitude: bias } };
      top.placements![b] = { x: i * STEP_PITCH_X - 200, y: -PITCH_BIAS * inputs };
      top.connections[`${b},${outPort(0)}`] = `${inst},${inPort(inputs - 1)}`;
    }
    prev = { inst, outputs };
  });
  const last = prev as { inst: string; outputs: number } | null;
  for (let k = 0; k < last!.outputs; k++) top.ports[outPort(k)] = `${last!.inst},${outPort(k)}`;
  const ordered: Record<string, Netlist> = { [topName]: top, ...netlists };
  return {
    name: circuitName,
    top: topName,
    netlists: ordered,
    info: {
      format: "optinc.circuit/1",
      convention: MZI_CONVENTION,
      mzi: table.convention.mzi,
      coupler: table.convention.coupler,
      phase_range: table.convention.phaseRange,
    },
  };
}

const PITCH_BIAS = 20;

function stepInstance(
  step: PipelineStep,
  inst: string,
  netlists: Record<string, Netlist>,
  unique: (base: string) => string,
): { instance: Instance; inputs: number; outputs: number; bias?: number } {
  switch (step.role) {
    case "source": {
      const n = step.workers * step.digits;
      return {
        instance: {
          component: "pam_source",
          settings: { workers: step.workers, digits: step.digits, levels: step.levels, amplitude_per_level: step.amplitudePerLevel },
        },
        inputs: n,
        outputs: n,
      };
    }
    case "activation":
      return {
        instance: {
          component: "activation",
          settings: {
            ...step.params,
            function: step.function,
            modes: step.modes,
            ...(step.limit ? { limit: step.limit } : {}),
            ...(step.gain ? { gain: step.gain } : {}),
            ...(step.read ? { read: step.read } : {}),
          },
        },
        inputs: step.modes,
        outputs: step.modes,
      };
    case "detector":
      return {
        instance: {
          component: "detector",
          settings: {
            levels: step.levels,
            step: step.step,
            offset: step.offset,
            modes: step.modes,
            ...(step.reference !== undefined ? { reference: step.reference } : {}),
          },
        },
        inputs: step.modes + (step.reference !== undefined ? 1 : 0),
        outputs: step.modes,
      };
    default: {
      if (step.biasInput !== undefined && step.inputs < 1)
        throw new Error(`stage "${step.name}": a bias input needs at least one input mode`);
      const sub = unique(`${inst}_circuit`);
      netlists[sub] = stageNetlist(step);
      return {
        instance: {
          component: sub,
          settings: { role: step.role, mesh: step.mesh, modes: step.modes, inputs: step.inputs, outputs: step.outputs },
        },
        inputs: step.inputs,
        outputs: step.outputs,
        bias: step.biasInput,
      };
    }
  }
}
