// Dies with known errors, and small circuits with fixed trees, for the calibration tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../math/rng.ts";
import { leafPath, linearParts, type Die, type LeafError } from "../../netlist/die/die.ts";
import { dieElements } from "../../netlist/die/elements.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { MZI_CONVENTION, type Circuit, type LinearElement, type PhaseStage, type PhaseTable } from "../../netlist/ir.ts";
import { isUnheatedSection, num } from "../../netlist/models.ts";
import { attenuatorSetting, couplerMatrix, wrapPhase } from "../../netlist/mzi.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { nominalRadPerCode } from "../../fab/die-file-v1.ts";

export interface DieLevels {
  /** Largest coupler deviation (power coupling), drawn in [0.3, 1] × this. */
  coupler: number;
  /** σ of the phase offsets, rad. */
  phase: number;
  /** Shifter gains drawn in [1, 1 + gain] (≥ 1: no phase is out of reach). */
  gain: number;
  /** Loss of the attenuators' arms, dB (their headroom absorbs it). */
  attenuatorLossDb: number;
  /** Detector gain in 1 ± this, offset in ± this · step. */
  detector: number;
}

export const CORRECTABLE: DieLevels = { coupler: 0.03, phase: 0.05, gain: 0.03, attenuatorLossDb: 0.1, detector: 0.05 };

/**
 * A die every error of which calibration can undo: each MZI's two couplers deviate together so
 * that its designed split stays inside the reachable set [sin²(α−β), cos²(α+β)] — the same sign
 * for a cell set nearer bar, opposite signs nearer cross (an attenuator near zero is "cross") —
 * shifter gains ≥ 1 (every phase reachable), loss only where an attenuator can make it up,
 * and any detector gain and offset. Mesh MZIs keep lossless arms: loss that differs between the
 * paths of a mesh is not correctable by phases.
 */
export function correctableDie(circuit: Circuit, seed: number, levels: DieLevels = CORRECTABLE, dacBits = 12): Die {
  const rng = createRng(seed);
  const parts = new Map(linearParts(circuit).map((p) => [p.name, p]));
  const leaves = new Map<string, LeafError>();
  const shifter = (part: string, leaf: string, extra: LeafError = {}): void => {
    leaves.set(leafPath(part, leaf), {
      dPhi: levels.phase * rng.normal(),
      radPerCode: (1 + levels.gain * rng.next()) * nominalRadPerCode(dacBits),
      ...extra,
    });
  };
  let detector: Die["detector"];
  for (const el of dieElements(circuit)) {
    if (el.kind === "detector") {
      const step = num(circuit.netlists[circuit.top]!.instances[el.name]!.settings, "step");
      detector = { gain: [], offset: [] };
      for (let k = 0; k < el.modes!; k++) {
        detector.gain.push(1 + levels.detector * (2 * rng.next() - 1));
        detector.offset.push(levels.detector * step * (2 * rng.next() - 1));
      }
      continue;
    }
    const part = parts.get(el.part)!;
    if (el.kind === "mzi" || el.kind === "attenuator") {
      const theta = num(part.flat.instances[el.leaves.theta!]!.settings, "phi");
      const d = levels.coupler * (0.3 + 0.7 * rng.next()) * (rng.next() < 0.5 ? -1 : 1);
      const barLike = Math.sin(theta / 2) ** 2 >= 0.5;
      leaves.set(leafPath(el.part, el.leaves.bsA!), { dCoupling: d });
      leaves.set(leafPath(el.part, el.leaves.bsB!), { dCoupling: barLike ? d : -d });
      const loss = el.kind === "attenuator" ? { lossDb: levels.attenuatorLossDb } : {};
      shifter(el.part, el.leaves.phi!);
      shifter(el.part, el.leaves.theta!, loss);
      if (el.kind === "attenuator") leaves.set(leafPath(el.part, el.leaves.ref!), loss);
    } else if (el.kind === "phase") shifter(el.part, el.leaves.leaf!);
    else if (el.kind === "waveguide" && isUnheatedSection(part.flat.instances[el.leaves.leaf!]!)) {
      // An unheated section keeps its fabricated phase error and has no heater, so no gain; it
      // takes a shifter's two draws, as when it was one, so every later leaf of a seed stays.
      shifter(el.part, el.leaves.leaf!);
      const path = leafPath(el.part, el.leaves.leaf!);
      leaves.set(path, { dPhi: leaves.get(path)!.dPhi! });
    }
  }
  return { id: `correctable seed ${seed}`, leaves, dacBits, ...(detector ? { detector } : {}) };
}

/** Write a phase table's files (phase table + every netlist backend) into a fresh directory. */
export async function compiledDir(table: PhaseTable, name: string, info: Record<string, string | number> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "optinc-cal-"));
  const circuit = circuitFromPhaseTable(table, name);
  circuit.info = { ...circuit.info, ...info };
  const files = emitCircuit(circuit, name);
  files.set(`${name}.phases.json`, phaseTableToJson(table));
  files.set(`${name}.phases.csv`, phaseTableToCsv(table));
  commitFiles(dir, files);
  return dir;
}

const MINUS_HALF_PI = wrapPhase(-Math.PI / 2);

function phase(index: number, column: number, mode: number, phi: number): LinearElement {
  return { kind: "phase", index, column, modes: [mode], phi, matrix: [[[Math.cos(phi), Math.sin(phi)]]] };
}

function coupler(index: number, column: number, a: number, b: number, k: number): LinearElement {
  return { kind: "coupler", index, column, modes: [a, b], coupling: k, matrix: couplerMatrix(k) };
}

function attenuator(index: number, column: number, mode: number, sigma: [number, number]): LinearElement {
  const { theta, phi } = attenuatorSetting(sigma);
  return { kind: "attenuator", index, column, modes: [mode], sigma, theta, phi, matrix: [[sigma]] };
}

function stage(name: string, modes: number, inputs: number, outputs: number, elements: LinearElement[]): PhaseStage {
  return {
    name,
    role: "unitary",
    mesh: "none",
    modes,
    inputs,
    outputs,
    gain: 1,
    elements,
    outputPhases: new Array(modes).fill(0),
    convention: MZI_CONVENTION,
  };
}

/**
 * A fan-in tree behind a diagonal: out0 = Σ_i σ_i · x_i / 2 over 4 inputs, each input through an
 * attenuator σ_i, then a chain of fixed merges (phase −π/2 on the merged arm, coupling 1/(c+1)).
 */
export function fanInStage(sigmas: [number, number][]): PhaseStage {
  const els: LinearElement[] = [];
  sigmas.forEach((s, i) => els.push(attenuator(els.length, 0, i, s)));
  for (let c = 1; c < sigmas.length; c++) {
    els.push(phase(els.length, c, c, MINUS_HALF_PI));
    els.push(coupler(els.length, c, 0, c, 1 / (c + 1)));
  }
  return stage("fanin", sigmas.length, sigmas.length, 1, els);
}

/**
 * A fan-out tree: one input split to `n` modes by fixed couplers (coupling 1/(n − r), phase −π/2 on
 * the branch), then either one attenuator per branch (compensable) or nothing programmable (not).
 */
export function fanOutStage(n: number, attenuators: boolean): PhaseStage {
  const els: LinearElement[] = [];
  for (let r = 1; r < n; r++) {
    els.push(coupler(els.length, r - 1, 0, r, 1 / (n - r + 1)));
    els.push(phase(els.length, r - 1, r, MINUS_HALF_PI));
  }
  if (attenuators) for (let r = 0; r < n; r++) els.push(attenuator(els.length, n, r, [0.5 + 0.1 * r, 0]));
  return stage("fanout", n, 1, n, els);
}

/** A bare phase table of linear stages (no source or detector). */
export function stagesTable(...stages: PhaseStage[]): PhaseTable {
  return {
    format: "optinc.phases/1",
    convention: { name: MZI_CONVENTION, mzi: "see docs/reference/conventions.md", coupler: "[[t, ik], [ik, t]]", phaseRange: "[0, 2π)" },
    pipeline: stages,
  };
}
