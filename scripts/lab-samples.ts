// Writes docs/figures/lab-samples.json: the first dies of every row of docs/studies/calibration.md §4 and
// §6, die by die (scripts/lab-samples-core.ts). Re-run it with the studies whenever calibration
// changes; tests/docs/calibration-figures.test.ts recomputes the samples and fails when they move.
// `--departure a,b` re-samples only those classes (`none`: §4's rows) and keeps the file's others;
// `--design d,e` (with `--departure`) only those cell designs of them;
// `--out f` writes f instead (two halves on two cores, then `--merge a.json,b.json`: each row from
// the file that re-sampled it, in the table's order).
//
//   npx tsx scripts/lab-samples.ts [--departure none,crosstalk,…] [--design paper_4x8.add0,…] [--out f] [--progress]
//   npx tsx scripts/lab-samples.ts --merge a.json,b.json
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type LabSamplesFile, labSamples, SAMPLE_DIES, SAMPLE_SEED, sampleRows } from "./lab-samples-core.ts";

const FILE = "docs/figures/lab-samples.json";
const args = process.argv.slice(2);
const flag = (n: string): string | null => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : null);
const out = flag("out") ?? FILE;
const progress = args.includes("--progress");
const only = flag("departure")?.split(",") ?? null;
const designs = flag("design")?.split(",") ?? null;
if (designs && !only) throw new Error("--design needs --departure");
const read = (f: string): LabSamplesFile => JSON.parse(readFileSync(f, "utf8")) as LabSamplesFile;
const old: LabSamplesFile | null = only && existsSync(FILE) ? read(FILE) : null;
const doc: LabSamplesFile = { format: "optinc.lab-samples/1", seed: SAMPLE_SEED, dies: SAMPLE_DIES, samples: [] };
const merge = flag("merge")?.split(",").map(read);
for (const r of merge ? [] : sampleRows()) {
  if (only && !only.includes(r.departure)) {
    doc.samples.push(...(old?.samples ?? []).filter((s) => s.example === r.example && s.departure === r.departure));
    continue;
  }
  const s = designs
    ? (old?.samples ?? [])
        .filter((x) => x.example === r.example && x.departure === r.departure)
        .flatMap((x) => (designs.includes(x.design) ? labSamples(r.example, r.departure, (d) => d === x.design) : [x]))
    : labSamples(r.example, r.departure);
  if (progress)
    for (const x of s)
      process.stderr.write(
        `${x.design} ${x.departure}: ${x.perDie.map((d) => `${d.exact}/${d.cases}${d.accepted ? "+" : "-"}`).join(" ")}\n`,
      );
  doc.samples.push(...s);
}
if (merge) {
  // each (example, departure) row from the file that re-sampled it: the one whose samples differ
  // from the committed file's, else the first
  const base = existsSync(FILE) ? read(FILE) : null;
  const key = (s: { example: string; departure: string }) => `${s.example}|${s.departure}`;
  const of = (f: LabSamplesFile | null, k: string) => JSON.stringify(f?.samples.filter((s) => key(s) === k) ?? []);
  for (const r of sampleRows()) {
    const k = key(r);
    const from = merge.find((f) => of(f, k) !== of(base, k)) ?? merge[0]!;
    doc.samples.push(...from.samples.filter((s) => key(s) === k));
  }
}
writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
