// Diagnostics: one shape for every stage, a catalogue of stable codes, and a rustc-style renderer.
// Codes are part of the public interface (tests, scripts and docs refer to them): never renumber.
import type { ChalkInstance } from "chalk";
import type { SourceLoc } from "./spec.ts";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Characters to underline from `column` (default 1). */
  length?: number;
}

/**
 * The catalogue. OPT0xxx input/IO, OPT1xxx lexical and syntax, OPT2xxx semantic.
 * OPT3xxx and above are reserved for later stages (compile, decompose, verify): they add their own
 * codes in their own modules and build diagnostics with `diagnosticAt`.
 */
export const CODES = {
  OPT0001: "the spec file cannot be read",
  OPT0002: "unsupported spec file extension",
  OPT1001: "unexpected character",
  OPT1002: "expected a different token",
  OPT1003: "unexpected token",
  OPT1004: "unexpected text after the end of the aggregator",
  OPT1005: "expected at least one item",
  OPT1006: "malformed number",
  OPT1010: "YAML syntax error",
  OPT1011: "YAML value has the wrong shape",
  OPT2001: "unknown option",
  OPT2002: "duplicate option",
  OPT2003: "wrong kind of value",
  OPT2004: "value out of range",
  OPT2005: "missing unit",
  OPT2006: "wrong or unknown unit",
  OPT2007: "unknown choice",
  OPT2008: "precision is not a multiple of log2(levels)",
  OPT2009: "cascade radix larger than workers",
  OPT2010: "not an integer",
  OPT2011: "approximate.layers refers to a layer that does not exist",
  OPT2012: "unknown workload preset",
  OPT2013: "conflicting options",
  OPT2014: "a block was used as a setting, or a setting as a block",
  OPT2015: "duplicate list entry",
  OPT2016: "setting has no effect",
  OPT2017: "missing required entry",
} as const;

export type Code = keyof typeof CODES;

export interface DiagnosticOptions {
  severity?: Severity;
  hint?: string;
  length?: number;
}

/** Build a diagnostic at a source location (for later stages: pass CheckedSpec.locations[path]). */
export function diagnosticAt(loc: SourceLoc, code: string, message: string, opts: DiagnosticOptions = {}): Diagnostic {
  const d: Diagnostic = {
    code,
    severity: opts.severity ?? "error",
    message,
    file: loc.file,
    line: loc.line,
    column: loc.column,
  };
  if (opts.hint !== undefined) d.hint = opts.hint;
  if (opts.length !== undefined) d.length = opts.length;
  return d;
}

/** A diagnostic for a whole file that has no better position (line 1, column 1). */
export function fileDiagnostic(file: string, code: string, message: string, opts: DiagnosticOptions = {}): Diagnostic {
  return diagnosticAt({ file, line: 1, column: 1 }, code, message, opts);
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/** Stable order: by file, line, column, then code. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** Convert a 0-based offset into a 1-based line/column, counting "\r\n" and "\n" as line ends. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Render rustc/peggy style:
 *   file:3:15: error[OPT2008]: message
 *      |
 *    3 |   precision = 7 bits
 *      |               ^^^^^^
 *      = hint: ...
 */
export function renderDiagnostic(d: Diagnostic, sourceText: string | undefined, chalk: ChalkInstance): string {
  const sev = d.severity === "error" ? chalk.red.bold(`error[${d.code}]`) : chalk.yellow.bold(`warning[${d.code}]`);
  const head = `${chalk.bold(`${d.file}:${d.line}:${d.column}`)}: ${sev}: ${chalk.bold(d.message)}`;
  const out = [head];
  const lines = sourceText === undefined ? [] : sourceText.split(/\r?\n/);
  const src = lines[d.line - 1];
  const gutterWidth = String(d.line).length;
  const pad = " ".repeat(gutterWidth);
  const bar = chalk.blue("|");
  if (src !== undefined) {
    const shown = src.replace(/\t/g, " ");
    const col = Math.max(1, Math.min(d.column, shown.length + 1));
    const len = Math.max(1, Math.min(d.length ?? 1, shown.length - col + 1));
    const caretColor = d.severity === "error" ? chalk.red.bold : chalk.yellow.bold;
    out.push(`${pad} ${bar}`);
    out.push(`${chalk.blue(String(d.line))} ${bar} ${shown}`);
    out.push(`${pad} ${bar} ${" ".repeat(col - 1)}${caretColor("^".repeat(len))}`);
  }
  if (d.hint) out.push(`${pad} ${chalk.blue("=")} ${chalk.bold("hint:")} ${d.hint}`);
  return out.join("\n") + "\n";
}

/** A one-line summary such as "2 errors, 1 warning". */
export function summarize(diags: readonly Diagnostic[]): string {
  const e = diags.filter((d) => d.severity === "error").length;
  const w = diags.length - e;
  return `${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}`;
}
