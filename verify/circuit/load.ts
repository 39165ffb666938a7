// Reads what `optinc compile` emitted: `<name>.netlist.json` (the circuit) and, when present,
// `<name>.report.json` beside it (its `spec` block supplies rounding, preprocess and the
// technology defaults). Nothing else is read: verification depends on emitted files only.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Rounding, TechnologySpec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { lineCol } from "../../math/source-position.ts";
import { NetlistReadError } from "../../netlist/errors.ts";
import { readNetlistJson } from "../../netlist/json-io.ts";

/** A problem with the files given to verify; `exit` is the CLI exit code it maps to. */
export class VerifyInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exit: 1 | 2,
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
}

const NETLIST_SUFFIX = ".netlist.json";

/** `<dir>` → every `*.netlist.json` in it (one per cascade unit), sorted; a file path as is. */
export function locateNetlists(target: string): string[] {
  if (!existsSync(target)) throw new VerifyInputError("E_VERIFY_NOT_FOUND", `${target}: no such file or directory\n  fix: pass the output directory of optinc compile or a <name>.netlist.json file`, 2);
  if (!statSync(target).isDirectory()) return [target];
  const found = readdirSync(target).filter((f) => f.endsWith(NETLIST_SUFFIX)).sort();
  if (found.length === 0) throw new VerifyInputError("E_VERIFY_NO_NETLIST", `${target}: no *${NETLIST_SUFFIX} in this directory\n  fix: run optinc compile first, or pass the netlist file itself`, 2);
  return found.map((f) => join(target, f));
}

function parseJson(path: string): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const { line, col: column } = pos ? lineCol(text, Number(pos[1])) : { line: 1, col: 1 };
    throw new VerifyInputError("E_VERIFY_JSON", `${path}:${line}:${column}: error[E_VERIFY_JSON]: not valid JSON (${msg})\n  fix: re-run optinc compile to regenerate the file`, 1);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Every circuit under `target` (a compile output directory or one netlist file). */
export function loadCircuits(target: string): LoadedCircuit[] {
  return locateNetlists(target).map(loadCircuit);
}

export function loadCircuit(netlistPath: string): LoadedCircuit {
  let circuit: Circuit;
  try {
    circuit = readNetlistJson(readFileSync(netlistPath, "utf8"), netlistPath);
  } catch (e) {
    if (e instanceof NetlistReadError) throw new VerifyInputError(e.code, e.message, 1);
    throw e;
  }
  const base = basename(netlistPath).endsWith(NETLIST_SUFFIX) ? basename(netlistPath).slice(0, -NETLIST_SUFFIX.length) : basename(netlistPath).replace(/\.json$/, "");
  // A cascade unit <name>.L<k>.netlist.json shares <name>.report.json (its info names the spec).
  const names = [base, ...(typeof circuit.info.spec_name === "string" ? [circuit.info.spec_name] : [])];
  const candidate = names.map((n) => join(dirname(netlistPath), `${n}.report.json`)).find((p) => existsSync(p));
  const out: LoadedCircuit = { netlistPath, reportPath: null, circuit, rounding: null, preprocess: null, technology: null, seed: null };
  if (!candidate) return out;
  out.reportPath = candidate;
  const report = parseJson(candidate);
  const spec = isRecord(report) && isRecord(report.spec) ? report.spec : null;
  if (!spec) return out;
  if (spec.rounding === "nearest-even" || spec.rounding === "nearest-away" || spec.rounding === "floor") out.rounding = spec.rounding;
  if (spec.preprocess === "digit-sum" || spec.preprocess === "none") out.preprocess = spec.preprocess === "digit-sum";
  if (isRecord(spec.technology)) out.technology = spec.technology as Partial<TechnologySpec>;
  if (isRecord(spec.training) && Number.isInteger(spec.training.seed)) out.seed = spec.training.seed as number;
  return out;
}
