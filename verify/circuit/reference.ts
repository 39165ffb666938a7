// What every verified case is compared with: the spec's own definition evaluated on the worker
// codes the case sends (aggregate/golden.ts), not the unit function the compiler trained on. A
// bug in the trainer's target (aggregate/unit.ts) would otherwise be trained, emitted and then
// "verified" against itself.
//
// - flat unit: goldenAverage on the N worker codes, and the stored function must be the spec's
//   flat average (divisor = N, offsets = 2^(b−1)) or verification fails;
// - cascade unit: R((Σ v_i − N·input_offset) / divisor) + output_offset on the input codes v_i
//   (roundedDivide, the golden function's own division), clamped to the output's range: the
//   case set also lists partial-sum codes no lower level sends;
// - digit slice: only its slice function defines it (unitOutput); the whole chain is checked
//   against the flat golden average by compile's compose pass (pipeline/compile/compose.ts).
import { goldenAverage } from "../../aggregate/golden.ts";
import { fromDigits, roundedDivide } from "../../aggregate/wire-codec.ts";
import { unitOutput } from "../../aggregate/unit.ts";
import { isCascadeUnit, unitFunctionOf, type UnitSpec } from "../../aggregate/circuit-info.ts";
import type { Rounding } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import type { CaseSet, SourceFormat } from "./cases.ts";

export type UnitRole = "flat" | "cascade" | "slice";

/** A slice has weights or a tie handshake; a cascade unit says its level; anything else is the flat aggregator. */
export function unitRole(info: Circuit["info"], unit: UnitSpec | undefined): UnitRole {
  if (unit?.weights || unit?.round) return "slice";
  if (unit && isCascadeUnit(info)) return "cascade";
  return "flat";
}

/** Why a flat circuit's stored function is not its spec's flat average, or null when it is. */
export function flatFunctionMismatch(unit: UnitSpec | undefined, f: SourceFormat, outputDigits: number, precision: number): string | null {
  const half = 2 ** (precision - 1);
  const want = { divisor: f.workers, inputOffset: half, outputOffset: half };
  const got = unit ?? want;
  if (
    got.divisor === want.divisor &&
    got.inputOffset === want.inputOffset &&
    got.outputOffset === want.outputOffset &&
    outputDigits === f.digits
  )
    return null;
  return (
    `the circuit's stored unit function (divisor ${got.divisor}, input offset ${got.inputOffset}, output offset ${got.outputOffset}, ${outputDigits} output digits) ` +
    `is not the flat average of its ${f.workers} × ${precision}-bit inputs (divisor ${want.divisor}, offsets ${half}, ${f.digits} output digits)`
  );
}

/** The reference output code of every case of `set`. */
export function referenceCodes(
  set: CaseSet,
  f: SourceFormat,
  role: UnitRole,
  unit: UnitSpec | undefined,
  outputDigits: number,
  rounding: Rounding,
): Int32Array {
  const width = f.workers * f.digits;
  const precision = Math.round(f.digits * Math.log2(f.levels));
  const out = new Int32Array(set.cases);
  const codes = new Int32Array(f.workers);
  const top = f.levels ** outputDigits - 1;
  const slice =
    role === "slice"
      ? unitFunctionOf(unit!, { workers: f.workers, levels: f.levels, inDigits: f.digits, outDigits: outputDigits, rounding })
      : null;
  const sums = new Array<number>(f.digits);
  for (let c = 0; c < set.cases; c++) {
    if (slice) {
      sums.fill(0);
      for (let k = 0; k < f.digits; k++) for (let w = 0; w < f.workers; w++) sums[k]! += set.digits[c * width + w * f.digits + k]!;
      out[c] = unitOutput(slice, sums);
      continue;
    }
    for (let w = 0; w < f.workers; w++) codes[w] = fromDigits(set.digits, f.levels, c * width + w * f.digits, f.digits);
    if (role === "flat") {
      out[c] = goldenAverage(codes, { precision, rounding });
      continue;
    }
    let t = -f.workers * unit!.inputOffset;
    for (let w = 0; w < f.workers; w++) t += codes[w]!;
    const q = roundedDivide(t, unit!.divisor, rounding) + unit!.outputOffset;
    out[c] = q < 0 ? 0 : q > top ? top : q;
  }
  return out;
}
