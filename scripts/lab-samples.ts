// Writes docs/figures/lab-samples.json: the first dies of every row of docs/calibration.md §9 and
// §12, die by die (scripts/lab-samples-core.ts). Re-run it with the studies whenever calibration
// changes; tests/docs/calibration-figures.test.ts recomputes the samples and fails when they move.
//
//   npx tsx scripts/lab-samples.ts [--progress]
import { writeFileSync } from "node:fs";
import { type LabSamplesFile, labSamples, SAMPLE_DIES, SAMPLE_SEED, sampleRows } from "./lab-samples-core.ts";

const progress = process.argv.includes("--progress");
const doc: LabSamplesFile = { format: "optinc.lab-samples/1", seed: SAMPLE_SEED, dies: SAMPLE_DIES, samples: [] };
for (const r of sampleRows()) {
  const s = labSamples(r.example, r.departure);
  if (progress)
    for (const x of s)
      process.stderr.write(
        `${x.design} ${x.departure}: ${x.perDie.map((d) => `${d.exact}/${d.cases}${d.accepted ? "+" : "-"}`).join(" ")}\n`,
      );
  doc.samples.push(...s);
}
writeFileSync("docs/figures/lab-samples.json", `${JSON.stringify(doc, null, 1)}\n`);
