// Predicted decision margins of a calibrated cell on its estimated die: every raw input of the cell
// (each port at each PAM level, the bias sources at their calibrated amplitudes) through the
// estimated die at the programmed drive codes, and how far each homodyne detector reading lies from
// the nearest decision threshold, in detector steps (0.5 = centred on its level). What the lab can
// expect before it checks the die; the true die's figure needs the true die (`optinc verify`).
import type { Circuit } from "../../../netlist/ir.ts";
import { realizedPhases, type EstimatedDie } from "../../../netlist/die/heaters.ts";
import { detectorThresholds, ratioScale } from "../../../netlist/models.ts";
import { caseCount, casePowers } from "../../../netlist/lab/optics.ts";
import { dieEngine } from "../../../netlist/lab/die-engine.ts";
import type { CellStructure } from "./structure.ts";

export interface PredictedMargins {
  cases: number;
  /** Worst margin of each detector mode over every input, steps. */
  perMode: number[];
  /** Inputs whose predicted decision is wrong (a reading beyond half a step of its designed level is not counted here: the design's decoding is). */
  worst: number;
}

export function predictedMargins(
  struct: CellStructure,
  estimatedDie: EstimatedDie,
  codes: ArrayLike<number>,
  calibrated: Circuit,
  bias: Map<string, number>,
  levels: number,
): PredictedMargins {
  const lc = struct.lc;
  const eng = dieEngine(lc, estimatedDie);
  const phases = realizedPhases(estimatedDie, codes);
  const top = calibrated.netlists[calibrated.top]!;
  // Per readout: its detector's step and offset, and (ratiometric) the readout of its reference row.
  const step: number[] = [];
  const offset: number[] = [];
  const ref: { at: number; level: number }[] = [];
  for (const n of lc.nodes) {
    if (n.kind !== "detector") continue;
    const t = detectorThresholds(top.instances[n.name]!.settings, n.decoded);
    for (let m = 0; m < n.modes; m++) {
      step.push(t.step[m] ?? Number.NaN);
      offset.push(t.offset[m] ?? Number.NaN);
      ref.push({ at: m < n.decoded && n.reference !== null ? n.first + n.decoded : -1, level: n.reference ?? 1 });
    }
  }
  const perMode = lc.detectors.map(() => Number.POSITIVE_INFINITY);
  const cases = caseCount(lc, levels);
  for (let n = 0; n < cases; n++) {
    const f = eng.fields(phases, casePowers(lc, levels, bias, n));
    f.detectorRe.forEach((raw, m) => {
      // A reference readout is not decoded; a decoded one is scaled by its reference (models.ts ratioScale).
      if (Number.isNaN(step[m]!)) return;
      const r = ref[m]!;
      const re = r.at >= 0 ? raw * ratioScale(r.level, f.detectorRe[r.at]!) : raw;
      const level = (re - offset[m]!) / step[m]!;
      // Distance to the nearest threshold (half-integers between 0 and L − 1; none beyond the ends).
      const clamped = Math.min(levels - 1, Math.max(0, Math.round(level)));
      const below = clamped > 0 ? level - (clamped - 0.5) : Number.POSITIVE_INFINITY;
      const above = clamped < levels - 1 ? clamped + 0.5 - level : Number.POSITIVE_INFINITY;
      perMode[m] = Math.min(perMode[m]!, below, above);
    });
  }
  return { cases, perMode, worst: Math.min(...perMode) };
}
