// Calibration of a whole circuit for one die. The linear parts are calibrated in light order
// (stage.ts); each leaves its outputs at a scale λ of the design (λ < 1 when losses eat the
// attenuators' headroom). Scales are carried through the top netlist: a part fed at scale Λ gets its
// bias sources raised to Λ × their amplitude, so all its inputs share Λ (ReLU(Λz) = Λ·ReLU(z) for
// Λ > 0, so activations pass it on), and the detector's thresholds absorb the scale Λ_k that reaches
// each of its modes together with the die's measured detector gain g_k and offset o_k:
//   step_k = g_k · Λ_k · step,   offset_k = g_k · Λ_k · offset + o_k.
import { linearParts, type Die, type LinearPart } from "../../netlist/die/die.ts";
import { dieElements } from "../../netlist/die/elements.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { activationLimits, detectorReference, detectorThresholds, num } from "../../netlist/models.ts";
import { circuitLookup } from "../../netlist/die/die.ts";
import { instancePorts, topologicalOrder } from "../../netlist/sim/propagate.ts";
import { cabs, carg } from "../../math/complex.ts";
import type { CellView } from "./hardware.ts";
import { calibratePart } from "./stage.ts";
import { commonPhaseMatters, topView } from "./common-phase.ts";
import { programmableLeaves } from "./programmable.ts";
import type { CircuitCalibration } from "./types.ts";

export type { CircuitCalibration } from "./types.ts";

export interface CircuitCalibrateOptions {
  /** DAC of the programmed phases (null: continuous phases). */
  dacBits: number | null;
}

export function calibrateCircuit(circuit: Circuit, die: Die, opts: CircuitCalibrateOptions): CircuitCalibration {
  const top = circuit.netlists[circuit.top]!;
  const lookup = circuitLookup(circuit);
  const parts = linearParts(circuit);
  const byName = new Map<string, LinearPart>(parts.map((p) => [p.name, p]));
  const elements = dieElements(circuit, parts);
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  // Scale of the light leaving each output pin of a top instance ("inst,port").
  const scale = new Map<string, number>();
  const inScale = (inst: string, port: string): number | undefined => {
    const from = peer.get(`${inst},${port}`);
    return from === undefined ? undefined : scale.get(from);
  };
  const source = (inst: string, port: string): string | undefined => {
    const from = peer.get(`${inst},${port}`);
    return from === undefined ? undefined : from.slice(0, from.lastIndexOf(","));
  };
  const view = topView(circuit, parts, lookup);
  const out: CircuitCalibration = { dieId: die.id, dacBits: opts.dacBits, parts: [], bias: new Map(), detector: null, issues: [] };
  for (const name of topologicalOrder(top, lookup)) {
    const inst = top.instances[name]!;
    const ports = instancePorts(name, inst, lookup);
    const part = byName.get(name);
    if (part) {
      const fed = ports.inputs.map((p) => ({ p, src: source(name, p), s: inScale(name, p) }));
      const lit = fed.filter((x) => x.src === undefined || top.instances[x.src]?.component !== "bias_source");
      const scales = lit.map((x) => x.s ?? 1);
      const lambdaIn = scales.length ? scales.reduce((a, b) => a + b, 0) / scales.length : 1;
      const spread = scales.length ? Math.max(...scales) - Math.min(...scales) : 0;
      if (spread > 1e-12 * lambdaIn) {
        out.issues.push({
          element: name,
          kind: "uncompensable",
          detail: `its inputs arrive at different scales (${Math.min(...scales)} … ${Math.max(...scales)})`,
          miss: spread / lambdaIn,
        });
      }
      for (const x of fed) {
        if (x.src !== undefined && top.instances[x.src]?.component === "bias_source") {
          out.bias.set(x.src, num(top.instances[x.src]!.settings, "amplitude") * lambdaIn);
        }
      }
      const cellView: CellView = { part, die, dacBits: opts.dacBits };
      const cal = calibratePart(cellView, elements, ports, {
        dacBits: opts.dacBits,
        programmable: programmableLeaves(circuit, name),
      });
      out.parts.push(cal);
      out.issues.push(...cal.issues);
      const lambda = cabs(cal.lambda);
      // A common phase within the DAC's grid is the grid's, not a missing phase screen; nor does it
      // matter where no later part mixes this part's light with other light (common-phase.ts).
      if (Math.abs(carg(cal.lambda)) > 1e-9 + cal.dacError && commonPhaseMatters(view, name)) {
        out.issues.push({
          element: name,
          kind: "uncompensable",
          detail: `its outputs keep a common phase error of ${carg(cal.lambda).toExponential(2)} rad (no output phase screen)`,
          miss: Math.abs(carg(cal.lambda)),
        });
      }
      for (const p of ports.outputs) scale.set(`${name},${p}`, lambdaIn * lambda);
      continue;
    }
    if (inst.component === "detector") {
      // A ratiometric detector decodes y_k · reference / y_ref: its thresholds scale by the mode's
      // scale relative to the reference row's.
      const modes = ports.outputs.length;
      const base = detectorThresholds(inst.settings, modes);
      const g = die.detector?.gain ?? new Array<number>(modes).fill(1);
      const o = die.detector?.offset ?? new Array<number>(modes).fill(0);
      const refPort = detectorReference(inst.settings) !== null ? ports.inputs[modes] : undefined;
      const sRef = refPort === undefined ? 1 : (g[modes] ?? 1) * (inScale(name, refPort) ?? 1);
      const step: number[] = [];
      const offset: number[] = [];
      ports.inputs.slice(0, modes).forEach((p, k) => {
        const s = inScale(name, p) ?? 1;
        step.push((g[k]! * s * base.step[k]!) / sRef);
        offset.push((g[k]! * s * base.offset[k]! + o[k]!) / sRef);
      });
      out.detector = { name, step, offset };
      for (const p of ports.outputs) scale.set(`${name},${p}`, 1);
      continue;
    }
    // Sources emit the design's amplitudes; activations (ReLU, leaky ReLU) pass a positive scale on,
    // except a limited mode (a threshold read): it writes gain · limit wherever it is on, whatever the scale.
    const pass = inst.component === "activation";
    const limits = pass ? activationLimits(inst.settings) : null;
    ports.outputs.forEach((p, k) =>
      scale.set(`${name},${p}`, pass && !((limits?.[k] ?? 0) > 0) ? (inScale(name, ports.inputs[k] ?? "") ?? 1) : 1),
    );
  }
  return out;
}
