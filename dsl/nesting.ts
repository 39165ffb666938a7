// Nesting caps, checked before any recursive parser runs: a spec needs three levels (aggregator,
// block, list), and thousands would overflow the parsers' and visitors' stacks. Both scans are
// linear in the text. The YAML estimate counts indentation levels, compact "- " items and flow
// brackets; it can only over-count, which matters near NESTING_MAX, far above any real spec.
import type { IToken } from "chevrotain";
import { diagnosticAt, positionAt, type Diagnostic } from "./diagnostics.ts";
import { NESTING_MAX } from "./limits.ts";
import { SYNTAX } from "../codes/catalogue.ts";

function tooDeep(file: string, line: number, column: number): Diagnostic {
  return diagnosticAt({ file, line, column }, SYNTAX.tooDeep, `nesting deeper than ${NESTING_MAX} levels`, {
    hint: "a spec nests at most a block inside the aggregator and a list inside a setting; remove the extra braces or brackets",
  });
}

/** .optinc tokens: the first '{' or '[' opened beyond NESTING_MAX levels. */
export function optincNesting(file: string, tokens: readonly IToken[]): Diagnostic | null {
  let depth = 0;
  for (const t of tokens) {
    const c = t.image;
    if (c === "{" || c === "[") {
      if (++depth > NESTING_MAX) return tooDeep(file, t.startLine ?? 1, t.startColumn ?? 1);
    } else if (c === "}" || c === "]") depth = Math.max(0, depth - 1);
  }
  return null;
}

/** YAML text: an estimate of the deepest nesting (block indentation + compact items + flow). */
export function yamlNesting(file: string, text: string): Diagnostic | null {
  const indents: number[] = [];
  let flow = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let end = text.indexOf("\n", lineStart);
    if (end < 0) end = text.length;
    let i = lineStart;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const blank = i >= end || text[i] === "#" || text[i] === "\r";
    if (!blank && flow === 0) {
      const indent = i - lineStart;
      while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // "- - - x": every compact sequence item opens one more level.
      while (text[i] === "-" && (text[i + 1] === " " || i + 1 === end)) {
        indents.push(i - lineStart + 1);
        i += 2;
        while (i < end && text.charCodeAt(i) === 32) i++;
      }
    }
    let quote = "";
    for (let k = i; k < end; k++) {
      const ch = text[k]!;
      if (quote) {
        if (ch === quote) quote = "";
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === "#" && (k === lineStart || text[k - 1] === " ")) break;
      else if (ch === "[" || ch === "{") flow++;
      else if (ch === "]" || ch === "}") flow = Math.max(0, flow - 1);
      if (indents.length + flow > NESTING_MAX) {
        const { line, column } = positionAt(text, k);
        return tooDeep(file, line, column);
      }
    }
    if (indents.length > NESTING_MAX) {
      const { line, column } = positionAt(text, i);
      return tooDeep(file, line, column);
    }
    lineStart = end + 1;
  }
  return null;
}
