// Circuit → `<name>.spi`: SiEPIC-Tools / Lumerical INTERCONNECT SPICE that simphony's SiEPIC
// grammar parses. One `.subckt` per netlist (sub-circuits first, the top last), internal nets
// `N$<int>`, external nets ending `_laser` / `_detector<d>`, six `.param MC_*` lines per
// subcircuit, bare-word model names, `library=` on every primitive line and
// `lay_x/lay_y/sch_x/sch_y` everywhere. Phases are `phi=` parameters (radians) or, with
// phases: "length", EBeam waveguides whose full propagation phase 2π·n_eff·L/λ is the phase
// modulo 2π (spice-dialect.ts, LengthEncoding).
import { wrapPhase, TWO_PI } from "../mzi.ts";
import type { Circuit, Netlist, SettingValue } from "../ir.ts";
import { num } from "../models.ts";
import { spicePinOrder } from "../ports.ts";
import { instancePorts, netlistPortSpec, type SubcircuitLookup } from "../sim/propagate.ts";
import {
  basePeriods,
  DEFAULT_LENGTH_ENCODING,
  EBEAM,
  EBEAM_LIBRARY,
  ioNetName,
  MC_PARAMS,
  periodUm,
  readAsNet,
  RESERVED_PARAMS,
  SPICE_LIBRARY,
  SPICE_MODEL,
  spiceMicrons,
  spiceNumber,
  spiceSubcktName,
  spiceValue,
  type LengthEncoding,
} from "./spice-dialect.ts";

export interface SpiceOptions {
  /** "param" (default): phi=<rad>. "length": EBeam waveguides whose propagation phase is φ (mod 2π). */
  phases?: "param" | "length";
  length?: LengthEncoding;
}

export function circuitLookup(circuit: Circuit): SubcircuitLookup {
  return (c) => (Object.hasOwn(circuit.netlists, c) ? circuit.netlists[c] : undefined);
}

/** Netlist names with every sub-circuit before its first user (file order for SPICE). */
export function dependencyOrder(circuit: Circuit): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (name: string, stack: string[]): void => {
    if (seen.has(name)) return;
    if (stack.includes(name)) throw new Error(`netlist "${name}" instantiates itself (cycle ${[...stack, name].join(" → ")})`);
    for (const inst of Object.values(circuit.netlists[name].instances)) {
      if (circuit.netlists[inst.component] && inst.component !== name) visit(inst.component, [...stack, name]);
    }
    seen.add(name);
    out.push(name);
  };
  for (const name of Object.keys(circuit.netlists)) if (name !== circuit.top) visit(name, []);
  visit(circuit.top, []);
  return out;
}

/** IO net names of a netlist's external ports, in port order. */
export function ioNets(netlist: Netlist, lookup: SubcircuitLookup): Map<string, string> {
  const spec = netlistPortSpec(netlist, lookup);
  const total = spec.inputs.length + spec.outputs.length + spec.both.length;
  const m = new Map<string, string>();
  spec.inputs.forEach((p, i) => m.set(p, ioNetName(p, "in", i, total)));
  spec.outputs.forEach((p, i) => m.set(p, ioNetName(p, "out", i, total)));
  spec.both.forEach((p, i) => m.set(p, ioNetName(p, "both", spec.inputs.length + i, total)));
  return m;
}

/** SPICE names of the circuit's netlists; throws when two would collide. */
export function spiceNames(circuit: Circuit): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const n of Object.keys(circuit.netlists)) {
    const s = spiceSubcktName(n);
    const other = taken.get(s);
    if (other !== undefined) throw new Error(`netlists "${other}" and "${n}" would both be written as SPICE subcircuit "${s}"`);
    taken.set(s, n);
    names.set(n, s);
  }
  return names;
}

export function writeSpice(circuit: Circuit, opts: SpiceOptions = {}): string {
  const lookup = circuitLookup(circuit);
  const enc = opts.length ?? DEFAULT_LENGTH_ENCODING;
  const lengthMode = opts.phases === "length";
  const names = spiceNames(circuit);
  const lines: string[] = [
    `* Spice output from optinc 0.1.0 (SiEPIC-Tools / Lumerical INTERCONNECT dialect).`,
    `* Convention ${String(circuit.info.convention ?? "MZ-in")}: coupler [[t, i k], [i k, t]], t = sqrt(1 - coupling), k = sqrt(coupling).`,
    `* Pins in numeric order: 2x2 cells o1 o2 o3 o4 (o2 -> o3 = top mode m, o1 -> o4 = mode m+1); two-ports o1 o2; blocks in<k>... out<k>... (k = mode, 0 = top).`,
    lengthMode
      ? `* Phases: EBeam waveguides of length L = (m + phi/(2*pi))*lambda/n_eff, m = ${basePeriods(enc)}, n_eff = ${spiceNumber(enc.neff)}, lambda = ${spiceNumber(enc.wavelength)} m: propagation phase 2*pi*n_eff*L/lambda = 2*pi*m + phi.`
      : `* Phases: phi=<radians> on every ${SPICE_MODEL.phase} line (e^{i phi}); loss_db in dB.`,
    `* optinc.circuit name=${circuit.name} top=${circuit.top}`,
  ];
  if (lengthMode)
    lines.push(
      `* optinc.length neff=${spiceNumber(enc.neff)} wavelength=${spiceNumber(enc.wavelength)} min_length_um=${spiceNumber(enc.minLengthUm)}`,
    );
  for (const [n, s] of names) if (n !== s) lines.push(`* optinc.spice_name ${s}=${n}`);
  // Keep the file ASCII (SPICE tools are not all UTF-8 clean): non-ASCII becomes JSON \uXXXX escapes.
  const ascii = (t: string): string => t.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  for (const [k, v] of Object.entries(circuit.info)) lines.push(`* optinc.info ${k}=${ascii(JSON.stringify(v))}`);
  for (const name of dependencyOrder(circuit)) {
    const nl = circuit.netlists[name];
    const io = ioNets(nl, lookup);
    const sname = names.get(name)!;
    lines.push("", `.subckt ${sname} ${[...io.values()].join(" ")}`);
    for (const [k, v] of MC_PARAMS) lines.push(`.param ${k}=${v}`);
    const nets = assignNets(nl, io, lookup);
    for (const [iname, inst] of Object.entries(nl.instances)) {
      if (!/^[\w$-]+$/.test(iname)) throw new Error(`instance name "${iname}" is not a SPICE word (letters, digits, _ - $)`);
      const spec = instancePorts(iname, inst, lookup);
      const pins = spicePinOrder(spec).map((p) => nets.get(`${iname},${p}`)!);
      const params: string[] = [];
      let model: string;
      const settings: Record<string, SettingValue> = { ...inst.settings };
      for (const k of Object.keys(settings)) {
        if (RESERVED_PARAMS.has(k) || !/^\w+$/.test(k))
          throw new Error(`instance "${iname}": setting name "${k}" is reserved or not a word`);
      }
      if (circuit.netlists[inst.component]) {
        model = names.get(inst.component)!;
      } else {
        if (!SPICE_MODEL[inst.component]) throw new Error(`instance "${iname}": no SPICE model for component "${inst.component}"`);
        model = SPICE_MODEL[inst.component];
        let library = SPICE_LIBRARY;
        if (lengthMode) {
          const ebeam = ebeamLine(inst.component, settings, enc);
          if (ebeam) {
            model = ebeam.model;
            library = EBEAM_LIBRARY;
            params.push(...ebeam.params);
          }
        }
        params.unshift(`library="${library}"`);
      }
      if (readAsNet(model)) throw new Error(`instance "${iname}": model name "${model}" would be read as a port by SiEPIC parsers`);
      for (const [k, v] of Object.entries(settings)) params.push(`${k}=${spiceValue(v)}`);
      const pl = nl.placements?.[iname] ?? { x: 0, y: 0 };
      params.push(`lay_x=${spiceMicrons(pl.x)}`, `lay_y=${spiceMicrons(pl.y)}`, `sch_x=${spiceNumber(pl.x)}`, `sch_y=${spiceNumber(pl.y)}`);
      if (pl.rotation !== undefined) params.push(`sch_r=${spiceNumber(pl.rotation)}`);
      lines.push(` ${iname} ${pins.join(" ")} ${model} ${params.join(" ")}`);
    }
    lines.push(`.ends ${sname}`);
  }
  const topIo = ioNets(circuit.netlists[circuit.top], lookup);
  const top = names.get(circuit.top)!;
  lines.push("", `${top} ${[...topIo.values()].join(" ")} ${top} sch_x=-1 sch_y=-1`, "");
  return lines.join("\n");
}

/**
 * EBeam cell for a primitive in length mode, or null to keep the ideal model. The settings
 * object is edited in place (phi is replaced by wg_length; a waveguide is tagged component=).
 * Every waveguide is (m + φ/2π) periods long, so its propagation phase is φ modulo 2π.
 */
function ebeamLine(component: string, s: Record<string, SettingValue>, enc: LengthEncoding): { model: string; params: string[] } | null {
  const lengthParam = (phi: number): string => `wg_length=${spiceMicrons((basePeriods(enc) + phi / TWO_PI) * periodUm(enc))}`;
  if (component === "coupler" && num(s, "coupling", 0.5) === 0.5 && num(s, "imbalance", 0) === 0) {
    return { model: EBEAM.coupler, params: [] };
  }
  if (component === "terminator") return { model: EBEAM.terminator, params: [] };
  if (component === "phase") {
    const phi = wrapPhase(num(s, "phi"));
    delete s.phi;
    return { model: EBEAM.waveguide, params: [lengthParam(phi), "wg_width=0.5u"] };
  }
  if (component === "waveguide") {
    return { model: EBEAM.waveguide, params: [lengthParam(0), "wg_width=0.5u", `component="waveguide"`] };
  }
  return null;
}

/** Net of every instance pin: IO name for external ports, N$<k> in first-use order otherwise. */
function assignNets(nl: Netlist, io: Map<string, string>, lookup: SubcircuitLookup): Map<string, string> {
  const nets = new Map<string, string>();
  for (const [p, ref] of Object.entries(nl.ports)) {
    if (nets.has(ref)) throw new Error(`pin "${ref}" is exposed twice`);
    nets.set(ref, io.get(p)!);
  }
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(nl.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  let next = 0;
  for (const [iname, inst] of Object.entries(nl.instances)) {
    const spec = instancePorts(iname, inst, lookup);
    for (const p of spicePinOrder(spec)) {
      const ref = `${iname},${p}`;
      if (nets.has(ref)) continue;
      const net = `N$${next++}`;
      nets.set(ref, net);
      const other = peer.get(ref);
      if (other !== undefined) {
        if (nets.has(other)) throw new Error(`pin "${other}" is both connected to "${ref}" and exposed as a port`);
        nets.set(other, net);
      }
    }
  }
  return nets;
}
