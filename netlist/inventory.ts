// What a circuit is made of, counted on the circuit itself (every hardware figure of report.json
// comes from here, so the report cannot disagree with the emitted netlist). Linear top-level
// instances are flattened to primitives; an MZI is recognised by its internal arm (the phase
// shifter with arm = "top" that every MZI and attenuator of netlist/subcircuits.ts carries, the
// same marker the non-ideality model uses), and the couplers wired to an arm are the MZI's own;
// every other coupler is a fixed one. Nothing here assumes the trained ONN's shape.
import type { Circuit } from "./ir.ts";
import { num } from "./models.ts";
import { splitRef } from "./ports.ts";
import { flatten, netlistPortSpec, resolveInstance, topologicalOrder, type SubcircuitLookup } from "./sim/propagate.ts";

export interface StageInventory {
  /** Instance in the top netlist and the netlist it instantiates. */
  instance: string;
  netlist: string;
  /** The instance's `role` setting ("sigma-u", "svd", "preprocess", …), or "" when it has none. */
  role: string;
  inputs: number;
  outputs: number;
  /** Tunable MZIs (mesh MZIs and attenuators): one per internal arm. */
  mzis: number;
  /** Of those, the MZIs of splitter and combiner trees (trees = mzi: their arm carries `tree`). */
  treeMzis: number;
  /** Couplers wired to an MZI arm (two per MZI). */
  mziCouplers: number;
  /** Every other coupler: splitters, combiners, crossings, digit-sum chains. */
  fixedCouplers: number;
  /**
   * Phase shifters: every phase primitive, whatever its setting: each is a heater on the chip (the
   * layout draws one, with its pads) and a knob of calibration (an output phase set to 0 in the
   * design still corrects the die's phase error), so the report counts what the layout draws.
   */
  phaseShifters: number;
  waveguides: number;
  terminators: number;
  amplifiers: number;
}

export interface CircuitInventory {
  /** Linear top-level instances in light order. */
  stages: StageInventory[];
  /** bias_source instances with a non-zero amplitude (a zero one emits nothing). */
  biasSources: number;
  /** Modes of every activation instance. */
  activations: number;
  /** Modes of every detector instance (one decoded digit each). */
  detectors: number;
  /** Modulated inputs: modes of every pam_source. */
  modulators: number;
}

export function circuitInventory(circuit: Circuit): CircuitInventory {
  const lookup: SubcircuitLookup = (c) => (c === circuit.top ? undefined : circuit.netlists[c]);
  const top = circuit.netlists[circuit.top];
  if (!top) throw new Error(`circuit "${circuit.name}": top netlist "${circuit.top}" is missing`);
  const inv: CircuitInventory = { stages: [], biasSources: 0, activations: 0, detectors: 0, modulators: 0 };
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const r = resolveInstance(name, inst, lookup);
    if (inst.component === "bias_source") inv.biasSources += num(inst.settings, "amplitude") !== 0 ? 1 : 0;
    else if (inst.component === "activation") inv.activations += num(inst.settings, "modes");
    else if (inst.component === "detector") inv.detectors += num(inst.settings, "modes");
    else if (inst.component === "pam_source") inv.modulators += num(inst.settings, "workers") * num(inst.settings, "digits");
    else if (r.netlist || r.model.kind === "linear") {
      const sub = r.netlist ?? { instances: { [name]: inst }, connections: {}, ports: {} };
      const spec = r.netlist ? netlistPortSpec(r.netlist, lookup) : r.model.ports(inst.settings);
      inv.stages.push({
        instance: name,
        netlist: inst.component,
        role: typeof inst.settings.role === "string" ? inst.settings.role : "",
        inputs: spec.inputs.length,
        outputs: spec.outputs.length,
        ...countPrimitives(flatten(sub, lookup)),
      });
    }
  }
  return inv;
}

function countPrimitives(
  flat: ReturnType<typeof flatten>,
): Pick<
  StageInventory,
  "mzis" | "treeMzis" | "mziCouplers" | "fixedCouplers" | "phaseShifters" | "waveguides" | "terminators" | "amplifiers"
> {
  const c = { mzis: 0, treeMzis: 0, mziCouplers: 0, fixedCouplers: 0, phaseShifters: 0, waveguides: 0, terminators: 0, amplifiers: 0 };
  const isArm = (i: string): boolean => flat.instances[i]?.settings.arm !== undefined;
  const touchesArm = new Set<string>();
  for (const [a, b] of Object.entries(flat.connections)) {
    const [ia] = splitRef(a);
    const [ib] = splitRef(b);
    if (isArm(ia)) touchesArm.add(ib);
    if (isArm(ib)) touchesArm.add(ia);
  }
  for (const [name, inst] of Object.entries(flat.instances)) {
    if (inst.component === "coupler") touchesArm.has(name) ? c.mziCouplers++ : c.fixedCouplers++;
    else if (inst.component === "phase") {
      if (inst.settings.arm === "top") {
        c.mzis++;
        if (inst.settings.tree) c.treeMzis++;
      }
      c.phaseShifters++;
    } else if (inst.component === "waveguide") c.waveguides++;
    else if (inst.component === "terminator") c.terminators++;
    else if (inst.component === "amplifier") c.amplifiers++;
  }
  return c;
}
