// `npx tsx scripts/examples-table.ts [example…]`: compile the examples (all of them by default;
// the trained one trains, which takes minutes) and write docs/figures/examples.json and docs/studies/examples.md's
// "What each example builds" table (scripts/examples-table-core.ts). Named examples update their
// rows only.
import { readFileSync, writeFileSync } from "node:fs";
import {
  EXAMPLES_PAGE as PAGE,
  exampleNames,
  examplesTableMarkdown,
  exampleRow,
  spliceTable,
  type ExampleRow,
} from "./examples-table-core.ts";

const JSON_FILE = "docs/figures/examples.json";
const all = exampleNames();
const asked = process.argv.slice(2).filter((a) => a !== "--");
let rows: ExampleRow[] = [];
try {
  rows = JSON.parse(readFileSync(JSON_FILE, "utf8")) as ExampleRow[];
} catch {
  rows = [];
}
for (const ex of asked.length ? asked : all) {
  const t0 = performance.now();
  const row = exampleRow(ex);
  process.stderr.write(`${ex}: ${JSON.stringify(row)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  rows = [...rows.filter((r) => r.example !== ex), row];
}
rows = rows.filter((r) => all.includes(r.example)).sort((a, b) => all.indexOf(a.example) - all.indexOf(b.example));
writeFileSync(JSON_FILE, `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(PAGE, spliceTable(readFileSync(PAGE, "utf8"), examplesTableMarkdown(rows)));
