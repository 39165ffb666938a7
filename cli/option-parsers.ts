// Commander argument parsers shared by the commands: each returns the parsed value or throws
// commander's InvalidArgumentError, which the CLI reports as a usage error (exit 2).
import { InvalidArgumentError } from "commander";

/** An integer in min..max (digits only: no sign, no exponent). */
export function integer(name: string, min: number, max: number) {
  return (v: string): number => {
    const x = Number(v);
    if (!/^\d+$/.test(v.trim()) || x < min || x > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}, got "${v}"`);
    return x;
  };
}

/** A finite number > 0. */
export function positive(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return x;
  };
}

/** A finite number ≥ 0. */
export function nonNegative(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${v}"`);
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
