// Port naming and the mode ↔ port map, shared by every model, builder, backend and reader.
//
// 2×2 cells use gdsfactory names, numbered anticlockwise from the lower-left corner:
//
//        o2 ──┐      ┌── o3        mode m   (top)    : in o2, out o3
//             │ 2×2  │
//        o1 ──┘      └── o4        mode m+1 (bottom) : in o1, out o4
//
// Two-ports: o1 (in) → o2 (out). One-ports (terminator): o1.
// Multi-mode blocks (stages, source, activation, detector, splitter trees) use in<k> / out<k>,
// k = mode index, 0 = top waveguide. Port lists are always written in mode order.

export type Direction = "in" | "out" | "both";

/** Inputs and outputs in mode order (index 0 = top mode); `both` lists bidirectional ports. */
export interface PortSpec {
  inputs: string[];
  outputs: string[];
  /** Ports with no forward direction (terminators): they absorb, and feed zero. */
  both: string[];
}

/** 2×2 cell: inputs [o2, o1] = modes (m, m+1); outputs [o3, o4] = modes (m, m+1). */
export const PORTS_2X2: PortSpec = { inputs: ["o2", "o1"], outputs: ["o3", "o4"], both: [] };
export const PORTS_2PORT: PortSpec = { inputs: ["o1"], outputs: ["o2"], both: [] };
export const PORTS_1PORT: PortSpec = { inputs: [], outputs: [], both: ["o1"] };

export function inPort(k: number): string {
  return `in${k}`;
}
export function outPort(k: number): string {
  return `out${k}`;
}

export function multiPorts(inputs: number, outputs: number): PortSpec {
  return {
    inputs: Array.from({ length: inputs }, (_, k) => inPort(k)),
    outputs: Array.from({ length: outputs }, (_, k) => outPort(k)),
    both: [],
  };
}

/** All ports of a spec in pin order: inputs, outputs, then bidirectional (used by SPICE lines). */
export function pinOrder(spec: PortSpec): string[] {
  return [...spec.inputs, ...spec.outputs, ...spec.both];
}

/** SPICE pin order: o-numbered cells in numeric order (o1 o2 o3 o4, as SiEPIC lists numbered pins), else pinOrder. */
export function spicePinOrder(spec: PortSpec): string[] {
  const pins = pinOrder(spec);
  if (!pins.every((p) => /^o\d+$/.test(p))) return pins;
  return [...pins].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

export function directionOf(spec: PortSpec, port: string): Direction | undefined {
  if (spec.inputs.includes(port)) return "in";
  if (spec.outputs.includes(port)) return "out";
  if (spec.both.includes(port)) return "both";
  return undefined;
}

/** "inst,port" → [inst, port]. */
export function splitRef(ref: string): [string, string] {
  const i = ref.lastIndexOf(",");
  if (i <= 0 || i === ref.length - 1) throw new Error(`bad port reference "${ref}" (expected "instance,port")`);
  return [ref.slice(0, i), ref.slice(i + 1)];
}

export function joinRef(inst: string, port: string): string {
  return `${inst},${port}`;
}

/** Make a string a safe identifier for every backend (SPICE words, YAML keys, SAX names). */
export function sanitizeName(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(t) ? t : `n_${t}`;
}
