// The YAML front end: the same SpecAst as .optinc, with every location at YAML line:col.
// Keys mirror the DSL names; `aggregator: <name>` names the spec; scalars such as "800 Gb/s" are read
// with the .optinc value grammar, so units, lists and names mean exactly the same in both forms.
import type { IToken } from "chevrotain";
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Pair, type Scalar } from "yaml";
import { yamlNesting } from "./nesting.ts";
import type { Entry, Loc, SpecAst, Value } from "./ast.ts";
import { diagnosticAt, type Diagnostic } from "./diagnostics.ts";
import { lexHint, syntaxDiagnostic } from "./parse.ts";
import { specParser } from "./parser.ts";
import { toAst } from "./to-ast.ts";
import { specLexer } from "./tokens.ts";
import { SPEC, SYNTAX } from "../codes/catalogue.ts";

export interface YamlParseResult {
  ast?: SpecAst;
  diagnostics: Diagnostic[];
}

class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  private doc: Document | undefined;
  /** yaml's LineCounter is fed by its lexer and misses newlines inside multi-line plain scalars, so
   * positions are computed from the text itself (only "\n" ends a line, as in the .optinc lexer). */
  private readonly lineStarts: number[] = [0];
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  loc(offset: number, length = 1): Loc {
    const off = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: off - this.lineStarts[lo]! + 1, offset: off, length: Math.max(1, length) };
  }

  error(code: string, offset: number, message: string, hint?: string, length = 1): void {
    const l = this.loc(offset, length);
    this.diagnostics.push(diagnosticAt({ file: this.file, line: l.line, column: l.column }, code, message, { hint, length: l.length }));
  }

  parse(): SpecAst | undefined {
    const doc = parseDocument(this.text, { uniqueKeys: false, prettyErrors: false });
    this.doc = doc;
    // After the first YAML syntax error the rest of the stream is mostly follow-on noise: report one.
    const first = doc.errors[0];
    if (first) {
      const more = doc.errors.length - 1;
      this.error(
        SYNTAX.yamlSyntax,
        first.pos[0],
        first.message.split("\n")[0]!,
        `check the indentation and the ':' after each key${more ? ` (${more} more YAML error${more === 1 ? "" : "s"} may follow from this one)` : ""}`,
      );
      return undefined;
    }
    const root = doc.contents;
    if (!isMap(root)) {
      this.error(
        SYNTAX.yamlShape,
        (root as YamlNode | null)?.range?.[0] ?? 0,
        "a YAML spec is a mapping of settings",
        "start with `aggregator: <name>`, then one `key: value` per line",
      );
      return undefined;
    }
    let name = "";
    let nameLoc = this.loc(0);
    let sawName = false;
    const entries: Entry[] = [];
    for (const pair of root.items) {
      const key = this.key(pair);
      if (!key) continue;
      if (key.text === "aggregator") {
        sawName = true;
        if (isScalar(pair.value) && typeof pair.value.value === "string") {
          name = pair.value.value;
          nameLoc = this.loc(pair.value.range![0], name.length);
        } else
          this.error(SYNTAX.yamlShape, pair.value?.range?.[0] ?? key.loc.offset, "aggregator must be a name", "e.g. aggregator: paper_4x8");
        continue;
      }
      const e = this.entry(pair, key);
      if (e) entries.push(e);
    }
    if (!sawName)
      this.error(SPEC.missingEntry, 0, "the YAML spec has no `aggregator: <name>` entry", "add `aggregator: <name>` as the first line");
    return { name, nameLoc, entries };
  }

  key(pair: Pair): { text: string; loc: Loc } | undefined {
    const k = pair.key;
    if (isScalar(k) && typeof k.value === "string" && k.range) return { text: k.value, loc: this.loc(k.range[0], k.value.length) };
    const off = (k as YamlNode | null)?.range?.[0] ?? 0;
    this.error(SYNTAX.yamlShape, off, "keys must be plain option names");
    return undefined;
  }

  /** Follow an alias (*name) to its anchored node; positions then point at the anchor's value. */
  deref(v: unknown): YamlNode | null {
    if (isAlias(v) && this.doc) return (v.resolve(this.doc) as YamlNode | undefined) ?? null;
    return (v as YamlNode | null) ?? null;
  }

  entry(pair: Pair, key: { text: string; loc: Loc }): Entry | undefined {
    const v = this.deref(pair.value);
    const end = v?.range?.[1] ?? key.loc.offset + key.loc.length;
    if (isMap(v)) {
      const entries: Entry[] = [];
      for (const p of v.items) {
        if (!isPair(p)) continue;
        const k = this.key(p);
        const e = k && this.entry(p, k);
        if (e) entries.push(e);
      }
      return { kind: "block", key: key.text, keyLoc: key.loc, entries, end };
    }
    const value = this.value(v, key);
    return value ? { kind: "setting", key: key.text, keyLoc: key.loc, value, end } : undefined;
  }

  value(node: YamlNode | null, key: { text: string; loc: Loc }): Value | undefined {
    const v = this.deref(node);
    if (isSeq(v)) {
      const items: Value[] = [];
      for (const it of v.items) {
        const x = this.value(it as YamlNode, key);
        if (!x) return undefined;
        if (x.kind === "list") {
          this.error(SYNTAX.yamlShape, x.loc.offset, `${key.text}: lists cannot be nested`);
          return undefined;
        }
        items.push(x);
      }
      const r = v.range!;
      return { kind: "list", items, loc: this.loc(r[0], r[1] - r[0]) };
    }
    if (isScalar(v) && v.range && v.value !== null) return this.scalar(v, key);
    const off = v?.range?.[0] ?? key.loc.offset;
    this.error(
      SYNTAX.yamlShape,
      off,
      `${key.text} has no value`,
      "write a value after the ':' (numbers with units may be quoted: \"800 Gb/s\")",
    );
    return undefined;
  }

  /** Read a scalar with the .optinc value grammar, shifting token positions into the YAML file. */
  scalar(s: Scalar, key: { text: string; loc: Loc }): Value | undefined {
    const plain = s.type === "PLAIN";
    const src = plain && typeof s.source === "string" ? s.source : String(s.value);
    const base = s.range![0] + (plain ? 0 : 1);
    if (src.trim() === "") {
      this.error(SYNTAX.yamlShape, base, `${key.text} has an empty value`);
      return undefined;
    }
    const lexed = specLexer().tokenize(src);
    let ok = true;
    for (const e of lexed.errors) {
      const bad = src.substr(e.offset, e.length);
      this.error(
        SYNTAX.unexpectedCharacter,
        base + e.offset,
        `unexpected character${e.length > 1 ? "s" : ""} '${bad}'`,
        lexHint(bad),
        e.length,
      );
      ok = false;
    }
    const tokens = lexed.tokens.map((t) => this.shift(t, base));
    specParser().input = tokens;
    const cst = specParser().value();
    for (const e of specParser().errors) {
      const d = syntaxDiagnostic(this.file, this.text, e);
      if (d.code === SYNTAX.trailingText)
        d.message = d.message.replace("after the end of the aggregator", `after the value of ${key.text}`);
      this.diagnostics.push(d);
      ok = false;
    }
    return ok ? (toAst().visit(cst) as Value | undefined) : undefined;
  }

  shift(t: IToken, base: number): IToken {
    const start = this.loc(base + t.startOffset);
    const endOff = base + (t.endOffset ?? t.startOffset);
    const end = this.loc(endOff);
    return {
      ...t,
      startOffset: base + t.startOffset,
      endOffset: endOff,
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
  }
}

export function parseYamlSpec(file: string, text: string): YamlParseResult {
  const deep = yamlNesting(file, text);
  if (deep) return { diagnostics: [deep] };
  const r = new YamlReader(file, text);
  const ast = r.parse();
  return { ast, diagnostics: r.diagnostics };
}
