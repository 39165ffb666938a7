// The `--explain` transcripts of docs/studies/structures.md §3 (the 4-worker PAM-16 spec) and
// docs/design/structures.md §5 (a 4-worker PAM-4 spec) are what compiling them prints: every line
// of the block, the decision bounds, costs, yields and tolerances included. The
// compiles try every structure (about a minute and a half), so it runs under OPTINC_FULL=1 only; the
// block reader is checked on every run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

const study = readFileSync("docs/studies/structures.md", "utf8");
const design = readFileSync("docs/design/structures.md", "utf8");

/** The lines of the first fenced block that follows `anchor`, from its "structures considered" line on. */
function explainBlock(text: string, anchor: string): string[] {
  const from = text.indexOf(anchor);
  const block = /```\n([\s\S]*?)```/.exec(text.slice(from))?.[1] ?? "";
  return block.trimEnd().split("\n");
}

/** The table lines a compile printed: "structures considered", the bounds, the header and the rows. */
function printedTable(out: string): string[] {
  const lines = out.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  const start = lines.findIndex((l) => l.startsWith("structures considered"));
  const rows = lines.slice(start + 1);
  const end = rows.findIndex((l) => !/^( {2}decision bound| {4}| {2}\* )/.test(l));
  return [lines[start]!, ...rows.slice(0, end)].map((l) => l.trimEnd());
}

const ANCHOR = "`optinc compile --explain` on the 4-worker PAM-16 spec";
/** Each transcript's page, its anchor in the page and the spec it was printed for. */
const CASES: [string, string, () => string][] = [
  [study, ANCHOR, () => readFileSync("examples/paper-4x8.optinc", "utf8").replace(/levels {5}= 4 /, "levels     = 16")],
  [
    design,
    "Measured on a 4-worker, 4-bit PAM-4\nspec at `calibrated` with 40 mrad",
    () =>
      "aggregator t4 {\n  workers = 4\n  precision = 4 bits\n  levels = 4\n  technology { preset = calibrated  phase_noise = 40 mrad  yield = 99 % }\n}\n",
  ],
];

describe("docs/studies/structures.md and docs/design/structures.md: the --explain transcripts", () => {
  it("the block reader finds the doc's table and a changed figure in it", () => {
    const lines = explainBlock(study, ANCHOR);
    expect(lines[0]).toMatch(/^structures considered \(route = auto;/);
    expect(lines.length).toBeGreaterThan(8);
    const doctored = study.replace("  * flat cells, PAM-2 inside        436", "  * flat cells, PAM-2 inside        416");
    expect(explainBlock(doctored, ANCHOR)).not.toEqual(lines);
  });

  if (process.env.OPTINC_FULL)
    for (const [doc, anchor, spec] of CASES)
      it(`is what \`optinc compile --explain\` prints: ${anchor.slice(0, 40).replace(/\n/g, " ")}…`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "optinc-explain-"));
        try {
          writeFileSync(join(dir, "s.optinc"), spec());
          const io = memoryIo({ NO_COLOR: "1" });
          expect(await main(["compile", join(dir, "s.optinc"), "-o", join(dir, "out"), "--explain"], io)).toBe(0);
          expect(printedTable(io.out() + io.err())).toEqual(explainBlock(doc, anchor));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }, 900_000);
});
