// The top netlist of a lab circuit as integer slots (netlist/lab/propagate.ts labFields): each
// node's input and output slots, computed once per circuit.
import { cellPortCount, type LabCircuit, type TopNode } from "./optics.ts";

/** Integer slots for the top netlist's output pins, and each node's input and output slots. */
export interface Wiring {
  slots: Map<string, number>;
  ins: number[][];
  outs: number[][];
  /** Per activation node: its modes' fields while it acts. */
  scratch: ({ re: Float64Array; im: Float64Array } | null)[];
}

const wirings = new WeakMap<LabCircuit, Wiring>();

export function wiring(lc: LabCircuit): Wiring {
  const hit = wirings.get(lc);
  if (hit) return hit;
  const slots = new Map<string, number>();
  const outPorts = (n: TopNode): string[] => {
    if (n.kind === "source") return Array.from({ length: cellPortCount(lc) }, (_, p) => `out${p}`);
    if (n.kind === "bias") return ["out0"];
    if (n.kind === "activation") return Array.from({ length: n.modes }, (_, m) => `out${m}`);
    if (n.kind === "part") return n.plan.outputs;
    return [];
  };
  const inPorts = (n: TopNode): string[] => {
    if (n.kind === "activation" || n.kind === "detector") return Array.from({ length: n.modes }, (_, m) => `in${m}`);
    if (n.kind === "part") return n.plan.inputs;
    return [];
  };
  const outs = lc.nodes.map((n) =>
    outPorts(n).map((p) => {
      slots.set(`${n.name},${p}`, slots.size);
      return slots.size - 1;
    }),
  );
  const ins = lc.nodes.map((n) =>
    inPorts(n).map((p) => {
      const from = lc.wires.get(`${n.name},${p}`);
      return from === undefined ? -1 : (slots.get(from) ?? -1);
    }),
  );
  const scratch = lc.nodes.map((n) => (n.kind === "activation" ? { re: new Float64Array(n.modes), im: new Float64Array(n.modes) } : null));
  const w = { slots, ins, outs, scratch };
  wirings.set(lc, w);
  return w;
}
