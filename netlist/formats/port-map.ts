// Circuit → `<name>.ports.json`: what to connect to each port, derived from the circuit IR alone.
// Inputs are traced from the top netlist's ports to the modulator (pam_source, worker-major: input
// k of a source with D digits is digit k mod D of worker ⌊k/D⌋) or the block they drive; every
// bias_source is listed with its amplitude; a pam_source input fed from inside the circuit is a
// regenerated digit. Outputs are traced back to the detector output (digit k = detector mode k,
// least significant first) or the optical output they are. The detector rule states the decision,
// ratiometric when the detector has a reference (its last input) and with half steps. Nothing here assumes the trained ONN's shape. A closed-form cell (info `cell`) is
// no worker's modulator: its in<k> is port k and its out<k> output k of the cell in its chip file,
// and what they carry (weights, sources on every copy, output names) comes from that chip file,
// passed in by the caller (pipeline/compile/cell-ports.ts), since the circuit alone does not know it. A cell
// compiled with calibration { monitors = auto } also lists its monitor photodiodes (the info's
// monitor_sites, netlist/lab/monitors.ts); without monitors the file has no `monitors` key at all.
// `optinc compile --layout` rewrites a design's file with `pads` (withPads): the drawn chip's heater
// pads of that design's copies, from the layout's pad map; without a layout there is no `pads` key.
import { circuitMonitors } from "../lab/monitors.ts";
import type { Circuit, PortMap, PortMapCell, PortMapPad, PortMapDetector, PortMapInput, PortMapOutput, SettingValue } from "../ir.ts";
import { num, detectorReference, detectorThresholds } from "../models.ts";
import { splitRef } from "../ports.ts";
import { instancePorts, netlistPortSpec, topologicalOrder } from "../sim/propagate.ts";
import { circuitLookup } from "./spice-write.ts";

export const PORT_MAP_FORMAT = "optinc.ports/2";

/**
 * The rule netlist/sim (engine.ts: models.ts ratioScale, then detectDigit) applies: a detector with a
 * `reference` decodes every mode relative to the field on its last input (a reference field whose
 * real part is ≤ 0 decodes every mode as 0), then rounds half up (JavaScript Math.round).
 */
export const DETECTOR_RULE =
  "y = Re(field on in<k>); with a reference (a `reference` level r, read on the detector's last input in<modes>, " +
  "the field `referenceReads`): y = y * (r / Re(reference field)) if Re(reference field) > 0, else y = 0; " +
  "u = (y - offset) / step; digit = floor(u) + (1 if u - floor(u) >= 1/2 else 0), clamped to 0..levels-1: " +
  "round half up, so an exact half step goes to the upper level (u = 1.5 gives 2, u = -0.5 gives 0)";

/** A threshold shared by every mode as one number, else the per-mode list. */
function oneOrPerMode(xs: number[]): number | number[] {
  return xs.every((x) => x === xs[0]) ? xs[0]! : xs;
}

/** Options of the port map: `cell`, the chip file's description of a closed-form cell design. */
export interface PortMapOptions {
  cell?: PortMapCell;
}

export function portMap(circuit: Circuit, opts: PortMapOptions = {}): PortMap {
  const isCell = circuit.info.cell !== undefined;
  const cell = opts.cell;
  const lookup = circuitLookup(circuit);
  const top = circuit.netlists[circuit.top];
  if (!top) throw new Error(`circuit "${circuit.name}": top netlist "${circuit.top}" is missing`);
  const spec = netlistPortSpec(top, lookup);
  const upstream = new Map<string, string>(); // input pin → the output pin that feeds it
  for (const [a, b] of Object.entries(top.connections)) upstream.set(b, a);
  const byPin = new Map<string, string>(); // top port's inner pin → top port name
  for (const [p, ref] of Object.entries(top.ports)) byPin.set(ref, p);
  const order = topologicalOrder(top, lookup);
  const inputs: PortMapInput[] = [];
  const outputs: PortMapOutput[] = [];
  const detectors: PortMapDetector[] = [];
  for (const p of spec.inputs) {
    const ref = top.ports[p]!;
    const [iname, port] = splitRef(ref);
    const inst = top.instances[iname]!;
    if (inst.component !== "pam_source") {
      inputs.push({ kind: "optical", port: p, drives: ref });
      continue;
    }
    const k = instancePorts(iname, inst, lookup).inputs.indexOf(port);
    const { worker, digit, levels, amplitudePerLevel } = pamDigit(inst.settings, k);
    if (isCell) {
      const c = cell?.ports[k];
      if (cell && !c)
        throw new Error(`circuit "${circuit.name}": input ${p} is port ${k}, but its chip file lists ${cell.ports.length} ports`);
      inputs.push({
        kind: "cell-port",
        port: p,
        cellPort: k,
        ...(c ? { weight: c.weight, max: c.max, carries: c.carries } : {}),
        drives: ref,
        levels,
        amplitudePerLevel,
      });
    } else inputs.push({ kind: "worker-digit", port: p, worker, digit, weight: levels ** digit, drives: ref, levels, amplitudePerLevel });
  }
  for (const iname of order) {
    const inst = top.instances[iname]!;
    const ports = instancePorts(iname, inst, lookup);
    if (inst.component === "bias_source") {
      for (const o of ports.outputs) {
        const to = Object.entries(top.connections).find(([a]) => a === `${iname},${o}`)?.[1] ?? `${iname},${o}`;
        inputs.push({ kind: "bias", instance: iname, amplitude: num(inst.settings, "amplitude"), drives: to });
      }
    } else if (inst.component === "pam_source") {
      for (const i of ports.inputs) {
        const from = upstream.get(`${iname},${i}`);
        if (from === undefined) continue; // a top-level input (listed above) or dark
        const { levels, amplitudePerLevel } = pamDigit(inst.settings, 0);
        inputs.push({ kind: "regenerated", drives: `${iname},${i}`, from, levels, amplitudePerLevel });
      }
    } else if (inst.component === "detector") {
      const modes = num(inst.settings, "modes");
      const t = detectorThresholds(inst.settings, modes);
      const reference = detectorReference(inst.settings);
      detectors.push({
        instance: iname,
        levels: num(inst.settings, "levels"),
        step: oneOrPerMode(t.step),
        offset: oneOrPerMode(t.offset),
        modes,
        ...(reference !== null ? { reference, referenceReads: upstream.get(`${iname},${ports.inputs[modes]!}`) ?? "dark" } : {}),
        rule: DETECTOR_RULE,
      });
    }
  }
  for (const p of spec.outputs) {
    const ref = top.ports[p]!;
    const [iname, port] = splitRef(ref);
    const inst = top.instances[iname]!;
    if (inst.component === "detector") {
      const k = instancePorts(iname, inst, lookup).outputs.indexOf(port);
      const levels = num(inst.settings, "levels");
      const input = instancePorts(iname, inst, lookup).inputs[k]!;
      const reads = upstream.get(`${iname},${input}`) ?? "dark";
      if (isCell) {
        if (cell && cell.outputs[k] === undefined)
          throw new Error(
            `circuit "${circuit.name}": output ${p} is detector mode ${k}, but its chip file lists ${cell.outputs.length} outputs`,
          );
        outputs.push({ port: p, kind: "cell-output", cellOutput: k, ...(cell ? { carries: cell.outputs[k]! } : {}), from: ref, reads });
      } else outputs.push({ port: p, kind: "digit", digit: k, weight: levels ** k, from: ref, reads });
    } else {
      outputs.push({ port: p, kind: "optical", from: ref });
    }
  }
  const monitors = circuitMonitors(circuit);
  return {
    format: PORT_MAP_FORMAT,
    circuit: circuit.name,
    inputs,
    outputs,
    detectors,
    ...(monitors.length ? { monitors } : {}),
    function: unitFunction(circuit.info),
    broadcast: isCell ? CELL_BROADCAST : broadcast(circuit, inputs, outputs),
  };
}

function pamDigit(
  s: Record<string, SettingValue>,
  k: number,
): { worker: number; digit: number; levels: number; amplitudePerLevel: number } {
  const digits = num(s, "digits");
  return { worker: Math.floor(k / digits), digit: k % digits, levels: num(s, "levels"), amplitudePerLevel: num(s, "amplitude_per_level") };
}

/** The circuit info entries that define the computed function (set by optinc compile). */
function unitFunction(info: Circuit["info"]): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [k, v] of Object.entries(info))
    if (k.startsWith("unit_") || k === "rounding" || k === "cascade_level" || k === "spec_name") out[k] = v;
  return out;
}

/** A cell's digits go to later cells or the chip's result, as its chip file wires them: no worker receives them directly. */
const CELL_BROADCAST: PortMap["broadcast"] = {
  emitted: false,
  workers: 0,
  note: "a closed-form cell: each output goes where its chip file's references send it (later cells' ports or the chip's result), not to the workers directly",
  receivers: [],
};

/**
 * The compiled circuits end at their detectors: the splitting unit that returns the result to the
 * workers is not emitted, so every worker receives every digit output. A stage with role
 * "broadcast" would make it part of the circuit.
 */
function broadcast(circuit: Circuit, inputs: PortMapInput[], outputs: PortMapOutput[]): PortMap["broadcast"] {
  const top = circuit.netlists[circuit.top]!;
  const emitted = Object.values(top.instances).some((i) => i.settings.role === "broadcast");
  const workers = inputs.reduce((m, i) => (i.kind === "worker-digit" ? Math.max(m, i.worker + 1) : m), 0);
  const digits = outputs.filter((o) => o.kind === "digit").map((o) => ({ digit: o.digit!, port: o.port }));
  return {
    emitted,
    workers,
    note: emitted
      ? "the circuit contains its broadcast stage"
      : "the splitting unit is not part of the emitted circuit: each digit output goes to every worker (1:N fan-out outside this netlist)",
    receivers: Array.from({ length: workers }, (_, worker) => ({ worker, digits })),
  };
}

/** Deterministic JSON text of the port map: one line per input, output and detector. */
export function writePortMap(circuit: Circuit, opts: PortMapOptions = {}): string {
  return formatPortMap(portMap(circuit, opts));
}

/** A written port map with the drawn chip's pads of its design added (`optinc compile --layout`). */
export function withPads(portMapJson: string, pads: PortMapPad[]): string {
  return formatPortMap({ ...(JSON.parse(portMapJson) as PortMap), pads });
}

/** One line per input, output, detector, monitor, pad and receiver. */
function formatPortMap(m: PortMap): string {
  const list = (xs: unknown[]): string => (xs.length ? `[\n${xs.map((x) => `    ${JSON.stringify(x)}`).join(",\n")}\n  ]` : "[]");
  const b = m.broadcast;
  return [
    "{",
    `  "format": ${JSON.stringify(m.format)},`,
    `  "circuit": ${JSON.stringify(m.circuit)},`,
    `  "inputs": ${list(m.inputs)},`,
    `  "outputs": ${list(m.outputs)},`,
    `  "detectors": ${list(m.detectors)},`,
    ...(m.monitors ? [`  "monitors": ${list(m.monitors)},`] : []),
    ...(m.pads ? [`  "pads": ${list(m.pads)},`] : []),
    `  "function": ${JSON.stringify(m.function)},`,
    `  "broadcast": {"emitted": ${b.emitted}, "workers": ${b.workers}, "note": ${JSON.stringify(b.note)}, "receivers": ${list(b.receivers)
      .replace(/\n {4}/g, "\n      ")
      .replace(/\n {2}\]$/, "\n    ]")}}`,
    "}",
    "",
  ].join("\n");
}
