// What a lab's photodiodes see on a cell circuit : the optical quantity at every monitor
// site for a die and a set of lit inputs. Monitor sites are the light a design already throws away —
// every terminator that light reaches (attenuator dumps `e<i>_dump`, fan-in and unused-mode dumps
// `to<i>`): a photodiode there reads power and adds no loss. The output detectors are homodyne
// (netlist/models.ts): in calibration they read Re(y) of each mode against their local oscillator.
//
// Lab inputs are the cell's optical ports (`in<k>`, what the PAM sources drive) and its bias
// sources (`bias:<instance>`), each lit at a power in mW from one laser (phase 0, as the design
// assumes). Both the simulated lab (true die) and the calibration (estimated die) use it, through
// netlist/lab/propagate.ts: it is the circuit's physics, not the die's.
import type { Circuit, Netlist } from "../ir.ts";
import { activationFn, activationGains, activationHomodyne, activationLimits, activationRule, detectorReference, num } from "../models.ts";
import { circuitLookup, linearParts, type LinearPart } from "../die/die.ts";
import { pinDirection, indexedNetlist, resolveInstance, topologicalOrder } from "../sim/propagate.ts";

export interface MonitorSite {
  /** "<part>/<terminator leaf>": "threshold/e4_dump". */
  name: string;
  part: string;
  kind: "dump" | "tree";
}

export interface LabInput {
  /** "in0" … for the cell's ports, "bias:<instance>" for a bias source. */
  name: string;
  /** The design's amplitude of one full-scale level (ports) or the bias amplitude (√mW). */
  amplitude: number;
}

export interface PartPlan {
  part: LinearPart;
  /** The part's flat netlist with every monitor site exposed as an output port "mon:<leaf>". */
  monitored: LinearPart;
  inputs: string[];
  outputs: string[];
  monitors: string[];
  /** Index of each monitor in LabCircuit.sites. */
  siteIndex: number[];
}

export type TopNode =
  | { kind: "source"; name: string }
  | { kind: "bias"; name: string; input: number }
  | { kind: "part"; name: string; plan: PartPlan }
  | {
      kind: "activation";
      name: string;
      modes: number;
      apply: ReturnType<typeof activationFn>;
      /** The device per mode (netlist/models.ts): gain (1 when unit), limit on Re z (0: none), the rule's slope where Re z ≤ 0 (0: relu), and whether only Re z passes. */
      gains: number[];
      slope: number;
      limits: number[];
      homodyne: boolean;
    }
  | {
      kind: "detector";
      name: string;
      /** Input modes read (homodyne), the reference row included when the detector is ratiometric. */
      modes: number;
      /** Decoded modes, and the reference level of a ratiometric detector (netlist/ir.ts DetectorStep). */
      decoded: number;
      reference: number | null;
      first: number;
    };

export interface LabCircuit {
  circuit: Circuit;
  sites: MonitorSite[];
  inputs: LabInput[];
  /** Detector readouts "<detector>[m]", in order. */
  detectors: string[];
  nodes: TopNode[];
  /** Top connections, both ways: "inst,port" → "inst,port". */
  wires: Map<string, string>;
}

/** The monitor sites of a part: terminators whose pin light reaches (a coupler output feeds them). */
function partMonitors(part: LinearPart, circuit: Circuit): { leaf: string; from: string }[] {
  const lookup = circuitLookup(circuit);
  const { ix } = indexedNetlist(part.flat, lookup);
  const out: { leaf: string; from: string }[] = [];
  for (const [leaf, inst] of Object.entries(part.flat.instances)) {
    if (inst.component !== "terminator") continue;
    const pin = ix.pinId(`${leaf},o1`);
    const peer = ix.peer[pin]!;
    if (peer < 0 || pinDirection(ix, peer) !== "out") continue;
    const owner = ix.owner[peer]!;
    const spec = ix.specs[owner]!;
    const k = peer - ix.pinBase[owner]! - spec.inputs.length;
    out.push({ leaf, from: `${ix.names[owner]},${spec.outputs[k]}` });
  }
  return out;
}

export function labCircuit(circuit: Circuit): LabCircuit {
  const lookup = circuitLookup(circuit);
  const top = circuit.netlists[circuit.top]!;
  const parts = new Map(linearParts(circuit).map((p) => [p.name, p]));
  const wires = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    wires.set(a, b);
    wires.set(b, a);
  }
  const sites: MonitorSite[] = [];
  const inputs: LabInput[] = [];
  const detectors: string[] = [];
  const nodes: TopNode[] = [];
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const r = resolveInstance(name, inst, lookup);
    if (inst.component === "pam_source") {
      const n = num(inst.settings, "workers") * num(inst.settings, "digits");
      const amp = num(inst.settings, "amplitude_per_level") * (num(inst.settings, "levels", 2) - 1);
      for (let k = 0; k < n; k++) inputs.push({ name: `in${k}`, amplitude: amp });
      nodes.push({ kind: "source", name });
    } else if (inst.component === "bias_source") {
      inputs.push({ name: `bias:${name}`, amplitude: num(inst.settings, "amplitude") });
      nodes.push({ kind: "bias", name, input: inputs.length - 1 });
    } else if (inst.component === "activation") {
      const modes = num(inst.settings, "modes");
      nodes.push({
        kind: "activation",
        name,
        modes,
        apply: activationFn(inst.settings),
        gains: activationGains(inst.settings) ?? new Array<number>(modes).fill(1),
        slope: activationRule(inst.settings).slope,
        limits: activationLimits(inst.settings) ?? new Array<number>(modes).fill(0),
        homodyne: activationHomodyne(inst.settings),
      });
    } else if (inst.component === "detector") {
      const decoded = num(inst.settings, "modes");
      const reference = detectorReference(inst.settings);
      const modes = decoded + (reference === null ? 0 : 1);
      nodes.push({ kind: "detector", name, modes, decoded, reference, first: detectors.length });
      // A ratiometric detector reads its reference row as one more homodyne mode, "<detector>[decoded]".
      for (let m = 0; m < modes; m++) detectors.push(`${name}[${m}]`);
    } else if (parts.has(name)) {
      const part = parts.get(name)!;
      const spec = r.model ? r.model.ports(inst.settings) : undefined;
      const ports = Object.keys(part.flat.ports);
      const ins = spec ? spec.inputs : ports.filter((p) => p.startsWith("in")).sort(byIndex);
      const outs = spec ? spec.outputs : ports.filter((p) => p.startsWith("out")).sort(byIndex);
      const mons = partMonitors(part, circuit);
      const flat: Netlist = { ...part.flat, ports: { ...part.flat.ports } };
      for (const m of mons) flat.ports[`mon:${m.leaf}`] = m.from;
      const siteIndex = mons.map((m) => {
        sites.push({ name: `${name}/${m.leaf}`, part: name, kind: m.leaf.endsWith("_dump") ? "dump" : "tree" });
        return sites.length - 1;
      });
      nodes.push({
        kind: "part",
        name,
        plan: {
          part,
          monitored: { name, flat },
          inputs: ins,
          outputs: outs,
          monitors: mons.map((m) => `mon:${m.leaf}`),
          siteIndex,
        },
      });
    } else throw new Error(`labCircuit: top instance "${name}" (${inst.component}) is not part of a cell circuit`);
  }
  return { circuit, sites, inputs, detectors, nodes, wires };
}

const byIndex = (a: string, b: string): number => Number(a.replace(/\D/g, "")) - Number(b.replace(/\D/g, ""));

/** Whether a lab input is a cell port (`in<K>`, driven with a digit) rather than a bias source. */
export const isCellPort = (input: { name: string }): boolean => input.name.startsWith("in");

/** How many cell ports (digit inputs) a lab circuit has. */
export const cellPortCount = (lc: LabCircuit): number => lc.inputs.filter(isCellPort).length;

/**
 * Lab input powers of one raw input of a cell: input n read as digits in base `levels` (port in0
 * least significant), each port at digit × its amplitude per level, the bias sources at `bias`
 * (amplitudes by lab input name; the design's where absent). Cases run 0 … levels^ports − 1.
 */
export function casePowers(lc: LabCircuit, levels: number, bias: ReadonlyMap<string, number>, n: number): number[] {
  const ports = cellPortCount(lc);
  const digits = Array.from({ length: ports }, (_, p) => Math.floor(n / levels ** p) % levels);
  return digitPowers(lc, levels, bias, digits);
}

/** Lab input powers for one digit per cell port (port inK gets digits[K]); the bias sources as in casePowers. */
export function digitPowers(lc: LabCircuit, levels: number, bias: ReadonlyMap<string, number>, digits: ArrayLike<number>): number[] {
  return lc.inputs.map((inp) => {
    if (!isCellPort(inp)) return (bias.get(inp.name) ?? inp.amplitude) ** 2;
    return ((inp.amplitude * digits[Number(inp.name.slice(2))]!) / (levels - 1)) ** 2;
  });
}

/** How many raw inputs a cell has (casePowers' n ranges over them). */
export const caseCount = (lc: LabCircuit, levels: number): number => levels ** cellPortCount(lc);
