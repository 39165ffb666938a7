// What a lab's optics make of a regenerating read (netlist/lab/optics.ts; docs/design/calibration.md
// §8.5): on the quick start's divide0, compiled under its light budget, every activation mode writes
// gain · min(Re z, limit) where Re z > 0, 0 elsewhere, and no imaginary part (a homodyne read), over
// random heater phases and lab powers. Checked against the settings' own numbers, not the model's
// code. The planted fault: the same cell with `read` taken off its activations (the field model)
// passes the row's imaginary part, which the check sees.
import { describe, expect, it } from "vitest";
import { createRng } from "../../math/rng.ts";
import { heaterSites } from "../../netlist/die/heaters.ts";
import { labEngine } from "../../netlist/lab/engine.ts";
import { labCircuit } from "../../netlist/lab/optics.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { quickStartCell } from "../calibrate/regenerated-fixtures.ts";

/** The largest miss of any activation output against gain · min(Re z, limit)⁺ (and Im 0), over random settings. */
function worstMiss(circuit: Circuit): { re: number; im: number; limited: number } {
  const lc = labCircuit(circuit);
  const paths = heaterSites(circuit).map((h) => h.path);
  const eng = labEngine(lc, null, paths);
  const top = circuit.netlists[circuit.top]!;
  const rng = createRng(5);
  let re = 0;
  let im = 0;
  let limited = 0;
  for (let t = 0; t < 40; t++) {
    const f = eng.fields(
      paths.map(() => 2 * Math.PI * rng.next()),
      lc.inputs.map(() => 2 * rng.next()),
    );
    for (const n of lc.nodes) {
      if (n.kind !== "activation") continue;
      const s = top.instances[n.name]!.settings as { gain?: number[]; limit?: number[] };
      for (let m = 0; m < n.modes; m++) {
        const [zr] = f.pin(lc.wires.get(`${n.name},in${m}`)!);
        const [or, oi] = f.pin(`${n.name},out${m}`);
        const lim = s.limit?.[m] ?? 0;
        if (lim > 0 && zr > lim) limited++;
        const want = zr > 0 ? (s.gain?.[m] ?? 1) * (lim > 0 ? Math.min(zr, lim) : zr) : 0;
        re = Math.max(re, Math.abs(or - want));
        im = Math.max(im, Math.abs(oi));
      }
    }
  }
  return { re, im, limited };
}

describe("a regenerating read in the lab's optics", () => {
  const { circuit } = quickStartCell("divide0");

  it("labCircuit states each activation's gain, limit and read as its settings do", () => {
    const lc = labCircuit(circuit);
    const top = circuit.netlists[circuit.top]!;
    const acts = lc.nodes.filter((n) => n.kind === "activation");
    expect(acts.length).toBe(2);
    for (const n of acts) {
      const s = top.instances[n.name]!.settings as { gain: number[]; limit?: number[]; read?: string };
      expect(n.gains).toEqual(s.gain);
      expect(n.limits).toEqual(s.limit ?? new Array(n.modes).fill(0));
      expect(n.homodyne).toBe(s.read === "homodyne");
      expect(n.homodyne).toBe(true);
    }
    expect(acts.some((n) => n.limits.some((l) => l > 0))).toBe(true);
  });

  it("writes gain · min(Re z, limit) where Re z > 0 and no imaginary part; the field model passes Im", () => {
    const r = worstMiss(circuit);
    expect(r.limited).toBeGreaterThan(0);
    expect(r.re).toBeLessThan(1e-12);
    expect(r.im).toBe(0);
    const field = structuredClone(circuit);
    const top = field.netlists[field.top]!;
    for (const inst of Object.values(top.instances)) if (inst.component === "activation") delete inst.settings.read;
    expect(worstMiss(field).im).toBeGreaterThan(1e-3);
  });
});
