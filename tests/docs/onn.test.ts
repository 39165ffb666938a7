// Every figure of docs/design/onn.md, computed from the code and found in the text as computed. The
// training schedule is observed on a real (tiny) training run; constants the trainer keeps
// private are read from its source, so the doc cannot drift from them unnoticed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planCascade } from "../../aggregate/cascade.ts";
import { planSlices, SLICE_CASES, SLICE_THRESHOLD } from "../../aggregate/slices.ts";
import { flatUnit, reducedSpaceSize } from "../../aggregate/unit.ts";
import { AUTO_SEGMENT, autoHidden } from "../../compiler/onn/architecture.ts";
import { compileUnit, EXHAUSTIVE_LIMIT } from "../../compiler/onn/unit.ts";
import type { EpochStats } from "../../compiler/onn/train.ts";
import { loadSpec } from "../../dsl/load.ts";
import { createRng } from "../../math/rng.ts";
import { cascadeCases, flatCases } from "../../pipeline/compile/compose.ts";
import { REPORT_TRIALS } from "../../pipeline/compile/evaluate.ts";
import { commas, design, exampleSpec } from "./design.ts";

const doc = readFileSync("docs/design/onn.md", "utf8").replace(/\s*\n\s*/g, " ");
const trainSource = readFileSync("compiler/onn/train.ts", "utf8");

describe("docs/design/onn.md figures", () => {
  it("§2 reduced spaces: 28,561 for 4 × 8-bit PAM4 instead of 4.3·10⁹, and 390,625 for 8 × 8-bit", () => {
    const s48 = reducedSpaceSize(flatUnit(4, 8, 4, "nearest-even"));
    const full = 4 ** (4 * 4);
    expect(doc).toContain(
      `${commas(s48)} cases for 4 workers × 8-bit PAM4 (instead of ${(full / 1e9).toFixed(1)}·10⁹), ${commas(reducedSpaceSize(flatUnit(8, 8, 4, "nearest-even")))} for 8 × 8-bit`,
    );
  });

  it("§3 cascades: 16 workers = 4 + 1 units, 5-digit partial sums; 8 workers = two radix-4 units and a 7^5 = 16,807-case radix-2 top", () => {
    const c16 = planCascade(16, 4, 8, 4, "nearest-even");
    expect(c16.levels.map((l) => l.units)).toEqual([4, 1]);
    expect(doc).toContain("(16 workers at radix 4: 4 + 1 units in two levels)");
    expect(doc).toContain(`(${c16.levels[0]!.fn.outDigits} PAM4 digits for 4 × 8-bit)`);
    const c8 = planCascade(8, 4, 8, 4, "nearest-even");
    const top = c8.levels[1]!.fn;
    expect([c8.levels[0]!.units, top.workers]).toEqual([2, 2]);
    expect(reducedSpaceSize(top)).toBe(7 ** 5);
    expect(doc).toContain(`two radix-4 units and a radix-2 top unit of 7^5 = ${commas(7 ** 5)} cases`);
  });

  it("§3 digit slices: the 100,000-case threshold, 13^8 and 13^5 = 371,293, the 12,000-case group budget", () => {
    expect(doc).toContain(`A unit whose reduced space exceeds ${commas(SLICE_THRESHOLD)} cases`);
    expect(reducedSpaceSize(flatUnit(4, 16, 4, "nearest-even"))).toBe(13 ** 8);
    expect(doc).toContain(`(4 × 16 bits: 13^8 ≈ ${Math.round(13 ** 8 / 1e8)}·10^8`);
    const top16 = planCascade(16, 4, 8, 4, "nearest-even").levels[1]!.fn;
    expect(reducedSpaceSize(top16)).toBe(13 ** 5);
    expect(doc).toContain(`\`cluster-16\`: 13^5 = ${commas(13 ** 5)})`);
    expect(doc).toContain(`g is the largest group whose space stays ≤ ${commas(SLICE_CASES)} cases`);
  });

  it("§3 the tie class: a 13-case slice 0 for 4 workers; without it cluster-16's slice 0 (K = 3) had 2,197 cases, P ≤ 252, ties every 16", () => {
    const plan = planSlices(flatUnit(4, 8, 4, "nearest-even"))!;
    expect(reducedSpaceSize(plan.slices[0]!.fn)).toBe(13);
    expect(doc).toContain("For 4 workers this makes slice 0 a 13-case function of one digit sum");
    const top16 = planCascade(16, 4, 8, 4, "nearest-even").levels[1]!.fn;
    const K = 3; // 4^3 / 16 = 4, an even M: the split that needs no tie class
    expect(4 ** K % top16.divisor).toBe(0);
    expect(13 ** K).toBe(2197);
    expect(12 * (1 + 4 + 16)).toBe(252);
    expect(doc).toContain(
      `the ${commas(13 ** K)}-case slice 0 of \`cluster-16\`'s top unit (P up to ${12 * (1 + 4 + 16)}, ties every ${top16.divisor})`,
    );
  });

  it("§3 4 × 16 bits: 13 + 2,704 + 2,704 + 2,704 + 208 cases, four distinct functions (slices 2 and 3 are the same)", () => {
    const plan = planSlices(flatUnit(4, 16, 4, "nearest-even"))!;
    const sizes = plan.slices.map((s) => reducedSpaceSize(s.fn));
    expect(doc).toContain(`4 × 16 bits becomes ${sizes.map(commas).join(" + ")} cases, with four distinct functions to train`);
    expect(new Set(plan.slices.map((s) => JSON.stringify(s.fn))).size).toBe(4);
    expect(plan.slices[2]!.fn).toEqual(plan.slices[3]!.fn);
    expect(doc).toContain("(partial sums above 4 × 1020)");
    expect(4 * (2 ** 8 - 1)).toBe(1020);
  });

  it("§3 compose: ≤ 10^6 cases exhaustively, else 10^6 samples plus {0, 1, max−1, max} vectors and 10,000 ties", () => {
    const fn = flatUnit(4, 8, 4, "nearest-even");
    const set = flatCases(fn, 0, createRng(1));
    expect(set.edge).toBe(4 ** 4 + 10_000);
    expect(doc).toContain("chains), 10,000 rounding ties");
    // Cascades: 5 fixed patterns, 2 one-hot patterns per worker, one carry pattern per bit, then the ties.
    const cc = cascadeCases(16, 8, 4, 0, createRng(1));
    expect(cc.edge).toBe(5 + 2 * 16 + 8 + 10_000);
    expect(doc).toContain("has ≤ 10^6 cases, otherwise over 10^6 stratified digit-sum vectors");
    // The 10^6 is compile's default compose budget.
    expect(readFileSync("pipeline/compile/trained.ts", "utf8")).toMatch(/maxComposeCases \?\? 1_000_000/);
  });

  it("§4 the auto network [24D, 6D, 24D, 6D] and segments of s = 4", () => {
    expect(autoHidden(flatUnit(4, 8, 4, "nearest-even"))).toEqual([96, 24, 96, 24]);
    expect(doc).toContain("`[24D, 6D, 24D, 6D]`");
    expect(AUTO_SEGMENT).toBe(4);
    expect(doc).toContain(`segments default to s = ${AUTO_SEGMENT}`);
  });

  it("§5 the trainer's constants: 2 % of the rate kept, 0.2 × epochs of polishing, 32,768 samples per epoch", () => {
    expect(trainSource).toMatch(/const FIT_FLOOR = 0\.02;/);
    expect(doc).toContain("then stays at 2 %");
    expect(trainSource).toMatch(/const POLISH = 0\.2;/);
    expect(doc).toContain("or 0.2 × `epochs` more epochs have run");
    expect(trainSource).toMatch(/const MAX_SAMPLES = 32_768;/);
    expect(doc).toContain("An epoch sweeps every case, up to 32,768 samples");
    expect(trainSource).toMatch(/\(cfg\.learningRate \/ 3\)/);
    expect(doc).toContain("at a third of the rate");
  });

  it.each([
    ["after-free", ["warm-up", 0.15, "free", 0.45, "pull", 0.7, "fitted"]],
    ["from-start", ["warm-up", 0.15, "fitted"]],
  ] as const)("§5 the %s schedule: its phases switch at the documented fractions of B, and it stops by 2 B", (route, bounds) => {
    const B = 20;
    const text = `aggregator s {\n  workers = 2\n  precision = 2 bits\n  levels = 2\n  network { hidden = [8, 8] }\n  approximate { method = unitary-diagonal  layers = all  segment = 2 }\n  training { seed = 5  epochs = ${B}  hardware_aware = ${route} }\n}\n`;
    const r = loadSpec("s.optinc", text);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const seen: EpochStats[] = [];
    const u = compileUnit(r.checked!.spec, flatUnit(2, 2, 2, "nearest-even"), 5, (s) => seen.push(s));
    // A run that ends short of exact match is restarted (compiler/onn/unit.ts): epochs restart at 1.
    const runs = seen.filter((s) => s.epoch === 1).length;
    expect(runs).toBe(u.training.runs);
    for (let i = 0; i < seen.length; i++) expect(seen[i]!.epoch).toBe(i > 0 && seen[i]!.epoch !== 1 ? seen[i - 1]!.epoch + 1 : 1);
    expect(Math.max(...seen.map((s) => s.epoch))).toBeLessThanOrEqual(2 * B);
    // Epoch e runs at frac = (e − 1)/B; the phase before the first bound ≥ frac applies.
    for (const s of seen) {
      const frac = Math.min(1, (s.epoch - 1) / B);
      let phase = bounds[0] as string;
      for (let i = 1; i < bounds.length; i += 2) if (frac >= (bounds[i] as number)) phase = bounds[i + 1] as string;
      expect(s.phase, `epoch ${s.epoch}`).toBe(phase);
    }
    // Every phase before "fitted" runs in full (exactness only ends training in the fitted phase).
    expect(new Set(seen.map((s) => s.phase))).toEqual(new Set(bounds.filter((b) => typeof b === "string")));
    const rows =
      route === "after-free"
        ? ["| warm-up | 0 – 0.15 B |", "| free | 0.15 – 0.45 B |", "| pull | 0.45 – 0.7 B |", "| fitted | 0.7 B – 2 B |"]
        : ["| warm-up | 0 – 0.15 B |", "| fitted | 0.15 B – 2 B |"];
    for (const row of rows) expect(doc.includes(row), row).toBe(true);
  });

  it("§9 and §10: 10 Monte-Carlo trials in the report; exhaustive training up to 500,000 cases", () => {
    expect(doc).toContain(`${REPORT_TRIALS} seeded Monte-Carlo trials`);
    expect(doc).toContain(`larger than exhaustive training handles (${commas(EXHAUSTIVE_LIMIT)} cases)`);
  });

  it("the choice of s = 4 over s = 2 on paper-4x8: half the fixed couplers (3,732 vs 7,499) and area ratio 0.266 vs 0.300", () => {
    const at = (s: number) => {
      const spec = exampleSpec("paper-4x8");
      return design({ ...spec, approximate: { ...spec.approximate, segment: s } });
    };
    const arch = readFileSync("compiler/onn/architecture.ts", "utf8").replace(/\s*\n\s*\/\/?\s*\*?\s*/g, " ");
    const [four, two] = [at(4), at(2)];
    expect(arch).toContain(`(${commas(four.segmentCouplers)} vs ${commas(two.segmentCouplers)})`);
    expect(arch).toContain(
      `(area ratio ${(four.mzi / four.mziUnapproximated).toFixed(3)} vs ${(two.mzi / two.mziUnapproximated).toFixed(3)})`,
    );
  });
});
