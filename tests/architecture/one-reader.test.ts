// Every input file is read through one reader (runtime/input-file.ts: a regular file of bounded
// size, strict UTF-8), so a FIFO, /dev/zero or invalid UTF-8 is refused the same way by every
// command. Issue 38 found readers of their own that hung on a FIFO (verify's chip files,
// allreduce --layers and --spec) or replaced invalid bytes silently. This test fails on a file
// read anywhere else in the source rooms.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { ALLOWED } from "./layers.ts";

const ROOT = join(import.meta.dirname, "../..");
const READER = "runtime/input-file.ts";

/** Reads that are not of a user's input, each with why. */
const EXEMPT: Record<string, string> = {
  // The grammar page's own railroad diagrams, shipped with optinc.
  "dsl/grammar-html.ts": "readFileSync",
  // Streams a phase table the test suite wrote itself (no command reads through it).
  "netlist/formats/phase-table-stream.ts": "openSync",
};

/** A call that opens or reads a file's contents (writing, stat and directory listing are not reads). */
const READ = /\b(readFileSync|readFile|openSync|open|createReadStream)\s*\(/g;

function sources(dir: string, out: string[]): string[] {
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) sources(rel, out);
    else if (name.endsWith(".ts")) out.push(rel.split(sep).join("/"));
  }
  return out;
}

/** Every file-reading call outside the one reader, as `file: call`. */
function strayReads(files: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    if (path === READER) continue;
    // Only calls of node:fs: an import of it is what makes a read possible.
    if (!/from "node:fs(\/promises)?"/.test(text)) continue;
    for (const m of text.matchAll(READ)) {
      const call = m[1]!;
      // `open(` also names unrelated methods (`x.open(`): count only bare calls.
      if (call === "open" && text[m.index! - 1] === ".") continue;
      if (EXEMPT[path] === call) continue;
      found.push(`${path}: ${call}`);
    }
  }
  return found;
}

describe("one reader for every input file", () => {
  it("no source file outside runtime/input-file.ts reads a file (the exemptions say why)", () => {
    const files = Object.keys(ALLOWED).flatMap((room) => sources(room, []));
    expect(files).toContain(READER);
    const stray = strayReads(files.map((path) => ({ path, text: readFileSync(join(ROOT, path), "utf8") })));
    expect(stray).toEqual([]);
  });

  it("the check sees a reader of its own (fixture)", () => {
    const text = 'import { readFileSync } from "node:fs";\nexport const f = (p: string) => readFileSync(p, "utf8");\n';
    expect(strayReads([{ path: "verify/cells/x.ts", text }])).toEqual(["verify/cells/x.ts: readFileSync"]);
    expect(strayReads([{ path: READER, text }])).toEqual([]);
    const promises = 'import { readFile } from "node:fs/promises";\nawait readFile(p, "utf8");\n';
    expect(strayReads([{ path: "cli/x.ts", text: promises }])).toEqual(["cli/x.ts: readFile"]);
  });
});
