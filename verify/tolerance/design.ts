// A design for tolerance analysis: every emitted unit circuit with its case set, the digits every
// case must decode to, the ideal detector fields (what a fitted receiver fits to) and the number of
// physical copies it stands for. The chip is exact only if every case of every copy of every unit is.
import type { Rounding } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { detectDigit } from "../../netlist/models.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { buildCases, type CaseSet, type SourceFormat } from "../circuit/cases.ts";
import type { DetectorSettings } from "../circuit/receiver.ts";
import { CircuitShapeError, type UnitSpec } from "../../aggregate/circuit-info.ts";
import { verifyCircuit, type VerifyResult } from "../circuit/run.ts";
import { circuitFormat } from "../circuit/shape.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { cellOf } from "../cells/cell-verify.ts";
import { copySeed as chipCopySeed } from "../cells/chip-yield.ts";
import { margin } from "./decisions.ts";
import { circuitPrograms, type CircuitPrograms } from "../../netlist/sim/stage-program.ts";

export interface DesignUnitInput {
  /** Shown in tables (the netlist file or unit name). */
  name: string;
  circuit: Circuit;
  /** Physical copies (default: the circuit's info.instances, else 1). */
  instances?: number;
  rounding: Rounding;
  preprocess: boolean;
  unit?: UnitSpec;
  maxCases: number;
  /** verify's ideal-component result for this circuit with the same options, when already at hand. */
  verified?: VerifyResult;
}

export interface DesignUnit {
  name: string;
  circuit: Circuit;
  instances: number;
  programs: CircuitPrograms;
  format: SourceFormat;
  detector: DetectorSettings;
  set: CaseSet;
  /** Detector modes read per case. */
  width: number;
  /** Exact with ideal components (then `reference` holds the golden digits). */
  exact: boolean;
  /** Why not, in verify's words. */
  failures: string[];
  /** Digits every case decodes to with ideal components, cases × width. */
  reference: Int32Array;
  /** Re(field) at the detector with ideal components, cases × width: what a fitted receiver fits to. */
  idealRe: Float64Array;
  /** The cases ordered by their smallest ideal decision margin (hardest first), and their input digits in that order. */
  hardFirst: { cases: Int32Array; digits: Int32Array };
  /**
   * The seed of copy c's die and detector-noise streams: the streams `optinc verify` draws for the
   * same circuit (copy 0 of a unit; every copy of a closed-form cell, verify/cells/chip-yield.ts).
   */
  streamSeed(seed: number, copy: number): number;
}

export interface Design {
  units: DesignUnit[];
  seed: number;
}

/** info.instances: how many physical copies of this circuit the chip holds. */
export function instancesOf(circuit: Circuit): number {
  const v = circuit.info.instances;
  if (v === undefined) return 1;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new CircuitShapeError(`info instances must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

const CHUNK = 4096;

/** Re(field) and decided digits of every case on one compiled simulator. */
export function simulateSet(sim: ReturnType<typeof compileCircuit>, set: CaseSet, f: SourceFormat): { re: Float64Array; width: number } {
  const inWidth = f.workers * f.digits;
  let re = new Float64Array(0);
  let width = 0;
  for (let start = 0; start < set.cases; start += CHUNK) {
    const n = Math.min(CHUNK, set.cases - start);
    const r = sim.run(Float64Array.from(set.digits.subarray(start * inWidth, (start + n) * inWidth)), n);
    if (start === 0) {
      width = r.width;
      re = new Float64Array(set.cases * width);
    }
    re.set(r.fields.re.subarray(0, n * width), start * width);
  }
  return { re, width };
}

export function prepareUnit(input: DesignUnitInput, seed: number): DesignUnit {
  const { circuit } = input;
  const instances = input.instances ?? instancesOf(circuit);
  if (!Number.isInteger(instances) || instances < 1)
    throw new CircuitShapeError(`unit ${input.name}: instances must be a positive integer, got ${instances}`);
  // verify's own ideal check decides exactness (golden function, shape checks, case set).
  const v =
    input.verified ??
    verifyCircuit(circuit, {
      nonIdealities: {},
      trials: 0,
      seed,
      minExact: 1,
      minYield: 1,
      maxCases: input.maxCases,
      rounding: input.rounding,
      preprocess: input.preprocess,
      ...(input.unit ? { unit: input.unit } : {}),
    });
  const { source, detector } = circuitFormat(circuit);
  const format: SourceFormat = input.unit?.carryIn ? { ...source, carryIn: input.unit.carryIn } : source;
  const set = buildCases(format, { preprocess: input.preprocess, maxCases: input.maxCases, seed });
  if (set.cases !== v.nominal.cases)
    throw new Error(`internal: tolerance case set (${set.cases}) differs from verify's (${v.nominal.cases})`);
  const { re, width } = simulateSet(compileCircuit(circuit, {}), set, format);
  // verify found every case exact: the ideal digits are the golden ones.
  const reference = new Int32Array(re.length);
  for (let i = 0; i < re.length; i++)
    reference[i] = detectDigit(re[i]!, detector.step[i % width]!, detector.offset[i % width]!, detector.levels);
  return {
    name: input.name,
    circuit,
    instances,
    programs: circuitPrograms(circuit),
    format,
    detector,
    set,
    width,
    exact: v.pass,
    failures: v.failures,
    reference,
    idealRe: re,
    hardFirst: hardFirst(set, re, reference, width, detector, format),
    streamSeed: unitStreamSeed,
  };
}

/** Copy 0 keeps verify's seed; later copies get their own. */
function unitStreamSeed(seed: number, copy: number): number {
  return copy === 0 ? seed : (seed ^ Math.imul(copy, 0x9e3779b1)) >>> 0;
}

/**
 * A closed-form cell design (verify/cells/): its whole input space and the digits its function
 * tables give, every physical copy on the chip (info cell_instances, or `copies`). `index` is the
 * design's position among the chip's designs, which seeds its copies as closed-form verify does.
 */
export function prepareCell(name: string, circuit: Circuit, index: number, copies?: number): DesignUnit {
  const f = cellOf(circuit);
  const cases = cellCases(f);
  const { source, detector } = circuitFormat(circuit);
  const set: CaseSet = {
    mode: cases.raw ? "full" : "digit-sum",
    digits: Int32Array.from(cases.inputs),
    cases: cases.cases,
    spaceSize: cases.cases,
    description: cases.raw ? `every raw input of cell ${f.name}` : `cell ${f.name}: each digit sum with two worker fills`,
  };
  const { re, width } = simulateSet(compileCircuit(circuit, {}), set, source);
  if (width !== f.outputs.length)
    throw new CircuitShapeError(`cell ${f.name}: the detector reads ${width} digits, its function has ${f.outputs.length} outputs`);
  let wrong = 0;
  for (let i = 0; i < re.length; i++)
    if (detectDigit(re[i]!, detector.step[i % width]!, detector.offset[i % width]!, detector.levels) !== cases.expected[i]) wrong++;
  const failures = wrong ? [`cell ${f.name}: ${wrong} output digits decode wrongly with ideal parts`] : [];
  return {
    name,
    circuit,
    instances: copies ?? f.instances,
    programs: circuitPrograms(circuit),
    format: source,
    detector,
    set,
    width,
    exact: wrong === 0,
    failures,
    reference: cases.expected,
    idealRe: re,
    hardFirst: hardFirst(set, re, cases.expected, width, detector, source),
    streamSeed: (seed, copy) => chipCopySeed(seed, index, copy),
  };
}

/** Cases sorted by their smallest ideal margin: a die that fails usually fails there first. */
function hardFirst(
  set: CaseSet,
  re: Float64Array,
  reference: Int32Array,
  width: number,
  d: DetectorSettings,
  f: SourceFormat,
): DesignUnit["hardFirst"] {
  const room = new Float64Array(set.cases).fill(Infinity);
  for (let i = 0; i < re.length; i++) {
    const c = Math.floor(i / width);
    room[c] = Math.min(room[c]!, margin((re[i]! - d.offset[i % width]!) / d.step[i % width]!, reference[i]!, d.levels));
  }
  const cases = Int32Array.from({ length: set.cases }, (_, c) => c).sort((a, b) => room[a]! - room[b]! || a - b);
  const inW = f.workers * f.digits;
  const digits = new Int32Array(set.digits.length);
  cases.forEach((c, j) => digits.set(set.digits.subarray(c * inW, (c + 1) * inW), j * inW));
  return { cases, digits };
}

export function prepareDesign(inputs: DesignUnitInput[], seed: number): Design {
  if (inputs.length === 0) throw new RangeError("a design needs at least one unit");
  return { units: inputs.map((u) => prepareUnit(u, seed)), seed };
}

/** A closed-form chip: every cell design with its physical copies. */
export function prepareCellDesign(cells: { name: string; circuit: Circuit; copies?: number }[], seed: number): Design {
  if (cells.length === 0) throw new RangeError("a design needs at least one cell");
  return { units: cells.map((c, i) => prepareCell(c.name, c.circuit, i, c.copies)), seed };
}
