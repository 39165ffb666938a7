// One PhaseStage → one sub-circuit netlist of primitives (couplers, phase shifters, waveguides,
// terminators, amplifiers). Every element of the phase table is spliced in physically:
//   mzi        → e<i>_{phi, bsA, theta, ref, bsB}                (netlist/subcircuits.ts)
//   attenuator → the same MZI + e<i>_dark / e<i>_dump terminators on its auxiliary mode
//   phase      → e<i> (phase)          coupler → e<i> (coupler; modes [a, b], a < b, any distance)
// then the output phase screen po<m>, gain blocks g<m> (only when gain ≠ 1), terminators for
// dark inputs (ti<m>, m ≥ inputs) and dumped outputs (to<m>, m ≥ outputs).
import type { Instance, LinearElement, Netlist, PhaseStage, SettingValue } from "../ir.ts";
import { attenuatorNetlist } from "../models.ts";
import { inPort, outPort } from "../ports.ts";
import { mziNetlist } from "../subcircuits.ts";

/** Layout pitch (µm) used for placements: columns along x, modes along −y. */
export const PITCH_X = 100;
export const PITCH_Y = 20;
const PART_DX: Record<string, number> = { phi: 0, bsA: 20, theta: 50, ref: 50, bsB: 80, dark: 10, dump: 90 };

/** An output section at phase 0: a plain waveguide the die model still gives a phase (netlist/die/heaters.ts). */
const UNHEATED: Instance = { component: "waveguide", settings: { unheated: 1 } };

/** −0 → 0 so that every backend prints and reads back the same value. */
function clean(x: number): number {
  return x === 0 ? 0 : x;
}

export function stageNetlist(stage: PhaseStage): Netlist {
  const { modes, inputs, outputs } = stage;
  if (!(Number.isInteger(modes) && modes >= 1)) throw new Error(`stage "${stage.name}": modes must be a positive integer`);
  if (!(inputs >= 1 && inputs <= modes && outputs >= 1 && outputs <= modes)) {
    throw new Error(`stage "${stage.name}": inputs (${inputs}) and outputs (${outputs}) must lie in 1..modes (${modes})`);
  }
  const nl: Netlist = { instances: {}, connections: {}, ports: {}, placements: {} };
  const placements = nl.placements!;
  // cur[m]: the output port currently carrying mode m, or null before any element touched it.
  const cur: (string | null)[] = new Array(modes).fill(null);
  const feed = (m: number, ref: string): void => {
    const from = cur[m];
    if (from) nl.connections[from] = ref;
    else if (m < inputs) nl.ports[inPort(m)] = ref;
    else {
      const t = `ti${m}`;
      nl.instances[t] = { component: "terminator", settings: {} };
      placements[t] = { x: -20, y: clean(-m * PITCH_Y) };
      nl.connections[`${t},o1`] = ref;
    }
  };
  const add = (name: string, inst: Instance, x: number, y: number): void => {
    if (nl.instances[name]) throw new Error(`stage "${stage.name}": duplicate instance "${name}" (element indices must be unique)`);
    nl.instances[name] = inst;
    placements[name] = { x: clean(x), y: clean(y) };
  };
  // Ports are added in mode order for inputs first: reserve in<m> keys in order.
  const order = [...stage.elements].sort((a, b) => a.index - b.index);
  for (const el of order) {
    checkModes(stage, el);
    const p = `e${el.index}`;
    const x0 = el.column * PITCH_X;
    const m = el.modes[0];
    if (el.kind === "mzi" || el.kind === "attenuator") {
      const sub = el.kind === "mzi" ? mziNetlist({ theta: el.theta, phi: el.phi }) : attenuatorNetlist(el.theta, el.phi, 0);
      for (const [n, inst] of Object.entries(sub.instances)) {
        const settings: Record<string, SettingValue> = { ...inst.settings };
        if (el.dac && (n === "phi" || n === "theta")) {
          settings.dac_bits = el.dac.bits;
          const code = n === "phi" ? el.dac.phi : el.dac.theta;
          if (code !== undefined) settings.dac_code = code;
        }
        if (el.kind === "mzi" && el.tree && n === "theta") settings.tree = 1;
        const dy = n === "ref" || n === "dark" || n === "dump" ? -PITCH_Y : 0;
        add(`${p}_${n}`, { component: inst.component, settings }, x0 + PART_DX[n], -m * PITCH_Y + dy);
      }
      for (const [a, b] of Object.entries(sub.connections)) nl.connections[`${p}_${a}`] = `${p}_${b}`;
      if (el.kind === "mzi") {
        const b = el.modes[1];
        feed(m, `${p}_${sub.ports.o2}`);
        feed(b, `${p}_${sub.ports.o1}`);
        cur[m] = `${p}_${sub.ports.o3}`;
        cur[b] = `${p}_${sub.ports.o4}`;
      } else {
        feed(m, `${p}_${sub.ports.o1}`);
        cur[m] = `${p}_${sub.ports.o2}`;
      }
    } else if (el.kind === "phase") {
      add(p, { component: "phase", settings: { phi: clean(el.phi) } }, x0, -m * PITCH_Y);
      feed(m, `${p},o1`);
      cur[m] = `${p},o2`;
    } else {
      // A fixed coupler may join non-adjacent modes (fan-out/fan-in trees): routing, not a mesh cell.
      const b = el.modes[1]!;
      add(p, { component: "coupler", settings: { coupling: clean(el.coupling) } }, x0, -(m + 0.5) * PITCH_Y);
      feed(m, `${p},o2`);
      feed(b, `${p},o1`);
      cur[m] = `${p},o3`;
      cur[b] = `${p},o4`;
    }
  }
  const lastCol = order.reduce((c, e) => Math.max(c, e.column), -1) + 1;
  const outAt = outputIndexOfMode(stage);
  for (let m = 0; m < modes; m++) {
    const po = `po${m}`;
    const poSettings: Record<string, SettingValue> = { phi: clean(stage.outputPhases[m] ?? 0) };
    if (stage.outputDac && stage.outputDac.codes[m] !== undefined) {
      poSettings.dac_bits = stage.outputDac.bits;
      poSettings.dac_code = stage.outputDac.codes[m];
    }
    // A phase of 0 with no DAC code needs no heater: an unheated section (docs/reference/netlists.md §3).
    const unheated = poSettings.phi === 0 && poSettings.dac_code === undefined;
    add(po, unheated ? UNHEATED : { component: "phase", settings: poSettings }, lastCol * PITCH_X, -m * PITCH_Y);
    feed(m, `${po},o1`);
    cur[m] = `${po},o2`;
    const k = outAt[m]!;
    if (k >= 0 && stage.gain !== 1) {
      const g = `g${m}`;
      add(g, { component: "amplifier", settings: { gain: stage.gain } }, lastCol * PITCH_X + 40, -m * PITCH_Y);
      nl.connections[cur[m]!] = `${g},o1`;
      cur[m] = `${g},o2`;
    }
    if (k >= 0) nl.ports[outPort(k)] = cur[m]!;
    else {
      const t = `to${m}`;
      add(t, { component: "terminator", settings: {} }, lastCol * PITCH_X + 60, -m * PITCH_Y);
      nl.connections[cur[m]!] = `${t},o1`;
    }
  }
  return { ...nl, ports: orderPorts(nl.ports, inputs, outputs) };
}

/** For each mode, the output index it is read as, or −1 when it is dumped. */
export function outputIndexOfMode(stage: PhaseStage): number[] {
  const at = new Array<number>(stage.modes).fill(-1);
  const modes = stage.outputModes ?? Array.from({ length: stage.outputs }, (_, k) => k);
  if (modes.length !== stage.outputs)
    throw new Error(`stage "${stage.name}": outputModes lists ${modes.length} modes for ${stage.outputs} outputs`);
  modes.forEach((m, k) => {
    if (!(Number.isInteger(m) && m >= 0 && m < stage.modes) || at[m] !== -1)
      throw new Error(`stage "${stage.name}": outputModes must be distinct modes in 0..${stage.modes - 1}, got ${JSON.stringify(modes)}`);
    at[m] = k;
  });
  return at;
}

function orderPorts(ports: Record<string, string>, inputs: number, outputs: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let m = 0; m < inputs; m++) out[inPort(m)] = ports[inPort(m)];
  for (let m = 0; m < outputs; m++) out[outPort(m)] = ports[outPort(m)];
  return out;
}

function checkModes(stage: PhaseStage, el: LinearElement): void {
  const width = el.kind === "mzi" || el.kind === "coupler" ? 2 : 1;
  const m = el.modes[0];
  if (!Number.isInteger(m) || m < 0 || m + width > stage.modes) {
    throw new Error(
      `stage "${stage.name}", element ${el.index} (${el.kind}): modes ${JSON.stringify(el.modes)} outside 0..${stage.modes - 1}`,
    );
  }
  // Mesh MZIs act on adjacent modes (m, m+1); tree MZIs and couplers may join any two (routing).
  if (width === 2 && !(Number.isInteger(el.modes[1]) && el.modes[1]! > m && el.modes[1]! < stage.modes)) {
    throw new Error(
      `stage "${stage.name}", element ${el.index}: ${el.kind === "mzi" ? "an MZI" : "a coupler"} needs modes [a, b] with a < b < ${stage.modes}, got ${JSON.stringify(el.modes)}`,
    );
  }
}
