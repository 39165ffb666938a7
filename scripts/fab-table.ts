// `npx tsx scripts/fab-table.ts [example…]`: measure the examples (all of them by default; the
// trained one trains and simulates 5,230 MZIs per die: the longest part) and write
// docs/figures/fab.json and docs/studies/examples.md's "Which fab each design needs" section
// (scripts/fab-table-core.ts measures, scripts/fab-table-render.ts writes). Named examples update
// their rows only. `--render` rewrites the page from the JSON without measuring.
import { readFileSync, writeFileSync } from "node:fs";
import { EXAMPLES_PAGE as PAGE, exampleNames, spliceTable } from "./examples-table-core.ts";
import { FAB_TABLE_OMITS, fabRow, fabTableExamples, type FabRow } from "./fab-table-core.ts";
import { FAB_BEGIN, FAB_END, fabTableMarkdown } from "./fab-table-render.ts";

const JSON_FILE = "docs/figures/fab.json";
const all = fabTableExamples(exampleNames());
const args = process.argv.slice(2).filter((a) => a !== "--");
const asked = args.filter((a) => a !== "--render");
const omitted = asked.filter((a) => a in FAB_TABLE_OMITS);
if (omitted.length) {
  process.stderr.write(
    `fab-table: ${omitted.join(", ")} left out of the table (FAB_TABLE_OMITS in scripts/fab-table-core.ts): ${FAB_TABLE_OMITS[omitted[0]!]}\n`,
  );
  process.exit(2);
}
const read = (): FabRow[] => {
  try {
    return JSON.parse(readFileSync(JSON_FILE, "utf8")) as FabRow[];
  } catch {
    return [];
  }
};
/** Merge a row into the file as it is now (two runs on different examples may share it). */
const save = (row?: FabRow): FabRow[] => {
  const rows = [...read().filter((r) => r.example !== row?.example), ...(row ? [row] : [])]
    .filter((r) => all.includes(r.example))
    .sort((a, b) => all.indexOf(a.example) - all.indexOf(b.example));
  writeFileSync(JSON_FILE, `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
};
if (!args.includes("--render"))
  for (const ex of asked.length ? asked : all) {
    const t0 = performance.now();
    const seconds = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const row = fabRow(ex, (s) => process.stderr.write(`${s} (${seconds()})\n`));
    process.stderr.write(`${ex}: ${JSON.stringify(row)} (${seconds()})\n`);
    // Each row is saved as soon as it is measured: a long run interrupted keeps what it finished.
    save(row);
  }
writeFileSync(PAGE, spliceTable(readFileSync(PAGE, "utf8"), fabTableMarkdown(save()), FAB_BEGIN, FAB_END));
