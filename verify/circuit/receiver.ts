// The receiver of Monte-Carlo trials and measured dies. A PAM receiver need not decide on raw
// amplitudes: it can train its gain and decision offset on known symbols (receiver "fitted"). Here each output mode gets the
// least-squares affine map  ideal ≈ gain · measured + offset  fitted over the verification
// patterns (all known inputs) of that trial's device; then detector noise is added and the
// detector's documented threshold rule decodes. Without this, a uniform insertion loss, which
// scales every amplitude by the same factor, would read as a functional error.
import type { Rng } from "../../math/rng.ts";
import { detectDigit } from "../../netlist/models.ts";
import type { CompiledCircuit } from "../../netlist/sim/simulate.ts";
import type { CaseSet, SourceFormat } from "./cases.ts";

/**
 * How the receiver decides: "fitted" trains each output's gain and offset on the known patterns
 * (fitReceiver below) before the detector's threshold rule; "thresholds" applies the detector's
 * own thresholds to the raw amplitudes.
 */
export type ReceiverMode = "fitted" | "thresholds";

export interface DetectorSettings {
  levels: number;
  /** Per detector input mode. */
  step: number[];
  offset: number[];
}

export interface Receiver {
  gain: Float64Array;
  offset: Float64Array;
}

const CHUNK = 4096;

/** Re(field) at the detector inputs for every case (cases × width); detector noise is not applied here. */
export function simulateFields(sim: CompiledCircuit, set: CaseSet, f: SourceFormat): { re: Float64Array; width: number } {
  const inWidth = f.workers * f.digits;
  let re: Float64Array | null = null;
  let width = 0;
  for (let start = 0; start < set.cases; start += CHUNK) {
    const n = Math.min(CHUNK, set.cases - start);
    const r = sim.run(Float64Array.from(set.digits.subarray(start * inWidth, (start + n) * inWidth)), n);
    if (!re) {
      width = r.width;
      re = new Float64Array(set.cases * width);
    }
    re.set(r.fields.re.subarray(0, n * width), start * width);
  }
  return { re: re ?? new Float64Array(0), width };
}

/** Per-mode least squares: ideal ≈ gain · measured + offset. */
export function fitReceiver(measured: Float64Array, ideal: Float64Array, cases: number, width: number): Receiver {
  const gain = new Float64Array(width);
  const offset = new Float64Array(width);
  for (let k = 0; k < width; k++) {
    let sx = 0;
    let sy = 0;
    for (let c = 0; c < cases; c++) {
      sx += measured[c * width + k]!;
      sy += ideal[c * width + k]!;
    }
    const mx = sx / cases;
    const my = sy / cases;
    let sxx = 0;
    let sxy = 0;
    for (let c = 0; c < cases; c++) {
      const dx = measured[c * width + k]! - mx;
      sxx += dx * dx;
      sxy += dx * (ideal[c * width + k]! - my);
    }
    gain[k] = sxx > 0 ? sxy / sxx : 1;
    offset[k] = my - gain[k]! * mx;
  }
  return { gain, offset };
}

/** Fitted fields (gain · measured + offset) + Gaussian detector noise (σ in steps) → digits (cases × width). */
export function decodeFitted(
  measured: Float64Array,
  rx: Receiver,
  det: DetectorSettings,
  sigma: number,
  rng: Rng,
  cases: number,
  width: number,
): Int32Array {
  const out = new Int32Array(cases * width);
  for (let c = 0; c < cases; c++) {
    for (let k = 0; k < width; k++) {
      const v = rx.gain[k]! * measured[c * width + k]! + rx.offset[k]! + (sigma ? sigma * det.step[k]! * rng.normal() : 0);
      out[c * width + k] = detectDigit(v, det.step[k]!, det.offset[k]!, det.levels);
    }
  }
  return out;
}
