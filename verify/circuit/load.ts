// Reads what `optinc compile` emitted: `<name>.netlist.json` (the circuit) and, when present,
// `<name>.report.json` beside it (its `spec` block supplies rounding, preprocess and the
// technology defaults). Nothing else is read: verification depends on emitted files only.
// Each circuit's identity is checked against the report and the directory (identity.ts).
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Rounding, TechnologySpec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { jsonErrorAt, lineCol } from "../../math/source-position.ts";
import { ARTIFACT_ARRAY_LIMITS, arrayOverLimit, overLimitMessage } from "../../math/json-scan.ts";
import { NetlistReadError } from "../../netlist/formats/read-error.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { identityProblems, missingUnits } from "./identity.ts";
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import { VERIFY } from "../../codes/catalogue.ts";
import { notText } from "../../math/not-text.ts";
import { readChipJson, type ChipFile } from "../../aggregate/chip-file.ts";
import { readInputTextSync } from "../../runtime/input-file.ts";

/** A problem with the files given to verify; `exit` is the CLI exit code it maps to. */
export class VerifyInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exit: 1 | 2,
    readonly hint: string,
    readonly where: { file: string; line: number; column: number } | null = null,
    /** The file's text, for the source excerpt under the diagnostic. */
    readonly text?: string,
  ) {
    super(message);
  }
}

export interface LoadedCircuit {
  netlistPath: string;
  reportPath: string | null;
  circuit: Circuit;
  /** From report.json `spec`, when present. */
  rounding: Rounding | null;
  preprocess: boolean | null;
  technology: Partial<TechnologySpec> | null;
  seed: number | null;
  /** One-line reasons why this circuit is not what its name and report.json say (empty = it is). */
  identity: string[];
}

const NETLIST_SUFFIX = ".netlist.json";
/** Largest netlist or report read (paper-4x16's largest netlist is a few MB). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** `<dir>` → every `*.netlist.json` in it (one per cascade unit), sorted; a file path as is. */
export function locateNetlists(target: string, shown = target): string[] {
  if (!existsSync(target))
    throw new VerifyInputError(
      VERIFY.notFound,
      `${shown}: no such file or directory`,
      2,
      "pass the output directory of optinc compile or a <name>.netlist.json file",
      { file: target, line: 1, column: 1 },
    );
  if (!statSync(target).isDirectory()) return [target];
  const found = readdirSync(target)
    .filter((f) => f.endsWith(NETLIST_SUFFIX))
    .sort();
  if (found.length === 0)
    throw new VerifyInputError(
      VERIFY.noNetlist,
      `${shown}: no *${NETLIST_SUFFIX} in this directory`,
      2,
      "run optinc compile first, or pass the netlist file itself",
      { file: target, line: 1, column: 1 },
    );
  return found.map((f) => join(target, f));
}

/**
 * An emitted file's text (a netlist, a report, a chip file), through the one input reader
 * (runtime/input-file.ts): a regular file of bounded size, strict UTF-8. Problems throw
 * VerifyInputError: unreadable (a FIFO, a device, a directory) exit 2, too large exit 1, invalid
 * UTF-8 IO.notUtf8 at its byte, exit 2.
 */
export function readEmittedFile(path: string): string {
  const r = readInputTextSync(path, MAX_INPUT_BYTES);
  if ("text" in r) return r.text;
  const bad = notText(path, basename(path), r);
  if (bad) throw new VerifyInputError(bad.code, bad.message, 2, bad.hint, bad.where);
  if (r.tooLarge)
    throw new VerifyInputError(
      VERIFY.tooLarge,
      `${basename(path)}: ${r.error} for emitted files`,
      1,
      "pass a file written by optinc compile",
      { file: path, line: 1, column: 1 },
    );
  throw new VerifyInputError(
    VERIFY.notFound,
    `${path}: cannot read (${r.error})`,
    2,
    "pass the output directory of optinc compile or a <name>.netlist.json file",
    {
      file: path,
      line: 1,
      column: 1,
    },
  );
}

/** A chip file (optinc.chip/1) read through the one reader and checked; an invalid one throws its ChipFileError (OPT4101 at its line:col). */
export function readChipFile(path: string): ChipFile {
  return readChipJson(readEmittedFile(path), path);
}

function parseJson(path: string): unknown {
  const text = readEmittedFile(path);
  const big = arrayOverLimit(text, ARTIFACT_ARRAY_LIMITS);
  if (big) {
    const { line, col: column } = lineCol(text, big.offset);
    throw new VerifyInputError(
      VERIFY.tooLarge,
      overLimitMessage(big, ARTIFACT_ARRAY_LIMITS),
      1,
      "re-run optinc compile to regenerate the file",
      {
        file: path,
        line,
        column,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // Where the JSON breaks, in words (a truncated file, a NaN), as every other reader says it.
    const { line, col: column, reason } = jsonErrorAt(text, e);
    throw new VerifyInputError(
      VERIFY.badJson,
      `not valid JSON: ${reason}`,
      1,
      "re-run optinc compile to regenerate the file",
      { file: path, line, column },
      text,
    );
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Every circuit under `target` (a compile output directory or one netlist file). */
export function loadCircuits(target: string, shown = target): LoadedCircuit[] {
  const paths = locateNetlists(target, shown);
  const loaded = paths.map(loadCircuit);
  // (Closed-form cells are checked as a whole chip by verify/cells/verify-closed-form.ts.)
  if (statSync(target).isDirectory() && !loaded.some((l) => l.circuit.info.cell !== undefined)) {
    // Every unit a report lists must be here: a missing level or slice is not a passing cascade.
    const present = new Set(paths.map((p) => basename(p)));
    const reports = new Map<string, LoadedCircuit>();
    for (const l of loaded) if (l.reportPath && !reports.has(l.reportPath)) reports.set(l.reportPath, l);
    for (const [reportPath, first] of reports) {
      const missing = missingUnits(parseJson(reportPath), present);
      if (missing.length)
        first.identity.push(
          `${basename(reportPath)} lists unit${missing.length === 1 ? "" : "s"} ${missing.join(", ")}, missing from the directory`,
        );
    }
  }
  return loaded;
}

export function loadCircuit(netlistPath: string): LoadedCircuit {
  const text = readEmittedFile(netlistPath);
  let circuit: Circuit;
  try {
    circuit = readNetlistJson(text, netlistPath);
  } catch (e) {
    if (e instanceof NetlistReadError)
      throw new VerifyInputError(
        VERIFY.badNetlist,
        `${e.what} (${e.code})`,
        1,
        e.fix,
        { file: e.file, line: e.line, column: e.column },
        text,
      );
    throw e;
  }
  const base = basename(netlistPath).endsWith(NETLIST_SUFFIX)
    ? basename(netlistPath).slice(0, -NETLIST_SUFFIX.length)
    : basename(netlistPath).replace(/\.json$/, "");
  // A cascade unit <name>.L<k>.netlist.json shares <name>.report.json (its info names the spec).
  const names = [base, ...(typeof circuit.info.spec_name === "string" ? [circuit.info.spec_name] : [])];
  const candidate = names.map((n) => join(dirname(netlistPath), `${n}.report.json`)).find((p) => existsSync(p));
  const out: LoadedCircuit = {
    netlistPath,
    reportPath: null,
    circuit,
    rounding: null,
    preprocess: null,
    technology: null,
    seed: null,
    identity: [],
  };
  const report = candidate ? parseJson(candidate) : null;
  try {
    out.identity = identityProblems(netlistPath, circuit, report);
  } catch (e) {
    if (!(e instanceof CircuitShapeError)) throw e;
    throw new VerifyInputError(VERIFY.notPipeline, e.message, 1, "verify needs the netlist of a compiled ONN pipeline (optinc compile)", {
      file: netlistPath,
      line: 1,
      column: 1,
    });
  }
  if (!candidate) return out;
  out.reportPath = candidate;
  const spec = isRecord(report) && isRecord(report.spec) ? report.spec : null;
  if (!spec) return out;
  if (spec.rounding === "nearest-even" || spec.rounding === "nearest-away" || spec.rounding === "floor") out.rounding = spec.rounding;
  if (spec.preprocess === "digit-sum" || spec.preprocess === "none") out.preprocess = spec.preprocess === "digit-sum";
  if (isRecord(spec.technology)) out.technology = spec.technology as Partial<TechnologySpec>;
  if (isRecord(spec.training) && Number.isInteger(spec.training.seed)) out.seed = spec.training.seed as number;
  return out;
}
