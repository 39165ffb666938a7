// report.json's hardware sections are counts of the emitted netlist: a compiled unit's report is
// checked against instances counted in its `.netlist.json` (count-netlist.ts, plain JSON), the
// preprocessing stage as built (digits × workers + digits − 1 couplers for the centred digit sums
// and the bias split, one more bias source than layers), and the planned cost model agrees with
// what was built for every layer. Every bundled example is checked in examples-roundtrip.test.ts.
// The closed-form route's report (cells of paper-4x8 and cluster-16) is checked the same way.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { circuitInventory } from "../../netlist/inventory.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compiledSmallUnit, type CompiledUnit } from "./compiled-unit.ts";
import { cellCounts, countNetlist, expectReportCountsNetlists } from "./count-netlist.ts";
import { compiledExample } from "../helpers/examples.ts";

describe("report.json hardware = counts of the emitted netlist", () => {
  let unit: CompiledUnit;
  let report: Parameters<typeof expectReportCountsNetlists>[0];
  beforeAll(async () => {
    unit = await compiledSmallUnit();
    report = JSON.parse(readFileSync(join(unit.dir, "small.report.json"), "utf8"));
  });

  it("every hardware count of the compiled unit equals the count of netlist instances", () => {
    expectReportCountsNetlists(report, (f) => readFileSync(join(unit.dir, `${f}.netlist.json`), "utf8"));
  });

  it("the preprocessing stage is counted as built: centred digit sums plus the bias split and its source", () => {
    const c = countNetlist(readFileSync(join(unit.dir, "small.netlist.json"), "utf8"));
    const pre = c.stages.filter((s) => s.role === "preprocess");
    expect(pre).toHaveLength(1);
    // 2 workers × 2 digits: per digit 1 worker merge and 1 bias merge, plus 1 bias split.
    expect(pre[0]!.couplers).toBe(2 * 2 + 2 - 1);
    expect(report.hardware.preprocessCouplers).toBe(5);
    expect(report.hardware.biasSources).toBe(c.stages.length); // preprocess + 4 layers
    expect(report.hardware.broadcastCouplers).toBe(0);
  });

  it("the planned cost model matches what was built, layer by layer", () => {
    const planned = unit.result.units[0]!.result.hardware;
    const built = circuitInventory(readNetlistJson(readFileSync(join(unit.dir, "small.netlist.json"), "utf8"))).stages.filter(
      (s) => s.role !== "preprocess",
    );
    expect(built.map((s) => s.mzis)).toEqual(planned.layers.map((l) => l.mzi));
    expect(built.map((s) => s.fixedCouplers)).toEqual(planned.layers.map((l) => l.couplers));
    expect(built.map((s) => [s.outputs, s.inputs])).toEqual(planned.layers.map((l) => [l.rows, l.cols]));
    expect(built.every((s) => s.mziCouplers === 2 * s.mzis)).toBe(true);
  });

  it("the check can fail: a report that counts the textbook preprocessing (digits × (workers − 1)) is caught", () => {
    const wrong = structuredClone(report);
    wrong.hardware.preprocessCouplers = 2 * (2 - 1);
    expect(() => expectReportCountsNetlists(wrong, (f) => readFileSync(join(unit.dir, `${f}.netlist.json`), "utf8"))).toThrow();
  });
});

describe("closed-form report.json hardware = counts of the emitted cell netlists", () => {
  it.each(["paper-4x8", "cluster-16"])("%s: every cell's counts and the copy-weighted totals", (ex) => {
    const r = compiledExample(ex);
    const total: Record<string, number> = {};
    for (const c of r.report.cells) {
      const want = cellCounts(r.files.get(`${c.design}.netlist.json`)!);
      expect(c.hardware, c.design).toEqual(want);
      for (const [k, v] of Object.entries(want)) total[k] = k === "stages" ? Math.max(total[k] ?? 0, v) : (total[k] ?? 0) + c.copies * v;
    }
    expect(r.report.cells.length).toBeGreaterThan(1);
    const { cellsOnCriticalPath: _a, oeoOnCriticalPath: _b, oeoLatencySeconds: _c, regeneratedDigits: _d, ...counts } = r.report.hardware;
    expect(counts).toEqual(total);
  });
});
