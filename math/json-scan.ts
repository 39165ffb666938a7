// Looking into JSON text without building the document: array sizes (a hostile 20 MB file of
// 10⁷ zeros must be refused before JSON.parse turns it into gigabytes of objects and diagnostics)
// and one top-level string field (the circuit a file names). One linear pass, constant memory
// besides the nesting stack. The text is assumed to be what JSON.parse will be given; on text that
// is not JSON the scan stops early or finds nothing, and the parser reports the syntax error.

export interface ArrayLimits {
  /** Most elements of one array. */
  perArray: number;
  /** Most elements of all arrays together. */
  total: number;
}

export interface ArrayOverLimit {
  /** Offset of the array's `[` (for line:col). */
  offset: number;
  /** Elements counted when the limit was passed. */
  count: number;
  /** Which limit: one array's, or all arrays' together. */
  limit: "perArray" | "total";
}

/**
 * The limits of every measurement, die, protocol and readings file (docs/reference/cli.md §9): a
 * readings file of paper-4x8's divide0 cell, all 14 rounds, holds 13182 array elements, its longest
 * array 520.
 */
export const INPUT_ARRAY_LIMITS: ArrayLimits = { perArray: 100_000, total: 500_000 };

/**
 * The limits of the files optinc emits and reads back (netlist, chip, report, phase-table and drive
 * files): ten times the measurement files', since a trained mesh's phase table lists 16,323 elements
 * (paper-4x8-trained); the quick start's largest array in any of them holds 299 elements. A file
 * within them parses in bounded memory (10⁶ numbers are about 8 MB once built); a 20 MB netlist
 * holding an array of 10⁷ zeros under some key took 3.3 s and 347 MB to accept before.
 */
export const ARTIFACT_ARRAY_LIMITS: ArrayLimits = { perArray: 1_000_000, total: 5_000_000 };

/** The message of an array over its limit. */
export function overLimitMessage(hit: ArrayOverLimit, limits: ArrayLimits = INPUT_ARRAY_LIMITS): string {
  return hit.limit === "perArray"
    ? `an array of more than ${limits.perArray} elements (the limit of one array; refused before it is read)`
    : `more than ${limits.total} array elements in all (the limit of one file; refused before it is read)`;
}

/** Offset just past the string that opens at `i` (text[i] === '"'). */
function skipString(text: string, i: number): number {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x5c) k++;
    else if (c === 0x22) return k + 1;
  }
  return text.length;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The first array that passes a limit, or null. */
export function arrayOverLimit(text: string, limits: ArrayLimits): ArrayOverLimit | null {
  // One frame per open bracket: arrays count their elements, objects are -1.
  const counts: number[] = [];
  const starts: number[] = [];
  let total = 0;
  const value = (): ArrayOverLimit | null => {
    const top = counts.length - 1;
    if (top >= 0 && counts[top] === 0) {
      counts[top] = 1;
      total++;
      if (total > limits.total) return { offset: starts[top]!, count: 1, limit: "total" };
    }
    return null;
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === 0x3a) {
      i++;
      continue;
    }
    if (c === 0x22) {
      const hit = value();
      if (hit) return hit;
      i = skipString(text, i);
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      const hit = value();
      if (hit) return hit;
      counts.push(c === 0x5b ? 0 : -1);
      starts.push(i);
      i++;
      continue;
    }
    if (c === 0x5d || c === 0x7d) {
      counts.pop();
      starts.pop();
      i++;
      continue;
    }
    if (c === 0x2c) {
      const top = counts.length - 1;
      if (top >= 0 && counts[top]! > 0) {
        counts[top]!++;
        total++;
        if (counts[top]! > limits.perArray) return { offset: starts[top]!, count: counts[top]!, limit: "perArray" };
        if (total > limits.total) return { offset: starts[top]!, count: counts[top]!, limit: "total" };
      }
      i++;
      continue;
    }
    // A number or a literal: one value, then skip to the next delimiter.
    const hit = value();
    if (hit) return hit;
    while (i < text.length && !isSpace(text.charCodeAt(i)) && !",]}:".includes(text[i]!)) i++;
  }
  return null;
}

/** The string value of a top-level key of a JSON object (undefined when absent or not a string). */
export function topLevelString(text: string, key: string): string | undefined {
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      depth++;
      expectKey = depth === 1 && c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      i++;
    } else if (c === 0x2c) {
      expectKey = depth === 1;
      i++;
    } else if (c === 0x22) {
      const end = skipString(text, i);
      if (expectKey) {
        expectKey = false;
        let k = end;
        while (k < text.length && (isSpace(text.charCodeAt(k)) || text[k] === ":")) k++;
        let name: unknown;
        try {
          name = JSON.parse(text.slice(i, end));
        } catch {
          return undefined;
        }
        if (name === key) {
          if (text[k] !== '"') return undefined;
          try {
            return JSON.parse(text.slice(k, skipString(text, k))) as string;
          } catch {
            return undefined;
          }
        }
      }
      i = end;
    } else i++;
  }
  return undefined;
}

/** Offset just past a JSON string opening at `i`, or the offset and reason of its first error. */
function checkString(text: string, i: number): { end: number } | { offset: number; reason: string } {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x22) return { end: k + 1 };
    if (c < 0x20) return { offset: k, reason: "a control character inside a string (end the string on its line)" };
    if (c === 0x5c) {
      const e = text[k + 1];
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(k + 2, k + 6))) return { offset: k, reason: "a \\u escape needs four hex digits" };
        k += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) k++;
      else return { offset: k, reason: e === undefined ? "the file ends inside a string (truncated?)" : `bad escape \\${e}` };
    }
  }
  return { offset: text.length, reason: "the file ends inside a string (truncated?)" };
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WORD = /[A-Za-z_$][\w$]*|-?Infinity/y;

/**
 * Where JSON.parse fails on `text`, found without V8's help (it names no position for a truncated
 * file, a NaN, or a byte order mark): the offset of the offending token and why; null for valid JSON.
 */
export function jsonSyntaxError(text: string): { offset: number; reason: string } | null {
  const n = text.length;
  const stack: number[] = []; // 0x5b for an array, 0x7b for an object
  let i = 0;
  let state: "value" | "key" | "after" = "value";
  const ws = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const at = (reason: string) => ({ offset: Math.min(i, n), reason });
  const end = () => at(n === 0 ? "the file is empty" : "the file ends too early (truncated?)");
  for (;;) {
    ws();
    if (state === "after" && stack.length === 0) return i < n ? at("text after the end of the JSON document") : null;
    if (i >= n) return end();
    const ch = text[i]!;
    if (state === "value") {
      if (ch === "{" || ch === "[") {
        i++;
        ws();
        if (text[i] === (ch === "{" ? "}" : "]")) {
          i++;
          state = "after";
        } else {
          stack.push(ch.charCodeAt(0));
          state = ch === "{" ? "key" : "value";
        }
      } else if (ch === '"') {
        const s = checkString(text, i);
        if ("offset" in s) return s;
        i = s.end;
        state = "after";
      } else {
        NUMBER.lastIndex = i;
        WORD.lastIndex = i;
        const num = NUMBER.exec(text);
        const word = num ? null : WORD.exec(text);
        if (num) i += num[0].length;
        else if (word && ["true", "false", "null"].includes(word[0])) i += word[0].length;
        else if (word && /^-?(NaN|Infinity)$/.test(word[0])) return at(`${word[0]} is not JSON`);
        else if (ch === "\ufeff") return at("a byte order mark (U+FEFF) is not JSON");
        else return at(word ? `unexpected word '${word[0].slice(0, 20)}'` : `unexpected character ${JSON.stringify(ch)}`);
        state = "after";
      }
    } else if (state === "key") {
      if (ch !== '"') return at(ch === "}" ? "a comma before '}'" : "expected a quoted key");
      const s = checkString(text, i);
      if ("offset" in s) return s;
      i = s.end;
      ws();
      if (i >= n) return end();
      if (text[i] !== ":") return at("expected ':' after the key");
      i++;
      state = "value";
    } else {
      const top = stack[stack.length - 1]!;
      if (ch === ",") {
        i++;
        state = top === 0x7b ? "key" : "value";
      } else if (ch.charCodeAt(0) === top + 2) {
        stack.pop();
        i++;
      } else return at(top === 0x7b ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}
