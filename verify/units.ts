// Command-line quantities with units ("100MB", "800Gb/s", "2.7us"), using the DSL's unit table
// (dsl/units.ts) so the CLI and the spec language accept the same spellings.
import { DIMENSION_INFO, UNITS, type Dimension } from "../dsl/units.ts";

export class UsageError extends Error {}

/** Parse `text` as a non-negative quantity of `dim`; `defaultUnit` applies when no unit is written. */
export function parseQuantity(text: string, dim: Dimension, flag: string, defaultUnit?: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([^\s0-9].*?)?\s*$/.exec(text);
  const info = DIMENSION_INFO[dim];
  const units = Object.keys(UNITS[dim]);
  if (!m) throw new UsageError(`${flag}: "${text}" is not ${info.what} (example: ${info.example.replace(" ", "")})`);
  const unit = m[2] ?? defaultUnit;
  if (unit === undefined) throw new UsageError(`${flag}: "${text}" needs a unit, one of ${units.join(", ")} (example: ${info.example.replace(" ", "")})`);
  const factor = UNITS[dim][unit];
  if (factor === undefined) throw new UsageError(`${flag}: unknown unit "${unit}" for ${info.what}; use one of ${units.join(", ")}`);
  return Number(m[1]) * factor;
}

/** A comma-separated list of integers ≥ min, e.g. "4,8,16". */
export function parseIntList(text: string, flag: string, min: number, max: number): number[] {
  const parts = text.split(",").map((s) => s.trim());
  return parts.map((p) => {
    if (!/^[0-9]+$/.test(p)) throw new UsageError(`${flag}: "${p}" is not a whole number (example: 4,8,16)`);
    const v = Number(p);
    if (v < min || v > max) throw new UsageError(`${flag}: ${v} is outside ${min}..${max}`);
    return v;
  });
}

export function parseInteger(text: string, flag: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text.trim())) throw new UsageError(`${flag}: "${text}" is not a whole number`);
  const v = Number(text);
  if (v < min || v > max) throw new UsageError(`${flag}: ${v} is outside ${min}..${max}`);
  return v;
}
