// `<name>.pic.yml`: gdsfactory "YAML Place and AutoRoute" netlist of the whole circuit, flattened
// to primitives (gdsfactory YAML has no sub-netlist instances). Photonic primitives map onto
// generic-PDK cells (mmi2x2, straight_heater_metal, straight, terminator); our model and its
// parameters travel in each instance's `info`, placements come from the IR (µm, sub-circuit
// placements offset by their parent instance), connections become one route bundle `optical`.
import { stringify } from "yaml";
import type { Circuit, Instance, Netlist, SettingValue } from "../ir.ts";
import { num } from "../models.ts";
import { resolveInstance, type SubcircuitLookup } from "../sim/propagate.ts";
import { circuitLookup } from "./spice-write.ts";

/** gdsfactory cell for each primitive (the optinc_* cells are user-supplied blocks). */
function gdsCell(inst: Instance): string {
  switch (inst.component) {
    case "coupler":
      return num(inst.settings, "coupling", 0.5) === 0.5 ? "mmi2x2" : "coupler";
    case "phase":
      return "straight_heater_metal";
    case "waveguide":
      return "straight";
    case "terminator":
      return "terminator";
    case "crossing":
    case "junction":
      return "crossing";
    default:
      return `optinc_${inst.component}`;
  }
}

interface Flat {
  instances: Record<string, Instance>;
  placements: Record<string, { x: number; y: number }>;
  links: Record<string, string>;
  ports: Record<string, string>;
}

/** Flatten with placements; returns a resolver from this level's "inst,port" to the leaf pin. */
function flattenPlaced(nl: Netlist, prefix: string, dx: number, dy: number, lookup: SubcircuitLookup, out: Flat): (ref: string) => string {
  const portMap = new Map<string, string>();
  for (const [name, inst] of Object.entries(nl.instances)) {
    const full = `${prefix}${name}`;
    const pl = nl.placements?.[name] ?? { x: 0, y: 0 };
    const r = resolveInstance(name, inst, lookup);
    const sub = r.netlist ?? r.model.subcircuit?.(inst.settings);
    if (!sub) {
      out.instances[full] = inst;
      out.placements[full] = { x: dx + pl.x, y: dy + pl.y };
      continue;
    }
    const inner = flattenPlaced(sub, `${full}__`, dx + pl.x, dy + pl.y, lookup, out);
    for (const [p, ref] of Object.entries(sub.ports)) portMap.set(`${name},${p}`, inner(ref));
  }
  const map = (ref: string): string => portMap.get(ref) ?? `${prefix}${ref}`;
  for (const [a, b] of Object.entries(nl.connections)) out.links[map(a)] = map(b);
  if (prefix === "") for (const [p, ref] of Object.entries(nl.ports)) out.ports[p] = map(ref);
  return map;
}

export function picYamlDocument(circuit: Circuit): Record<string, unknown> {
  const lookup = circuitLookup(circuit);
  const flat: Flat = { instances: {}, placements: {}, links: {}, ports: {} };
  flattenPlaced(circuit.netlists[circuit.top], "", 0, 0, lookup, flat);
  const instances: Record<string, unknown> = {};
  for (const [name, inst] of Object.entries(flat.instances)) {
    const info: Record<string, SettingValue> = { model: inst.component, ...inst.settings };
    instances[name] = { component: gdsCell(inst), info };
  }
  return {
    name: circuit.name,
    info: {
      ...circuit.info,
      generator: "optinc 0.1.0",
      port_convention: "2x2: o2->o3 top mode m, o1->o4 mode m+1; blocks in<k>/out<k>, k = mode (0 = top)",
    },
    instances,
    placements: flat.placements,
    routes: { optical: { routing_strategy: "route_bundle", settings: { cross_section: "strip", separation: 5 }, links: flat.links } },
    ports: flat.ports,
  };
}

export function writePicYaml(circuit: Circuit): string {
  return (
    "# gdsfactory YAML netlist written by optinc: flattened circuit; model parameters in each instance's info.\n" +
    stringify(picYamlDocument(circuit), { lineWidth: 0, sortMapEntries: false, aliasDuplicateObjects: false })
  );
}
