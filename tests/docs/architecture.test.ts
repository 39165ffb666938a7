// docs/architecture.md restates tests/architecture/layers.ts: its room table must list exactly the
// rooms of ALLOWED with exactly their allowed imports, and its sub-folder table must name every
// sub-folder of every room (so a new folder without a line in the doc fails here).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALLOWED } from "../architecture/layers.ts";

// The library's room is described with the API (docs/reference/api.md, a row in the same form) until
// docs/architecture.md has its row.
const doc = readFileSync("docs/architecture.md", "utf8") + "\n" + readFileSync("docs/reference/api.md", "utf8");

/** Rows `| \`room/\` | … | imports |` of the room table: room → the rooms its last cell names. */
function roomTable(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^\| `([a-z]+)\/` \|.*\| ([^|]+) \|$/.exec(line);
    if (!m) continue;
    const cell = m[2]!.trim();
    rows.set(m[1]!, cell === "nothing" ? [] : cell === "every room below" ? ["*"] : [...cell.matchAll(/`([a-z]+)\/`/g)].map((x) => x[1]!));
  }
  return rows;
}

const subFolders = (room: string): string[] =>
  readdirSync(room)
    .filter((f) => statSync(join(room, f)).isDirectory())
    .map((f) => `${room}/${f}/`);

describe("docs/architecture.md agrees with tests/architecture/layers.ts", () => {
  const table = roomTable(doc);

  it("lists every room, each with exactly the imports ALLOWED gives it", () => {
    expect([...table.keys()].sort()).toEqual(Object.keys(ALLOWED).sort());
    const floors = Object.keys(ALLOWED);
    for (const [room, imports] of table) {
      // "every room below": every room except itself that does not import it.
      const expected = imports[0] === "*" ? floors.filter((r) => r !== room && !ALLOWED[r]!.includes(room)) : imports;
      expect([...expected].sort(), room).toEqual([...ALLOWED[room]!].sort());
    }
  });

  it("names every sub-folder of every room in its sub-folder table", () => {
    const rows = [...doc.matchAll(/^\| `([a-z]+\/[a-z-]+\/)` \|/gm)].map((m) => m[1]!);
    const named = new Set(rows);
    expect(rows.length, "a sub-folder listed twice").toBe(named.size);
    const folders = Object.keys(ALLOWED).flatMap(subFolders);
    expect(folders.length).toBeGreaterThan(8);
    expect(folders.filter((f) => !named.has(f))).toEqual([]);
    expect([...named].filter((f) => !folders.includes(f))).toEqual([]);
  });

  it("the table reader sees a wrong import list and a missing room (the check can fail)", () => {
    const wrong = doc.replace(
      "| `netlist/`, `aggregate/`, `math/`, `dsl/`, `codes/`, `runtime/` |\n| `system/`",
      "| `netlist/`, `aggregate/`, `math/`, `dsl/`, `codes/`, `runtime/`, `system/` |\n| `system/`",
    );
    expect(wrong).not.toBe(doc);
    expect(roomTable(wrong).get("verify")).toContain("system");
    const missing = doc.replace(/^\| `system\/` \|.*$/m, "");
    expect(roomTable(missing).has("system")).toBe(false);
  });
});
