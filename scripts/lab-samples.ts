// Writes docs/figures/lab-samples.json: the first dies of every row of docs/calibration.md §9 and
// §12, die by die (scripts/lab-samples-core.ts). Re-run it with the studies whenever calibration
// changes; tests/docs/calibration-figures.test.ts recomputes the samples and fails when they move.
// `--departure a,b` re-samples only those classes (`none`: §9's rows) and keeps the file's others.
//
//   npx tsx scripts/lab-samples.ts [--departure none,crosstalk,…] [--progress]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type LabSamplesFile, labSamples, SAMPLE_DIES, SAMPLE_SEED, sampleRows } from "./lab-samples-core.ts";

const FILE = "docs/figures/lab-samples.json";
const args = process.argv.slice(2);
const progress = args.includes("--progress");
const only = args.includes("--departure") ? args[args.indexOf("--departure") + 1]!.split(",") : null;
const old: LabSamplesFile | null = only && existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as LabSamplesFile) : null;
const doc: LabSamplesFile = { format: "optinc.lab-samples/1", seed: SAMPLE_SEED, dies: SAMPLE_DIES, samples: [] };
for (const r of sampleRows()) {
  if (only && !only.includes(r.departure)) {
    doc.samples.push(...(old?.samples ?? []).filter((s) => s.example === r.example && s.departure === r.departure));
    continue;
  }
  const s = labSamples(r.example, r.departure);
  if (progress)
    for (const x of s)
      process.stderr.write(
        `${x.design} ${x.departure}: ${x.perDie.map((d) => `${d.exact}/${d.cases}${d.accepted ? "+" : "-"}`).join(" ")}\n`,
      );
  doc.samples.push(...s);
}
writeFileSync(FILE, `${JSON.stringify(doc, null, 1)}\n`);
