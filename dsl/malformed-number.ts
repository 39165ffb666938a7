// Malformed numbers (OPT1006): `1e`, `1.5.3`, `1.`, `0x10`, `0x`, `1_`. The lexer reads the longest valid
// number and leaves the rest as a word or a stray character, which used to surface as "wrong unit"
// (OPT2006) or "unexpected character" (OPT1001). Here the whole run is one diagnostic at the number,
// and the tokens and lexer errors inside it are dropped so nothing else reports the same text.
import type { ILexingError, IToken } from "chevrotain";
import { diagnosticAt, type Diagnostic } from "./diagnostics.ts";
import { SYNTAX } from "../codes/catalogue.ts";

export interface MalformedSpan {
  line: number;
  column: number;
  /** Columns covered, from `column`. */
  length: number;
}

const RUN = /[A-Za-z0-9_.+-]*/y;

/** Why the text right after a number makes it malformed, or null when it is a unit or a separator. */
function problem(image: string, after: string): string | null {
  const c = after[0];
  if (c === ".") return "a number has one decimal point with digits on both sides (e.g. 0.5)";
  if ((c === "e" || c === "E") && !/^[eE][A-Za-z0-9_µ]/.test(after)) return "an exponent needs its digits (e.g. 2.7e-6), or drop the 'e'";
  // A radix prefix, with or without its digits (`0x10`, `0x`); a bare `0B` is 0 bytes, a unit.
  if (/^[+-]?0$/.test(image) && (/^[xXbBoO][0-9a-fA-F]/.test(after) || /^[xXbo](?![A-Za-z0-9_\u00b5])/.test(after)))
    return "numbers are decimal (write 16, not 0x10)";
  if (c === "_") return "underscores only separate digit groups (e.g. 23_712_932)";
  return null;
}

/**
 * Find malformed numbers; returns the tokens and lexer errors without those inside them, one
 * OPT1006 diagnostic each, and their spans (so later checks can stay silent there).
 */
export function malformedNumbers(
  file: string,
  text: string,
  tokens: IToken[],
  errors: ILexingError[],
): { tokens: IToken[]; errors: ILexingError[]; diagnostics: Diagnostic[]; spans: MalformedSpan[] } {
  const diagnostics: Diagnostic[] = [];
  const spans: MalformedSpan[] = [];
  const cut: [number, number][] = [];
  for (const t of tokens) {
    if (t.tokenType.name !== "NumberLiteral") continue;
    const end = t.endOffset! + 1;
    const why = problem(t.image, text.slice(end, end + 3));
    if (!why) continue;
    RUN.lastIndex = end;
    const runEnd = end + (RUN.exec(text)?.[0].length ?? 0);
    const image = text.slice(t.startOffset, runEnd);
    const span = { line: t.startLine!, column: t.startColumn!, length: image.length };
    spans.push(span);
    cut.push([end, runEnd]);
    diagnostics.push(
      diagnosticAt({ file, line: span.line, column: span.column }, SYNTAX.badNumber, `malformed number '${image}'`, {
        hint: why,
        length: span.length,
      }),
    );
  }
  const inside = (offset: number): boolean => cut.some(([a, b]) => offset >= a && offset < b);
  return {
    tokens: cut.length ? tokens.filter((t) => !inside(t.startOffset)) : tokens,
    errors: cut.length ? errors.filter((e) => !inside(e.offset)) : errors,
    diagnostics,
    spans,
  };
}

/** Drop diagnostics that start inside a malformed number (its OPT1006 says it all). */
export function outsideSpans(diags: Diagnostic[], spans: readonly MalformedSpan[]): Diagnostic[] {
  if (!spans.length) return diags;
  return diags.filter(
    (d) => d.code === SYNTAX.badNumber || !spans.some((s) => d.line === s.line && d.column >= s.column && d.column < s.column + s.length),
  );
}
