// Calibration from readings alone : a fabricated divide0 cell of paper-4x8 measured by
// the simulated lab and calibrated by the session is exact on its true die, and the same program
// is not exact on another die (the check can fail). The monitor optics conserve power.
import { describe, expect, it } from "vitest";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { wrapSigned } from "../../netlist/die/heaters.ts";
import { labCircuit } from "../../netlist/lab/optics.ts";
import { propagatePart, partTransfers } from "../../netlist/lab/propagate.ts";
import { dieEngine } from "../../netlist/lab/die-engine.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { createRng } from "../../math/rng.ts";
import { phaseDie } from "../../compiler/calibrate/lab/structure.ts";
import { heaterSites } from "../../netlist/die/heaters.ts";
import { paperCell } from "./fab-fixtures.ts";

const tech = FAB_TECHNOLOGIES.foundry!;

describe("calibration from readings", () => {
  const { circuit, table } = paperCell("divide0");
  const dieA = drawFabDie(circuit, tech, 41, "A");
  const dieB = drawFabDie(circuit, tech, 42, "B");
  const run = simulateLab(circuit, table, dieA, 5);

  it("makes a fabricated die exact on every input from readings alone", () => {
    const r = checkCellOnFab(run.calibrated.circuit, dieA, run.codes);
    expect(r.cases).toBe(16);
    expect(r.exact).toBe(16);
    // Within the budget of readings per MZI (300; about 205 with the acceptance round and
    // the crosstalk pairs).
    expect(run.readings / run.session.struct.entries.length).toBeLessThanOrEqual(300);
  });

  it("keeps every estimated heater in one shape, β among its keys from the start (the phase memo reads them all at every evaluation)", () => {
    const heaters = run.session.estimatedDie.heaters;
    const shapes = (list: readonly object[]): string[] => [...new Set(list.map((h) => Object.keys(h).join(",")))];
    expect(shapes(heaters)).toHaveLength(1);
    expect(shapes(heaters)[0]).toContain("betaPerMw");
    // The check sees a heater rebuilt with its keys in another order (another shape to V8).
    const { offsetRad, ...rest } = heaters[0]!;
    expect(shapes([{ ...rest, offsetRad }, ...heaters.slice(1)])).toHaveLength(2);
  });

  it("estimates every θ heater's offset and efficiency to well under a milliradian", () => {
    for (const e of run.session.struct.entries) {
      const t = dieA.heaters[e.theta]!;
      const m = run.session.estimatedDie.heaters[e.theta]!;
      expect(Math.abs(wrapSigned(t.offsetRad - m.offsetRad))).toBeLessThan(1e-3);
      expect(Math.abs(m.radPerMw / t.radPerMw - 1)).toBeLessThan(1e-3);
    }
  });

  it("is specific to its die: the same program on another die is not exact", () => {
    const r = checkCellOnFab(run.calibrated.circuit, dieB, run.codes);
    expect(r.exact).toBeLessThan(r.cases);
  });

  it("the uncalibrated die is not exact either (codes 0)", () => {
    const r = checkCellOnFab(circuit, dieA, new Int32Array(dieA.heaters.length));
    expect(r.exact).toBeLessThan(r.cases);
  });
});

describe("monitor optics", () => {
  it("a lossless part conserves power: outputs plus monitored dumps equal the input", () => {
    const { circuit } = paperCell("divide0", 0);
    const lc = labCircuit(circuit);
    const heaters = heaterSites(circuit);
    const rng = createRng(9);
    for (let trial = 0; trial < 5; trial++) {
      const phases = heaters.map(() => 2 * Math.PI * rng.next());
      const t = partTransfers(
        lc,
        phaseDie(heaters, (i) => phases[i]!),
      );
      for (const n of lc.nodes) {
        if (n.kind !== "part") continue;
        const xin = n.plan.inputs.map(() => [rng.normal(), rng.normal()] as [number, number]);
        const y = propagatePart(lc, n.name, t, xin);
        const pin = xin.reduce((s, [a, b]) => s + a * a + b * b, 0);
        const pout = y.out.reduce((s, [a, b]) => s + a * a + b * b, 0) + y.mon.reduce((s, p) => s + p, 0);
        expect(pout).toBeCloseTo(pin, 9);
      }
    }
  });

  it("a flipped connection breaks conservation (the check can fail)", () => {
    const { circuit } = paperCell("divide0", 0);
    const lc = labCircuit(circuit);
    const heaters = heaterSites(circuit);
    const t = partTransfers(
      lc,
      phaseDie(heaters, () => 0.3),
    );
    const part = lc.nodes.find((n) => n.kind === "part" && n.name === "threshold")!;
    if (part.kind !== "part") throw new Error("no threshold part");
    // Swap every coupler's outputs on one side (a crossed connection): the matrix is no longer unitary.
    for (const m of t.get("threshold")!.filter((x) => x.rows === 2 && x.cols === 2)) {
      m.re[1] = m.re[0]!;
      m.im[1] = m.im[0]!;
    }
    const xin = part.plan.inputs.map(() => [1, 0] as [number, number]);
    const y = propagatePart(lc, "threshold", t, xin);
    const pout = y.out.reduce((s, [a, b]) => s + a * a + b * b, 0) + y.mon.reduce((s, p) => s + p, 0);
    expect(Math.abs(pout - xin.length)).toBeGreaterThan(1e-3);
  });

  it("the estimated die and the true die give the same fields when they are the same die", () => {
    const { circuit } = paperCell("divide0");
    const die = drawFabDie(circuit, tech, 3, "C");
    const lc = labCircuit(circuit);
    const a = dieEngine(lc, die);
    const phases = die.heaters.map((h) => h.offsetRad);
    const f1 = a.fields(phases, [1, 0.5, 0.2, 0.1]);
    const f2 = a.fields(phases, [1, 0.5, 0.2, 0.1]);
    expect(Array.from(f1.power)).toEqual(Array.from(f2.power));
    expect(f1.power.some((p) => p > 0)).toBe(true);
  });
});
