// The named elements of a circuit that a lab measures and a calibration re-programs. They group the
// leaves of each linear part (netlist/die/die.ts linearParts) by the netlist's own names:
//   mzi / attenuator  the spliced MZ-in cell <p>_{phi, bsA, theta, ref, bsB} (+ <p>_{dark, dump}),
//                     or an `mzi` / `attenuator` model instance (leaves <p>__phi …)
//   tree              a `splitter_tree` / `combiner` model instance (leaves c<l>_<j>, p<l>_<j>, wg)
//   phase, coupler, waveguide   any other primitive leaf
//   detector          the top netlist's detector (one response per input mode)
// An element's name is "<top instance>/<local name>" (the top instance alone when the whole part is
// one element); nested sub-netlists add their instance names: "chip/sub/e3".
import type { Circuit, Instance, Netlist } from "../ir.ts";
import { num } from "../models.ts";
import { circuitLookup, linearParts, type LinearPart } from "./die.ts";
import { resolveInstance } from "../sim/propagate.ts";

export type DieElementKind = "mzi" | "attenuator" | "tree" | "phase" | "coupler" | "waveguide" | "detector";

/** The fixed leaf names of the MZ-in cell (netlist/subcircuits.ts), in light order. */
export const MZI_ROLES = ["phi", "bsA", "theta", "ref", "bsB"] as const;
export type MziRole = (typeof MZI_ROLES)[number];

export interface DieElement {
  name: string;
  kind: DieElementKind;
  /** The top instance whose flattened leaves these are. */
  part: string;
  /**
   * Leaf names in the part's flat netlist, by role: MZI roles for mzi/attenuator, the tree's own
   * leaf names for a tree, "leaf" for a single primitive. Empty for the detector.
   */
  leaves: Record<string, string>;
  /** Detector: its number of input modes. */
  modes?: number;
}

const TREE_MODELS = new Set(["splitter_tree", "combiner"]);
const CELL_MODELS = new Set(["mzi", "attenuator"]);
/** Leaves with nothing to measure: they are not elements. */
const SILENT = new Set(["terminator", "amplifier"]);

/** Every measurable element of a circuit, in top-netlist light order then leaf order. */
export function dieElements(circuit: Circuit, parts: LinearPart[] = linearParts(circuit)): DieElement[] {
  const lookup = circuitLookup(circuit);
  const top = circuit.netlists[circuit.top]!;
  const out: DieElement[] = [];
  for (const part of parts) {
    const inst = top.instances[part.name]!;
    const r = resolveInstance(part.name, inst, lookup);
    if (r.model) {
      if (CELL_MODELS.has(inst.component)) out.push(cellElement(part.name, part.name, inst.component as "mzi" | "attenuator", ""));
      else if (TREE_MODELS.has(inst.component)) out.push(treeElement(part.name, part.name, part.flat, ""));
      else if (!SILENT.has(inst.component))
        out.push({ name: part.name, kind: inst.component as DieElementKind, part: part.name, leaves: { leaf: part.name } });
      continue;
    }
    walk(r.netlist, "", part, lookup, out);
  }
  for (const [name, inst] of Object.entries(top.instances)) {
    if (inst.component === "detector") out.push({ name, kind: "detector", part: name, leaves: {}, modes: num(inst.settings, "modes") });
  }
  return out;
}

function cellElement(name: string, part: string, kind: "mzi" | "attenuator", prefix: string): DieElement {
  const leaves: Record<string, string> = {};
  for (const role of MZI_ROLES) leaves[role] = `${prefix}${role}`;
  return { name, kind, part, leaves };
}

function treeElement(name: string, part: string, flat: Netlist, prefix: string): DieElement {
  const leaves: Record<string, string> = {};
  for (const [leaf, inst] of Object.entries(flat.instances)) {
    if (!leaf.startsWith(prefix) || SILENT.has(inst.component)) continue;
    leaves[leaf.slice(prefix.length)] = leaf;
  }
  return { name, kind: "tree", part, leaves };
}

/** One level of a sub-netlist: composites by model, spliced MZI cells by name, the rest leaf by leaf. */
function walk(netlist: Netlist, prefix: string, part: LinearPart, lookup: ReturnType<typeof circuitLookup>, out: DieElement[]): void {
  const local = (n: string): string => `${part.name}/${(prefix + n).split("__").join("/")}`;
  const cells = splicedCells(netlist);
  const inCell = new Set<string>();
  for (const c of cells.values()) for (const leaf of Object.values(c.leaves)) inCell.add(leaf);
  for (const c of cells.values()) for (const extra of ["dark", "dump"]) inCell.add(`${c.prefix}_${extra}`);
  const emitted = new Set<string>();
  for (const [name, inst] of Object.entries(netlist.instances)) {
    const r = resolveInstance(name, inst, lookup);
    if (r.netlist) {
      walk(r.netlist, `${prefix}${name}__`, part, lookup, out);
      continue;
    }
    if (CELL_MODELS.has(inst.component)) {
      out.push(cellElement(local(name), part.name, inst.component as "mzi" | "attenuator", `${prefix}${name}__`));
      continue;
    }
    if (TREE_MODELS.has(inst.component)) {
      out.push(treeElement(local(name), part.name, part.flat, `${prefix}${name}__`));
      continue;
    }
    if (inCell.has(name)) {
      const cellPrefix = name.slice(0, name.lastIndexOf("_"));
      const c = cells.get(cellPrefix);
      if (c && !emitted.has(cellPrefix)) {
        emitted.add(cellPrefix);
        const leaves: Record<string, string> = {};
        for (const role of MZI_ROLES) leaves[role] = `${prefix}${c.leaves[role]}`;
        out.push({ name: local(cellPrefix), kind: c.attenuator ? "attenuator" : "mzi", part: part.name, leaves });
      }
      continue;
    }
    if (SILENT.has(inst.component)) continue;
    out.push({ name: local(name), kind: inst.component as DieElementKind, part: part.name, leaves: { leaf: `${prefix}${name}` } });
  }
}

interface SplicedCell {
  prefix: string;
  leaves: Record<MziRole, string>;
  attenuator: boolean;
}

/**
 * MZ-in cells spliced into a netlist as primitives (netlist/formats/stage-netlist.ts): <p>_phi … <p>_bsB with
 * the cell's own connections. A group whose components or wiring differ is not a cell: its leaves
 * stay single elements.
 */
export function splicedCells(netlist: Netlist): Map<string, SplicedCell> {
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(netlist.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const cells = new Map<string, SplicedCell>();
  for (const name of Object.keys(netlist.instances)) {
    if (!name.endsWith("_bsA")) continue;
    const p = name.slice(0, -4);
    const leaves = Object.fromEntries(MZI_ROLES.map((r) => [r, `${p}_${r}`])) as Record<MziRole, string>;
    const comp = (r: MziRole): string | undefined => netlist.instances[leaves[r]]?.component;
    if (comp("phi") !== "phase" || comp("bsA") !== "coupler" || comp("theta") !== "phase" || comp("bsB") !== "coupler") continue;
    if (comp("ref") !== "waveguide" && comp("ref") !== "phase") continue;
    const wired = (a: string, b: string): boolean => peer.get(a) === b;
    const ok =
      wired(`${leaves.phi},o2`, `${leaves.bsA},o2`) &&
      wired(`${leaves.bsA},o3`, `${leaves.theta},o1`) &&
      wired(`${leaves.bsA},o4`, `${leaves.ref},o1`) &&
      wired(`${leaves.theta},o2`, `${leaves.bsB},o2`) &&
      wired(`${leaves.ref},o2`, `${leaves.bsB},o1`);
    if (!ok) continue;
    const dark = netlist.instances[`${p}_dark`];
    const dump = netlist.instances[`${p}_dump`];
    const attenuator =
      dark?.component === "terminator" &&
      dump?.component === "terminator" &&
      wired(`${p}_dark,o1`, `${leaves.bsA},o1`) &&
      wired(`${p}_dump,o1`, `${leaves.bsB},o4`);
    cells.set(p, { prefix: p, leaves, attenuator });
  }
  return cells;
}

/** The instance a flat leaf name denotes, for messages. */
export function leafInstance(part: LinearPart, leaf: string): Instance | undefined {
  return part.flat.instances[leaf];
}
