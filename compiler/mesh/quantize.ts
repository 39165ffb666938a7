// Phase quantization: every tunable phase (θ, φ of MZIs and attenuators, φ of phase
// shifters, the output screen) is wrapped to [0, 2π) and snapped to the DAC grid
// 2π·code/2^bits. Element matrices (and attenuator σ) are recomputed from the snapped
// phases, so the quantized table is self-consistent; the error is reported, not hidden.
import type { LinearElement, PhaseStage } from "../../netlist/ir.ts";
import { maxAbsDiff } from "../../math/cmat.ts";
import { mziMatrixFast } from "./build.ts";
import { TWO_PI, mziEntries, wrapPhase } from "../../netlist/mzi.ts";
import { dacCode, quantizePhase } from "../../netlist/dac.ts";
import { stageMatrix } from "./reconstruct.ts";

export interface QuantizeResult {
  stage: PhaseStage;
  /** Largest |snapped − original| over all phases, measured on the circle (≤ π/2^bits). */
  maxPhaseError: number;
  /** max |ΔM| between the quantized and original stage matrices (gain included). */
  matrixError: number;
}

export const MAX_DAC_BITS = 24;

/** Snap a phase (netlist/dac.ts, the simulator's rule): its code in [0, 2^bits), value and circular error. */
export function snapPhase(x: number, bits: number): { code: number; value: number; error: number } {
  const code = dacCode(x, bits);
  const value = quantizePhase(x, bits);
  let d = Math.abs(value - wrapPhase(x));
  if (d > Math.PI) d = TWO_PI - d;
  return { code, value, error: d };
}

export function quantizeStage(stage: PhaseStage, bits: number): QuantizeResult {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_DAC_BITS) {
    throw new RangeError(`DAC bits must be an integer in 1..${MAX_DAC_BITS}, got ${bits}`);
  }
  let maxErr = 0;
  const q = (x: number): { code: number; value: number } => {
    const r = snapPhase(x, bits);
    maxErr = Math.max(maxErr, r.error);
    return r;
  };
  const elements: LinearElement[] = stage.elements.map((e): LinearElement => {
    switch (e.kind) {
      case "mzi": {
        const t = q(e.theta);
        const p = q(e.phi);
        return { ...e, theta: t.value, phi: p.value, matrix: mziMatrixFast(t.value, p.value), dac: { bits, theta: t.code, phi: p.code } };
      }
      case "attenuator": {
        const t = q(e.theta);
        const p = q(e.phi);
        const { re, im } = mziEntries(t.value, p.value);
        return {
          ...e,
          theta: t.value,
          phi: p.value,
          sigma: [re[0], im[0]],
          matrix: [[[re[0], im[0]]]],
          dac: { bits, theta: t.code, phi: p.code },
        };
      }
      case "phase": {
        const p = q(e.phi);
        return { ...e, phi: p.value, matrix: [[[Math.cos(p.value), Math.sin(p.value)]]], dac: { bits, phi: p.code } };
      }
      case "coupler":
        return { ...e };
    }
  });
  const out = stage.outputPhases.map((x) => q(x));
  const quantized: PhaseStage = {
    ...stage,
    elements,
    outputPhases: out.map((o) => o.value),
    outputDac: { bits, codes: out.map((o) => o.code) },
  };
  const matrixError = maxAbsDiff(stageMatrix(quantized), stageMatrix(stage));
  return { stage: quantized, maxPhaseError: maxErr, matrixError };
}
