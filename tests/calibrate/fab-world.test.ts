// The simulated world is richer than the inference (docs/design/calibration.md §12): every field
// of optinc.die/2 changes what the lab reads or what the die computes, each departure class writes
// only die-file fields (and round-trips through the file), and a field the physics has no use for
// is rejected.
import { describe, expect, it } from "vitest";
import { CROSSTALK_PARTS, DEPARTURES, departDie } from "../../fab/departures.ts";
import { FAB_DIE_CODES, readFabDieFile, writeFabDieFile } from "../../fab/die-file.ts";
import { DieFileError } from "../../fab/die-file-v1.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { labBench } from "../../fab/lab-bench.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { codesForPhases, realizedPhases, type FabDie } from "../../netlist/die/heaters.ts";
import { labCircuit } from "../../netlist/lab/optics.ts";
import { TWO_PI } from "../../netlist/mzi.ts";
import { paperCell } from "./fab-fixtures.ts";

const tech = FAB_TECHNOLOGIES.foundry!;
const { circuit } = paperCell("divide0");
const lc = labCircuit(circuit);
const base = drawFabDie(circuit, tech, 3, "base");
const nSites = lc.sites.length;
const nDet = lc.detectors.length;

/** A lit step: every input at 1 mW, heaters at mid codes (unheated sections at 0), every readout read. */
function steps(n: number, codes?: Int32Array): { powers: number[]; codes: Int32Array; read: number[] }[] {
  const c = codes ?? Int32Array.from(base.heaters, (h) => (h.unheated ? 0 : 30000));
  const read = Array.from({ length: nSites + 2 * nDet }, (_, i) => i);
  return Array.from({ length: n }, () => ({ powers: lc.inputs.map(() => 1), codes: c, read }));
}

const readAll = (die: FabDie, n = 1, seed = 9): { values: number[]; ref: number }[] => labBench(lc, die, seed).run(steps(n));

describe("the simulated world", () => {
  it("draws a monitor photodiode per monitor site, and reads each through its own responsivity (a dead one reads its dark current)", () => {
    expect(base.monitors!.map((m) => m.name)).toEqual(lc.sites.map((s) => s.name));
    const lit = readAll(base)[0]!.values;
    const i = lit.findIndex((v, k) => k < nSites && v > 1e-6);
    expect(i).toBeGreaterThanOrEqual(0);
    const dead = { ...base, monitors: base.monitors!.map((m, k) => (k === i ? { ...m, responsivityAW: 0 } : m)) };
    const r = readAll(dead)[0]!.values;
    expect(Math.abs(r[i]! - base.monitors![i]!.darkA)).toBeLessThan(1e-9);
    // Only that monitor changed (same noise stream).
    r.forEach((v, k) => k !== i && expect(v).toBe(lit[k]));
  });

  it("reads output detectors with the die file's noise, and the local oscillator's photocurrent as responsivity × 1 mW", () => {
    const steady: FabDie = { ...base, laser: { ...base.laser, driftRelPerStep: 0 } };
    const quiet = readAll(steady, 40).map((r) => r.values[nSites]!);
    const noisy = { ...steady, detectors: base.detectors.map((d) => ({ ...d, noiseA: 1e-6 })) };
    const loud = readAll(noisy, 40).map((r) => r.values[nSites]!);
    const mean = (x: number[]): number => x.reduce((a, v) => a + v, 0) / x.length;
    const sd = (x: number[]): number => Math.sqrt(x.reduce((a, v) => a + (v - mean(x)) ** 2, 0) / x.length);
    expect(sd(loud)).toBeGreaterThan(0.5e-6);
    expect(sd(loud)).toBeGreaterThan(20 * sd(quiet));
    const lo = readAll(steady)[0]!.values[nSites + nDet]!;
    expect(lo / (base.detectors[0]!.responsivityAW * 1e-3)).toBeCloseTo(1, 3);
    // A receiver saturates at its full scale.
    const small = { ...base, detectors: base.detectors.map((d) => ({ ...d, fullScaleA: 1e-8 })) };
    expect(Math.abs(readAll(small)[0]!.values[nSites + nDet]!)).toBeLessThanOrEqual(1e-8);
  });

  it("moves the light into the chip with coupling drift while the reference tap does not see it", () => {
    const drifting: FabDie = { ...base, laser: { ...base.laser, driftRelPerStep: 0, couplingDriftRelPerStep: 0.01 } };
    const still: FabDie = { ...base, laser: { ...base.laser, driftRelPerStep: 0 } };
    const a = readAll(drifting, 50);
    const b = readAll(still, 50);
    const i = b[0]!.values.findIndex((v, k) => k < nSites && v > 1e-5);
    // A random walk of 1 % per step: somewhere in 50 steps the light has moved by more than 1 %
    // (its end may happen to sit near the start), and the tap never sees it.
    expect(Math.max(...a.map((r, s) => Math.abs(r.values[i]! / b[s]!.values[i]! - 1)))).toBeGreaterThan(0.01);
    expect(Math.max(...a.map((r, s) => Math.abs(r.ref / b[s]!.ref - 1)))).toBeLessThan(1e-4);
  });

  it("bends the heater law with betaPerMw, and the drive solver inverts it", () => {
    const bent: FabDie = { ...base, heaters: base.heaters.map((h) => ({ ...h, betaPerMw: 5e-4 })) };
    const codes = new Int32Array(base.heaters.length).fill(50000);
    const d = realizedPhases(bent, codes).map((p, i) => p - realizedPhases(base, codes)[i]!);
    // η·β·P² at P = 62.5·(50000/65535)² mW: tens of mrad.
    expect(Math.min(...d)).toBeGreaterThan(0.01);
    const targets = base.heaters.map((_, i) => (i * 0.37) % TWO_PI);
    expect(codesForPhases(bent, targets).maxErrorRad).toBeLessThan(5e-4);
    expect(codesForPhases(base, targets).codes).not.toEqual(codesForPhases(bent, targets).codes);
  });

  it("keeps an unheated output section's offset and its neighbours' heat, and no code drives it", () => {
    const idle = base.heaters.flatMap((h, i) => (h.unheated ? [i] : []));
    // divide0's stages end in output sections at phase 0: waveguides, no heaters (netlist/formats/stage-netlist.ts).
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.every((i) => /\/po\d+$/.test(base.heaters[i]!.name))).toBe(true);
    expect(readFabDieFile(writeFabDieFile(base), "d.json", circuit).heaters.map((h) => h.unheated === true)).toEqual(
      base.heaters.map((h) => h.unheated === true),
    );
    const off = new Int32Array(base.heaters.length);
    const dark = realizedPhases(base, off);
    for (const i of idle) expect(dark[i]).toBeCloseTo(base.heaters[i]!.offsetRad, 12);
    // The heaters beside one pick up on it: their heat moves its phase, as on a heater parked at 0.
    const v = base.crosstalk.find((c) => idle.includes(c.victim) && !idle.includes(c.aggressor))!;
    const on = Int32Array.from(off);
    on[v.aggressor] = 65535;
    const moved = realizedPhases(base, on)[v.victim]! - dark[v.victim]!;
    expect(moved).toBeCloseTo(
      v.radPerMw * base.drive.pMaxMw + (base.crosstalkFloor ?? 0) * base.heaters[v.aggressor]!.radPerMw * base.drive.pMaxMw,
      9,
    );
    expect(Math.abs(moved)).toBeGreaterThan(1e-4);
    // Planted fault: a program that drives one is refused by the bench (no DAC channel there).
    const bad = Int32Array.from(off);
    bad[idle[0]!] = 1;
    expect(() => labBench(lc, base, 9).run(steps(1, bad))).toThrow(/unheated section/);
  });

  it("leaves part of every heater change unsettled with a thermal tail", () => {
    const tail: FabDie = { ...base, thermal: { tailFraction: 0.03, tailMs: 5 } };
    const i = readAll(base)[0]!.values.findIndex((v, k) => k < nSites && v > 1e-5);
    const settled = readAll(base, 1)[0]!.values[i]!;
    const first = readAll(tail, 1)[0]!.values[i]!;
    expect(Math.abs(first / settled - 1)).toBeGreaterThan(1e-3);
  });

  it("writes every departure class as die-file fields that read back to the same bytes", () => {
    for (const d of DEPARTURES) {
      const die = departDie(base, circuit, [d.name], 5);
      const text = writeFabDieFile(die);
      expect(text, d.name).not.toBe(writeFabDieFile(base));
      expect(writeFabDieFile(readFabDieFile(text, "d.json", circuit)), d.name).toBe(text);
    }
  });

  it("draws each part of the crosstalk class as the whole class's die with the other parts left out", () => {
    const key = (d: FabDie): Map<string, number> => new Map(d.crosstalk.map((x) => [`${x.victim},${x.aggressor}`, x.radPerMw]));
    const law = key(base);
    const whole = key(departDie(base, circuit, ["crosstalk"], 5));
    const part = (p: string): Map<string, number> => key(departDie(base, circuit, [`crosstalk-${p}`], 5));
    expect(CROSSTALK_PARTS.map((d) => d.name)).toEqual(["crosstalk-spread", "crosstalk-strong", "crosstalk-flip", "crosstalk-wide"]);
    const [spread, strong, flip, wide] = ["spread", "strong", "flip", "wide"].map(part);
    let flipped = 0;
    let tripled = 0;
    for (const [k, c] of law) {
      // the whole class's coupling is the law's times each part's factor
      const f = (m: Map<string, number>): number => m.get(k)! / c;
      expect(whole.get(k)! / c, k).toBeCloseTo(f(spread!) * f(strong!) * f(flip!), 9);
      if (f(flip!) < 0) flipped++;
      if (f(strong!) === 3) tripled++;
      expect(wide!.get(k), k).toBe(c);
    }
    expect(flipped).toBeGreaterThan(0.15 * law.size);
    expect(flipped).toBeLessThan(0.35 * law.size);
    expect(tripled).toBeGreaterThan(0);
    // the chip-wide part adds every other pair, as the whole class does; the others add none
    expect(wide!.size).toBe(whole.size);
    expect(flip!.size).toBe(law.size);
  });

  it("rejects a field the physics does not use, a monitor the circuit lacks, and monitors out of order", () => {
    const codes = (text: string): string[] => {
      try {
        readFabDieFile(text, "d.json", circuit);
        return [];
      } catch (e) {
        if (e instanceof DieFileError) return e.diagnostics.map((x) => x.code);
        throw e;
      }
    };
    const doc = JSON.parse(writeFabDieFile(base));
    const h = Object.keys(doc.heaters)[0]!;
    const extra = structuredClone(doc);
    extra.heaters[h].tcrPerK = 1e-3;
    expect(codes(JSON.stringify(extra))).toEqual([FAB_DIE_CODES.schema]);
    const extraLaser = structuredClone(doc);
    extraLaser.laser.linewidthHz = 1e5;
    expect(codes(JSON.stringify(extraLaser))).toEqual([FAB_DIE_CODES.schema]);
    const extraMonitor = structuredClone(doc);
    extraMonitor.monitors[0].bandwidthHz = 1e6;
    expect(codes(JSON.stringify(extraMonitor))).toEqual([FAB_DIE_CODES.schema]);
    const unknown = structuredClone(doc);
    unknown.monitors[0].name = "sum/nowhere";
    expect(codes(JSON.stringify(unknown)).sort()).toEqual([FAB_DIE_CODES.unknown, FAB_DIE_CODES.missing].sort());
    const swapped = structuredClone(doc);
    [swapped.monitors[0], swapped.monitors[1]] = [swapped.monitors[1], swapped.monitors[0]];
    expect(codes(JSON.stringify(swapped))).toEqual([FAB_DIE_CODES.schema]);
    expect(codes(JSON.stringify(doc))).toEqual([]);
  });
});
