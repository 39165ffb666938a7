// The fabricated die (netlist/die/heaters.ts), its file (optinc.die/2) and the oracle calibration of it
// (pipeline/calibrate/fabricated-die.ts) on paper-4x8's add1 cell: offsets uniform, every heater reaches 2π,
// crosstalk falls with distance and must be compensated, a program is specific to its die.
import { describe, expect, it } from "vitest";
import { TWO_PI } from "../../netlist/mzi.ts";
import { codesForPhases, crosstalkFraction, realizedPhases } from "../../netlist/die/heaters.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { FAB_DIE_CODES, readAnyDieFile, readFabDieFile, writeFabDieFile } from "../../fab/die-file.ts";
import { DieFileError, writeDieFile } from "../../fab/die-file-v1.ts";
import { drawDie } from "../../netlist/die/die.ts";
import { calibrateFab, checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { paperCell } from "./fab-fixtures.ts";

const tech = FAB_TECHNOLOGIES.foundry!;
const { circuit, table } = paperCell("add1");

function codesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DieFileError) return e.diagnostics.map((d) => d.code);
    throw e;
  }
  return [];
}

describe("a fabricated die", () => {
  const dies = [0, 1, 2].map((s) => drawFabDie(circuit, tech, s, `add1 fab ${s}`));

  it("draws offsets uniform on [0, 2π) (χ², 8 bins, 3 dies) and every heater reaches 2π within its drive range", () => {
    const bins = new Array(8).fill(0);
    let n = 0;
    for (const d of dies)
      for (const h of d.heaters) {
        expect(h.offsetRad).toBeGreaterThanOrEqual(0);
        expect(h.offsetRad).toBeLessThan(TWO_PI);
        bins[Math.floor((h.offsetRad / TWO_PI) * 8)]++;
        n++;
        expect(h.radPerMw * d.drive.pMaxMw).toBeGreaterThanOrEqual(TWO_PI);
      }
    const chi2 = bins.reduce((a, b) => a + (b - n / 8) ** 2 / (n / 8), 0);
    expect(chi2).toBeLessThan(24.3); // df 7, p = 0.001
    // The σ-level die of die.ts is not uniform: the same statistic rejects it (the check can fail).
    const narrow = [...drawDie(circuit, { phaseNoise: 0.01 }, 1, 0).leaves.values()].map(
      (e) => (((e.dPhi ?? 0) % TWO_PI) + TWO_PI) % TWO_PI,
    );
    const b2 = new Array(8).fill(0);
    for (const x of narrow) b2[Math.floor((x / TWO_PI) * 8) % 8]++;
    expect(b2.reduce((a, b) => a + (b - narrow.length / 8) ** 2 / (narrow.length / 8), 0)).toBeGreaterThan(24.3);
  });

  it("couples heaters by κ(d)·η that falls with distance, nearest neighbours (20 µm) at a few %", () => {
    expect(crosstalkFraction(tech.crosstalk, 20)).toBeGreaterThan(crosstalkFraction(tech.crosstalk, 40));
    expect(crosstalkFraction(tech.crosstalk, 40)).toBeGreaterThan(crosstalkFraction(tech.crosstalk, 100));
    expect(crosstalkFraction(tech.crosstalk, 20)).toBeCloseTo(0.035 * Math.exp(-5 / 20), 12);
    const d = dies[0]!;
    expect(d.crosstalk.length).toBeGreaterThan(d.heaters.length);
    for (const c of d.crosstalk) {
      const v = d.heaters[c.victim]!;
      const a = d.heaters[c.aggressor]!;
      expect(c.radPerMw / a.radPerMw).toBeCloseTo(crosstalkFraction(tech.crosstalk, Math.hypot(v.x - a.x, v.y - a.y)), 12);
    }
  });

  it("solves drive codes for target phases with crosstalk compensated (≤ 0.5 mrad on a 16-bit drive), not without", () => {
    const d = dies[1]!;
    const targets = d.heaters.map((_, i) => (i * 2.399) % TWO_PI);
    const ok = codesForPhases(d, targets);
    expect(ok.outOfRange).toEqual([]);
    expect(ok.maxErrorRad).toBeLessThan(5e-4);
    const phi = realizedPhases(d, ok.codes);
    expect(Math.abs(Math.cos(phi[7]!) - Math.cos(targets[7]!))).toBeLessThan(1e-3);
    expect(codesForPhases(d, targets, false).maxErrorRad).toBeGreaterThan(0.1);
  });

  it("writes optinc.die/2 canonically (read back, written again: the same bytes) and still reads v1", () => {
    const text = writeFabDieFile(dies[0]!, { source: { technology: "foundry", seed: 0 } });
    const back = readFabDieFile(text, "d.json", circuit);
    expect(writeFabDieFile(back, { source: { technology: "foundry", seed: 0 } })).toBe(text);
    expect(readAnyDieFile(text, "d.json", circuit).version).toBe(2);
    const v1 = writeDieFile(circuit, drawDie(circuit, { splitterImbalance: 0.02 }, 1, 0), { id: "v1", dacBits: 10 });
    expect(readAnyDieFile(v1, "v1.json", circuit).version).toBe(1);
  });

  it("rejects a bad v2 file with stable codes: truncated, negative efficiency, unknown and missing heaters, another circuit", () => {
    const text = writeFabDieFile(dies[0]!);
    expect(codesOf(() => readFabDieFile(text.slice(0, text.length / 2), "d.json", circuit))).toEqual([FAB_DIE_CODES.json]);
    const doc = JSON.parse(text);
    const first = Object.keys(doc.heaters)[0]!;
    const neg = structuredClone(doc);
    neg.heaters[first].radPerMw = -0.1;
    expect(codesOf(() => readFabDieFile(JSON.stringify(neg), "d.json", circuit))).toContain(FAB_DIE_CODES.value);
    const renamed = structuredClone(doc);
    renamed.heaters["sum/nope.theta"] = renamed.heaters[first];
    delete renamed.heaters[first];
    expect(codesOf(() => readFabDieFile(JSON.stringify(renamed), "d.json", circuit)).sort()).toEqual(
      [FAB_DIE_CODES.unknown, FAB_DIE_CODES.missing].sort(),
    );
    expect(codesOf(() => readFabDieFile(JSON.stringify({ ...doc, circuit: "other" }), "d.json", circuit))).toEqual([FAB_DIE_CODES.circuit]);
    expect(codesOf(() => readFabDieFile(JSON.stringify({ ...doc, elements: {} }), "d.json", circuit))).toEqual([FAB_DIE_CODES.schema]);
  });
});

describe("the oracle calibration of a fabricated die", () => {
  const a = drawFabDie(circuit, tech, 11, "A");
  const b = drawFabDie(circuit, tech, 12, "B");
  const calA = calibrateFab(circuit, table, a);

  it("makes the die exact on every input, with crosstalk compensated in the drive codes", () => {
    expect(calA.outOfRange).toEqual([]);
    const r = checkCellOnFab(calA.circuit, a, calA.codes);
    expect(r.exact).toBe(r.cases);
  });

  it("is not exact when the crosstalk is left uncompensated", () => {
    const plain = calibrateFab(circuit, table, a, false);
    const r = checkCellOnFab(plain.circuit, a, plain.codes);
    expect(r.exact).toBeLessThan(r.cases);
  });

  it("is specific to its die: the program of die A is not exact on die B", () => {
    const r = checkCellOnFab(calA.circuit, b, calA.codes);
    expect(r.exact).toBeLessThan(r.cases);
  });
});
