// `<name>.netlist.json`: the Circuit as a SAX-compatible recursive netlist. `netlists` is exactly
// a SAX RecursiveNetlist ({name: {instances: {n: {component, settings}}, connections, ports,
// placements}}), so `sax.circuit(doc["netlists"], models=..., top_level_name=doc["top"])` takes it
// given models for the component names listed under `models`.
import type { Circuit, Instance, Netlist, SettingValue } from "../ir.ts";
import { jsonErrorAt, lineCol } from "../../math/source-position.ts";
import { ARTIFACT_ARRAY_LIMITS, arrayOverLimit, overLimitMessage } from "../../math/json-scan.ts";
import { NetlistReadError } from "./read-error.ts";
import { getModel } from "../models.ts";
import { directionOf, splitRef, type PortSpec } from "../ports.ts";
import { instancePorts } from "../sim/propagate.ts";

export const NETLIST_FORMAT = "optinc.netlist/1";

/** Deterministic JSON: one instance / connection / port / placement per line. */
export function writeNetlistJson(circuit: Circuit): string {
  const used = new Set<string>();
  for (const nl of Object.values(circuit.netlists))
    for (const i of Object.values(nl.instances)) if (getModel(i.component)) used.add(i.component);
  const models = [...used].sort().map((c) => `    ${JSON.stringify(c)}: ${JSON.stringify(getModel(c)!.doc)}`);
  const obj = (entries: string[], indent: string): string => (entries.length === 0 ? "{}" : `{\n${entries.join(",\n")}\n${indent}}`);
  const kv = (indent: string, rec: Record<string, unknown>): string[] =>
    Object.entries(rec).map(([k, v]) => `${indent}${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const netlist = (nl: Netlist): string => {
    const parts = [
      `      "instances": ${obj(kv("        ", nl.instances), "      ")}`,
      `      "connections": ${obj(kv("        ", nl.connections), "      ")}`,
      `      "ports": ${obj(kv("        ", nl.ports), "      ")}`,
    ];
    if (nl.placements) parts.push(`      "placements": ${obj(kv("        ", nl.placements), "      ")}`);
    return `{\n${parts.join(",\n")}\n    }`;
  };
  return [
    "{",
    `  "format": ${JSON.stringify(NETLIST_FORMAT)},`,
    `  "name": ${JSON.stringify(circuit.name)},`,
    `  "top": ${JSON.stringify(circuit.top)},`,
    `  "info": ${obj(kv("    ", circuit.info), "  ")},`,
    `  "portConvention": "2x2 cells: o2 -> o3 top mode m, o1 -> o4 mode m+1 (gdsfactory o1 = lower-left, anticlockwise); two-ports o1 -> o2; blocks in<k>/out<k>, k = mode, 0 = top",`,
    `  "models": ${obj(models, "  ")},`,
    `  "netlists": ${obj(
      Object.entries(circuit.netlists).map(([n, nl]) => `    ${JSON.stringify(n)}: ${netlist(nl)}`),
      "  ",
    )}`,
    "}",
    "",
  ].join("\n");
}

/** Parse and validate a `.netlist.json`; errors carry file:line:col of the offending value. */
export function readNetlistJson(text: string, file = "<netlist.json>"): Circuit {
  let doc: unknown;
  const big = arrayOverLimit(text, ARTIFACT_ARRAY_LIMITS);
  if (big) {
    const at = lineCol(text, big.offset);
    throw new NetlistReadError(
      "TOO_LARGE",
      file,
      at.line,
      at.col,
      overLimitMessage(big, ARTIFACT_ARRAY_LIMITS),
      "re-emit the netlist with optinc compile or export",
    );
  }
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text, e, "start");
    throw new NetlistReadError(
      "JSON_SYNTAX",
      file,
      at.line,
      at.col,
      `invalid JSON: ${at.message}`,
      "fix the JSON syntax (e.g. trailing comma, missing quote)",
    );
  }
  const where = (path: string[]): { line: number; col: number } => locate(text, path);
  const fail = (path: string[], what: string, fix: string): never => {
    const at = where(path);
    throw new NetlistReadError("NETLIST_SHAPE", file, at.line, at.col, `${"$." + path.join(".")}: ${what}`, fix);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(doc)) return fail([], "expected an object", "the file must be one JSON object");
  if (doc.format !== NETLIST_FORMAT)
    fail(["format"], `expected "${NETLIST_FORMAT}", got ${JSON.stringify(doc.format)}`, "re-export with this optinc version");
  for (const k of ["name", "top"] as const) if (typeof doc[k] !== "string") fail([k], "expected a string", `set "${k}"`);
  if (!isObj(doc.netlists)) fail(["netlists"], "expected an object of netlists", 'add "netlists"');
  const info = isObj(doc.info) ? doc.info : fail(["info"], "expected an object", 'add "info": {}');
  for (const [k, v] of Object.entries(info))
    if (!isSetting(v)) fail(["info", k], "expected a number, string, boolean or number array", "fix the value");
  const netlists: Record<string, Netlist> = {};
  for (const [name, raw] of Object.entries(doc.netlists as Record<string, unknown>)) {
    const p = ["netlists", name];
    if (!isObj(raw)) fail(p, "expected a netlist object", "give instances, connections, ports");
    const r = raw as Record<string, unknown>;
    for (const k of ["instances", "connections", "ports"]) if (!isObj(r[k])) fail([...p, k], "expected an object", `add "${k}": {}`);
    const instances: Record<string, Instance> = {};
    for (const [iname, iv] of Object.entries(r.instances as Record<string, unknown>)) {
      const ip = [...p, "instances", iname];
      if (!isObj(iv) || typeof iv.component !== "string") fail(ip, "expected {component, settings}", "each instance names its component");
      const inst = iv as { component: string; settings?: unknown };
      const settings = inst.settings ?? {};
      if (!isObj(settings)) fail([...ip, "settings"], "expected an object", "settings is a key → value map");
      for (const [k, v] of Object.entries(settings as Record<string, unknown>)) {
        if (!isSetting(v)) fail([...ip, "settings", k], "expected a number, string, boolean or number array", "fix the value");
      }
      instances[iname] = { component: inst.component, settings: settings as Record<string, SettingValue> };
    }
    const strings = (k: string): Record<string, string> => {
      const rec = r[k] as Record<string, unknown>;
      for (const [a, b] of Object.entries(rec))
        if (typeof b !== "string" || !b.includes(",")) fail([...p, k, a], 'expected "instance,port"', 'write "instance,port"');
      return rec as Record<string, string>;
    };
    const nl: Netlist = { instances, connections: strings("connections"), ports: strings("ports") };
    if (r.placements !== undefined) {
      if (!isObj(r.placements)) fail([...p, "placements"], "expected an object", "placements map instance → {x, y}");
      for (const [iname, pl] of Object.entries(r.placements as Record<string, unknown>)) {
        if (!isObj(pl) || typeof pl.x !== "number" || typeof pl.y !== "number")
          fail([...p, "placements", iname], "expected {x, y}", "give numeric x and y (µm)");
      }
      nl.placements = r.placements as Netlist["placements"];
    }
    netlists[name] = nl;
  }
  if (!netlists[doc.top as string]) fail(["top"], `no netlist named ${JSON.stringify(doc.top)}`, "top must name one of netlists");
  checkReferences(netlists, fail);
  return { name: doc.name as string, top: doc.top as string, netlists, info: info as Record<string, SettingValue> };
}

/** Every component resolves and every "instance,port" names an existing port. */
function checkReferences(netlists: Record<string, Netlist>, fail: (path: string[], what: string, fix: string) => never): void {
  const lookup = (c: string): Netlist | undefined => (Object.hasOwn(netlists, c) ? netlists[c] : undefined);
  // First pass: names only, so a broken sub-circuit is reported where it is broken.
  for (const [name, nl] of Object.entries(netlists)) {
    const refs: [string, string, string][] = [
      ...Object.entries(nl.connections).flatMap(([a, b]): [string, string, string][] => [
        ["connections", a, a],
        ["connections", a, b],
      ]),
      ...Object.entries(nl.ports).map(([k, r]): [string, string, string] => ["ports", k, r]),
    ];
    for (const [section, key, ref] of refs) {
      if (!nl.instances[splitRef(ref)[0]])
        fail(["netlists", name, section, key], `"${ref}" names no instance of ${name}`, "refer to an instance of the same netlist");
    }
  }
  // A sub-circuit's ports are the same for every instance of it and every connection that names
  // it: resolved once per netlist and instance (large cells connect thousands of them).
  const subPorts = new Map<string, PortSpec>();
  const portsOf = (iname: string, inst: Instance): PortSpec => {
    if (getModel(inst.component)) return instancePorts(iname, inst, lookup);
    let spec = subPorts.get(inst.component);
    if (!spec) subPorts.set(inst.component, (spec = instancePorts(iname, inst, lookup)));
    return spec;
  };
  for (const [name, nl] of Object.entries(netlists)) {
    const p = ["netlists", name];
    const specs = new Map<string, PortSpec>();
    for (const [iname, inst] of Object.entries(nl.instances)) {
      if (!getModel(inst.component) && !lookup(inst.component)) {
        fail(
          [...p, "instances", iname, "component"],
          `unknown component "${inst.component}"`,
          'use a primitive model (see "models") or the name of a netlist in this file',
        );
      }
    }
    const check = (section: "connections" | "ports", key: string, ref: string): void => {
      const [iname, port] = splitRef(ref);
      const inst = nl.instances[iname];
      if (!inst) fail([...p, section, key], `"${ref}" names no instance of ${name}`, "refer to an instance of the same netlist");
      let spec = specs.get(iname);
      try {
        if (!spec) specs.set(iname, (spec = portsOf(iname, inst)));
      } catch (e) {
        fail([...p, "instances", iname], (e as Error).message, "fix the instance settings");
        return;
      }
      if (!directionOf(spec, port))
        fail(
          [...p, section, key],
          `${inst.component} has no port "${port}"`,
          `ports: ${[...spec.inputs, ...spec.outputs, ...spec.both].join(", ")}`,
        );
    };
    for (const [a, b] of Object.entries(nl.connections)) {
      check("connections", a, a);
      check("connections", a, b);
    }
    for (const [k, ref] of Object.entries(nl.ports)) check("ports", k, ref);
  }
}

function isSetting(v: unknown): v is SettingValue {
  return (
    (typeof v === "number" && Number.isFinite(v)) ||
    typeof v === "string" ||
    typeof v === "boolean" ||
    (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x)))
  );
}

/** Best-effort position of a key path in JSON text: the last key's occurrence after its parents. */
function locate(text: string, path: string[]): { line: number; col: number } {
  let pos = 0;
  for (const key of path) {
    const i = text.indexOf(JSON.stringify(key), pos);
    if (i < 0) break;
    pos = i;
  }
  return lineCol(text, pos);
}
