// docs/studies/calibration.md §3's round table is what the documented commands measure today
// (scripts/round-table-core.ts runs them in process; scripts/round-table.ts rewrites the table).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { measureRoundTable, ROUND_TABLE_BEGIN, ROUND_TABLE_END, roundTableMarkdown } from "../../scripts/round-table-core.ts";

describe("the protocol's round table in docs/studies/calibration.md", () => {
  it("matches a fresh run of the documented commands, round by round", async () => {
    const doc = readFileSync("docs/studies/calibration.md", "utf8");
    const a = doc.indexOf(ROUND_TABLE_BEGIN);
    const b = doc.indexOf(ROUND_TABLE_END);
    expect(a).toBeGreaterThan(0);
    const inDocs = doc.slice(a, b + ROUND_TABLE_END.length);
    const fresh = await measureRoundTable();
    expect(fresh).toBe(inDocs);
    // The rendering counts what it is given: one round fewer is another table.
    expect(roundTableMarkdown([{ round: 1, stage: null, kind: "dark", steps: [{ read: ["a", "b"], settleMs: 0.05 }] }], 2)).toContain(
      "| all | | | 1 | 2 | 1.0 | 1.1 ms |",
    );
  }, 60_000);
});
