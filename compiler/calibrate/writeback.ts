// The calibrated circuit is the emitted one with the re-programmed phase settings (programmable.ts),
// the bias sources and the detector thresholds changed; a phase table, when there is one, gets the
// same values element by element.
import type { Circuit, DetectorStep, PhaseStage, PhaseTable } from "../../netlist/ir.ts";
import { mziMatrix } from "../../netlist/mzi.ts";
import { settingRef, usage } from "./programmable.ts";
import type { CircuitCalibration } from "./types.ts";

/** The emitted circuit re-programmed for the die (a deep copy; the input is not modified). */
export function calibratedCircuit(circuit: Circuit, cal: CircuitCalibration): Circuit {
  const out: Circuit = structuredClone(circuit);
  const uses = usage(circuit);
  for (const p of cal.parts) {
    for (const [leaf, ph] of p.phases) {
      const ref = settingRef(circuit, p.part, leaf, uses);
      if (!ref) throw new Error(`internal: calibrated leaf ${p.part}/${leaf} is not programmable`);
      const s = out.netlists[ref.netlist]!.instances[ref.instance]!.settings;
      s[ref.key] = ph.value;
      if (ph.code !== null && ref.key === "phi" && out.netlists[ref.netlist]!.instances[ref.instance]!.component === "phase") {
        s.dac_bits = cal.dacBits!;
        s.dac_code = ph.code;
      }
    }
  }
  const top = out.netlists[out.top]!;
  for (const [b, amp] of cal.bias) top.instances[b]!.settings.amplitude = amp;
  if (cal.detector) {
    const s = top.instances[cal.detector.name]!.settings;
    s.step = thresholds(cal.detector.step);
    s.offset = thresholds(cal.detector.offset);
  }
  out.info = { ...out.info, calibrated_for: cal.dieId };
  return out;
}

/** One value when every mode shares it, else the list. */
export function thresholds(v: number[]): number | number[] {
  return v.every((x) => x === v[0]) ? v[0]! : [...v];
}

/**
 * The top instance each pipeline step became in circuitFromPhaseTable (netlist/formats/from-phase-table.ts):
 * steps in order, each followed by its bias source when it has one.
 */
export function stepInstances(table: PhaseTable, circuit: Circuit): string[] {
  const names = Object.entries(circuit.netlists[circuit.top]!.instances)
    .filter(([, i]) => i.component !== "bias_source")
    .map(([n]) => n);
  if (names.length !== table.pipeline.length)
    throw new Error(`the phase table has ${table.pipeline.length} steps but the netlist has ${names.length} non-bias instances`);
  return names;
}

/** The phase table re-programmed for the die: the same elements with calibrated phases, DAC codes and matrices. */
export function calibratedPhaseTable(table: PhaseTable, circuit: Circuit, cal: CircuitCalibration): PhaseTable {
  const names = stepInstances(table, circuit);
  const byPart = new Map(cal.parts.map((p) => [p.part, p]));
  const top = circuit.netlists[circuit.top]!;
  const biasOf = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    const src = a.slice(0, a.lastIndexOf(","));
    if (top.instances[src]?.component === "bias_source") biasOf.set(b.slice(0, b.lastIndexOf(",")), src);
  }
  const pipeline = table.pipeline.map((step, i) => {
    const inst = names[i]!;
    if (step.role === "detector") {
      if (!cal.detector || cal.detector.name !== inst) return step;
      return { ...step, step: thresholds(cal.detector.step), offset: thresholds(cal.detector.offset) } satisfies DetectorStep;
    }
    if (!("elements" in step)) return step;
    const p = byPart.get(inst);
    const st: PhaseStage = { ...step, elements: step.elements.map((e) => ({ ...e })), outputPhases: [...step.outputPhases] };
    const b = biasOf.get(inst);
    if (b !== undefined && cal.bias.has(b)) st.biasInput = cal.bias.get(b)!;
    if (!p) return st;
    const byIndex = new Map(st.elements.map((e, k) => [e.index, k]));
    const codes: (number | null)[] = new Array(st.modes).fill(null);
    for (const [leaf, ph] of p.phases) {
      let m = /^e(\d+)_(phi|theta)$/.exec(leaf);
      if (m) {
        const k = byIndex.get(Number(m[1]));
        const e = k === undefined ? undefined : st.elements[k];
        if (!e || (e.kind !== "mzi" && e.kind !== "attenuator")) throw new Error(`internal: ${inst}/${leaf} has no MZI element`);
        e[m[2] as "phi" | "theta"] = ph.value;
        if (ph.code !== null) e.dac = { bits: cal.dacBits!, theta: e.dac?.theta ?? 0, phi: e.dac?.phi ?? 0, [m[2]!]: ph.code };
        continue;
      }
      if ((m = /^e(\d+)$/.exec(leaf))) {
        const k = byIndex.get(Number(m[1]));
        const e = k === undefined ? undefined : st.elements[k];
        if (!e || e.kind !== "phase") throw new Error(`internal: ${inst}/${leaf} has no phase element`);
        e.phi = ph.value;
        if (ph.code !== null) e.dac = { bits: cal.dacBits!, phi: ph.code };
        continue;
      }
      if ((m = /^po(\d+)$/.exec(leaf))) {
        st.outputPhases[Number(m[1])] = ph.value;
        codes[Number(m[1])] = ph.code;
        continue;
      }
      throw new Error(`internal: calibrated leaf ${inst}/${leaf} has no phase-table field`);
    }
    if (codes.every((c) => c !== null)) st.outputDac = { bits: cal.dacBits!, codes: codes as number[] };
    // Element matrices describe the programmed setting under the MZ-in convention (ideal parts).
    for (const e of st.elements) {
      if (e.kind === "mzi") e.matrix = mziMatrix(e.theta, e.phi);
      else if (e.kind === "attenuator") {
        const t00 = mziMatrix(e.theta, e.phi)[0][0];
        e.sigma = t00;
        e.matrix = [[t00]];
      } else if (e.kind === "phase") e.matrix = [[[Math.cos(e.phi), Math.sin(e.phi)]]];
    }
    return st;
  });
  return { ...table, pipeline };
}
