// The layout draws the whole chip (docs/design/layout.md §1): every unit of every cascade level, so its
// heaters, pads and cell copies are the report's. A cascade's units per level come from its chip
// files alone (pipeline/layout/layout.ts cascadeUnits), and equal report.json's cascade.levels.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compiledExample, writeLayoutInputs } from "../helpers/examples.ts";
import { layoutChip } from "../../layout/chip.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";
import { cascadeUnits, layoutCompiled, readCompiled } from "../../pipeline/layout/layout.ts";
import { planCascade } from "../../aggregate/cascade.ts";
import { FULL } from "../helpers/tier.ts";

const root = mkdtempSync(join(tmpdir(), "optinc-whole-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the whole chip: every unit of every cascade level", () => {
  // Drawing paper-4x8-robust whole takes about 9 s: the full tier. npm test keeps the units per
  // level below and the quick start's counts (tests/layout/layout-check.test.ts).
  it.runIf(FULL)("paper-4x8-robust: units per level as the report's, heaters and pads as the report counts (OPTINC_FULL=1)", () => {
    const r = compiledExample("paper-4x8-robust");
    const dir = join(root, "robust");
    writeLayoutInputs(r, dir);
    const input = readCompiled(dir);
    const levels = r.report.cascade!.levels;
    expect(levels.length).toBeGreaterThan(1);
    for (const l of levels) expect(input.chips.find((c) => `${c.name}.chip.json` === l.file)?.units, l.file).toBe(l.units);
    const out = layoutCompiled(dir, { pdk: "ebeam" });
    expect(out.stats.heaters).toBe(r.report.hardware.phaseShifters);
    expect(out.stats.signalBumps).toBe(out.stats.heaters);
    expect(out.stats.pads).toBe(out.stats.signalBumps + out.stats.groundBumps);
    expect(out.stats.copies).toBe(input.chips.reduce((a, c) => a + c.units * c.copies.length, 0));
    // every unit's copies are named apart: "<level file>.u<k>/<cell>"
    const padMap = JSON.parse(out.padMap) as { heaters: { copy: string }[] };
    expect(padMap.heaters.length).toBe(out.stats.heaters);
    const copies = new Set(padMap.heaters.map((h) => h.copy));
    expect(copies.size).toBe(out.stats.copies);
    expect([...copies].some((c) => /\.L1\.u1\//.test(c))).toBe(true);
    // The count can fail: one unit per level (what the layout drew before) leaves heaters out.
    const oneEach = layoutChip({ ...input, chips: input.chips.map((c) => ({ ...c, units: 1 })) }, DEFAULT_LENGTH_ENCODING);
    expect(oneEach.stats.heaters).toBeLessThan(r.report.hardware.phaseShifters);
  });

  it("the units per level from the chip files alone equal the cascade plan's, for odd, prime and power-of-radix worker counts", () => {
    for (const [workers, radix] of [
      [13, 4],
      [64, 4],
      [256, 3],
      [97, 5],
      [33, 7],
      [17, 2],
      [251, 8],
    ] as const) {
      const plan = planCascade(workers, radix, 8, 4, "nearest-even");
      const top = plan.levels.length;
      const chips = plan.levels.map((l, i) => ({
        name: `x.L${l.level}`,
        workers: i === top - 1 ? (i === 0 ? workers : plan.levels[i - 1]!.units) : radix,
        divisor: i === top - 1 ? workers : 1,
      }));
      const got = cascadeUnits(chips);
      expect(
        plan.levels.map((l) => got.get(`x.L${l.level}`)),
        `${workers} workers, radix ${radix}`,
      ).toEqual(plan.levels.map((l) => l.units));
    }
  });
});
