// `npx tsx scripts/robustness-tolerance.ts`: compile examples/paper-4x8.optinc with flat PAM-4 cells
// (route = closed-form: the cells a certificate covers, without the regenerated form's gains) and print the phrases
// of docs/studies/robustness.md's tolerance figures for it (and docs/design/robustness.md §1.4's), as
// `optinc verify <dir> --tolerance` measures them (20 dies at its calibrated block, 299 dies at
// foundry; about half a minute). Each phrase must appear in those pages (tests/docs/robustness-tolerance.test.ts checks it under OPTINC_FULL).
import { readFileSync } from "node:fs";
import { StructureRefused } from "../pipeline/compile/route.ts";
import { compileExample } from "./fab-table-core.ts";
import { calibratedClaims, foundryClaims, measureTolerance, missingClaims } from "./robustness-core.ts";

const { compiled } = compileExample("paper-4x8", (t) => t.replace(/^( *route *)= auto/m, "$1= closed-form"));
if (compiled instanceof StructureRefused) throw new Error("paper-4x8 was refused");
const claims = [...calibratedClaims(measureTolerance(compiled, 20)), ...foundryClaims(measureTolerance(compiled, 299, "foundry"))];
const pages = ["docs/studies/robustness.md", "docs/design/robustness.md"];
const missing = missingClaims(pages.map((f) => readFileSync(f, "utf8")).join("\n\n"), claims);
for (const c of claims) process.stdout.write(`${missing.includes(c) ? "NOT IN docs/studies/robustness.md: " : ""}${c}\n`);
process.exitCode = missing.length ? 1 : 0;
