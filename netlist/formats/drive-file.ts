// `<name>.drive.json` (format optinc.drive/1): the heater drive codes a calibration chose for one
// die, by heater name — what a lab's controller loads. Without one, a chip is driven by the nominal
// law (nominalCodes): the programmed phase through the mean efficiency, offsets unknown.
import type { Circuit } from "../ir.ts";
import { num } from "../models.ts";
import { wrapPhase } from "../mzi.ts";
import { linearParts } from "../die/die.ts";
import type { FabDie } from "../die/heaters.ts";
import { jsonPathOffset } from "../../math/json-locate.ts";
import { jsonErrorAt, lineCol } from "../../math/source-position.ts";
import { ARTIFACT_ARRAY_LIMITS, arrayOverLimit, overLimitMessage } from "../../math/json-scan.ts";

export const DRIVE_FORMAT = "optinc.drive/1";

export interface DriveFile {
  circuit: string;
  die: string;
  bits: number;
  codes: Record<string, number>;
}

export function writeDriveFile(die: FabDie, codes: ArrayLike<number>): string {
  const rows = die.heaters.map((h, i) => `    ${JSON.stringify(h.name)}: ${codes[i]}`);
  return [
    "{",
    `  "format": ${JSON.stringify(DRIVE_FORMAT)},`,
    `  "circuit": ${JSON.stringify(die.circuit)},`,
    `  "die": ${JSON.stringify(die.id)},`,
    `  "bits": ${die.drive.bits},`,
    `  "codes": {\n${rows.join(",\n")}\n  }`,
    "}",
    "",
  ].join("\n");
}

/** Why a drive file does not fit: the message, where (1-based line:col), and whether it is not JSON at all. */
export interface DriveFileError {
  error: string;
  line: number;
  col: number;
  syntax: boolean;
}

/** Codes of a drive file in the die's heater order; where and why the file does not fit the die. */
export function readDriveFile(text: string, die: FabDie): { codes: Int32Array } | DriveFileError {
  let doc: Partial<DriveFile> & { format?: unknown };
  const big = arrayOverLimit(text, ARTIFACT_ARRAY_LIMITS);
  if (big) return { error: overLimitMessage(big, ARTIFACT_ARRAY_LIMITS), ...lineCol(text, big.offset), syntax: false };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    // At the offending token (a truncated end, a NaN), which V8 does not always name.
    const at = jsonErrorAt(text, e);
    return { error: `invalid JSON: ${at.reason}`, line: at.line, col: at.col, syntax: true };
  }
  const at = (path: (string | number)[], error: string): DriveFileError => {
    const { line, col } = lineCol(text, jsonPathOffset(text, path) ?? 0);
    return { error, line, col, syntax: false };
  };
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return at([], `not ${DRIVE_FORMAT}: the file holds no JSON object`);
  if (doc.format !== DRIVE_FORMAT) return at(["format"], `not ${DRIVE_FORMAT}`);
  if (doc.circuit !== die.circuit) return at(["circuit"], `drive codes of circuit "${String(doc.circuit)}", not "${die.circuit}"`);
  if (doc.bits !== die.drive.bits) return at(["bits"], `drive codes of a ${String(doc.bits)}-bit DAC, the die's is ${die.drive.bits}-bit`);
  const max = 2 ** die.drive.bits - 1;
  const codes = new Int32Array(die.heaters.length);
  for (let i = 0; i < die.heaters.length; i++) {
    const name = die.heaters[i]!.name;
    const c = doc.codes?.[name];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0 || c > max)
      return c === undefined
        ? at(["codes"], `heater "${name}": no code`)
        : at(["codes", name], `heater "${name}": code ${String(c)} outside 0..${max}`);
    codes[i] = c;
  }
  return { codes };
}

/**
 * The codes an uncalibrated controller sets: each heater's programmed phase (wrapped) through the
 * technology's mean efficiency, η̄ = mean of the die model's — no offsets, no crosstalk.
 */
export function nominalCodes(circuit: Circuit, die: FabDie): Int32Array {
  const flat = new Map(linearParts(circuit).map((p) => [p.name, p.flat]));
  const eta = die.heaters.reduce((a, h) => a + h.radPerMw, 0) / Math.max(1, die.heaters.length);
  const max = 2 ** die.drive.bits - 1;
  return Int32Array.from(die.heaters, (h) => {
    const cut = h.path.indexOf("/");
    const phi = num(flat.get(h.path.slice(0, cut))!.instances[h.path.slice(cut + 1)]!.settings, "phi", 0);
    return Math.min(max, Math.round(max * Math.sqrt(Math.min(1, wrapPhase(phi) / eta / die.drive.pMaxMw))));
  });
}

/** The target phase of every heater: its programmed phase in the circuit. */
export function programmedPhases(circuit: Circuit, die: Pick<FabDie, "heaters">): Float64Array {
  const flat = new Map(linearParts(circuit).map((p) => [p.name, p.flat]));
  return Float64Array.from(die.heaters, (h) => {
    const cut = h.path.indexOf("/");
    return num(flat.get(h.path.slice(0, cut))!.instances[h.path.slice(cut + 1)]!.settings, "phi", 0);
  });
}
