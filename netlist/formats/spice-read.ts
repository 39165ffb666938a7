// `<name>.spi` (our SiEPIC dialect) → Circuit. Nets become connections again (oriented upstream →
// downstream by the models' port directions), IO nets become ports, parameters become settings,
// lay_x/lay_y (µm with the `u` suffix) become placements. EBeam waveguides written in length mode
// are mapped back to phase shifters with φ = 2π·n_eff·L/λ wrapped to [0, 2π), using the encoding
// the file states in its `* optinc.length` line.
import { wrapPhase } from "../mzi.ts";
import type { Circuit, Netlist, SettingValue } from "../ir.ts";
import { NetlistReadError } from "./read-error.ts";
import { directionOf, spicePinOrder } from "../ports.ts";
import { instancePorts, type SubcircuitLookup } from "../sim/propagate.ts";
import {
  DEFAULT_LENGTH_ENCODING,
  EBEAM,
  INTERNAL_NET_RE,
  IO_NET_RE,
  LEGACY_SPICE_MODEL,
  micronsFromSpice,
  parseSpiceNumber,
  portFromIoNet,
  propagationPhase,
  SPICE_MODEL,
  type LengthEncoding,
} from "./spice-dialect.ts";

interface Token {
  text: string;
  col: number;
}

/** Split a line into tokens; double-quoted runs (also inside key="…") stay in one token. */
export function tokenizeSpiceLine(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let quoted = false;
    while (i < line.length && (quoted || !/\s/.test(line[i]))) {
      if (line[i] === '"') quoted = !quoted;
      i++;
    }
    if (quoted) throw new Error(`unterminated quote starting at column ${start + 1}`);
    out.push({ text: line.slice(start, i), col: start + 1 });
  }
  return out;
}

const MODEL_TO_COMPONENT = new Map([...Object.entries(SPICE_MODEL), ...Object.entries(LEGACY_SPICE_MODEL)].map(([c, m]) => [m, c]));
const SKIP_PARAMS = new Set(["library", "lay_x", "lay_y", "sch_x", "sch_y", "sch_r", "sch_f", "wg_length", "wg_width", "component"]);

export function readSpice(text: string, file = "<spi>", length: LengthEncoding = DEFAULT_LENGTH_ENCODING): Circuit {
  const lines = text.split(/\r?\n/);
  const fail = (code: string, ln: number, col: number, what: string, fix: string): never => {
    throw new NetlistReadError(code, file, ln, col, what, fix);
  };
  let name: string | undefined;
  let top: string | undefined;
  let enc = length;
  /** SPICE subcircuit name → netlist name, for names the writer had to change. */
  const renamed = new Map<string, string>();
  const irName = (spice: string): string => renamed.get(spice) ?? spice;
  const info: Record<string, SettingValue> = {};
  const netlists: Record<string, Netlist> = {};
  const lookup: SubcircuitLookup = (c) => netlists[c];
  let cur: {
    name: string;
    ports: string[];
    portNets: string[];
    line: number;
    pins: Map<string, { ref: string; line: number }[]>;
    nl: Netlist;
  } | null = null;

  lines.forEach((raw, idx) => {
    const ln = idx + 1;
    const line = raw.trimEnd();
    if (line.trim() === "") return;
    if (line.startsWith("*")) {
      const c = /^\* optinc\.circuit name=(\S+) top=(\S+)$/.exec(line);
      if (c) [name, top] = [c[1], c[2]];
      const r = /^\* optinc\.spice_name (\S+)=(\S+)$/.exec(line);
      if (r) renamed.set(r[1], r[2]);
      const l = /^\* optinc\.length neff=(\S+) wavelength=(\S+) min_length_um=(\S+)$/.exec(line);
      if (l) {
        const [neff, wavelength, minLengthUm] = [Number(l[1]), Number(l[2]), Number(l[3])];
        if (![neff, wavelength, minLengthUm].every((x) => Number.isFinite(x) && x > 0))
          fail("SPI_LENGTH", ln, 1, "bad optinc.length line", "write positive numbers: neff=<n> wavelength=<m> min_length_um=<um>");
        enc = { neff, wavelength, minLengthUm };
      }
      const i = /^\* optinc\.info (\w+)=(.*)$/.exec(line);
      if (i) {
        try {
          info[i[1]] = JSON.parse(i[2]) as SettingValue;
        } catch {
          fail("SPI_INFO", ln, 15, `bad info value for "${i[1]}"`, "info values are JSON");
        }
      }
      return;
    }
    let toks: Token[];
    try {
      toks = tokenizeSpiceLine(line);
    } catch (e) {
      return fail("SPI_QUOTE", ln, 1, (e as Error).message, "close the quoted string");
    }
    const head = toks[0].text;
    if (head.startsWith("+") || /^\.(ona|include|param)$/i.test(head)) return;
    if (head.toLowerCase() === ".subckt") {
      if (cur) fail("SPI_NESTED", ln, 1, `.subckt inside .subckt ${cur.name}`, `close ${cur.name} with ".ends ${cur.name}" first`);
      if (toks.length < 2) fail("SPI_SUBCKT", ln, 1, ".subckt without a name", "write .subckt <name> <port nets…>");
      const portNets = toks.slice(2).map((t) => t.text);
      const ports = toks
        .slice(2)
        .map(
          (t) =>
            portFromIoNet(t.text) ??
            fail(
              "SPI_IONET",
              ln,
              t.col,
              `external net "${t.text}" does not end in _laser/_detector`,
              "name IO nets <port>_laser<d> / <port>_detector<d>",
            ),
        );
      cur = {
        name: irName(toks[1].text),
        ports,
        portNets,
        line: ln,
        pins: new Map(),
        nl: { instances: {}, connections: {}, ports: {}, placements: {} },
      };
      return;
    }
    if (head.toLowerCase() === ".ends") {
      if (!cur) return fail("SPI_ENDS", ln, 1, ".ends without .subckt", "remove it or add the matching .subckt");
      if (toks[1] === undefined || irName(toks[1].text) !== cur.name)
        fail(
          "SPI_ENDS",
          ln,
          toks[1]?.col ?? 1,
          `.ends ${toks[1]?.text ?? ""} closes .subckt ${cur.name}`,
          `write ".ends" with the .subckt's name`,
        );
      netlists[cur.name] = finishNetlist(cur, fail);
      cur = null;
      return;
    }
    if (head.startsWith("."))
      return fail("SPI_DIRECTIVE", ln, 1, `unsupported directive ${head}`, "only .subckt/.ends/.param/.ona/.INCLUDE are understood");
    if (!cur) {
      // The top-level instance line: NAME <nets> NAME sch_x=… — names the top subcircuit.
      top ??= irName(head);
      return;
    }
    // Component line: name, nets, model, key=value params.
    let k = 1;
    const nets: Token[] = [];
    while (k < toks.length && (IO_NET_RE.test(toks[k].text) || INTERNAL_NET_RE.test(toks[k].text))) nets.push(toks[k++]);
    if (k >= toks.length) fail("SPI_MODEL", ln, line.length, `component "${head}" has no model`, "write <name> <nets…> <model> <params…>");
    const modelTok = toks[k++];
    const params = new Map<string, { value: string; col: number }>();
    for (; k < toks.length; k++) {
      const eq = toks[k].text.indexOf("=");
      if (eq <= 0) fail("SPI_PARAM", ln, toks[k].col, `"${toks[k].text}" is not key=value`, "parameters are key=value");
      params.set(toks[k].text.slice(0, eq), { value: toks[k].text.slice(eq + 1), col: toks[k].col });
    }
    const component =
      componentOf(irName(modelTok.text), params, netlists) ??
      fail(
        "SPI_UNKNOWN_MODEL",
        ln,
        modelTok.col,
        `unknown model ${modelTok.text}`,
        "use an optinc model, an EBeam cell, or a subcircuit defined above",
      );
    const settings: Record<string, SettingValue> = {};
    for (const [key, { value, col }] of params) {
      if (SKIP_PARAMS.has(key)) continue;
      settings[key] =
        parseValue(value) ??
        fail("SPI_VALUE", ln, col, `cannot read value of ${key}: ${value}`, "numbers, true/false, or double-quoted strings");
    }
    if (modelTok.text === EBEAM.waveguide && component === "phase") {
      const l = params.get("wg_length");
      const um = l ? micronsFromSpice(l.value) : null;
      if (um === null) return fail("SPI_LENGTH", ln, modelTok.col, "EBeam waveguide without a numeric wg_length", "write wg_length=<µm>u");
      settings.phi = wrapPhase(propagationPhase(um, enc));
    }
    const inst = { component, settings };
    let spec;
    try {
      spec = instancePorts(head, inst, lookup);
    } catch (e) {
      return fail("SPI_INSTANCE", ln, 2, (e as Error).message, "check the component's settings");
    }
    const pins = spicePinOrder(spec);
    if (pins.length !== nets.length)
      fail(
        "SPI_PINS",
        ln,
        nets[0]?.col ?? 2,
        `${head} (${component}) needs ${pins.length} nets, got ${nets.length}`,
        `list nets in pin order ${pins.join(" ")}`,
      );
    if (cur.nl.instances[head])
      fail("SPI_DUP", ln, 2, `duplicate component name "${head}"`, "component names must be unique within a subcircuit");
    cur.nl.instances[head] = inst;
    cur.nl.placements![head] = placementOf(params);
    nets.forEach((n, i) => {
      const list = cur!.pins.get(n.text) ?? [];
      list.push({ ref: `${head},${pins[i]}`, line: ln });
      cur!.pins.set(n.text, list);
    });
  });
  if (cur) fail("SPI_UNCLOSED", lines.length, 1, `.subckt ${(cur as { name: string }).name} is never closed`, "add .ends");
  if (!top || !netlists[top])
    fail(
      "SPI_TOP",
      lines.length,
      1,
      "no top-level instance line naming a defined subcircuit",
      "end the file with <top> <nets…> <top> sch_x=-1 sch_y=-1",
    );
  return { name: name ?? top!, top: top!, netlists, info };

  function finishNetlist(c: NonNullable<typeof cur>, f: typeof fail): Netlist {
    const nl = c.nl;
    const dirOf = (ref: string): string => {
      const [i, p] = ref.split(",");
      return directionOf(instancePorts(i, nl.instances[i], lookup), p) ?? "both";
    };
    c.portNets.forEach((net, k) => {
      const at = c.pins.get(net) ?? [];
      if (at.length !== 1)
        f("SPI_IOPIN", c.line, 1, `IO net ${net} touches ${at.length} pins (expected exactly 1)`, "connect each external net to one pin");
      nl.ports[c.ports[k]] = at[0].ref;
    });
    for (const [net, at] of c.pins) {
      if (c.portNets.includes(net)) continue;
      if (at.length > 2)
        f("SPI_FANOUT", at[2].line, 1, `net ${net} joins ${at.length} pins; optical nets join two`, "use a splitter/combiner component");
      if (at.length < 2) continue;
      const [a, b] = at.map((p) => p.ref);
      const da = dirOf(a);
      const db = dirOf(b);
      const aFirst = da === "out" || (da === "both" && db === "in") || da === db;
      nl.connections[aFirst ? a : b] = aFirst ? b : a;
    }
    return nl;
  }
}

function componentOf(model: string, params: Map<string, { value: string }>, netlists: Record<string, Netlist>): string | undefined {
  const fromModel = MODEL_TO_COMPONENT.get(model);
  if (fromModel) return fromModel;
  if (model === EBEAM.coupler) return "coupler";
  if (model === EBEAM.terminator) return "terminator";
  if (model === EBEAM.waveguide) return params.get("component")?.value === '"waveguide"' ? "waveguide" : "phase";
  return netlists[model] ? model : undefined;
}

function parseValue(v: string): SettingValue | undefined {
  if (v === "true") return true;
  if (v === "false") return false;
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) {
    const s = v.slice(1, -1);
    if (s.startsWith("[")) {
      try {
        const a = JSON.parse(s) as unknown;
        if (Array.isArray(a) && a.every((x) => typeof x === "number")) return a as number[];
      } catch {
        return s;
      }
    }
    return s;
  }
  const n = parseSpiceNumber(v);
  return n ? (n.scale === 1 ? n.mantissa : n.mantissa * n.scale) : undefined;
}

function placementOf(params: Map<string, { value: string }>): { x: number; y: number; rotation?: number } {
  const um = (key: string): number => {
    const p = params.get(key);
    return (p && micronsFromSpice(p.value)) ?? 0;
  };
  const out: { x: number; y: number; rotation?: number } = { x: um("lay_x"), y: um("lay_y") };
  const r = params.get("sch_r");
  if (r) out.rotation = Number(r.value);
  return out;
}
