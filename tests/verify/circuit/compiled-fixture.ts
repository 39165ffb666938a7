// Hand-built circuits dressed as compile output: the identity entries optinc compile writes into
// the circuit info, and a report.json that agrees with them (verify/circuit/identity.ts).
import type { Circuit } from "../../../netlist/ir.ts";
import { writeIdentityInfo, writeUnitInfo, type UnitSpec } from "../../../aggregate/circuit-info.ts";

export interface FixtureSpec {
  name: string;
  workers: number;
  precision: number;
  levels: number;
  rounding: string;
  [key: string]: unknown;
}

/** tinyCircuit()'s spec: 2 workers, 2 bits, PAM-2. */
export const TINY_SPEC: FixtureSpec = { name: "tiny", workers: 2, precision: 2, levels: 2, rounding: "nearest-even" };
/** The flat 2-worker 2-bit average: offsets 2^(b−1) = 2, divisor N = 2. */
export const TINY_UNIT: UnitSpec = { inputOffset: 2, outputOffset: 2, divisor: 2 };

/** The circuit with the info compile would write for unit `file` of `spec`. */
export function asCompiled(
  circuit: Circuit,
  file = "tiny",
  spec: FixtureSpec = TINY_SPEC,
  unit: UnitSpec = TINY_UNIT,
  digits = 2,
): Circuit {
  const identity = writeIdentityInfo(spec, file, {
    workers: spec.workers,
    levels: spec.levels,
    inDigits: digits,
    outDigits: digits,
    rounding: spec.rounding,
    ...unit,
  });
  return { ...circuit, info: { ...circuit.info, ...identity, ...writeUnitInfo(unit) } };
}

/** A report.json (schemaVersion 2) listing `files` as units of the flat function. */
export function reportJson(spec: FixtureSpec, files: string[], unit: UnitSpec = TINY_UNIT, digits = 2): string {
  const fn = {
    workers: spec.workers,
    inDigits: digits,
    outDigits: digits,
    inputOffset: unit.inputOffset,
    outputOffset: unit.outputOffset,
    divisor: unit.divisor,
  };
  return JSON.stringify({ schemaVersion: 2, name: spec.name, spec, onn: { units: files.map((file) => ({ file, function: fn })) } });
}
