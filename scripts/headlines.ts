// `npx tsx scripts/headlines.ts`: run every headline command (scripts/headlines-core.ts) and write
// the table into docs/allreduce.md between its markers. tests/docs/headlines.test.ts re-runs the
// commands and fails when the doc holds anything else.
import { readFileSync, writeFileSync } from "node:fs";
import { headlines, headlinesMarkdown, spliceHeadlines } from "./headlines-core.ts";
import { sweepsMarkdown } from "./headlines-sweeps.ts";

const DOC = "docs/allreduce.md";
const table = `${headlinesMarkdown(await headlines())}\n\n${await sweepsMarkdown()}`;
writeFileSync(DOC, spliceHeadlines(readFileSync(DOC, "utf8"), table));
process.stdout.write(`${table}\n`);
