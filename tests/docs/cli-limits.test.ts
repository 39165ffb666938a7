// docs/reference/cli.md's "Limits" table from the constants the readers and checks use: each row's figure
// is found in the row that names it, so a constant that moves fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_DIE_BYTES } from "../../cli/circuit-input.ts";
import { LAYERS_BYTES_MAX } from "../../cli/allreduce-workload.ts";
import { MAX_MATRIX_SIDE } from "../../cli/commands/decompose.ts";
import { MAX_DIAGNOSTICS } from "../../cli/output.ts";
import {
  DAC_BITS,
  EXECUTED_WORKERS,
  MODELLED_WORKERS,
  NAME_MAX,
  NESTING_MAX,
  NON_IDEALITY,
  SEED,
  SPEC_BYTES_MAX,
  WORKERS,
} from "../../dsl/limits.ts";
import { MAX_SYNTAX_ERRORS } from "../../dsl/parser.ts";
import { INPUT_ARRAY_LIMITS } from "../../math/json-scan.ts";
import { MAX_INPUT_BYTES } from "../../verify/circuit/load.ts";

const doc = readFileSync("docs/reference/cli.md", "utf8");
const MB = 1024 * 1024;

/** The Limits table row whose first cell starts with `first`. */
function limitRow(text: string, first: string): string {
  return text.split("\n").find((l) => l.startsWith(`| ${first}`)) ?? "";
}

describe("docs/reference/cli.md: Limits", () => {
  it("each row states its constant", () => {
    const rows: [string, string][] = [
      ["`workers`, `cascade.radix`", `| ${WORKERS.min}..${WORKERS.max} |`],
      [
        "`allreduce --workers`",
        `| ${EXECUTED_WORKERS.min}..${EXECUTED_WORKERS.max} (${MODELLED_WORKERS.min}..${MODELLED_WORKERS.max} with \`--models\`) |`,
      ],
      ["seeds", `| ${SEED.min}..${SEED.max} |`],
      [
        "non-idealities",
        `loss 0..${NON_IDEALITY.mziLossDb.max} dB, imbalance 0 ≤ x < ${NON_IDEALITY.splitterImbalance.max}, phase noise 0..π rad, detector noise 0..${NON_IDEALITY.detectorNoise.max} steps`,
      ],
      ["DAC bits", `| ${DAC_BITS.min}..${DAC_BITS.max}, or \`none\``],
      ["aggregator name", `| ${NAME_MAX} characters (\`OPT2018\`) |`],
      ["nesting of blocks and lists", `| ${NESTING_MAX} levels (\`OPT1007\`) |`],
      ["spec file", `| ${SPEC_BYTES_MAX / MB} MiB, a regular text file |`],
      ["syntax errors", `| parsing stops after ${MAX_SYNTAX_ERRORS} (${MAX_DIAGNOSTICS} are shown) |`],
      ["`decompose` matrix", `| ${MAX_MATRIX_SIDE}×${MAX_MATRIX_SIDE}, file ≤ 4 MB |`],
      ["netlist, report and chip files", `| ${MAX_INPUT_BYTES / MB} MB |`],
      ["`allreduce --layers` JSON file", `| ${LAYERS_BYTES_MAX / MB} MB |`],
      ["die (`--die`, `--measured`), drive and phase-table files", `| ${MAX_DIE_BYTES / MB} MB |`],
      [
        "arrays in die, protocol and readings files",
        `| ${INPUT_ARRAY_LIMITS.perArray} elements in one array, ${INPUT_ARRAY_LIMITS.total} in one file;`,
      ],
    ];
    for (const [first, figure] of rows) expect(limitRow(doc, first), first).toContain(figure);
    expect(NON_IDEALITY.phaseNoise.max).toBe(Math.PI);
    expect(readFileSync("cli/commands/decompose.ts", "utf8")).toMatch(/const MAX_MATRIX_BYTES = 4 \* 1024 \* 1024;/);
    expect(readFileSync("runtime/worker-threads.ts", "utf8")).toMatch(/env >= 1 && env <= 256/);
    expect(doc).toContain("is an integer in 1–256, else the machine's cores");
  });

  it("a moved figure is not found in its row", () => {
    expect(limitRow(doc.replace(`| ${NAME_MAX} characters`, "| 65 characters"), "aggregator name")).not.toContain(
      `| ${NAME_MAX} characters`,
    );
    expect(limitRow(doc, "no such row")).toBe("");
  });
});
