// Where a calibrated setting is written. A shifter leaf of a linear part is programmable when its
// phase is a setting of the emitted netlist that belongs to that part alone: a phase primitive of
// a sub-netlist used once, or the theta/phi of an `mzi` / `attenuator` model instance. Phases
// inside splitter_tree / combiner models are fixed by the model; a sub-netlist shared by several
// instances cannot be re-programmed per instance.
import type { Circuit, Netlist } from "../../netlist/ir.ts";
import { getModel } from "../../netlist/models.ts";

export interface SettingRef {
  netlist: string;
  instance: string;
  key: "phi" | "theta";
}

/** How many instances (in any netlist of the circuit) use each sub-netlist. */
export function usage(circuit: Circuit): Map<string, number> {
  const n = new Map<string, number>();
  for (const nl of Object.values(circuit.netlists))
    for (const inst of Object.values(nl.instances))
      if (circuit.netlists[inst.component]) n.set(inst.component, (n.get(inst.component) ?? 0) + 1);
  return n;
}

/** The setting behind flat leaf `leaf` of top instance `part`, or null when it is not programmable. */
export function settingRef(circuit: Circuit, part: string, leaf: string, uses: Map<string, number> = usage(circuit)): SettingRef | null {
  const top = circuit.netlists[circuit.top]!;
  const inst = top.instances[part];
  if (!inst) return null;
  if (!circuit.netlists[inst.component] || inst.component === circuit.top) {
    if ((inst.component === "mzi" || inst.component === "attenuator") && (leaf === "phi" || leaf === "theta"))
      return { netlist: circuit.top, instance: part, key: leaf };
    if (inst.component === "phase" && leaf === part) return { netlist: circuit.top, instance: part, key: "phi" };
    return null;
  }
  let name = inst.component;
  let rest = leaf;
  for (;;) {
    if ((uses.get(name) ?? 0) !== 1) return null;
    const nl: Netlist = circuit.netlists[name]!;
    const direct = nl.instances[rest];
    if (direct) return direct.component === "phase" ? { netlist: name, instance: rest, key: "phi" } : null;
    const cut = rest.indexOf("__");
    if (cut < 0) return null;
    const head = rest.slice(0, cut);
    const tail = rest.slice(cut + 2);
    const h = nl.instances[head];
    if (!h) return null;
    if (circuit.netlists[h.component]) {
      name = h.component;
      rest = tail;
      continue;
    }
    if ((h.component === "mzi" || h.component === "attenuator") && (tail === "phi" || tail === "theta") && getModel(h.component))
      return { netlist: name, instance: head, key: tail };
    return null;
  }
}

/** A programmability test for the leaves of one part. */
export function programmableLeaves(circuit: Circuit, part: string): (leaf: string) => boolean {
  const uses = usage(circuit);
  const memo = new Map<string, boolean>();
  return (leaf) => {
    let v = memo.get(leaf);
    if (v === undefined) memo.set(leaf, (v = settingRef(circuit, part, leaf, uses) !== null));
    return v;
  };
}
