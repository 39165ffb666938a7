// Samples of the calibration-from-readings studies behind docs/studies/calibration.md §4 and §6: the first
// few dies of every row, die by die (exact inputs, acceptance verdict, readings). The full studies
// take 25 minutes per departure class; a sample takes seconds, so tests/docs/calibration-figures.test.ts
// can recompute samples and hold the docs' rows to them (docs/figures/lab-samples.json).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec } from "../dsl/load.ts";
import { DEPARTURE_NAMES } from "../fab/departures.ts";
import { compileAggregator } from "../pipeline/compile/route.ts";
import { cellDesigns } from "./fab-study-core.ts";
import { labStudy, type LabDieRecord } from "./lab-study-core.ts";

/** Dies per sample, and the studies' seed (docs/studies/calibration.md §4: die seeds 1000003 + d, lab seeds 7 + d). */
export const SAMPLE_DIES = 3;
export const SAMPLE_SEED = 1;

export interface LabSample {
  example: string;
  /** The cell design (`paper_4x8.add0`). */
  design: string;
  /** `none`, or a departure class of fab/departures.ts. */
  departure: string;
  mzis: number;
  perDie: LabDieRecord[];
  /** The die beyond the first ones that took the row's most readings (HEAVIEST), and its record. */
  heaviest?: LabDieRecord & { die: number };
}

/**
 * Rows whose most readings per MZI (the number their docs row states) came from a die beyond the
 * sample's first ones, by `${design}|${departure}`: the die, as its study found it. Sampling that die
 * too makes the row's stated most a recorded die's (`npx tsx scripts/lab-study.ts <dir> --cell add0
 * --departure crosstalk --first 3 --dies 4`: 234 readings per MZI, exact and accepted; add2's die 41
 * at 100 dies, 234.3).
 */
export const HEAVIEST: Readonly<Record<string, number>> = {
  "paper_4x8.add0|crosstalk": 3,
  "paper_4x8.add2|crosstalk": 41,
};

export interface LabSamplesFile {
  format: "optinc.lab-samples/1";
  seed: number;
  dies: number;
  samples: LabSample[];
}

/** The rows the docs hold: every cell design of the closed-form examples without departure (docs/studies/calibration.md §4, §5), and paper-4x8's under every class (§6). */
export function sampleRows(): { example: string; departure: string }[] {
  return [
    { example: "paper-4x8", departure: "none" },
    { example: "paper-4x8-robust", departure: "none" },
    { example: "eight-workers", departure: "none" },
    { example: "paper-4x16", departure: "none" },
    { example: "cluster-16", departure: "none" },
    ...DEPARTURE_NAMES.map((departure) => ({ example: "paper-4x8", departure })),
  ];
}

/** Run `f` on the cell designs of an example compiled into a scratch directory. */
export function withDesigns<T>(example: string, f: (designs: ReturnType<typeof cellDesigns>) => T): T {
  const file = `examples/${example}.optinc`;
  const result = compileAggregator(loadSpec(file, readFileSync(file, "utf8")).checked!, { skipEvaluation: true }).result;
  const dir = mkdtempSync(join(tmpdir(), "optinc-lab-samples-"));
  try {
    for (const [f2, text] of result.files) writeFileSync(join(dir, f2), text);
    return f(cellDesigns(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The samples of one example and departure, for the designs `keep` selects (all by default); `dies` fewer than the sample's for a quicker look. */
export function labSamples(
  example: string,
  departure: string,
  keep: (design: string) => boolean = () => true,
  dies = SAMPLE_DIES,
): LabSample[] {
  return withDesigns(example, (designs) =>
    designs
      .filter((d) => keep(d.name))
      .map((d) => {
        const classes = departure === "none" ? [] : [departure];
        const row = labStudy(d.name, d.circuit, d.table, dies, SAMPLE_SEED, undefined, classes);
        const sample: LabSample = { example, design: d.name, departure, mzis: row.mzis, perDie: row.perDie };
        const die = HEAVIEST[`${d.name}|${departure}`];
        if (die !== undefined && dies === SAMPLE_DIES) {
          const one = labStudy(d.name, d.circuit, d.table, die + 1, SAMPLE_SEED, undefined, classes, die);
          sample.heaviest = { die, ...one.perDie[0]! };
        }
        return sample;
      }),
  );
}
