// route = auto through the CLI on small specs: the search builds the cheapest structure that shows
// the yield target, or refuses with exit 1 and writes nothing. Every verdict is checked against an
// independent 100-die Monte-Carlo of emitted files by `optinc verify` (for a refusal, of each
// structure built under the explicit route).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { loadSpec } from "../../dsl/load.ts";
import { candidateStructures, searchStructures } from "../../pipeline/compile/structure-search.ts";
import type { ClosedFormReport } from "../../pipeline/report/closed-form-report.ts";
import type { StructureSearch } from "../../pipeline/types.ts";
import { checkTarget } from "../../verify/tolerance/statistics.ts";
import { memoryIo } from "../helpers/io.ts";
import { expectHonest } from "../verify/tolerance/honest.ts";
import { FULL } from "../helpers/tier.ts";

const base = mkdtempSync(join(tmpdir(), "optinc-auto-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

function specText(name: string, body: string): string {
  return `aggregator ${name} {\n${body}\n}\n`;
}

async function compile(name: string, body: string, extra: string[] = []) {
  const file = join(base, `${name}.optinc`);
  writeFileSync(file, specText(name, body));
  const dir = join(base, name);
  const r = await cli(["compile", file, "-o", dir, ...extra]);
  const reportFile = join(dir, `${name}.report.json`);
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, "utf8")) as ClosedFormReport) : null;
  return { ...r, dir, report };
}

/** k of 100 chips exact in `optinc verify`'s own Monte-Carlo of the emitted files. */
async function verify100(dir: string): Promise<number> {
  const v = await cli(["verify", dir, "--trials", "100"]);
  const m = /(\d+)\/100 chips exact/.exec(v.out);
  expect(m, v.out + v.err).not.toBeNull();
  return Number(m![1]);
}

const T4 = "  workers = 4\n  precision = 4 bits\n  levels = 4";
// 40 mrad of phase noise: more than the flat binary cells tolerate, within the radix-2 cascade's
// reach. Binary cells come first: they close the light budget, PAM-4 cells do not.
const T4_TECH = "  technology { preset = calibrated  phase_noise = 40 mrad  yield = 99 % }";

describe("route = auto", () => {
  it("is the default, and builds the least-energy structure that shows the target: flat cells miss, the radix-2 cascade meets", async () => {
    const c = await compile("auto4", `${T4}\n${T4_TECH}`, ["--verbose"]);
    expect(c.code, c.err).toBe(0);
    const s = c.report!.structure!;
    expect(s.requested).toBe("auto");
    // Light-closing structures first, least energy per bit first; the others by MZIs.
    expect(s.rows.map((r) => r.label)).toEqual([
      "flat cells, PAM-2 inside",
      "radix-2 cascade, PAM-2 inside",
      "radix-3 cascade, PAM-2 inside",
      "flat cells",
      "radix-2 cascade",
      "radix-3 cascade",
    ]);
    expect(s.rows.map((r) => r.light!.closes)).toEqual([true, true, true, false, false, false]);
    const pj = s.rows.slice(0, 3).map((r) => r.light!.pjPerBit!);
    expect(pj).toEqual([...pj].sort((a, b) => a - b));
    expect(s.rows[0]!.cost.mzi).toBeLessThan(s.rows[1]!.cost.mzi);
    expect(s.rows[0]!.yield!.verdict).not.toBe("met");
    expect(s.chosen).toBe(1);
    expect(s.rows[2]).toMatchObject({ yield: null, note: "not tried: costlier than the chosen" });
    expect(c.report!.cascade?.radix).toBe(2);
    expect(c.report!.yield).toMatchObject({ trials: 299, passing: 299, target: { verdict: "met" } });
    // The compile line and the report section.
    expect(c.err).toContain(
      "structure (route = auto): radix-2 cascade, PAM-2 inside: the structure with the least energy per bit (31.4 pJ/bit, 360 MZIs) that closes its light budget (2.00 mW per modulator) and that shows 99% yield",
    );
    expect(readFileSync(join(c.dir, "auto4.report.html"), "utf8")).toContain("Structures considered");
    expectHonest(c.err); // every yield with its interval, every 99 %-yield level with its confidence
    // Independent check: verify's 100 dies of the emitted chip are all exact.
    expect(await verify100(c.dir)).toBe(100);
    // And the structure it passed over misses: flat cells built explicitly, 100 dies (a compile with
    // its yield and 100 dies, about 5 s: the full tier, like the refusal's check below).
    if (!FULL) return;
    const flat = await compile("flat4", `${T4}\n  inner_levels = 2\n  route = closed-form\n${T4_TECH}`);
    expect(flat.code).toBe(0);
    expect(flat.err).toMatch(/warning\[OPT3006\]: the design (misses|does not show) its yield target/);
    const k = await verify100(flat.dir);
    expect(checkTarget(k, 100, { yield: 0.99, confidence: 0.95 }).verdict).toBe("missed");
  }, 300_000);

  it("refuses a target the technology cannot meet: exit 1, OPT3007 naming the best structure and its yield, nothing written", async () => {
    const body = "  workers = 3\n  precision = 2 bits\n  levels = 4\n  technology { preset = foundry  yield = 99 % }";
    const c = await compile("refused3", body, ["--explain"]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(
      /refused3\.optinc:5:34: error\[OPT3007\]: route = auto found no structure that meets the yield target: no structure shows 99% yield at 95% confidence at foundry; the best, (flat cells|radix-2 cascade)(, PAM-2 inside)?, has \d+\/30 chips exact \(95% CI [\d.]+–[\d.]+%\)/,
    );
    expect(c.err).toMatch(/hint: .* stays exact on all 20 dies up to [\d.]+× foundry/);
    // The message names the best structure's widest decision against foundry's decision bound and
    // the errors that break it; the table starts with the bound (docs/design/structures.md).
    expect(c.err).toMatch(
      /its widest decision is θ = [\d.]+ in cell \S+; foundry's bound for PAM-[24] cells is θ ≤ [\d.]+; (it fails under .+ alone|no single error breaks it, their sum does)/,
    );
    expect(c.err).toMatch(/ {2}decision bound, PAM-4 cells: θ ≤ [\d.]+ \(100\/100 probe dies exact\)/);
    expect(c.err).toContain("structures considered (route = auto; target 99% yield at 95% confidence; technology foundry)");
    expect(c.err).toMatch(
      / {4}flat cells\s+\d+\s+\d+\s+2 \(1\)\s+1 ns\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+ (W|mW|µW) \(over\)\s+—\s+—\s+—\s+\d+\/30 \([\d.]+–[\d.]+%\) MISSED\s+[\d.]+× foundry \(20 dies, 18% conf\.\)/,
    );
    expect(existsSync(c.dir)).toBe(false);
    expectHonest(c.err);
    // --json: the envelope's result carries the structures considered.
    const j = await cli(["--json", "compile", join(base, "refused3.optinc"), "-o", c.dir]);
    const env = JSON.parse(j.out) as { ok: boolean; result: { refused: boolean; structure: StructureSearch } };
    expect(j.code).toBe(1);
    expect(env.ok).toBe(false);
    expect(env.result.refused).toBe(true);
    expect(env.result.structure.chosen).toBeNull();
    expect(env.result.structure.rows.map((r) => r.label)).toEqual([
      "flat cells, PAM-2 inside",
      "radix-2 cascade, PAM-2 inside",
      "flat cells",
      "radix-2 cascade",
    ]);
    expect(env.result.structure.rows.every((r) => r.yield !== null && r.yield.passing < r.yield.trials)).toBe(true);
    // Independent check: each structure, built under the explicit route, misses on 100 dies (two
    // compiles and 200 dies, about 3 s: the full tier).
    if (FULL)
      for (const [name, cascade] of [
        ["flat3", ""],
        ["radix3", "  cascade { radix = 2 }"],
        ["flat3b", "  inner_levels = 2"],
        ["radix3b", "  inner_levels = 2\n  cascade { radix = 2 }"],
      ]) {
        const e = await compile(name!, `${body}\n  route = closed-form\n${cascade}`);
        expect(e.code).toBe(0);
        const k = await verify100(e.dir);
        expect(checkTarget(k, 100, { yield: 0.99, confidence: 0.95 }).verdict, `${name}: ${k}/100`).toBe("missed");
      }
  }, 300_000);

  // A whole --explain search with Monte-Carlo on every structure (about 20 s): the full tier only.
  it.runIf(FULL)(
    "no structure is rejected for loss any more: cells the lossless-parts check refused (8 × 3 bits, PAM-8) are exact and go to the Monte-Carlo",
    async () => {
      const body = "  workers = 8\n  precision = 3 bits\n  levels = 8\n  rounding = nearest-away\n  technology { preset = calibrated }";
      const c = await compile("noexact8", `${body}`, ["--explain"]);
      // Before loss-tracking biases: "no structure is exact on its emitted cells" (with lossless parts,
      // biased for 0.1 dB). Now every structure's cells are exact and each is tried on chips.
      expect(c.err).not.toContain("no structure is exact on its emitted cells");
      expect(c.err).not.toContain("not built: not exact");
      expect(c.err).not.toMatch(/bug in optinc/);
      expect(c.err).toContain("structures considered (route = auto; target 99% yield at 95% confidence; technology calibrated)");
      // light, pJ/bit, lasers and link conversion: "—" where the cells do not close their light
      expect(c.err).toMatch(
        / {4}radix-2 cascade\s+\d+\s+\d+\s+8 \(7\)\s+7 ns\s+[\d.]+\s+[\d.]+\s+\d+\s+\S+( \S+)?( \(over\))?(\s+—)+\s+\d+\/\d+ /,
      );
      // The flat PAM-8 cells decide past the PAM-8 wall by their shape alone: listed, not built.
      expect(c.err).toMatch(/ {2}not built: flat cells: its first adder decides at θ ≥ 55\.5, at or past the PAM-8 wall at θ = [\d.]+/);
      expectHonest(c.err);
    },
    300_000,
  );

  it("with an ideal technology, builds the cheapest structure and draws no chips", () => {
    const r = loadSpec("i.optinc", specText("ideal5", "  workers = 5\n  precision = 2 bits\n  levels = 4"));
    expect(r.checked!.spec.route).toBe("auto");
    const { search, chosen } = searchStructures(r.checked!, { seed: 1 });
    expect(search.rows.map((x) => x.structure)).toEqual(
      expect.arrayContaining(candidateStructures(5)), // flat and radix 2, 3, 4
    );
    expect(search.rows).toHaveLength(8); // and each in PAM-2 inside
    const mzis = search.rows.map((x) => x.cost.mzi);
    expect(mzis).toEqual([...mzis].sort((a, b) => a - b));
    expect(search.chosen).toBe(0);
    expect(search.rows.every((x) => x.yield === null)).toBe(true);
    expect(chosen!.trials).toBeNull();
  });

  it("the check budget tries costly-to-check structures last, names them, and never changes a verdict", () => {
    const r = loadSpec(
      "b.optinc",
      // optimize = area: the check budget reorders the MZI order this test reasons about.
      specText("b5", "  workers = 5\n  precision = 2 bits\n  levels = 4\n  optimize = area\n  technology { preset = calibrated }"),
    );
    const free = searchStructures(r.checked!, { seed: 1, checkBudget: 1e9 }).search;
    const cheapest = free.rows[free.chosen!]!;
    expect(free.chosen).toBe(0); // flat cells, PAM-2 inside
    expect(free.reason).not.toContain("--check-budget");
    // Below the flat chip's cases: a costlier structure within the budget is built, and the reason
    // names the flat cells and the budget that would try them.
    const tight = searchStructures(r.checked!, { seed: 1, checkBudget: cheapest.cost.checkCases - 1 }).search;
    const built = tight.rows[tight.chosen!]!;
    expect(tight.chosen).not.toBe(0);
    expect(built.cost.checkCases).toBeLessThan(cheapest.cost.checkCases);
    expect(built.cost.mzi).toBeGreaterThan(cheapest.cost.mzi);
    expect(built.yield!.passing).toBe(built.yield!.trials);
    expect(tight.rows[0]!.note).toMatch(
      new RegExp(
        `^not tried: each chip simulates ${cheapest.cost.checkCases.toLocaleString("en-US")} cell cases, over the search's check budget`,
      ),
    );
    expect(tight.reason).toContain(`${cheapest.label} (${cheapest.cost.mzi} MZIs, ${cheapest.cost.checkCases} cell cases per chip)`);
    expect(tight.reason).toMatch(/--check-budget \d+ tries (it|them)/);
    // Every structure over the budget: the plain cost order again.
    const none = searchStructures(r.checked!, { seed: 1, checkBudget: 1 }).search;
    expect(none.chosen).toBe(0);
    expect(none.rows[0]!.yield).toEqual(cheapest.yield);
  });

  it("--check-budget takes a positive integer of cell cases, or is a usage error", async () => {
    const file = join(base, "budget.optinc");
    writeFileSync(file, specText("budget", "  workers = 3\n  precision = 2 bits"));
    for (const bad of ["0", "-5", "1e6", "many"]) {
      const r = await cli(["compile", file, "-o", join(base, "budget-out"), "--check-budget", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.err).toMatch(/--check-budget must be an integer in 1\.\.1000000000/);
      expect(existsSync(join(base, "budget-out"))).toBe(false);
    }
  });

  it("a written cascade without a route keeps the explicit closed-form route; route = auto with one warns", () => {
    const implied = loadSpec("c.optinc", specText("c", "  workers = 4\n  cascade { radix = 2 }"));
    expect(implied.checked!.spec.route).toBe("closed-form");
    expect(implied.diagnostics).toEqual([]);
    const auto = loadSpec("c.optinc", specText("c", "  workers = 4\n  route = auto\n  cascade { radix = 2 }"));
    expect(auto.diagnostics.map((d) => d.code)).toEqual(["OPT2016"]);
  });
});
