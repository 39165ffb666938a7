// Drawing a fabricated die (docs/design/calibration.md §6): the truth a simulated lab measures. Only the
// die command, the studies and the tests draw dies; the calibration from readings
// (compiler/calibrate/lab/) never reaches this file (tests/architecture/lab-isolation.test.ts).
//
// The random stream is (seed, "fab") and independent of die.ts's shape × level stream.
import { createRng, type Rng } from "../math/rng.ts";
import type { Circuit } from "../netlist/ir.ts";
import { num } from "../netlist/models.ts";
import { TWO_PI } from "../netlist/mzi.ts";
import { leafPath, linearParts, type LeafError } from "../netlist/die/die.ts";
import { dieElements } from "../netlist/die/elements.ts";
import { crosstalkOf, heaterSites, type FabDetector, type FabDie, type FabMonitor, type Heater } from "../netlist/die/heaters.ts";
import { labCircuit } from "../netlist/lab/optics.ts";
import { FAB_TECHNOLOGIES, type FabTechnology } from "./technology.ts";

const truncNormal = (rng: Rng, clip: number): number => Math.max(-clip, Math.min(clip, rng.normal()));

/** Draw a fabricated die of a circuit from a technology; the stream is (seed, "fab") only. */
export function drawFabDie(circuit: Circuit, tech: FabTechnology, seed: number, id: string): FabDie {
  const rng = createRng(seed * 7919 + 0x5fab);
  const parts = linearParts(circuit);
  const h = tech.heater;
  const eta0 = Math.PI / h.pPiMw;
  const pMaxMw = h.rangeRad / eta0;
  const heaters: Heater[] = heaterSites(circuit, parts).map((s) => ({
    ...s,
    offsetRad: TWO_PI * rng.next(),
    radPerMw: eta0 * (1 + h.etaSpread * truncNormal(rng, 3)),
  }));
  const heaterPaths = new Set(heaters.map((x) => x.path));
  const passive = new Map<string, LeafError>();
  for (const part of parts) {
    for (const [leaf, inst] of Object.entries(part.flat.instances)) {
      const path = leafPath(part.name, leaf);
      if (heaterPaths.has(path)) {
        if (tech.mziLossDb && inst.settings.arm === "top") passive.set(path, { lossDb: tech.mziLossDb });
        continue;
      }
      if (inst.component === "coupler") {
        const nominal = num(inst.settings, "coupling", 0.5) + num(inst.settings, "imbalance", 0);
        passive.set(path, { coupling: Math.min(1, Math.max(0, nominal + tech.couplerSigma * truncNormal(rng, 3))) });
      } else if (inst.component === "waveguide" && inst.settings.arm === "bottom" && tech.mziLossDb)
        passive.set(path, { lossDb: tech.mziLossDb });
    }
  }
  const d = tech.detector;
  const detectors: FabDetector[] = [];
  for (const el of dieElements(circuit, parts)) {
    if (el.kind !== "detector") continue;
    for (let m = 0; m < el.modes!; m++) {
      detectors.push({
        name: `${el.name}[${m}]`,
        responsivityAW: d.responsivityAW * (1 + d.responsivitySpread * truncNormal(rng, 3)),
        darkA: d.darkA * (0.5 + rng.next()),
        noiseA: d.noiseA,
        adcBits: d.adcBits,
        fullScaleA: d.fullScaleA,
      });
    }
  }
  // Drawn last, so the heaters, couplers and detectors of a seed do not depend on them.
  const mo = tech.monitor;
  const monitors: FabMonitor[] = monitorSiteNames(circuit).map((name) => ({
    name,
    responsivityAW: mo.responsivityAW * (1 + mo.responsivitySpread * truncNormal(rng, 3)),
    darkA: mo.darkA * (0.5 + rng.next()),
    noiseA: mo.noiseA,
  }));
  return {
    id,
    circuit: circuit.name,
    drive: { bits: h.driveBits, pMaxMw },
    heaters,
    crosstalk: crosstalkOf(tech.crosstalk, heaters),
    passive,
    detectors,
    monitors,
    laser: { ...tech.laser },
  };
}

/** The monitor sites a lab reads (closed-form cells), in order; none for circuits a lab does not calibrate from readings. */
export function monitorSiteNames(circuit: Circuit): string[] {
  try {
    return labCircuit(circuit).sites.map((s) => s.name);
  } catch {
    return []; // not a cell circuit (labCircuit names what it cannot light)
  }
}

export function fabTechnology(name: string): FabTechnology | undefined {
  return FAB_TECHNOLOGIES[name];
}
