// Every figure README.md and docs/studies/examples.md state about the examples is computed here from
// the code and must appear as computed. Figures that need a trained circuit (exact match of the
// bigger examples, compile times) are printed by `npm run bench -- compile`, which names the claim
// it checks; the paper-4x8 compile itself runs in tests/e2e/paper-4x8.test.ts (npm run test:full).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRng } from "../../math/rng.ts";
import { flatCases } from "../../pipeline/compile/compose.ts";
import { commas, design, exampleSpec } from "./design.ts";
import { TRAINED_RADIX } from "../helpers/examples.ts";
import { orderStatisticConfidence } from "../../math/binomial.ts";
import { yieldInterval } from "../../verify/tolerance/statistics.ts";

const readme = readFileSync("README.md", "utf8");
/** The page the README's example figures live on. */
const page = readFileSync("docs/studies/examples.md", "utf8");

describe("README.md and docs/studies/examples.md figures", () => {
  it("paper-4x8-trained: 28561 cases, MZIs 5230 vs 19682 unapproximated, area ratio 0.266 (the compile's closing lines)", () => {
    const d = design(exampleSpec("paper-4x8-trained"));
    expect(d.units).toHaveLength(1);
    const cases = d.units[0]!.cases;
    expect(cases).toBe(13 ** 4);
    expect(page).toContain(`paper_4x8_trained: exact match 100% over ${cases} cases (every case of the reduced space)`);
    expect(page).toContain(
      `  MZIs ${d.mzi} vs ${d.mziUnapproximated} unapproximated: area ratio ${(d.mzi / d.mziUnapproximated).toFixed(3)}`,
    );
    expect([d.mzi, d.mziUnapproximated]).toEqual([5230, 19682]);
  });

  it("paper-4x16: a chain of five small units, 75,536 edge cases besides the 10⁶ stratified ones, area ratio 0.266", () => {
    const d = design(exampleSpec("paper-4x16"));
    const chain = d.stages[0]!.slices!;
    expect(chain.slices).toHaveLength(5);
    expect(page).toContain("`paper-4x16` compiles to a chain of five small ONN units");
    // compose's edge cases: every digit-sum vector over {0, 1, max−1, max} (4^8) plus 10,000 ties.
    const edge = flatCases(d.stages[0]!.fn, 0, createRng(1)).edge;
    expect(edge).toBe(4 ** 8 + 10_000);
    expect(page).toContain(`exact on 10⁶ stratified cases plus ${commas(edge)} edge cases at area`);
    expect(page).toContain(`ratio ${(d.mzi / d.mziUnapproximated).toFixed(3)}`);
  });

  it("eight-workers and cluster-16 are cascades of radix-4 units; cluster-16's top unit is sliced", () => {
    const eight = design(exampleSpec("eight-workers"));
    expect(eight.cascade!.radix).toBe(4);
    expect(eight.cascade!.levels.map((l) => [l.units, l.fn.workers])).toEqual([
      [2, 4],
      [1, 2],
    ]);
    expect(eight.stages.every((s) => s.slices === null)).toBe(true);
    // Trained at radix 4, as npm run bench -- compile trains it (TRAINED_RADIX).
    const c16 = exampleSpec("cluster-16");
    const cluster = design({ ...c16, cascade: { radix: TRAINED_RADIX["examples/cluster-16.optinc"]! } });
    expect(cluster.cascade!.levels.map((l) => [l.units, l.fn.workers])).toEqual([
      [4, 4],
      [1, 4],
    ]);
    expect(cluster.stages.map((s) => s.slices !== null)).toEqual([false, true]);
    expect(page).toContain(
      "`eight-workers` and `cluster-16` (trained at radix 4) are cascades of radix-4 units; the top unit\n  of `cluster-16` is itself sliced.",
    );
  });

  it("the examples folder holds the specs of the table, each as .optinc and .yaml", async () => {
    const { readdirSync } = await import("node:fs");
    // Besides the specs, the folder holds the library API's worked example (examples/sweep.mjs).
    const files = readdirSync("examples")
      .filter((f) => !f.endsWith(".mjs"))
      .sort();
    const names = [...new Set(files.map((f) => f.replace(/\.(optinc|yaml)$/, "")))].sort();
    expect(files).toEqual(names.flatMap((n) => [`${n}.optinc`, `${n}.yaml`]).sort());
    for (const n of names) expect(page).toMatch(new RegExp(`^\\| \`${n}\` \\|`, "m"));
    const count = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"][names.length];
    expect(readme).toContain(`The \`examples/\` folder holds ${count} specs, each as \`.optinc\` and \`.yaml\``);
    for (const n of ["paper-4x8", "paper-4x8-trained", "eight-workers"]) expect(exampleSpec(n).workers).toBe(n === "eight-workers" ? 8 : 4);
    expect([exampleSpec("cluster-16").workers, exampleSpec("paper-4x16").precision]).toEqual([16, 16]);
  });

  it("Node 20.19 or later, as package.json's engines field says", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(">=20.19");
    expect(readme).toContain("Node 20.19 or later is required.");
  });

  it("every yield in the README's tables is k/n with its 95% Clopper–Pearson interval, as the code computes it", () => {
    const rows = page.split("\n").filter((l) => /^\| `[^`]+` \|/.test(l));
    let seen = 0;
    for (const row of rows) {
      for (const m of row.matchAll(/\| (\d+)\/(\d+) ([^|]*)/g)) {
        expect(m[3]!.trim(), row).toBe(`(${yieldInterval(Number(m[1]), Number(m[2]))})`);
        seen++;
      }
    }
    expect(seen).toBe(21 + 8); // the fab table: seven measured examples × three presets (cluster-256 and cluster-1024 are left out, with why); the examples table: all but the ideal trained one
  });

  // The fab table's tolerances carry theirs beside each figure (tests/docs/fab-table.test.ts).
  it("the quick start's tolerance line states the confidence its die count gives", () => {
    expect(page).toContain(`only with ${(100 * orderStatisticConfidence(20, 0.01)).toFixed(1)} % confidence (1 − 0.99²⁰)`);
  });
});
