// Where a character offset sits in a text: the one line:col helper behind every file:line:col
// message (specs, netlists, phase tables, matrices).
import { jsonSyntaxError } from "./json-scan.ts";

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/**
 * Where a JSON.parse error points: V8 names the character offset ("… in JSON at position 12");
 * without one, `fallback` (the start or the end of the text). `reason` is the message without the
 * position, for messages that give line:col themselves.
 */
export function jsonErrorAt(
  text: string,
  error: unknown,
  fallback: "start" | "end" = "end",
): { line: number; col: number; message: string; reason: string } {
  const message = error instanceof Error ? error.message : String(error);
  // Our own scan first: V8 names no position for a truncated file, a NaN or a byte order mark.
  const found = jsonSyntaxError(text);
  if (found) {
    const { line, col } = lineCol(text, found.offset);
    return { line, col, message: found.reason, reason: found.reason };
  }
  const m = /position (\d+)/.exec(message);
  const { line, col } = lineCol(text, m ? Number(m[1]) : fallback === "start" ? 0 : text.length);
  return { line, col, message, reason: message.replace(/\s*in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "") };
}
