// Tolerance of a closed-form chip (route = closed-form): every cell design with its physical
// copies, the same dies as closed-form verify, and certified bounds that are sound and useful there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { loadSpec } from "../../../dsl/load.ts";
import { compileAggregator } from "../../../pipeline/compile/route.ts";
import { toleranceOfCellChip } from "../../../pipeline/compile/evaluate.ts";
import { readNetlistJson } from "../../../netlist/formats/json-io.ts";
import { cellOf } from "../../../verify/cells/cell-verify.ts";
import { chipYield } from "../../../verify/cells/chip-pool.ts";
import { analyzeTolerance } from "../../../verify/tolerance/analyze.ts";
import { axisFamily, certifiedLevel, certifyContext } from "../../../verify/tolerance/certify/certify.ts";
import { prepareCellDesign } from "../../../verify/tolerance/design.ts";
import { memoryIo } from "../../helpers/io.ts";
import { expectHonest } from "./honest.ts";
import { boxDie, dieExact } from "./helpers.ts";

const SPEC = `aggregator cf {
  workers   = 3
  precision = 4 bits
  levels    = 4
  technology { preset = optimistic }
}
`;

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function compiled() {
  const c = compileAggregator(loadSpec("cf.optinc", SPEC).checked!, { skipEvaluation: true });
  if (c.route !== "closed-form") throw new Error("expected the closed-form route");
  const cells = [...c.result.files.keys()].filter((f) => f.endsWith(".netlist.json")).sort();
  return { c, cells: cells.map((f) => ({ name: f, circuit: readNetlistJson(c.result.files.get(f)!, f) })) };
}

describe("closed-form chips", () => {
  const { c, cells } = compiled();

  it("every cell design is a unit with its physical copies, exact with ideal parts", () => {
    const design = prepareCellDesign(cells, 1);
    expect(design.units.map((u) => u.instances)).toEqual(cells.map((x) => cellOf(x.circuit).instances));
    expect(design.units.every((u) => u.exact)).toBe(true);
  });

  it("the dies are closed-form verify's: a chip exact at every trial's critical level passes its Monte-Carlo there", () => {
    const design = prepareCellDesign(cells, 1);
    const r = analyzeTolerance(design, {
      seed: 1,
      trials: 4,
      receiver: "thresholds",
      axes: ["couplerImbalance"],
      certify: false,
      technology: { name: "x", levels: { splitterImbalance: 0.002, phaseNoise: 0, mziLossDb: 0, dacBits: null, detectorNoise: 0 } },
    });
    const crit = r.axes[0]!.monteCarlo!.critical;
    const designs = cells.map((x) => ({ name: x.name, circuit: x.circuit, cell: cellOf(x.circuit), copies: cellOf(x.circuit).instances }));
    // chip-yield.ts runs trials 0..K−1 with the same seeds: trial t passes at level x iff x ≤ its critical level.
    const at = (level: number) => chipYield({ designs, o: { splitterImbalance: level }, trials: 4, seed: 1 }).exactCopies;
    crit.forEach((x, t) => {
      expect(at(x * 0.999)[t], `trial ${t} just below ${x}`).toBe(1);
      expect(at(x * 1.025)[t], `trial ${t} above its bracket`).toBeLessThan(1);
    });
  });

  it("certified bounds are sound on real cells and within 10× of the Monte-Carlo for coupler imbalance", () => {
    const design = prepareCellDesign(cells, 1);
    for (const receiver of ["thresholds", "fitted"] as const) {
      const cx = certifyContext(design, receiver);
      expect(cx.firstOrder.every((f) => f !== null)).toBe(true);
      for (const axis of ["couplerImbalance", "phaseError", "mziLoss"] as const) {
        const b = certifiedLevel(cx, axisFamily(axis), { min: 1e-12, max: 1, start: 1e-5 }, { rtol: 0.02, maxEvaluations: 60 });
        expect(b.lo).toBeGreaterThan(0);
        const box = axisFamily(axis)(b.lo).box;
        for (const u of design.units)
          for (let d = 0; d < 24; d++)
            expect(dieExact(u, boxDie(u.circuit, box, 70 + d, d % 2 === 0), null, receiver), `${u.name} ${axis} die ${d}`).toBe(true);
      }
    }
    const r = analyzeTolerance(design, {
      seed: 1,
      trials: 20,
      receiver: "thresholds",
      axes: ["couplerImbalance"],
      technology: { name: "x", levels: { splitterImbalance: 0.002, phaseNoise: 0, mziLossDb: 0, dacBits: null, detectorNoise: 0 } },
    });
    const a = r.axes[0]!;
    expect(a.certified!.level).toBeGreaterThan(a.monteCarlo!.tolerance / 10);
    for (const x of a.monteCarlo!.critical) expect(x).toBeGreaterThanOrEqual(a.certified!.level);
  });

  it("the compile report's function and optinc verify --tolerance on the directory", async () => {
    const designs = cells.map((x) => ({ name: x.name, circuit: x.circuit, copies: cellOf(x.circuit).instances }));
    const t = toleranceOfCellChip(designs, c.report.spec, 1);
    expect(t.technology.name).toBe("optimistic");
    expect(t.units.every((u) => u.certifyMethod === "first-order")).toBe(true);
    expect(t.axes.find((a) => a.axis === "technology")!.monteCarlo!.tolerance).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), "optinc-cf-tolerance-"));
    made.push(dir);
    const { writeFileSync } = await import("node:fs");
    for (const [f, text] of c.result.files) writeFileSync(join(dir, f), text);
    writeFileSync(join(dir, "cf.report.json"), JSON.stringify(c.report));
    const io = memoryIo();
    expect(await main(["verify", dir, "--tolerance", "--trials", "3", "--json"], io)).toBe(0);
    const doc = JSON.parse(io.out()).result;
    expect(doc.route).toBe("closed-form");
    expect(doc.pass).toBe(true);
    expect(doc.result.trials).toBeNull(); // --tolerance replaces the yield run
    expect(doc.tolerance.units.map((u: { instances: number }) => u.instances)).toEqual(designs.map((d) => d.copies));
    expect(doc.tolerance.technology.name).toBe("optimistic");
    const text = memoryIo();
    expect(await main(["verify", dir, "--tolerance", "--trials", "3"], text)).toBe(0);
    expect(text.out()).toMatch(
      /the design tolerates [\d.e-]+× optimistic at 99% yield, only 3% confidence \(3 dies; 299 give 95%\)\n {2}worst-case certified: [\d.e-]+× optimistic/,
    );
    expectHonest(text.out());
  });
});
