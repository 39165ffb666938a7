// `npx tsx scripts/round-table.ts`: measure the protocol's round table (scripts/round-table-core.ts)
// and write it into docs/studies/calibration.md §3, between its markers.
import { readFileSync, writeFileSync } from "node:fs";
import { spliceTable } from "./examples-table-core.ts";
import { measureRoundTable, ROUND_TABLE_BEGIN, ROUND_TABLE_END } from "./round-table-core.ts";

const FILE = "docs/studies/calibration.md";
const table = await measureRoundTable();
writeFileSync(FILE, spliceTable(readFileSync(FILE, "utf8"), table, ROUND_TABLE_BEGIN, ROUND_TABLE_END));
process.stdout.write(`${table}\n`);
