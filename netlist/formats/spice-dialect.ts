// Shared vocabulary of our SiEPIC-Tools / Lumerical INTERCONNECT SPICE dialect (writer and reader).
// Every token is chosen to parse with simphony's SiEPIC grammar (v0.6.1, a parsimonious PEG):
// model names are bare words that neither simphony's external-port pattern
// `[-\w$]+(detector|laser)\d?` nor its internal-net pattern `N\$[-\d]+` can match as a prefix
// (so no model or subcircuit name contains "detector" or "laser"), numbers carry an exponent or
// one SI letter but never both, and quoted values are never empty.
import type { SettingValue } from "../ir.ts";
import { HEATER_LENGTH_UM } from "../heater.ts";

export const SPICE_LIBRARY = "optinc/ideal";
export const EBEAM_LIBRARY = "Design kits/ebeam";

/** IR component → SPICE model name (a bare word; the detector's avoids the word "detector"). */
export const SPICE_MODEL: Record<string, string> = {
  coupler: "optinc_coupler",
  crossing: "optinc_crossing",
  phase: "optinc_phase_shifter",
  waveguide: "optinc_waveguide",
  amplifier: "optinc_amplifier",
  terminator: "optinc_terminator",
  mzi: "optinc_mzi",
  attenuator: "optinc_attenuator",
  splitter_tree: "optinc_splitter_tree",
  combiner: "optinc_combiner",
  bias_source: "optinc_bias_source",
  pam_source: "optinc_pam_source",
  activation: "optinc_activation",
  detector: "optinc_receiver",
};

/** Model names of files written before the dialect followed simphony's grammar (read only). */
export const LEGACY_SPICE_MODEL: Record<string, string> = {
  coupler: '"optinc coupler"',
  phase: '"optinc phase shifter"',
  waveguide: '"optinc waveguide"',
  amplifier: '"optinc amplifier"',
  terminator: '"optinc terminator"',
  mzi: '"optinc mzi"',
  attenuator: '"optinc attenuator"',
  splitter_tree: '"optinc splitter tree"',
  combiner: '"optinc combiner"',
  bias_source: '"optinc bias source"',
  pam_source: '"optinc pam source"',
  activation: '"optinc activation"',
  detector: '"optinc detector"',
};

/** EBeam PDK cells used when phases are written as waveguide lengths. */
export const EBEAM = { coupler: "ebeam_bdc_te1550", waveguide: "ebeam_wg_integral_1550", terminator: "ebeam_terminator_te1550" } as const;

/**
 * Physical length encoding of phases. A waveguide of length L adds the phase 2π·n_eff·L/λ;
 * every phase shifter φ and every plain waveguide (φ = 0)
 * becomes a waveguide of length L = (m + φ/2π)·λ/n_eff with one integer m for the whole file,
 * the smallest that makes the φ = 0 length at least minLengthUm. The full propagation phase is
 * then 2πm + φ ≡ φ (mod 2π), and all lengths lie within one period λ/n_eff of each other.
 */
export interface LengthEncoding {
  /** Effective index of the waveguide (EBeam 500 nm × 220 nm Si strip, TE, 1550 nm), no dispersion. */
  neff: number;
  /** Design wavelength, metres. */
  wavelength: number;
  /** Shortest waveguide, µm. */
  minLengthUm: number;
}

/** The shortest waveguide is the physical heater's length (netlist/heater.ts): every phase shifter is drawn as one. */
export const DEFAULT_LENGTH_ENCODING: LengthEncoding = { neff: 2.44, wavelength: 1.55e-6, minLengthUm: HEATER_LENGTH_UM };

/** One 2π period of length, µm. */
export function periodUm(enc: LengthEncoding): number {
  return (enc.wavelength * 1e6) / enc.neff;
}

/** The integer number of periods every encoded waveguide starts from. */
export function basePeriods(enc: LengthEncoding): number {
  return Math.ceil(enc.minLengthUm / periodUm(enc) - 1e-12);
}

/** Propagation phase 2π·n_eff·L/λ of a waveguide of length L µm (not wrapped). */
export function propagationPhase(lengthUm: number, enc: LengthEncoding): number {
  return (2 * Math.PI * enc.neff * lengthUm) / (enc.wavelength * 1e6);
}

/** Parameter names the dialect itself uses; settings may not take them. */
export const RESERVED_PARAMS = new Set([
  "library",
  "lay_x",
  "lay_y",
  "sch_x",
  "sch_y",
  "sch_r",
  "sch_f",
  "wg_length",
  "wg_width",
  "component",
]);

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

/**
 * A length in µm: `<x>u`, or, when the shortest decimal of x needs an exponent, the same digits
 * in metres with the exponent lowered by 6 (a number may not carry both an exponent and a suffix).
 */
export function spiceMicrons(x: number): string {
  const s = spiceNumber(x);
  const m = /^(-?[0-9.]+)e(-?[0-9]+)$/.exec(s);
  return m ? `${m[1]}e${Number(m[2]) - 6}` : `${s}u`;
}

/** Inverse of spiceMicrons (also reads any SI letter); exact for what spiceMicrons writes. */
export function micronsFromSpice(text: string): number | null {
  const m = /^([-+]?[0-9]+\.?[0-9]*)(?:[eE]([-+]?[0-9]+))?([fpnumkMGT]?)$/.exec(text);
  if (!m || (m[2] !== undefined && m[3] !== "")) return null;
  if (m[3] === "u") return Number(m[1]);
  if (m[3] === "") return Number(`${m[1]}e${Number(m[2] ?? 0) + 6}`);
  return Number(m[1]) * SI[m[3]] * 1e6;
}

export function spiceValue(v: SettingValue): string {
  if (typeof v === "number") return spiceNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `"[${v.map(spiceNumber).join(",")}]"`;
  if (/["\r\n]/.test(v)) throw new Error(`string setting ${JSON.stringify(v)} contains a quote or newline`);
  if (v === "") throw new Error("an empty string setting cannot be written (SiEPIC quoted values are non-empty)");
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

/** Would simphony's port patterns swallow (a prefix of) this model word? */
export function readAsNet(word: string): boolean {
  return /^[-\w$]+(detector|laser)/.test(word) || /^N\$[-\d]+/.test(word);
}

/**
 * The SPICE name of a netlist: itself, or, when it contains "detector" or "laser" (which
 * simphony would read as a port), the same name with those words upper-cased (the grammar's
 * patterns are case-sensitive). The reader maps it back through a `* optinc.spice_name` line.
 */
export function spiceSubcktName(name: string): string {
  if (!/^[\w$-]+$/.test(name)) throw new Error(`netlist name "${name}" is not a SPICE word (letters, digits, _ - $)`);
  const safe = name.replace(/detector|laser/g, (w) => w.toUpperCase());
  return /^N\$/.test(safe) ? `X${safe}` : safe;
}
