// Shared vocabulary of our SiEPIC-Tools / Lumerical INTERCONNECT SPICE dialect (writer and reader).
import type { SettingValue } from "./ir.ts";

export const SPICE_LIBRARY = "optinc/ideal";
export const EBEAM_LIBRARY = "Design kits/ebeam";

/** IR component → SPICE model name (quoted because it contains spaces). */
export const SPICE_MODEL: Record<string, string> = {
  coupler: "optinc coupler",
  phase: "optinc phase shifter",
  waveguide: "optinc waveguide",
  amplifier: "optinc amplifier",
  terminator: "optinc terminator",
  mzi: "optinc mzi",
  attenuator: "optinc attenuator",
  splitter_tree: "optinc splitter tree",
  combiner: "optinc combiner",
  bias_source: "optinc bias source",
  pam_source: "optinc pam source",
  activation: "optinc activation",
  detector: "optinc detector",
};

/** EBeam PDK cells used when phases are written as waveguide lengths. */
export const EBEAM = { coupler: "ebeam_bdc_te1550", waveguide: "ebeam_wg_integral_1550", terminator: "ebeam_terminator_te1550" } as const;

/** Length encoding of phases: ΔL = φ·λ/(2π·n_eff) on top of a base arm length. */
export interface LengthEncoding {
  /** Effective index of the phase-shifter waveguide (EBeam 500 nm × 220 nm strip, TE, 1550 nm). */
  neff: number;
  /** Design wavelength, metres. */
  wavelength: number;
  /** Base length of every arm, µm (the reference arm has exactly this length). */
  baseLengthUm: number;
}

export const DEFAULT_LENGTH_ENCODING: LengthEncoding = { neff: 2.44, wavelength: 1.55e-6, baseLengthUm: 10 };

/** Parameter names the dialect itself uses; settings may not take them. */
export const RESERVED_PARAMS = new Set(["library", "lay_x", "lay_y", "sch_x", "sch_y", "sch_r", "sch_f", "wg_length", "wg_width", "component"]);

export const MC_PARAMS: [string, string][] = [
  ["MC_uniformity_width", "0"],
  ["MC_uniformity_thickness", "0"],
  ["MC_resolution_x", "100"],
  ["MC_resolution_y", "100"],
  ["MC_grid", "10e-6"],
  ["MC_non_uniform", "99"],
];

/** SPICE number text: shortest round-trip decimal; always starts with a digit or '-'. */
export function spiceNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write non-finite number ${x}`);
  const s = String(x === 0 ? 0 : x);
  return s.replace(/e\+/, "e");
}

export function spiceValue(v: SettingValue): string {
  if (typeof v === "number") return spiceNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `"[${v.map(spiceNumber).join(",")}]"`;
  if (/["\r\n]/.test(v)) throw new Error(`string setting ${JSON.stringify(v)} contains a quote or newline`);
  return `"${v}"`;
}

const SI: Record<string, number> = { f: 1e-15, p: 1e-12, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Parse a SPICE number, returning the mantissa and the SI multiplier separately (exact µm round trip). */
export function parseSpiceNumber(text: string): { mantissa: number; scale: number } | null {
  const m = /^([-+]?[0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?)([fpnumkMGT]?)$/.exec(text);
  if (!m) return null;
  return { mantissa: Number(m[1]), scale: m[2] ? SI[m[2]] : 1 };
}

/** External IO net for a port: index before the suffix when the subcircuit has ≥ 10 IO ports. */
export function ioNetName(port: string, direction: "in" | "out" | "both", index: number, total: number): string {
  const suffix = direction === "out" ? "detector" : "laser";
  return total >= 10 ? `${port}_${suffix}` : `${port}_${suffix}${index + 1}`;
}

/** Inverse of ioNetName: the port name, or null when the net is not an IO net. */
export function portFromIoNet(net: string): string | null {
  const m = /^([-\w$]+?)_(?:detector|laser)\d?$/.exec(net);
  return m ? m[1] : null;
}

export const IO_NET_RE = /^[-\w$]+(detector|laser)\d?$/;
export const INTERNAL_NET_RE = /^N\$[-\d]+$/;
