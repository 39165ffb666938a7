// The widest decision a declared technology lets a cell make, measured rather than assumed
// (docs/design/structures.md §4). A decision at θ compares a bias s·θ with a
// signal s·v, so a relative error ε between their paths moves it by ε·θ: how large ε is depends on
// the technology (couplers, phases, DAC, detector, loss spread) and on how the compiler builds its
// cells, so it is read off the compiler's own circuits. A *probe cell* — an add cell of base-L
// digits summing to v ≤ vmax, whose low output digit v mod L jumps at every half-integer up to
// θ = vmax − ½ — is built exactly like every cell (loss-tracking biases, the same balance and
// headroom) and drawn as PROBE_DIES Monte-Carlo dies at the technology, for a ladder of vmax:
//   bound: the widest probe θ below the first that failed a die (a design rule, like a foundry's
//          test structure);
//   wall:  the narrowest probe θ exact on no die (a structure deciding that wide fails every chip).
// The whole chip's Monte-Carlo stays the judge; the bound and wall only order and explain it.
import type { Cell, DigitChip } from "../../aggregate/digit-chip.ts";
import { writeCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { CELL_HEADROOM, chipCircuits } from "../../compiler/cells/chip-circuits.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { cellOf } from "../../verify/cells/cell-verify.ts";
import { chipTrial, prepareDesigns, type Prepared } from "../../verify/cells/chip-yield.ts";
import type { Technology } from "../../dsl/technology.ts";
import type { DecisionBound, DecisionProbe } from "../types.ts";

/** Dies per probe: 100 of 100 exact bounds a probe's die failure rate by 3 % at 95 % confidence. */
export const PROBE_DIES = 100;
/** Probe inputs: every combination up to this many, else two uneven fills per digit sum (aggregate/cell-cases.ts). */
const PROBE_CASES = 1024;
/**
 * The ladder: v from PROBE_VMIN, about PROBE_STEP× wider each rung, to PROBE_VMAX; at the presets
 * the wall is at most 59.5, and with no wall up to the last rung no structure is tried last.
 */
const PROBE_VMIN = 3;
const PROBE_STEP = 1.2;
const PROBE_VMAX = 130;

/**
 * The probe cell: worker digits summed up to v = vmax (the last port a narrower digit when L − 1
 * does not divide vmax), every base-L digit of v as an output.
 */
export function probeChip(vmax: number, levels: number): DigitChip {
  const L = levels;
  const ports = Math.ceil(vmax / (L - 1));
  const max = (p: number): number => (p < ports - 1 ? L - 1 : vmax - (ports - 1) * (L - 1));
  let digits = 1;
  while (L ** digits <= vmax) digits++;
  const cell: Cell = {
    name: "probe",
    role: "add",
    position: 0,
    ports: Array.from({ length: ports }, (_, p) => ({
      source: max(p) === L - 1 ? { kind: "worker" as const, worker: p, position: 0 } : { kind: "cell" as const, cell: 0, output: 0 },
      weight: 1,
      max: max(p),
    })),
    groups: Array.from({ length: ports }, (_, p) => ({ ports: [p], max: max(p) })),
    bias: 0,
    vmax,
    outputs: Array.from({ length: digits }, (_, k) => ({
      name: `d${k}`,
      table: Array.from({ length: vmax + 1 }, (_, v) => Math.floor(v / L ** k) % L),
    })),
  };
  return { workers: ports, levels: L, inDigits: 1, outDigits: digits, rounding: "floor", cells: [cell], result: [] };
}

/** The probe as the compiler builds and emits a cell: its circuit with the cell's info, ready for dies. */
export function probeDesign(vmax: number, levels: number, mziLossDb: number): { prepared: Prepared[]; theta: number } {
  const chip = probeChip(vmax, levels);
  const [d] = chipCircuits(chip, { levels, headroom: CELL_HEADROOM, mziLossDb });
  const circuit = circuitFromPhaseTable(d!.table, `probe_${levels}_v${vmax}`);
  circuit.info = { ...circuit.info, ...writeCellInfo(d!, chip) };
  const [prepared] = prepareDesigns([{ name: circuit.name, circuit, cell: cellOf(circuit), copies: 1 }]);
  prepared!.set = cellCases(prepared!.d.cell, PROBE_CASES);
  return { prepared: [prepared!], theta: Math.max(...d!.network.thresholds) };
}

/** Exact dies of a probe among `dies` drawn; with `untilExact`, drawing stops at the first exact one. */
function drawDies(prepared: Prepared[], tech: Partial<Technology>, seed: number, untilExact = false): { exact: number; dies: number } {
  let exact = 0;
  for (let t = 0; t < PROBE_DIES; t++) {
    if (chipTrial(prepared, tech, seed, t).pass) exact++;
    if (untilExact && exact > 0) return { exact, dies: t + 1 };
  }
  return { exact, dies: PROBE_DIES };
}

function exactDies(prepared: Prepared[], tech: Partial<Technology>, seed: number): number {
  return drawDies(prepared, tech, seed).exact;
}

/** Each error of the technology that a die can carry alone, and how the spec's block names it. */
const ERRORS: { key: "splitterImbalance" | "phaseNoise" | "dacBits" | "detectorNoise" | "lossSpreadDb"; name: (v: number) => string }[] = [
  { key: "splitterImbalance", name: (v) => `couplers ±${v}` },
  { key: "phaseNoise", name: (v) => `phase σ ${+(v * 1000).toPrecision(3)} mrad` },
  { key: "dacBits", name: (v) => `${v}-bit DAC` },
  { key: "detectorNoise", name: (v) => `detector σ ${v} step` },
  { key: "lossSpreadDb", name: (v) => `loss spread σ ${v} dB per arm` },
];

/** Each non-zero error of the technology alone (the nominal MZI loss is the operating point, kept). */
function singleErrors(tech: Partial<Technology>): { name: string; tech: Partial<Technology> }[] {
  return ERRORS.flatMap(({ key, name }) => {
    const v = tech[key];
    return v ? [{ name: name(v), tech: { mziLossDb: tech.mziLossDb ?? 0, [key]: v } }] : [];
  });
}

/** The first rung of a ladder that failed a die (past it, rungs stop at their first exact die). */
const firstFailing = (ladder: DecisionProbe[]): DecisionProbe | undefined => ladder.find((p) => p.exactDies < PROBE_DIES);

/**
 * The errors under which, each alone, a probe of this vmax fails a die. Each error gets a probe of
 * its own: a prepared design keeps the DAC and detector of the technology it was first compiled at.
 */
function failingAlone(vmax: number, levels: number, tech: Partial<Technology>, seed: number): string[] {
  return singleErrors(tech)
    .filter((e) => exactDies(probeDesign(vmax, levels, tech.mziLossDb ?? 0).prepared, e.tech, seed) < PROBE_DIES)
    .map((e) => e.name);
}

/**
 * What breaks a decision at θ: the technology's errors under which, each alone, a probe deciding
 * that wide fails a die (empty: none alone, their sum, or it does not fail).
 */
export function breakingErrors(tech: Partial<Technology>, levels: number, theta: number, seed: number): string[] {
  return failingAlone(Math.ceil(theta + 0.5), levels, tech, seed);
}

const ladders = new Map<string, Omit<DecisionBound, "limitedBy">>();
const limits = new Map<string, string[]>();

/**
 * The decision bound of base-`levels` cells at a (non-ideal) technology; a pure function of its
 * arguments. `limitedBy` is computed when `withLimits` asks for it (what --explain, a refusal and
 * the report print), and is null otherwise: the search orders by the wall alone.
 */
export function decisionBound(tech: Partial<Technology>, levels: number, seed: number, withLimits = true): DecisionBound {
  const key = JSON.stringify([tech, levels, seed]);
  let ladder = ladders.get(key);
  if (!ladder) ladders.set(key, (ladder = probeLadder(tech, levels, seed)));
  // Never what an earlier call happened to compute: the same arguments give the same bound.
  if (!withLimits) return { ...ladder, limitedBy: null };
  let limitedBy = limits.get(key);
  if (!limitedBy) {
    const first = firstFailing(ladder.ladder);
    limitedBy = first ? failingAlone(first.vmax, levels, tech, seed) : [];
    limits.set(key, limitedBy);
  }
  return { ...ladder, limitedBy };
}

function probeLadder(tech: Partial<Technology>, levels: number, seed: number): Omit<DecisionBound, "limitedBy"> {
  const ladder: DecisionProbe[] = [];
  let failed = false;
  for (let v = PROBE_VMIN; v <= PROBE_VMAX; v = Math.max(v + 1, Math.round(v * PROBE_STEP))) {
    const { prepared, theta } = probeDesign(v, levels, tech.mziLossDb ?? 0);
    // Past the first rung that failed a die only the wall is sought: a rung stops at its first exact die.
    const { exact, dies } = drawDies(prepared, tech, seed, failed);
    ladder.push({ vmax: v, theta, exactDies: exact, dies });
    failed ||= exact < dies;
    if (exact === 0) break;
  }
  const first = firstFailing(ladder);
  const fail = first ? ladder.indexOf(first) : -1;
  return {
    levels,
    theta: fail === 0 ? null : ladder.at(fail < 0 ? -1 : fail - 1)!.theta,
    wall: ladder.find((p) => p.exactDies === 0)?.theta ?? null,
    ladder,
  };
}

/** One line: "PAM-4 cells: θ ≤ 19.5 (100/100 probe dies exact); θ = 23.5: 86/100, their sum; 0/100 from θ = 41.5". */
export function boundText(b: DecisionBound): string {
  const first = firstFailing(b.ladder);
  const parts = [b.theta === null ? "no probe exact on every die" : `θ ≤ ${b.theta} (${PROBE_DIES}/${PROBE_DIES} probe dies exact)`];
  if (first)
    parts.push(
      `θ = ${first.theta}: ${first.exactDies}/${first.dies}${b.limitedBy === null ? "" : b.limitedBy.length ? `, under ${b.limitedBy.join(", ")} alone` : ", under no error alone (their sum)"}`,
    );
  else parts.push(`every probe to θ = ${b.ladder.at(-1)!.theta} exact`);
  if (b.wall !== null && b.wall !== first?.theta) parts.push(`0/${PROBE_DIES} from θ = ${b.wall}`);
  return `PAM-${b.levels} cells: ${parts.join("; ")}`;
}
