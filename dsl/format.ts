// Canonical formatting of .optinc files (`optinc fmt`). Deterministic from the syntax tree plus the
// comment tokens, so formatting is idempotent. Rules: two-space indent; keys of consecutive one-line
// entries padded so '=' and '{' align; a block stays on one line when it has no comments or nested
// blocks and fits in 100 columns; single blank lines between entries are kept; every comment is kept,
// comments inside a value move above its entry.
import type { IToken } from "chevrotain";
import { parseDocument } from "yaml";
import type { Entry, SpecAst, Value } from "./ast.ts";
import { diagnosticAt, positionAt, type Diagnostic } from "./diagnostics.ts";
import { specFormat } from "./load.ts";
import { parseOptinc } from "./parse.ts";
import { yamlNesting } from "./nesting.ts";
import { SYNTAX } from "../codes/catalogue.ts";

const WIDTH = 100;
const INDENT = "  ";

export interface FormatResult {
  text?: string;
  diagnostics: Diagnostic[];
}

type Item =
  | { kind: "blank" }
  | { kind: "comment"; text: string }
  | { kind: "entry"; key: string; rest: string; trailing?: string }
  | { kind: "raw"; lines: string[] };

interface Cmt {
  offset: number;
  end: number;
  line: number;
  text: string;
  used: boolean;
}

export function formatValue(v: Value): string {
  if (v.kind === "number") return v.unit ? `${v.text} ${v.unit.text}` : v.text;
  if (v.kind === "word") return v.text;
  return `[${v.items.map(formatValue).join(", ")}]`;
}

class Formatter {
  private readonly comments: Cmt[];
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    comments: IToken[],
    private readonly tokens: IToken[],
  ) {
    this.comments = comments.map((c) => ({
      offset: c.startOffset,
      end: c.startOffset + c.image.length,
      line: c.startLine ?? 1,
      text: c.image.trimEnd(),
      used: false,
    }));
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private blankBetween(a: number, b: number): boolean {
    return a < b && /\n[ \t]*\r?\n/.test(this.text.slice(a, b));
  }

  /** Unused comments starting before `offset`, marked used. */
  private takeBefore(offset: number): Cmt[] {
    const out = this.comments.filter((c) => !c.used && c.offset < offset);
    for (const c of out) c.used = true;
    return out;
  }

  /** The unused comment that ends the source line holding `offset`, after it (and before `limit`). */
  private takeTrailing(offset: number, limit = Infinity): Cmt | undefined {
    const line = this.lineOf(offset);
    const c = this.comments.find((x) => !x.used && x.offset >= offset && x.offset < limit && x.line === line);
    if (c) c.used = true;
    return c;
  }

  private hasCommentsIn(a: number, b: number): boolean {
    return this.comments.some((c) => !c.used && c.offset > a && c.offset < b);
  }

  private tokenAfter(offset: number, image: string): number {
    const t = this.tokens.find((x) => x.startOffset >= offset && x.image === image);
    return t ? t.startOffset : offset;
  }

  private lastToken(image: string): number {
    for (let i = this.tokens.length - 1; i >= 0; i--) if (this.tokens[i]!.image === image) return this.tokens[i]!.startOffset;
    return this.text.length;
  }

  spec(ast: SpecAst): string {
    const out: string[] = [];
    const header: Item[] = [];
    let prevEnd = 0;
    for (const c of this.takeBefore(this.lineStarts[ast.nameLoc.line - 1] ?? 0)) {
      if (header.length && this.blankBetween(prevEnd, c.offset)) header.push({ kind: "blank" });
      header.push({ kind: "comment", text: c.text });
      prevEnd = c.end;
    }
    if (header.length && this.blankBetween(prevEnd, ast.nameLoc.offset)) header.push({ kind: "blank" });
    out.push(...this.render(header, 0));
    const open = this.tokenAfter(ast.nameLoc.offset, "{");
    const close = this.lastToken("}");
    const t = this.takeTrailing(ast.nameLoc.offset, ast.entries[0]?.keyLoc.offset);
    out.push(`aggregator ${ast.name} {${t ? ` ${t.text}` : ""}`);
    out.push(...this.body(ast.entries, 1, open, close));
    const tc = this.takeTrailing(close);
    out.push(`}${tc ? ` ${tc.text}` : ""}`);
    const after: Item[] = [];
    prevEnd = close + 1;
    for (const c of this.takeBefore(Infinity)) {
      if (this.blankBetween(prevEnd, c.offset)) after.push({ kind: "blank" });
      after.push({ kind: "comment", text: c.text });
      prevEnd = c.end;
    }
    out.push(...this.render(after, 0));
    return out.join("\n") + "\n";
  }

  private body(entries: Entry[], depth: number, open: number, close: number): string[] {
    const items: Item[] = [];
    let prevEnd = open + 1;
    const gap = (at: number) => {
      if (items.length && this.blankBetween(prevEnd, at)) items.push({ kind: "blank" });
    };
    entries.forEach((e, idx) => {
      // A trailing comment belongs to the last entry on its line, so it must come before the next one.
      const next = entries[idx + 1]?.keyLoc.offset ?? close;
      for (const c of this.takeBefore(e.keyLoc.offset)) {
        gap(c.offset);
        items.push({ kind: "comment", text: c.text });
        prevEnd = c.end;
      }
      gap(e.keyLoc.offset);
      if (e.kind === "setting") {
        for (const c of this.takeBefore(e.end)) items.push({ kind: "comment", text: c.text });
        const t = this.takeTrailing(e.end, next);
        items.push({ kind: "entry", key: e.key, rest: `= ${formatValue(e.value)}`, trailing: t?.text });
        prevEnd = t?.end ?? e.end;
        return;
      }
      const bOpen = this.tokenAfter(e.keyLoc.offset, "{");
      const bClose = e.end - 1;
      const inline =
        e.entries.every((x) => x.kind === "setting") && !this.hasCommentsIn(e.keyLoc.offset, bClose)
          ? e.entries.length === 0
            ? "{}"
            : `{ ${e.entries.map((x) => `${x.key} = ${formatValue((x as Extract<Entry, { kind: "setting" }>).value)}`).join("  ")} }`
          : undefined;
      if (inline !== undefined && INDENT.length * depth + e.key.length + 1 + inline.length <= WIDTH) {
        const t = this.takeTrailing(bClose, next);
        items.push({ kind: "entry", key: e.key, rest: inline, trailing: t?.text });
        prevEnd = t?.end ?? e.end;
        return;
      }
      const pad = INDENT.repeat(depth);
      const to = this.takeTrailing(bOpen, e.entries[0]?.keyLoc.offset);
      const lines = [`${pad}${e.key} {${to ? ` ${to.text}` : ""}`, ...this.body(e.entries, depth + 1, bOpen, bClose)];
      const tc = this.takeTrailing(bClose, next);
      lines.push(`${pad}}${tc ? ` ${tc.text}` : ""}`);
      items.push({ kind: "raw", lines });
      prevEnd = tc?.end ?? e.end;
    });
    for (const c of this.takeBefore(close)) {
      gap(c.offset);
      items.push({ kind: "comment", text: c.text });
      prevEnd = c.end;
    }
    return this.render(items, depth);
  }

  /** Lay out items; runs of one-line entries get aligned keys and aligned trailing comments. */
  private render(items: Item[], depth: number): string[] {
    const pad = INDENT.repeat(depth);
    const out: string[] = [];
    for (let i = 0; i < items.length; ) {
      const it = items[i]!;
      if (it.kind !== "entry") {
        if (it.kind === "blank") out.push("");
        else if (it.kind === "comment") out.push(pad + it.text);
        else out.push(...it.lines);
        i++;
        continue;
      }
      let j = i;
      while (j < items.length && items[j]!.kind === "entry") j++;
      const run = items.slice(i, j) as Extract<Item, { kind: "entry" }>[];
      const keyW = Math.max(...run.map((r) => r.key.length));
      const bodies = run.map((r) => `${pad}${r.key.padEnd(keyW)} ${r.rest}`);
      const withC = bodies.filter((_, k) => run[k]!.trailing);
      const cCol = withC.length ? Math.max(...withC.map((b) => b.length)) + 2 : 0;
      run.forEach((r, k) => out.push(r.trailing ? `${bodies[k]!.padEnd(cCol)}${r.trailing}` : bodies[k]!));
      i = j;
    }
    return out;
  }
}

export function formatOptinc(file: string, text: string): FormatResult {
  const p = parseOptinc(file, text);
  if (p.diagnostics.length || !p.ast) return { diagnostics: p.diagnostics };
  return { text: new Formatter(text, p.comments, p.tokens).spec(p.ast), diagnostics: [] };
}

/** YAML specs are normalised by the yaml package (comments kept); only syntax errors stop it. */
export function formatYamlSpec(file: string, text: string): FormatResult {
  const deep = yamlNesting(file, text);
  if (deep) return { diagnostics: [deep] };
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) {
    return {
      diagnostics: doc.errors
        .slice(0, 1)
        .map((e) => diagnosticAt({ file, ...positionAt(text, e.pos[0]) }, SYNTAX.yamlSyntax, e.message.split("\n")[0]!)),
    };
  }
  return { text: doc.toString({ lineWidth: 0 }), diagnostics: [] };
}

export function formatSpec(file: string, text: string): FormatResult {
  return specFormat(file) === "yaml" ? formatYamlSpec(file, text) : formatOptinc(file, text);
}
