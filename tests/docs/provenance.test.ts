// Every table of measured figures in docs/studies/ names the command that regenerates it and the
// commit it was measured on, in a line above the table (after the previous table or heading):
//     Regenerate: `<command>` · measured at `<commit>`
// The command must name a script that exists (or npm run / optinc), and the commit one in history.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const LINE = /^Regenerate: `([^`]+)` · measured at `([0-9a-f]{7,40})`$/;

/** "file:line: problem" for each table of `text` without a provenance line above it. */
function unsourcedTables(file: string, text: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  let fence = false;
  let source: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith("```")) fence = !fence;
    if (fence) continue;
    if (/^#{1,6} /.test(l)) source = null;
    const m = LINE.exec(l);
    if (m) source = m[1]!;
    else if (l.startsWith("Regenerate:")) out.push(`${file}:${i + 1}: malformed provenance line`);
    // A table starts at a header row followed by its |---| separator.
    if (l.startsWith("|") && /^\|[\s:|-]+\|$/.test(lines[i + 1] ?? "")) {
      if (source === null) out.push(`${file}:${i + 1}: a table without a Regenerate line above it`);
      else if (!commandExists(source)) out.push(`${file}:${i + 1}: ${source} names no script of the repository`);
      source = null;
    }
  }
  return out;
}

/** The command's script exists: `npx tsx scripts/x.ts …`, `node scripts/…`, `npm run …`, `optinc …`. */
function commandExists(command: string): boolean {
  // Timing and environment prefixes name no script: `/usr/bin/time npx optinc …`, `OPTINC_FULL=1 …`.
  const cmd = command.replace(/^(\/usr\/bin\/time |[A-Z_]+=\S+ )+/, "");
  if (/^(bash )?\.ci\/run$/.test(cmd)) return existsSync(".ci/run");
  const script = /\b((?:scripts|tests)\/[\w/.-]+\.(?:ts|mjs|py))\b/.exec(cmd);
  if (script) return existsSync(script[1]!);
  return /^(npm run |npm test|(npx )?optinc |node bin\/optinc\.mjs )/.test(cmd);
}

const pages = readdirSync("docs/studies")
  .filter((f) => f.endsWith(".md"))
  .map((f) => join("docs/studies", f));

/** Full history is there in a clone; a shallow one cannot say, so it is not asked. */
function knownCommit(sha: string): boolean | null {
  try {
    if (execFileSync("git", ["rev-parse", "--is-shallow-repository"], { encoding: "utf8" }).trim() === "true") return null;
    execFileSync("git", ["cat-file", "-e", `${sha}^{commit}`], { stdio: "ignore" });
    return true;
  } catch {
    return existsSync(".git") ? false : null;
  }
}

describe("every studies table names its script and commit", () => {
  it("each table in docs/studies/ has a Regenerate line above it, naming a script that exists", () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flatMap((f) => unsourcedTables(f, readFileSync(f, "utf8")))).toEqual([]);
  });

  it("each commit named is in the repository's history", () => {
    const shas = [
      ...new Set(pages.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/measured at `([0-9a-f]{7,40})`/g)].map((m) => m[1]!))),
    ];
    expect(shas.length).toBeGreaterThan(3);
    const unknown = shas.filter((s) => knownCommit(s) === false);
    expect(unknown).toEqual([]);
  });

  it("planted faults fail: a bare table, a malformed line, a script that does not exist", () => {
    const table = "| a | b |\n|---|---|\n| 1 | 2 |\n";
    expect(unsourcedTables("x.md", `## 1. X\n\n${table}`)).toHaveLength(1);
    expect(unsourcedTables("x.md", `Regenerate: \`npx tsx scripts/fab-table.ts\` · measured at \`6bc3caf\`\n\n${table}`)).toEqual([]);
    expect(unsourcedTables("x.md", `Regenerate: npx tsx scripts/fab-table.ts, at 6bc3caf\n\n${table}`)).toHaveLength(2);
    expect(unsourcedTables("x.md", `Regenerate: \`npx tsx scripts/nothing.ts\` · measured at \`6bc3caf\`\n\n${table}`)).toHaveLength(1);
    // One line covers one table: the next needs its own.
    expect(unsourcedTables("x.md", `Regenerate: \`npm run bench -- grid\` · measured at \`6bc3caf\`\n\n${table}\n${table}`)).toHaveLength(
      1,
    );
    expect(knownCommit("0000000")).not.toBe(true);
  });
});
