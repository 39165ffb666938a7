// Commander argument parsers shared by the commands: each returns the parsed value or throws
// commander's InvalidArgumentError, which the CLI reports as a usage error (exit 2).
// Quantities with units ("100MB", "800Gb/s", "2.7us") use the DSL's unit table (dsl/units.ts), so
// the CLI and the spec language accept the same spellings.
import { InvalidArgumentError } from "commander";
import { DIMENSION_INFO, UNITS, type Dimension } from "../dsl/units.ts";
import { SEED } from "../dsl/limits.ts";

/** An integer in min..max (digits only: no sign, no exponent). */
export function integer(name: string, min: number, max: number) {
  return (v: string): number => {
    const x = Number(v);
    if (!/^\d+$/.test(v.trim()) || x < min || x > max)
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}, got "${v}"`);
    return x;
  };
}

/** Every command's --seed: the one unsigned 32-bit range of dsl/limits.ts, as the spec's training.seed. */
export const seedArg = integer("--seed", SEED.min, SEED.max);

/** A finite number > 0. */
export function positive(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return x;
  };
}

/**
 * A finite number in the range the spec language gives the same quantity (dsl/limits.ts, e.g.
 * NON_IDEALITY): a flag may not accept what the spec refuses.
 */
export function inRange(name: string, r: { readonly min: number; readonly max: number; readonly exclusiveMax?: boolean }) {
  const range = `[${r.min}, ${r.max === Math.PI ? "π" : r.max}${r.exclusiveMax ? ")" : "]"}`;
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x < r.min || (r.exclusiveMax ? x >= r.max : x > r.max))
      throw new InvalidArgumentError(`${name} must be a number in ${range}, got "${v}"`);
    return x;
  };
}

/** A fraction in [0, 1]. */
export function fraction(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !(x >= 0 && x <= 1)) throw new InvalidArgumentError(`${name} must be a fraction in [0, 1], got "${v}"`);
    return x;
  };
}

/** A non-negative quantity of `dim`; `defaultUnit` applies when no unit is written. */
export function quantity(name: string, dim: Dimension, defaultUnit?: string) {
  return (text: string): number => {
    const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([^\s0-9].*?)?\s*$/.exec(text);
    const info = DIMENSION_INFO[dim];
    const units = Object.keys(UNITS[dim]);
    if (!m) throw new InvalidArgumentError(`${name}: "${text}" is not ${info.what} (example: ${info.example.replace(" ", "")})`);
    const unit = m[2] ?? defaultUnit;
    if (unit === undefined)
      throw new InvalidArgumentError(
        `${name}: "${text}" needs a unit, one of ${units.join(", ")} (example: ${info.example.replace(" ", "")})`,
      );
    const factor = UNITS[dim][unit];
    if (factor === undefined)
      throw new InvalidArgumentError(`${name}: unknown unit "${unit}" for ${info.what}; use one of ${units.join(", ")}`);
    const x = Number(m[1]) * factor;
    // 1e400us is Infinity, 1e-400 Gb/s is 0: neither is a quantity a table can show.
    if (!Number.isFinite(x))
      throw new InvalidArgumentError(
        `${name}: "${text}" is out of range (too large to be a finite number; example: ${info.example.replace(" ", "")})`,
      );
    return x;
  };
}

/** A comma-separated list of integers in min..max, e.g. "4,8,16". */
export function integerList(name: string, min: number, max: number) {
  const one = integer(name, min, max);
  return (text: string): number[] =>
    text.split(",").map((p) => {
      if (!/^[0-9]+$/.test(p.trim())) throw new InvalidArgumentError(`${name}: "${p.trim()}" is not a whole number (example: 4,8,16)`);
      return one(p);
    });
}
