// The `--length-phases` export under the physical waveguide model: a waveguide of length L adds
// the full propagation phase 2π·n_eff·L/λ (documented n_eff and λ, no dispersion, lossless), not a
// phase relative to some reference length. The design circuit (from `.netlist.json`) gets every
// phase shifter and plain waveguide replaced by that physical phase, with L read from the length
// `.spi` through the simphony-grammar reader (never through netlist/formats/spice-read.ts). Simulating the
// result is simulating what a lab would build from the export.
import { expect } from "vitest";
import type { Circuit } from "../../netlist/ir.ts";
import { EBEAM } from "../../netlist/formats/spice-dialect.ts";
import { spiceNames } from "../../netlist/formats/spice-write.ts";
import { loadSiepic } from "./simphony-grammar.ts";

export interface WaveguideModel {
  neff: number;
  /** metres */
  wavelength: number;
}

/** The design circuit with every phase/waveguide leaf set to 2π·n_eff·L/λ of its exported length. */
export function physicalCircuit(design: Circuit, lengthSpi: string, model: WaveguideModel): { circuit: Circuit; waveguides: number } {
  const doc = loadSiepic(lengthSpi);
  const names = spiceNames(design);
  const out: Circuit = structuredClone(design);
  let waveguides = 0;
  for (const [n, nl] of Object.entries(out.netlists)) {
    const sub = doc.subcircuits.find((s) => s.name === names.get(n));
    expect(sub, `subcircuit of ${n}`).toBeDefined();
    const byName = new Map(sub!.components.map((c) => [c.name, c]));
    for (const [iname, inst] of Object.entries(nl.instances)) {
      if (inst.component !== "phase" && inst.component !== "waveguide") continue;
      const c = byName.get(iname);
      expect(c?.model, `${n}/${iname}`).toBe(EBEAM.waveguide);
      const metres = c!.params.wg_length as number;
      expect(typeof metres).toBe("number");
      const phi = (2 * Math.PI * model.neff * metres) / model.wavelength;
      const { arm, loss_db } = inst.settings;
      inst.component = "phase";
      inst.settings = { phi, ...(arm !== undefined ? { arm } : {}), ...(loss_db !== undefined ? { loss_db } : {}) };
      waveguides++;
    }
  }
  return { circuit: out, waveguides };
}
