// docs/reference/report.md's figures from the code: the verify transcript of the tiny fixture (run here as the
// page says; it had drifted), verify's option defaults (its --help), the report's trial counts and budgets, the
// quick start's heater count and the injected error mix of the training emulation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { CHIP_TRIALS, CLOSED_FORM_TOLERANCE_TRIALS, COMPILE_TOLERANCE_WORK } from "../../pipeline/compile/closed-form.ts";
import { REPORT_CERTIFY_BUDGET, REPORT_TOLERANCE_TRIALS, REPORT_TRIALS } from "../../pipeline/compile/evaluate.ts";
import { missingClaims } from "../../scripts/robustness-core.ts";
import { compiledExample } from "../helpers/examples.ts";
import { memoryIo } from "../helpers/io.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";
import { commas } from "./design.ts";

const doc = readFileSync("docs/reference/report.md", "utf8");
const has = (...claims: string[]) => expect(missingClaims(doc, claims)).toEqual([]);
const dir = mkdtempSync(join(tmpdir(), "optinc-report-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fenced block after "run as `optinc --verbose verify … <flags>`:" in the Text output section. */
const transcript = (text: string): string =>
  /run as\n`optinc --verbose verify tiny\.netlist\.json --phase-noise 0\.5 --trials 10 --no-calibrate`:\n\n```\n([\s\S]*?)```/.exec(
    text,
  )?.[1] ?? "";

describe("docs/reference/report.md figures", () => {
  it("the text-output transcript is what verify prints on the tiny fixture", async () => {
    writeFileSync(join(dir, "tiny.netlist.json"), writeNetlistJson(tinyCircuit()));
    const io = memoryIo({ NO_COLOR: "1" }, dir);
    expect(await main(["--verbose", "verify", "tiny.netlist.json", "--phase-noise", "0.5", "--trials", "10", "--no-calibrate"], io)).toBe(
      1,
    );
    const printed = (io.out() + io.err()).replace(/\x1b\[[0-9;]*m/g, "");
    const shown = transcript(doc);
    expect(shown.length).toBeGreaterThan(100);
    for (const line of shown.trimEnd().split("\n")) expect(printed, line).toContain(line);
    // A moved figure in the page is not in the printed text.
    const wrong = shown.split("\n").find((l) => l.includes("all trials:"))!;
    expect(printed).not.toContain(wrong.replace(/(\d+)\/160 wrong/, (_, k) => `${Number(k) + 1}/160 wrong`));
  });

  it("verify's defaults are its --help's", async () => {
    const io = memoryIo();
    await main(["verify", "--help"], io);
    const help = io.out().replace(/\s+/g, " ");
    for (const [flag, value] of [
      ["--trials <K>", "20"],
      ["--min-exact <f>", "1"],
      ["--min-yield <f>", "0.9"],
      ["--max-cases <n>", "50000"],
    ]) {
      expect(help).toMatch(new RegExp(`${flag.replace(/[<>]/g, "\\$&")} .*?\\(default: ${value.replace(".", "\\.")}\\)`));
      has(`| \`${flag}\` | ${value} |`);
    }
    has(`(paper-4x8's 13^4 = ${commas(13 ** 4)} digit-sum cases fit)`);
  });

  it("the report's trial counts and budgets are the compile's constants", () => {
    has(`\`REPORT_TRIALS\` = ${REPORT_TRIALS} seeded Monte-Carlo trials`);
    has(
      `${CHIP_TRIALS} chips (\`CHIP_TRIALS\`)`,
      `\`CLOSED_FORM_TOLERANCE_TRIALS\` = ${CLOSED_FORM_TOLERANCE_TRIALS} dies per random axis`,
    );
    has(`\`COMPILE_TOLERANCE_WORK\` = ${commas(COMPILE_TOLERANCE_WORK)}`);
    has(`\`REPORT_TOLERANCE_TRIALS\` = ${REPORT_TOLERANCE_TRIALS} dies per random axis`);
    expect(REPORT_CERTIFY_BUDGET).toBe(2e8);
    has("`REPORT_CERTIFY_BUDGET` = 2·10⁸ multiply-adds");
  });

  it("the quick start's phase shifters, and the injected error mix", () => {
    has(`the quick start's ${compiledExample("paper-4x8").report.hardware.phaseShifters} equal the layout's heaters`);
    const pipeline = readFileSync("pipeline/allreduce/allreduce.ts", "utf8");
    const w = [...pipeline.matchAll(/\{ steps: (-?\d+), weight: ([\d.]+) \}/g)].map((m) => [Math.abs(Number(m[1])), Number(m[2])] as const);
    const share = (k: number) => Math.round(100 * w.filter(([s]) => s === k).reduce((a, [, x]) => a + x, 0));
    has(`are ±1 step ${share(1)}%, ±2 ${share(2)}% and ±4 ${share(4)}% of the time`);
  });
});
