// The lab engine of a die as fabricated (or as estimated): its passive errors applied to the
// circuit, its heaters the phases the engine's fields take. One definition for the session's
// predictions, the simulated bench and the studies that compare the two.
import { passiveDie, type FabDie } from "../die/heaters.ts";
import type { LabCircuit } from "./optics.ts";
import { labEngine, type LabEngine } from "./engine.ts";

export function dieEngine(lc: LabCircuit, die: FabDie): LabEngine {
  return labEngine(
    lc,
    passiveDie(die),
    die.heaters.map((h) => h.path),
  );
}
