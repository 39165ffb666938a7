// Issue #40's area goal: the quick start's die takes at most 0.15 mm² per tunable MZI (docs/layout.md,
// "Figures": 53.1 mm² for 355 MZIs). A layout change that takes the die back over it fails here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compiledExample, writeLayoutInputs } from "../helpers/examples.ts";
import { layoutCompiled } from "../../pipeline/layout/layout.ts";

const root = mkdtempSync(join(tmpdir(), "optinc-area-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the quick start's die area per tunable MZI", () => {
  it("is at most 0.15 mm² (issue #40)", () => {
    const r = compiledExample("paper-4x8");
    const dir = join(root, "out");
    writeLayoutInputs(r, dir);
    const s = layoutCompiled(dir, { pdk: "ebeam" }).stats;
    const mzi = r.report.hardware.mzi;
    expect(mzi).toBe(355);
    // every heater of every copy is drawn, so the area is the whole chip's
    expect(s.heaters).toBe(r.report.hardware.phaseShifters);
    expect(s.dieAreaMm2 / mzi).toBeLessThanOrEqual(0.15);
  });
});
