// Writes a sample report for the screenshot check:
//   npx tsx tests/verify/report/make-sample.ts /tmp/sample.report.html [--train]
// With --train the training section comes from a real short emulation run.
import { writeFileSync } from "node:fs";
import { renderReportHtml } from "../../../verify/report/html.ts";
import { runScenario, SHORT_SCENARIO } from "../../../system/train/scenarios.ts";
import { toTrainingSection } from "../../../pipeline/report/training-section.ts";
import { sampleReport } from "./fixture.ts";

const out = process.argv[2] ?? "sample.report.html";
const data = process.argv.includes("--train") ? sampleReport(toTrainingSection(runScenario(SHORT_SCENARIO))) : sampleReport();
writeFileSync(out, renderReportHtml(data));
process.stdout.write(`${out}\n`);
