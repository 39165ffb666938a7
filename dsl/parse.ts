// Text → SpecAst for .optinc files, turning lexer and parser errors into OPT1xxx diagnostics.
import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import type { SpecAst } from "./ast.ts";
import { diagnosticAt, type Diagnostic } from "./diagnostics.ts";
import { specParser, TooManySyntaxErrors } from "./parser.ts";
import { toAst } from "./to-ast.ts";
import { specLexer } from "./tokens.ts";
import { optincNesting } from "./nesting.ts";
import { SYNTAX } from "../codes/catalogue.ts";
import { malformedNumbers, type MalformedSpan } from "./malformed-number.ts";

export interface ParseResult {
  ast?: SpecAst;
  diagnostics: Diagnostic[];
  /** Comment tokens in source order (for fmt). */
  comments: IToken[];
  /** Non-comment tokens in source order (for fmt). */
  tokens: IToken[];
  /** Malformed numbers (OPT1006): the checks stay silent there. */
  malformed?: MalformedSpan[];
}

export function parseOptinc(file: string, text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  // A UTF-8 byte-order mark (some Windows editors) is read as a space so offsets and columns stay put.
  const raw = specLexer().tokenize(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
  const bad = malformedNumbers(file, text, raw.tokens, raw.errors);
  const lexed = { ...raw, tokens: bad.tokens, errors: bad.errors };
  diagnostics.push(...bad.diagnostics);
  for (const e of lexed.errors) {
    const bad = text.substr(e.offset, e.length);
    diagnostics.push(
      diagnosticAt(
        { file, line: e.line ?? 1, column: e.column ?? 1 },
        SYNTAX.unexpectedCharacter,
        `unexpected character${e.length > 1 ? "s" : ""} '${bad}'`,
        {
          hint: lexHint(bad),
          length: e.length,
        },
      ),
    );
  }
  const deep = optincNesting(file, lexed.tokens);
  if (deep) return { diagnostics: [...diagnostics, deep], comments: [], tokens: lexed.tokens };
  specParser().input = lexed.tokens;
  let cst;
  try {
    cst = specParser().spec();
  } catch (e) {
    if (!(e instanceof TooManySyntaxErrors)) throw e;
    // Hundreds of syntax errors: report those found, check nothing (the rest is garbage too).
    return {
      diagnostics: dedupe([...diagnostics, ...specParser().errors.map((x) => syntaxDiagnostic(file, text, x))]),
      comments: [],
      tokens: lexed.tokens,
    };
  }
  let syntax = specParser().errors.map((e) => syntaxDiagnostic(file, text, e));
  // Without `aggregator <name> {` first, everything after is misparsed: one clear error is better.
  if (syntax[0]?.message.startsWith("expected 'aggregator'")) syntax = [syntax[0]];
  diagnostics.push(
    ...syntax.map((d) => (d.message === "expected '}' but found the end of the file" ? explainUnclosed(d, lexed.tokens) : d)),
  );
  const ast = cst ? (toAst().visit(cst) as SpecAst | undefined) : undefined;
  return {
    ast,
    diagnostics: dedupe(diagnostics),
    comments: (lexed.groups.comments ?? []) as IToken[],
    tokens: lexed.tokens,
    malformed: bad.spans,
  };
}

export function lexHint(bad: string): string {
  if (/^[;]/.test(bad)) return "settings need no terminator; remove the ';'";
  if (/^["']/.test(bad)) return "names and choices are written without quotes, e.g. encoding = offset-binary";
  if (/\p{Nd}/u.test(bad)) return "numbers are written with ASCII digits 0-9";
  return "remove it; comments start with '#' or '//'";
}

const CODE_BY_EXCEPTION: Record<string, string> = {
  MismatchedTokenException: SYNTAX.expectedToken,
  NoViableAltException: SYNTAX.unexpectedToken,
  NotAllInputParsedException: SYNTAX.trailingText,
  // EarlyExitException (an AT_LEAST_ONE rule with nothing) cannot arise: no rule of the grammar
  // requires an item, so its code OPT1005 is retired (codes/catalogue.ts RETIRED).
};

function isEofLike(t: IToken | undefined): boolean {
  return !t || t.tokenType === EOF || !Number.isFinite(t.startLine ?? NaN);
}

export function syntaxDiagnostic(file: string, text: string, e: IRecognitionException): Diagnostic {
  const code = CODE_BY_EXCEPTION[e.name] ?? SYNTAX.unexpectedToken;
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const tok = e.token;
  let line: number;
  let column: number;
  let length = 1;
  // At EOF, or when the offending token starts a later line, point just after the previous token:
  // that is where the missing '}' / value belongs.
  const prevReal = prev !== undefined && !isEofLike(prev) && !prev.isInsertedInRecovery;
  const prevLine = prev?.endLine ?? prev?.startLine ?? 1;
  if (prevReal && (isEofLike(tok) || tok.startLine !== prevLine)) {
    line = prevLine;
    column = (prev.endColumn ?? prev.startColumn ?? 0) + 1;
  } else if (!isEofLike(tok)) {
    line = tok.startLine!;
    column = tok.startColumn!;
    length = Math.max(1, tok.image.length);
  } else {
    // Empty file or nothing usable: point at the end of the text.
    const lines = text.split(/\r?\n/);
    line = lines.length;
    column = (lines[lines.length - 1] ?? "").length + 1;
  }
  return diagnosticAt({ file, line, column }, code, e.message, { hint: syntaxHint(e, code), length });
}

function syntaxHint(e: IRecognitionException, code: string): string {
  const m = e.message;
  if (m.includes("found ':'")) return "settings use '=' in .optinc files (':' is the YAML form)";
  if (code === SYNTAX.trailingText) return "a file declares one aggregator; move these lines inside its braces";
  if (m.startsWith("expected '}'") && m.endsWith("end of the file")) return "a '{' is not closed; add the missing '}'";
  if (m.startsWith("expected 'aggregator")) return "a spec starts with `aggregator <name> {` and ends with `}`";
  if (m.startsWith("expected '=' or '{'")) return "write `name = value` for a setting or `name { ... }` for a block";
  if (m.startsWith("expected a value")) return "e.g. `workers = 4`, `bandwidth = 800 Gb/s`, `mesh = clements`, `hidden = [64, 32]`";
  if (m.startsWith("expected ']'") || m.startsWith("expected a value or ']'"))
    return "separate list items with ',' and close the list with ']'";
  if (m.startsWith("expected '}'")) return "each line inside a block is `name = value` or `name { ... }`";
  return "check the punctuation near this point";
}

/**
 * An unclosed nested block is only noticed at the end of the file, after the block has swallowed the
 * following entries and the aggregator's '}'. Indentation tells where it most likely ends: the first line
 * inside it that is indented no deeper than the line that opened it. Move the error there.
 */
function explainUnclosed(d: Diagnostic, tokens: IToken[]): Diagnostic {
  const stack: { key: string; line: number; column: number; indent: number }[] = [];
  const indentOf = new Map<number, number>();
  for (const t of tokens) if (!indentOf.has(t.startLine!)) indentOf.set(t.startLine!, t.startColumn!);
  let prev: IToken | undefined;
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    const firstOnLine = !prev || (prev.endLine ?? prev.startLine!) < t.startLine!;
    if (firstOnLine && top && stack.length >= 2 && t.startLine! > top.line && t.image !== "}" && t.startColumn! <= top.indent && prev) {
      return {
        ...d,
        line: prev.endLine ?? prev.startLine!,
        column: (prev.endColumn ?? prev.startColumn!) + 1,
        length: 1,
        message: `expected '}' to close the ${top.key} block opened on line ${top.line}`,
        hint: `line ${t.startLine} is not indented inside ${top.key} { ... }, so the block probably ends before it; add '}'`,
      };
    }
    if (t.image === "{")
      stack.push({ key: prev?.image ?? "", line: t.startLine!, column: t.startColumn!, indent: indentOf.get(t.startLine!) ?? 1 });
    else if (t.image === "}") stack.pop();
    prev = t;
  }
  return d;
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const k = `${d.line}:${d.column}:${d.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
