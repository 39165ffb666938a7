// What verification reads from a circuit's netlist before it simulates anything: the PAM source
// (workers, digits per worker, levels) and the detector (output digits, thresholds) of the top netlist.
import { CircuitShapeError } from "../../aggregate/circuit-info.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { detectorThresholds } from "../../netlist/models.ts";
import type { SourceFormat } from "./cases.ts";
import type { DetectorSettings } from "./receiver.ts";

/** The source format and output width, read from the circuit's instances. */
export function circuitFormat(circuit: Circuit): { source: SourceFormat; outputDigits: number; detector: DetectorSettings } {
  const top = circuit.netlists[circuit.top];
  if (!top) throw new CircuitShapeError(`top netlist "${circuit.top}" is missing`);
  const instances = Object.values(top.instances);
  const src = instances.filter((i) => i.component === "pam_source");
  const det = instances.filter((i) => i.component === "detector");
  if (src.length !== 1)
    throw new CircuitShapeError(
      `expected one pam_source in the top netlist, found ${src.length}: verify needs a compiled ONN pipeline (source … detector)`,
    );
  if (det.length !== 1)
    throw new CircuitShapeError(
      `expected one detector in the top netlist, found ${det.length}: verify needs a compiled ONN pipeline (source … detector)`,
    );
  const s = src[0]!.settings;
  const d = det[0]!.settings;
  const source = { workers: Number(s.workers), digits: Number(s.digits), levels: Number(s.levels) };
  for (const [k, v] of Object.entries(source))
    if (!Number.isInteger(v) || v < 1) throw new CircuitShapeError(`pam_source setting ${k} must be a positive integer, got ${String(v)}`);
  if (source.levels < 2 || (source.levels & (source.levels - 1)) !== 0)
    throw new CircuitShapeError(`pam_source levels must be a power of two ≥ 2, got ${source.levels}`);
  if (Number(d.levels) !== source.levels)
    throw new CircuitShapeError(`detector levels ${String(d.levels)} differ from the source's ${source.levels}`);
  let detector: DetectorSettings;
  try {
    detector = { levels: Number(d.levels), ...detectorThresholds(d, Number(d.modes)) };
  } catch (e) {
    throw new CircuitShapeError(`detector: ${(e as Error).message}`);
  }
  if (!detector.step.every((s) => s > 0)) throw new CircuitShapeError(`detector step must be > 0, got ${JSON.stringify(d.step)}`);
  return { source, outputDigits: Number(d.modes), detector };
}
