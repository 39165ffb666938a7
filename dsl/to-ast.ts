// CST → SpecAst. Recovered CST nodes may miss children, so every access is defensive; a setting
// whose key or value was lost in recovery is dropped (its syntax error has already been reported).
import type { CstNode, IToken } from "chevrotain";
import type { Entry, ListValue, Loc, NumberValue, SpecAst, Value } from "./ast.ts";
import type { EntryCstChildren, ListCstChildren, NumberCstChildren, SpecCstChildren, ValueCstChildren } from "./cst-types.ts";
import { specParser } from "./parser.ts";

/** After error recovery any child may be missing, whatever the generated types say. */
type Recovered<T> = { [K in keyof T]?: T[K] };

export function tokenLoc(t: IToken): Loc {
  return { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset, length: t.image.length };
}

function real(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset) && t.image !== "";
}

function spanLoc(first: Loc, lastEndExclusive: number): Loc {
  return { ...first, length: Math.max(1, lastEndExclusive - first.offset) };
}

function endOf(v: Value): number {
  if (v.kind === "number" && v.unit) return v.unit.loc.offset + v.unit.loc.length;
  return v.loc.offset + v.loc.length;
}

/** Parse the digits of a number literal; underscores group digits. */
export function numberOf(text: string): number {
  return Number(text.replace(/_/g, ""));
}

/** Join unit tokens as written, normalised: words separated by one space, no spaces around '/'. */
export function unitText(tokens: IToken[]): string {
  let s = "";
  let prevWord = false;
  for (const t of tokens) {
    if (t.image === "/") {
      s += "/";
      prevWord = false;
    } else {
      s += (prevWord ? " " : "") + t.image;
      prevWord = true;
    }
  }
  return s;
}

/** The CST visitor, built on first use: it extends the parser's base visitor class. */
function makeToAst() {
  const BaseVisitor = specParser().getBaseCstVisitorConstructor();
  class ToAst extends BaseVisitor {
    constructor() {
      super();
      this.validateVisitor();
    }

    spec(ctx: Recovered<SpecCstChildren>): SpecAst | undefined {
      const name = ctx.name?.[0];
      const agg = ctx.Aggregator?.[0];
      const anchor = real(name) ? name : real(agg) ? agg : undefined;
      return {
        name: real(name) ? name.image : "",
        nameLoc: anchor ? tokenLoc(anchor) : { line: 1, column: 1, offset: 0, length: 1 },
        entries: this.entries(ctx.entry),
      };
    }

    entries(nodes: CstNode[] | undefined): Entry[] {
      const out: Entry[] = [];
      for (const n of nodes ?? []) {
        const e = this.visit(n) as Entry | undefined;
        if (e) out.push(e);
      }
      return out;
    }

    entry(ctx: Recovered<EntryCstChildren>): Entry | undefined {
      const key = ctx.key?.[0];
      if (!real(key)) return undefined;
      const keyLoc = tokenLoc(key);
      const blockNode = ctx.block?.[0];
      if (blockNode) {
        const b = blockNode.children as Recovered<typeof blockNode.children>;
        const r = b.RCurly?.[0];
        const entries = this.entries(b.entry);
        const lastEnd = entries.length ? entries[entries.length - 1]!.end : keyLoc.offset + keyLoc.length;
        const end = real(r) ? r.endOffset! + 1 : lastEnd;
        return { kind: "block", key: key.image, keyLoc, entries, end };
      }
      const valueNode = ctx.value?.[0];
      const value = valueNode ? (this.visit(valueNode) as Value | undefined) : undefined;
      if (!value) return undefined;
      return { kind: "setting", key: key.image, keyLoc, value, end: endOf(value) };
    }

    block(): undefined {
      return undefined; // handled inline by entry()
    }

    value(ctx: Recovered<ValueCstChildren>): Value | undefined {
      const n = ctx.number?.[0];
      if (n) return this.visit(n) as Value | undefined;
      const l = ctx.list?.[0];
      if (l) return this.visit(l) as Value | undefined;
      const w = ctx.word?.[0];
      if (real(w)) return { kind: "word", text: w.image, loc: tokenLoc(w) };
      return undefined;
    }

    number(ctx: Recovered<NumberCstChildren>): NumberValue | undefined {
      const lit = ctx.NumberLiteral?.[0];
      if (!real(lit)) return undefined;
      const v: NumberValue = { kind: "number", text: lit.image, value: numberOf(lit.image), loc: tokenLoc(lit) };
      const units = (ctx.unit ?? []).filter(real).sort((a, b) => a.startOffset - b.startOffset);
      if (units.length) {
        const first = tokenLoc(units[0]!);
        const last = units[units.length - 1]!;
        v.unit = { text: unitText(units), loc: spanLoc(first, last.endOffset! + 1) };
      }
      return v;
    }

    list(ctx: Recovered<ListCstChildren>): ListValue | undefined {
      const lb = ctx.LBracket?.[0];
      if (!real(lb)) return undefined;
      const items: Value[] = [];
      for (const n of ctx.value ?? []) {
        const v = this.visit(n) as Value | undefined;
        if (v) items.push(v);
      }
      const rb = ctx.RBracket?.[0];
      const end = real(rb) ? rb.endOffset! + 1 : items.length ? endOf(items[items.length - 1]!) : lb.endOffset! + 1;
      return { kind: "list", items, loc: spanLoc(tokenLoc(lb), end) };
    }
  }
  return new ToAst();
}

let visitor: ReturnType<typeof makeToAst> | undefined;
export function toAst(): ReturnType<typeof makeToAst> {
  visitor ??= makeToAst();
  return visitor;
}
