// Choosing a unit's network: hidden widths ("auto" or the spec's list) and, per weight layer,
// whether it is Σ·U-approximated and with which segment size.
import type { Spec } from "../../dsl/spec.ts";
import type { UnitFunction } from "../../aggregate/unit.ts";

export interface UnitArchitecture {
  /** Layer widths including inputs and outputs: [inDigits, ...hidden, outDigits]. */
  dims: number[];
  /** Per weight layer: segment size, or null for full SVD mapping. */
  segments: (number | null)[];
}

/**
 * Default hidden widths: two expand–contract pairs [24D, 6D, 24D, 6D] (D = digits per value). Σ·U
 * segments are cheap on layers whose fan-out is much larger than their fan-in (an m×n segmented
 * layer costs ≈ 0.75·m·n MZIs at s = 2 against (m² + n²)/2 for full SVD), and depth lets the network
 * build the carry chain of the average stage by stage.
 */
export function autoHidden(fn: UnitFunction): number[] {
  const d = Math.max(fn.inDigits, fn.outDigits);
  return [24 * d, 6 * d, 24 * d, 6 * d];
}

/**
 * Automatic segment size. An s×s Σ·U segment keeps s(s+1)/2 of its s² degrees of freedom and costs
 * the same fraction of s² MZI-equivalents, (s+1)/(2s): 75 % at s = 2, 62.5 % at s = 4, ~56 % at
 * s = 8. The saving against full SVD mapping comes mostly from the layer shapes (fan-out ≫ fan-in),
 * so small segments keep the network trainable. s = 4 rather than 2: on paper-4x8 both train to
 * exact match, and s = 4 needs half the fixed fan-out/fan-in couplers (3,732 vs 7,499), fewer MZIs
 * (area ratio 0.266 vs 0.300) and tolerates the technology block's noise better.
 */
export const AUTO_SEGMENT = 4;

export function autoSegment(rows: number, cols: number): number {
  return Math.max(2, Math.min(AUTO_SEGMENT, rows, cols));
}

export function chooseArchitecture(spec: Pick<Spec, "network" | "approximate">, fn: UnitFunction): UnitArchitecture {
  const hidden = spec.network.hidden === "auto" ? autoHidden(fn) : spec.network.hidden;
  const dims = [fn.inDigits, ...hidden, fn.outDigits];
  const layers = dims.length - 1;
  const approx = spec.approximate;
  const segments: (number | null)[] = [];
  for (let i = 0; i < layers; i++) {
    const chosen = approx.method === "unitary-diagonal" && (approx.layers === "all" || approx.layers.includes(i + 1));
    if (!chosen) {
      segments.push(null);
      continue;
    }
    const rows = dims[i + 1];
    const cols = dims[i] + 1; // bias column
    segments.push(approx.segment === "auto" ? autoSegment(rows, cols) : Math.min(approx.segment, Math.max(rows, cols)));
  }
  return { dims, segments };
}
