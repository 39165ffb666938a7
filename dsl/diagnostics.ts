// Diagnostics: one shape for every stage and a rustc-style renderer. The codes are in the one
// catalogue, codes/catalogue.ts (public interface: never renumber).
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
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
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

/** Escape one character that must not reach a terminal raw; null when it is printable. */
function escapeChar(ch: string): string | null {
  const c = ch.charCodeAt(0);
  if (c === 9) return " ";
  if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return `\\x${c.toString(16).padStart(2, "0")}`;
  // Bidi controls and lone surrogates can reorder or corrupt the rest of the line.
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff) return `\\u{${c.toString(16)}}`;
  if (c >= 0xd800 && c <= 0xdfff) return `\\u{${c.toString(16)}}`;
  return null;
}

function escaped(ch: string): string {
  return escapeChar(ch) ?? ch;
}

/**
 * Text from hostile input made safe to print: control bytes escaped (\\xNN), at most `max`
 * characters (then "…"). Surrogate pairs are kept whole.
 */
export function sanitizeText(s: string, max: number): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (out.length >= max) return `${out}…`;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else out += escaped(s[i]!);
  }
  return out;
}

/** Widest source excerpt shown under a diagnostic, and how much of it precedes the caret. */
const EXCERPT_WIDTH = 100;
const EXCERPT_BEFORE = 40;

/**
 * The part of a source line around a caret (1-based `column`, `length` characters): escaped, at
 * most EXCERPT_WIDTH characters, "…" where it is cut. Returns the text and where the caret goes.
 */
export function excerpt(src: string, column: number, length: number): { text: string; caret: number; caretLength: number } {
  const c0 = Math.max(0, Math.min(column - 1, src.length));
  let start = Math.max(0, c0 - EXCERPT_BEFORE);
  const end = Math.min(src.length, start + EXCERPT_WIDTH);
  if (end - start < EXCERPT_WIDTH) start = Math.max(0, end - EXCERPT_WIDTH);
  let text = start > 0 ? "…" : "";
  let caret = -1;
  let caretEnd = -1;
  const last = c0 + Math.max(1, length) - 1;
  for (let i = start; i < end; i++) {
    if (i === c0) caret = text.length;
    const c = src.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (src.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      text += src[i]! + src[i + 1]!;
      i++;
    } else text += escaped(src[i]!);
    if (i <= last) caretEnd = text.length;
  }
  if (caret < 0) {
    caret = text.length;
    caretEnd = caret + 1;
  }
  if (end < src.length) text += "…";
  return { text, caret, caretLength: Math.max(1, caretEnd - caret) };
}

// Line starts of the last rendered text: rendering N diagnostics of one file scans it once.
let lineIndex: { text: string; starts: number[] } | null = null;

/** Line `line` (1-based) of `text` without its line end, or undefined. */
export function sourceLine(text: string, line: number): string | undefined {
  if (lineIndex?.text !== text) {
    const starts = [0];
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    lineIndex = { text, starts };
  }
  const start = lineIndex.starts[line - 1];
  if (start === undefined) return undefined;
  const next = lineIndex.starts[line];
  let end = next === undefined ? text.length : next - 1;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}

/**
 * Render rustc/peggy style:
 *   file:3:15: error[OPT2008]: message
 *      |
 *    3 |   precision = 7 bits
 *      |               ^^^^^^
 *      = hint: ...
 * The source line is cut to a window around the caret and control bytes are escaped, so neither a
 * 1 MB line nor a binary file reaches the terminal.
 */
export function renderDiagnostic(d: Diagnostic, sourceText: string | undefined, chalk: ChalkInstance): string {
  const sev = d.severity === "error" ? chalk.red.bold(`error[${d.code}]`) : chalk.yellow.bold(`warning[${d.code}]`);
  const head = `${chalk.bold(`${sanitizeText(d.file, 200)}:${d.line}:${d.column}`)}: ${sev}: ${chalk.bold(sanitizeText(d.message, 400))}`;
  const out = [head];
  const src = sourceText === undefined ? undefined : sourceLine(sourceText, d.line);
  const gutterWidth = String(d.line).length;
  const pad = " ".repeat(gutterWidth);
  const bar = chalk.blue("|");
  if (src !== undefined) {
    const shown = excerpt(src, d.column, d.length ?? 1);
    const caretColor = d.severity === "error" ? chalk.red.bold : chalk.yellow.bold;
    out.push(`${pad} ${bar}`);
    out.push(`${chalk.blue(String(d.line))} ${bar} ${shown.text}`);
    out.push(`${pad} ${bar} ${" ".repeat(shown.caret)}${caretColor("^".repeat(shown.caretLength))}`);
  }
  if (d.hint) out.push(`${pad} ${chalk.blue("=")} ${chalk.bold("hint:")} ${sanitizeText(d.hint, 400)}`);
  return out.join("\n") + "\n";
}

/** A one-line summary such as "2 errors, 1 warning". */
export function summarize(diags: readonly Diagnostic[]): string {
  const e = diags.filter((d) => d.severity === "error").length;
  const w = diags.length - e;
  return `${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}`;
}
