// Is every decision of a unit provably right for every die in the box? Compares the bound on each
// detector amplitude (walk.ts) with the room its reference digit has (decisions.ts gaps).
//
// A threshold receiver decides on the raw amplitude, so the bound applies as is. A fitted receiver
// (receiver.ts: per output, least squares ideal ≈ g·measured + o over the case set) has a gain and
// offset that depend on the errors too. With Y = y − ȳ (ideal, centred) and
// b_c = E_c + mean(E) bounding the centred error ε_c of case c:
//   g − 1 = −(Σ Y ε + Σ ε²) / Σ (Y + ε)²  ⇒  |g − 1| ≤ γ = (Σ |Y_c| b_c + Σ b_c²) / (‖Y‖ − ‖b‖)²
//   fitted − ideal = (g − 1) Y_c + g ε_c  ⇒  |·| ≤ γ |Y_c| + (1 + γ) b_c
// (needs ‖b‖ < ‖Y‖), and whatever the errors |fitted − ideal| ≤ ‖Y‖ + |Y_c|; the smaller one is used.
import type { ReceiverMode } from "../../circuit/receiver.ts";
import { gaps } from "../decisions.ts";
import type { DesignUnit } from "../design.ts";

export interface UnitDecision {
  /** min over decisions of gap / (bound + reserve): > 1 means certified; the search scales by it. */
  ratio: number;
}

/**
 * `re` and `err`: ideal amplitude and bound of every decision (cases × width, steps not yet
 * applied); `reserve`: room kept free for detector noise, in steps.
 */
export function decideUnit(unit: DesignUnit, re: Float64Array, err: Float64Array, receiver: ReceiverMode, reserve: number): UnitDecision {
  const n = unit.set.cases;
  const w = unit.width;
  const { step, offset, levels } = unit.detector;
  const bound = receiver === "fitted" ? fittedBound(re, err, n, w) : err;
  let ratio = Infinity;
  for (let i = 0; i < n * w; i++) {
    const g = gaps((re[i]! - offset[i % w]!) / step[i % w]!, unit.reference[i]!, levels);
    const room = Math.min(g.up, g.down);
    if (!(room > 0)) return { ratio: 0 };
    const need = bound[i]! / step[i % w]! + reserve;
    if (need > 0) ratio = Math.min(ratio, room / need);
  }
  return { ratio };
}

/** Bound on |fitted − ideal| per decision (see the header). */
export function fittedBound(re: Float64Array, err: Float64Array, n: number, w: number): Float64Array {
  const out = new Float64Array(n * w);
  for (let k = 0; k < w; k++) {
    let my = 0;
    let me = 0;
    for (let c = 0; c < n; c++) {
      my += re[c * w + k]!;
      me += err[c * w + k]!;
    }
    my /= n;
    me /= n;
    let yy = 0;
    let bb = 0;
    let yb = 0;
    for (let c = 0; c < n; c++) {
      const y = Math.abs(re[c * w + k]! - my);
      const b = err[c * w + k]! + me;
      yy += y * y;
      bb += b * b;
      yb += y * b;
    }
    const gap = Math.sqrt(yy) - Math.sqrt(bb);
    const gamma = bb === 0 ? 0 : gap > 0 ? (yb + bb) / (gap * gap) : Infinity;
    for (let c = 0; c < n; c++) {
      const y = Math.abs(re[c * w + k]! - my);
      const b = err[c * w + k]! + me;
      // Whatever the errors, |g| ≤ √(Σ Y²/Σ X²) and |X_c| ≤ √(Σ X²), so |fitted − ideal| ≤ √(Σ Y²) + |Y_c|:
      // tight for an output whose ideal amplitude hardly varies.
      out[c * w + k] = Math.min(gamma === Infinity ? Infinity : gamma * y + (1 + gamma) * b, Math.sqrt(yy) + y);
    }
  }
  return out;
}
