// Non-idealities applied to a flattened netlist of primitives before its matrix is computed.
// One call = one Monte-Carlo trial: every draw comes from the seeded stream in instance order.
import type { Rng } from "../math/rng.ts";
import { TWO_PI, wrapPhase } from "./mzi.ts";
import type { Netlist } from "./ir.ts";
import { num } from "./models.ts";

export interface NonIdealities {
  /** Insertion loss per MZI in dB: amplitude 10^(−dB/20), put on both arms of every MZI. */
  mziLossDb?: number;
  /** Coupler power coupling deviates from its nominal value by ±this (sign drawn per coupler). */
  splitterImbalance?: number;
  /** Gaussian phase-noise sigma per phase shifter, rad (one draw per shifter per trial). */
  phaseNoise?: number;
  /** Phase DAC resolution in bits: phases snap to multiples of 2π/2^bits (null/0 = ideal). */
  dacBits?: number | null;
  /** Gaussian detector noise sigma in units of the detector step, added before thresholding. */
  detectorNoise?: number;
}

export function isIdeal(o: NonIdealities): boolean {
  return !o.mziLossDb && !o.splitterImbalance && !o.phaseNoise && !o.dacBits;
}

export function validateNonIdealities(o: NonIdealities): void {
  const nonneg = (k: keyof NonIdealities): void => {
    const v = o[k];
    if (v !== undefined && v !== null && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`non-ideality ${k} must be a finite number ≥ 0, got ${String(v)}`);
    }
  };
  (["mziLossDb", "splitterImbalance", "phaseNoise", "detectorNoise"] as const).forEach(nonneg);
  if (o.dacBits != null && !(Number.isInteger(o.dacBits) && o.dacBits >= 1 && o.dacBits <= 52)) {
    throw new RangeError(`dacBits must be an integer in 1..52 or null, got ${o.dacBits}`);
  }
  if ((o.splitterImbalance ?? 0) > 0.5) throw new RangeError(`splitterImbalance ${o.splitterImbalance} exceeds 0.5`);
}

/** Snap a phase to the b-bit DAC grid on [0, 2π). */
export function quantizePhase(phi: number, bits: number): number {
  const levels = 2 ** bits;
  const code = Math.round((wrapPhase(phi) / TWO_PI) * levels) % levels;
  return (code * TWO_PI) / levels;
}

/** A perturbed copy of a flat netlist (the input is not modified). */
export function perturb(flat: Netlist, o: NonIdealities, rng: Rng): Netlist {
  if (isIdeal(o)) return flat;
  const instances: Netlist["instances"] = {};
  for (const [name, inst] of Object.entries(flat.instances)) {
    const s = { ...inst.settings };
    if (inst.component === "phase") {
      let phi = num(s, "phi");
      if (o.dacBits) phi = quantizePhase(phi, o.dacBits);
      if (o.phaseNoise) phi += o.phaseNoise * rng.normal();
      s.phi = phi;
    }
    if ((inst.component === "phase" || inst.component === "waveguide") && (s.arm === "top" || s.arm === "bottom") && o.mziLossDb) {
      s.loss_db = num(s, "loss_db", 0) + o.mziLossDb;
    }
    if (inst.component === "coupler" && o.splitterImbalance) {
      // Keep the perturbed coupling physical: clamp the effective value to [0, 1].
      const k = num(s, "coupling", 0.5);
      const target = k + num(s, "imbalance", 0) + (rng.next() < 0.5 ? -1 : 1) * o.splitterImbalance;
      s.imbalance = Math.min(1, Math.max(0, target)) - k;
    }
    instances[name] = { component: inst.component, settings: s };
  }
  return { ...flat, instances };
}
