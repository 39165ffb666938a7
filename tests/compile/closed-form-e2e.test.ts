// The closed-form route end to end on the quick-start example, through the CLI: compile, then
// `optinc verify` on what was written. It must pass under the spec's own technology block, fail
// under errors beyond the design's tolerance, fail on a tampered file, and be byte-identical when
// compiled twice. Hardware counts in report.json are recounted from the emitted netlists.
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { main } from "../../cli/main.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { flatten } from "../../netlist/sim/propagate.ts";
import { circuitLookup } from "../../netlist/die/die.ts";
import { memoryIo } from "../helpers/io.ts";
import { terseProblems } from "../helpers/terse.ts";
import { FULL } from "../helpers/tier.ts";
import { expectHonest } from "../verify/tolerance/honest.ts";
import { closedFormSummary } from "../../pipeline/report/closed-form-summary.ts";
import type { ClosedFormReport } from "../../pipeline/report/closed-form-report.ts";

const base = mkdtempSync(join(tmpdir(), "optinc-closed-form-"));
const dir = join(base, "a");
// The rerun: in the full tier a second compile here; under npm test the global setup's compile of
// the same spec by the CLI bundle (--no-evaluate), so the bundle and the sources must agree too.
let again = join(base, "b");
let report: {
  ok: boolean;
  route: string;
  light: {
    preset: string;
    laserMw: number;
    pass: boolean;
    ratePerValue: number;
    neededTapMw: number | null;
    smallestStepMw: number;
  } | null;
  structure: {
    rows: { structure: { innerLevels?: number }; light: { closes: boolean } | null }[];
    chosen: number | null;
    reason: string;
  } | null;
  onn: { exactMatch: number; casesChecked: number; exhaustive: boolean; fullInputSpace: boolean };
  cells: {
    design: string;
    copies: number;
    cases: number;
    exact: number;
    atDesignLoss: { mziLossDb: number; exact: number } | null;
    raw: boolean;
    hardware: { mzi: number; fixedCouplers: number; detectors: number };
  }[];
  hardware: { mzi: number; fixedCouplers: number; detectors: number };
  yield: { trials: number; passing: number } | null;
};

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

let closing = "";

beforeAll(async () => {
  // The rerun skips the evaluate pass under npm test: that pass writes only the report (its
  // Monte-Carlo is verify's, whose bytes tests/compile/jobs.test.ts compares), so every other file
  // is compared there and the report too in the full tier.
  if (!FULL) again = join(inject("hostileCompiles"), "cf");
  for (const out of FULL ? [dir, again] : [dir]) {
    const r = await cli(["compile", "examples/paper-4x8.optinc", "-o", out]);
    if (r.code !== 0) throw new Error(`compile failed (${r.code}):\n${r.err}`);
    if (out === dir) closing = r.err;
  }
  report = JSON.parse(readFileSync(join(dir, "paper_4x8.report.json"), "utf8"));
}, 600_000);

describe("closed-form paper-4x8 through the CLI", () => {
  it("is exact end to end on all 390,625 digit-sum vectors, every cell on all its raw inputs", () => {
    expect(report.route).toBe("closed-form");
    expect(report.ok).toBe(true);
    // Binary cells inside: 8 bits per worker, each bit position's sum over 4 workers in 0..4.
    expect(report.onn.casesChecked).toBe(5 ** 8);
    expect(report.onn.exactMatch).toBe(1);
    expect(report.onn.fullInputSpace).toBe(true);
    expect(report.cells.map((c) => [c.design, c.copies, c.cases, c.exact, c.raw])).toEqual([
      ["paper_4x8.add0", 1, 2 ** 4, 2 ** 4, true],
      ["paper_4x8.add1", 1, 48, 48, true],
      ["paper_4x8.add2", 6, 2 ** 6, 2 ** 6, true],
      ["paper_4x8.divide0", 1, 8, 8, true],
    ]);
    // Checked again at the technology block's MZI loss alone (the calibrated preset's 0.1 dB).
    expect(report.cells.map((c) => c.atDesignLoss)).toEqual(report.cells.map((c) => ({ mziLossDb: 0.1, exact: c.cases })));
    expect(report.yield!.passing).toBe(report.yield!.trials);
  });

  it("budgets its light: the report's light section and every structure row's light, as design/structures.md §6 lists them", () => {
    // The quick start's binary cells close from one laser per modulator; its PAM-4 cells need watts.
    expect(report.light).toMatchObject({ preset: "calibrated", laserMw: 25, pass: true });
    expect(report.light!.ratePerValue).toBeLessThanOrEqual(1e-12);
    expect(report.light!.neededTapMw).toBeLessThan(25 * 10 ** (-1.5 / 10)); // one laser after its facet
    expect(report.light!.smallestStepMw).toBeGreaterThan(0.01);
    const rows = report.structure!.rows;
    expect(rows[report.structure!.chosen!]!.light).toMatchObject({ closes: true });
    for (const r of rows.filter((x) => x.structure.innerLevels === undefined)) expect(r.light).toMatchObject({ closes: false });
    expect(report.structure!.reason).toContain("that closes its light budget");
  });

  it("prints the short summary README.md quotes, and --verbose the detail docs/studies/examples.md quotes", () => {
    const quoted = (text: string, after: string): string[] =>
      new RegExp(`${after}\\n\\n\`\`\`\\n([\\s\\S]*?)\`\`\``).exec(text)![1]!.split("\n").filter(Boolean);
    const readme = quoted(readFileSync("README.md", "utf8"), "The compile ends with");
    // Every line the compile prints before "wrote …", none left out.
    const all = closing.split("\n");
    const to = all.findIndex((l) => l.trimStart().startsWith("wrote "));
    expect(to).toBeGreaterThan(0);
    expect(readme).toEqual(all.slice(0, to));
    // At most 6 lines of at most 100 characters; the detail lines break that (tests/cli/terse-summary).
    expect(terseProblems(closing)).toEqual([]);
    expect(terseProblems(closedFormSummary(report as unknown as ClosedFormReport, (s) => s).join("\n"))).not.toEqual([]);
    // The detail lines are what --verbose prints: the same function the CLI calls with it.
    const page = quoted(readFileSync("docs/studies/examples.md", "utf8"), "default summary leaves out:");
    expect(page).toEqual(closedFormSummary(report as unknown as ClosedFormReport, (s) => s));
    expect(page.some((l) => l.startsWith("  calibration monitors:"))).toBe(true);
    expectHonest(page.join("\n")); // no 99 %-yield level without its confidence, no yield without its interval
    expectHonest(closing);
  });

  it("counts hardware from the emitted netlists: MZIs, fixed couplers and detector outputs", () => {
    let mzi = 0;
    let couplers = 0;
    let detectors = 0;
    for (const c of report.cells) {
      const circuit = readNetlistJson(readFileSync(join(dir, `${c.design}.netlist.json`), "utf8"));
      const top = circuit.netlists[circuit.top]!;
      const flat = flatten(top, circuitLookup(circuit));
      // An MZI (or attenuator) is spliced as e<i>_{phi, bsA, theta, ref, bsB}: count its θ shifters.
      const m = Object.keys(flat.instances).filter((n) => /__e\d+_theta$/.test(n)).length;
      const k = Object.entries(flat.instances).filter(([n, i]) => i.component === "coupler" && !/_bs[AB]$/.test(n)).length;
      const d = Object.values(top.instances)
        .filter((i) => i.component === "detector")
        .reduce((a, i) => a + Number(i.settings.modes), 0);
      expect(c.hardware.mzi, c.design).toBe(m);
      expect(c.hardware.fixedCouplers, c.design).toBe(k);
      expect(c.hardware.detectors, c.design).toBe(d);
      mzi += c.copies * m;
      couplers += c.copies * k;
      detectors += c.copies * d;
    }
    expect([report.hardware.mzi, report.hardware.fixedCouplers, report.hardware.detectors]).toEqual([mzi, couplers, detectors]);
  });

  it(`is byte-identical when compiled twice (timing aside${FULL ? "" : "; the report in the full tier"})`, () => {
    const files = readdirSync(dir).sort();
    expect(readdirSync(again).sort()).toEqual(files);
    for (const f of files) {
      if (!FULL && /\.report\.(json|html)$/.test(f)) continue;
      if (f.endsWith(".report.json")) {
        const strip = (t: string) => JSON.stringify({ ...JSON.parse(t), timing: null });
        expect(strip(readFileSync(join(again, f), "utf8")), f).toBe(strip(readFileSync(join(dir, f), "utf8")));
      } else expect(readFileSync(join(again, f), "utf8"), f).toBe(readFileSync(join(dir, f), "utf8"));
    }
  });

  it("optinc verify passes under the spec's technology block and fails beyond the design's tolerance", async () => {
    const ok = await cli(["verify", dir, "--trials", "20", "--verbose"]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toContain("end to end: exact 100.00% (390625/390625)");
    expect(ok.out).toContain(
      "cell paper_4x8.divide0 ×1: exact 8/8 (every raw input) with ideal parts, 8/8 at the 0.1 dB nominal MZI loss, 8/8 across 0–1 dB per MZI",
    );
    expect(ok.out).toContain("yield 100.0%, 20/20 chips exact (95% CI 83.2–100%)");
    expectHonest(ok.out);
    const bad = await cli(["verify", dir, "--trials", "20", "--imbalance", "0.03"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(
      /FAIL: yield \d+\.\d% \(\d+\/20 chips with every cell copy exact, 95% CI [\d.]+–[\d.]+%\) is below --min-yield/,
    );
    expectHonest(bad.out);
    // Without --verbose: the verdict and what it rests on, in at most 6 lines of 100 characters.
    expect(bad.out).toMatch(/^ {2}FAIL \(optinc verify --verbose shows every cell\)$/m);
    expect(bad.out).not.toContain("cell paper_4x8.divide0 ×1");
    expect(terseProblems(bad.out.replace(/^ {2}FAIL: .*\n/gm, ""))).toEqual([]);
  });

  it("optinc allreduce --netlist <dir> aggregates through the chip's cells: no element differs from the golden average; a detuned cell is caught", async () => {
    const r = await cli(["--json", "allreduce", "--netlist", dir, "--exec-elements", "4096"]);
    expect(r.code, r.err).toBe(0);
    const run = JSON.parse(r.out).result.runs[0];
    expect(run.workers).toBe(4);
    expect(run.optinc).toMatchObject({ bits: 8, mismatchedElements: 0, injectedErrors: 0 });
    // The divide cell's detector step doubled: its output digit halves, the chip no longer averages.
    const detuned = join(base, "detuned");
    cpSync(dir, detuned, { recursive: true });
    const cell = join(detuned, "paper_4x8.divide0.netlist.json");
    const text = readFileSync(cell, "utf8");
    const step = /"detector":\s*\{"component":"detector","settings":\{"levels":\d+,"step":([0-9.e-]+)/.exec(text)!;
    writeFileSync(cell, text.replace(step[0], step[0].replace(step[1]!, String(2 * Number(step[1])))));
    const bad = await cli(["--json", "allreduce", "--netlist", detuned, "--exec-elements", "4096"]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).result.runs[0].optinc.mismatchedElements).toBeGreaterThan(0);
    // Non-idealities are for trained circuits: a closed-form chip's yield is optinc verify.
    expect((await cli(["allreduce", "--netlist", dir, "--phase-noise", "0.01"])).code).toBe(2);
  });

  it("optinc export <dir> re-emits every cell's netlist in one all-or-nothing set, byte for byte as compiled", async () => {
    const exported = join(base, "exported");
    const r = await cli(["export", dir, "--format", "spi", "-o", exported]);
    expect(r.code, r.err).toBe(0);
    const cells = report.cells.map((c) => c.design).sort();
    expect(
      readdirSync(exported)
        .filter((f) => f.endsWith(".spi") && !f.endsWith("_main.spi"))
        .sort(),
    ).toEqual(cells.map((d) => `${d}.spi`));
    for (const d of cells) expect(readFileSync(join(exported, `${d}.spi`), "utf8")).toBe(readFileSync(join(dir, `${d}.spi`), "utf8"));
  });

  it("optinc verify fails on a cell table edited in the chip file, and on a cell netlist from another spec", async () => {
    const tampered = join(base, "tampered");
    cpSync(dir, tampered, { recursive: true });
    const chip = join(tampered, "paper_4x8.chip.json");
    writeFileSync(chip, readFileSync(chip, "utf8").replace('"table": [0,1,0,1,0]', '"table": [0,1,1,1,0]'));
    const r1 = await cli(["verify", tampered]);
    expect(r1.code).toBe(1);
    expect(r1.out).toContain("paper_4x8.chip.json does not compute what report.json's spec asks");
    // A 3-worker compile's adder dropped in under the expected name.
    const other = join(base, "other");
    const spec = join(base, "three.optinc");
    writeFileSync(
      spec,
      readFileSync("examples/paper-4x8.optinc", "utf8")
        .replace("workers    = 4", "workers    = 3")
        .replace("aggregator paper_4x8", "aggregator paper_4x8"),
    );
    expect((await cli(["compile", spec, "-o", other, "--no-evaluate"])).code).toBe(0);
    const swapped = join(base, "swapped");
    cpSync(dir, swapped, { recursive: true });
    cpSync(join(other, "paper_4x8.add1.netlist.json"), join(swapped, "paper_4x8.add1.netlist.json"));
    const r2 = await cli(["verify", swapped]);
    expect(r2.code).toBe(1);
    expect(r2.out).toContain("paper_4x8.add1.netlist.json does not realize cell add1 of paper_4x8.chip.json");
  });
});

describe("closed-form specs that carry trained-route options", () => {
  it("warn (OPT3005) at each such option and still compile", async () => {
    const d = mkdtempSync(join(tmpdir(), "optinc-cf-warn-"));
    writeFileSync(
      join(d, "w.optinc"),
      "aggregator w {\n  workers = 3\n  precision = 4 bits\n  route = closed-form\n  network { hidden = [8] }\n  training { seed = 2  epochs = 3 }\n}\n",
    );
    const io = memoryIo({ NO_COLOR: "1" }, d);
    expect(await main(["compile", "w.optinc", "-o", join(d, "out"), "--no-evaluate"], io)).toBe(0);
    const warnings = io
      .err()
      .split("\n")
      .filter((l) => l.includes("warning[OPT3005]"));
    expect(warnings).toEqual([
      "w.optinc:5:13: warning[OPT3005]: network.hidden does not apply to route = closed-form",
      "w.optinc:6:24: warning[OPT3005]: training.epochs does not apply to route = closed-form",
    ]);
  });
});
