// `npx tsx scripts/headlines.ts`: run every headline command (scripts/headlines-core.ts) and write
// the table into docs/studies/allreduce.md between its markers, each table under its provenance line
// (measured at the current commit). tests/docs/headlines.test.ts re-runs the commands and fails when
// the doc holds anything else.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { headlines, headlinesMarkdown, provenance, spliceHeadlines } from "./headlines-core.ts";
import { sweepsMarkdown } from "./headlines-sweeps.ts";

const DOC = "docs/studies/allreduce.md";
const commit = execFileSync("git", ["rev-parse", "--short=7", "HEAD"], { encoding: "utf8" }).trim();
const table = `${provenance(commit)}\n\n${headlinesMarkdown(await headlines())}\n\n${await sweepsMarkdown(commit)}`;
writeFileSync(DOC, spliceHeadlines(readFileSync(DOC, "utf8"), table));
process.stdout.write(`${table}\n`);
