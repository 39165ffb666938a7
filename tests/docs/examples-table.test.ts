// docs/studies/examples.md's "What each example builds" table is generated (scripts/examples-table.ts) from
// docs/figures/examples.json. The page must hold exactly the rendering of the JSON, every yield
// in it must be k/n with its own interval, and the rows must be what compiling the examples gives:
// one row is recomputed here, every row under OPTINC_FULL=1 (npm run test:full).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  EXAMPLES_PAGE,
  exampleNames,
  examplesTableMarkdown,
  exampleRow,
  NO_CHIPS_BUILT,
  type ExampleRow,
} from "../../scripts/examples-table-core.ts";
import { yieldInterval } from "../../verify/tolerance/statistics.ts";

const readme = readFileSync(EXAMPLES_PAGE, "utf8");
const rows = JSON.parse(readFileSync("docs/figures/examples.json", "utf8")) as ExampleRow[];
const examples = exampleNames();

describe("docs/studies/examples.md: what each example builds", () => {
  it("holds the rendering of docs/figures/examples.json, one row per example", () => {
    expect(rows.map((r) => r.example).sort()).toEqual(examples);
    expect(readme).toContain(examplesTableMarkdown(rows));
  });

  it("states every yield as k/n with its own 95% interval", () => {
    for (const r of rows) {
      const m = /^(\d+)\/(\d+) \(/.exec(r.yield);
      if (!m) {
        expect(["ideal technology: no chips drawn", "see the next table", NO_CHIPS_BUILT], r.example).toContain(r.yield);
        continue;
      }
      expect(r.yield, r.example).toBe(`${m[1]}/${m[2]} (${yieldInterval(Number(m[1]), Number(m[2]))})`);
      expect(["met", "MISSED", "not shown"], r.example).toContain(r.target);
    }
  });

  it("a row differs from the table once any figure changes", () => {
    const changed = rows.map((r, i) => (i === 0 ? { ...r, mzi: (r.mzi ?? 0) + 1 } : r));
    expect(readme).not.toContain(examplesTableMarkdown(changed));
  });

  const recompute = process.env.OPTINC_FULL ? examples : ["paper-4x8-robust"];
  for (const ex of recompute)
    it(`${ex}: the row is what compiling it gives`, () => {
      expect(exampleRow(ex)).toEqual(rows.find((r) => r.example === ex));
    }, 1_800_000);
});
