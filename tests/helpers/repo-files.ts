// The repository's docs pages and source files, for the tests that read them all as text (links,
// history words). The rooms come from tests/architecture/layers.ts, so a new room is read too.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ALLOWED } from "../architecture/layers.ts";

function walk(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

/** README.md, CONTRIBUTING.md and every page under docs/. */
export function docPages(): string[] {
  return ["README.md", "CONTRIBUTING.md", ...walk("docs", (f) => f.endsWith(".md"))];
}

/** Every source, test and script file (.ts, .mjs, .py, .sh) of the rooms, scripts/, tests/ and bin/. */
export function sourceFiles(): string[] {
  return [...Object.keys(ALLOWED), "bin", "scripts", "tests"].flatMap((r) => walk(r, (f) => /\.(ts|mjs|py|sh)$/.test(f)));
}
