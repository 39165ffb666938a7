// LabEngine.fields with `only` (netlist/lab/propagate.ts) propagates the cell just as far as the
// readouts or pin it is asked for. What it returns there must equal a full pass to the bit, in any
// order of calls (the engine's per-part cache then holds parts at older inputs), and what lies past
// reads dark: a limit one node short is seen.
import { describe, expect, it } from "vitest";
import { labCircuit } from "../../netlist/lab/optics.ts";
import { labEngine } from "../../netlist/lab/engine.ts";
import { heaterSites } from "../../netlist/die/heaters.ts";
import { createRng } from "../../math/rng.ts";
import { paperCell } from "../calibrate/fab-fixtures.ts";

describe("LabEngine.fields with only", () => {
  const { circuit } = paperCell("add0");
  const lc = labCircuit(circuit);
  const paths = heaterSites(circuit).map((h) => h.path);
  const rng = createRng(11);
  const settings = Array.from({ length: 12 }, () => ({
    phases: paths.map(() => 2 * Math.PI * rng.next()),
    powers: lc.inputs.map(() => rng.next()),
  }));
  const nSites = lc.sites.length;
  const readouts = Array.from({ length: nSites + lc.detectors.length }, (_, i) => i);
  const read = (f: { power: Float64Array; detectorRe: Float64Array }, ro: number): number =>
    ro < nSites ? f.power[ro]! : f.detectorRe[ro - nSites]!;

  it("reads every readout and every part's row pin as a full pass does, with the engine's cache shared", () => {
    const full = labEngine(lc, null, paths);
    const lazy = labEngine(lc, null, paths);
    const pins = lc.nodes.flatMap((n) => (n.kind === "part" ? n.plan.outputs.map((_, q) => `${n.name},out${q}`) : []));
    let compared = 0;
    for (const s of settings) {
      // Readouts from the first stage's monitors to the detectors, so later parts lag behind between calls.
      for (const ro of readouts.filter((_, i) => i % 7 === compared % 7)) {
        const want = read(full.fields(s.phases, s.powers), ro);
        expect(read(lazy.fields(s.phases, s.powers, { readouts: [ro] }), ro)).toBe(want);
        compared++;
      }
      const pin = pins[compared % pins.length]!;
      expect(lazy.fields(s.phases, s.powers, { pin }).pin(pin)).toEqual(full.fields(s.phases, s.powers).pin(pin));
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("leaves what lies past the last node asked for dark: one node short misses the readout", () => {
    const eng = labEngine(lc, null, paths);
    const s = settings[0]!;
    const det = nSites; // the first detector mode: the last node of the cell writes it
    const lit = eng.fields(s.phases, s.powers, { readouts: [det] });
    expect(Math.abs(read(lit, det))).toBeGreaterThan(0);
    // Asking for the first stage's monitor alone propagates no detector: it reads 0 there.
    const early = eng.fields(s.phases, s.powers, { readouts: [0] });
    expect(read(early, det)).toBe(0);
    expect(read(early, 0)).toBe(read(lit, 0));
  });
});
