// Phase tables too large for one JavaScript string (V8 caps strings at about 512 MB; a
// 2000×2000 decompose writes gigabytes): written from the writers' chunk generators through a
// buffer, and read back line by line. The reader relies on the canonical layout the writer emits
// (one element per line inside `"elements": [`, steps opening with a 4-space `{` line); the rest
// of the file goes through parsePhaseTable, so every non-element field is validated as usual.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import type { LinearElement, PhaseStage, PhaseTable } from "../ir.ts";
import { parsePhaseTable, PhaseTableError } from "./phase-table-parse.ts";

const BUFFER = 1 << 22;

/** Write the chunks to `path` (created or truncated) in writes of about 4 MB. */
export function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, "w");
  try {
    let parts: string[] = [];
    let size = 0;
    const flush = (): void => {
      if (parts.length) writeSync(fd, parts.join(""));
      parts = [];
      size = 0;
    };
    for (const c of chunks) {
      parts.push(c);
      size += c.length;
      if (size >= BUFFER) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/** The lines of a UTF-8 file, without their '\n', read in 4 MB blocks. */
export function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(BUFFER);
    const dec = new TextDecoder("utf-8", { fatal: true });
    let rest = "";
    for (let n = readSync(fd, buf, 0, BUFFER, null); n > 0; n = readSync(fd, buf, 0, BUFFER, null)) {
      const lines = (rest + dec.decode(buf.subarray(0, n), { stream: true })).split("\n");
      rest = lines.pop()!;
      yield* lines;
    }
    rest += dec.decode();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Read a `*.phases.json` written by writeChunks(phaseTableJsonChunks(…)), element lines streamed. */
export function readPhaseTableFile(path: string, file = path): PhaseTable {
  const skeleton: string[] = [];
  const elements = new Map<number, LinearElement[]>();
  let step = -1;
  let current: LinearElement[] | null = null;
  let lineNo = 0;
  for (const line of fileLines(path)) {
    lineNo++;
    if (current) {
      if (line.trimStart().startsWith("]")) {
        current = null;
        skeleton.push(line);
        continue;
      }
      const text = line.endsWith(",") ? line.slice(0, -1) : line;
      try {
        current.push(JSON.parse(text) as LinearElement);
      } catch (e) {
        throw new PhaseTableError(`element line is not JSON: ${(e as Error).message}`, file, lineNo, 1);
      }
      skeleton.push(""); // keeps the skeleton's line numbers equal to the file's
      continue;
    }
    if (line === "    {") step++;
    if (line.endsWith('"elements": [')) {
      current = [];
      elements.set(step, current);
    }
    skeleton.push(line);
  }
  // Empty element lists in the skeleton, then the streamed elements put back.
  const text = skeleton
    .join("\n")
    .replace(/"elements": \[\n(\n)*\s*\]/g, (m) => `"elements": []${"\n".repeat((m.match(/\n/g) ?? []).length)}`);
  const table = parsePhaseTable(text, file);
  for (const [i, els] of elements) (table.pipeline[i] as PhaseStage).elements = els;
  return table;
}
