// `npx tsx scripts/robustness-tolerance.ts`: compile examples/paper-4x8.optinc and print the phrases
// of docs/robustness.md's tolerance figures for it, as `optinc verify <dir> --tolerance` measures
// them (20 dies at its calibrated block, 299 dies at foundry; about half a minute). Each phrase
// must appear in the page (tests/docs/robustness-tolerance.test.ts checks it under OPTINC_FULL).
import { readFileSync } from "node:fs";
import { StructureRefused } from "../pipeline/compile/route.ts";
import { compileExample } from "./fab-table-core.ts";
import { calibratedClaims, foundryClaims, measureTolerance, missingClaims } from "./robustness-core.ts";

const { compiled } = compileExample("paper-4x8");
if (compiled instanceof StructureRefused) throw new Error("paper-4x8 was refused");
const claims = [...calibratedClaims(measureTolerance(compiled, 20)), ...foundryClaims(measureTolerance(compiled, 299, "foundry"))];
const missing = missingClaims(readFileSync("docs/robustness.md", "utf8"), claims);
for (const c of claims) process.stdout.write(`${missing.includes(c) ? "NOT IN docs/robustness.md: " : ""}${c}\n`);
process.exitCode = missing.length ? 1 : 0;
