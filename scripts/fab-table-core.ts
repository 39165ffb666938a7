// The measurements behind docs/studies/examples.md's "Which fab each design needs" table: each bundled example
// compiled as `optinc compile` compiles it, its files written to a scratch directory and read back
// as `optinc verify` reads them, then the same library call as `optinc verify <dir> --tolerance
// --trials 30` (per non-ideality, the technology axis left out) and `optinc verify <dir> --technology
// <preset> --trials 100` (20 for the trained design). scripts/fab-table.ts writes the rows to
// docs/figures/fab.json; scripts/fab-table-render.ts turns them into that section.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { loadSpec } from "../dsl/load.ts";
import type { TechnologySpec } from "../dsl/spec.ts";
import { technologyPreset } from "../dsl/technology-presets.ts";
import { aggregatorFiles, compileAggregator, StructureRefused, type CompiledAggregator } from "../pipeline/compile/route.ts";
import { bestRow } from "../pipeline/compile/structure-search.ts";
import { verifyTarget, type VerifyTargetOptions } from "../pipeline/verify/verify.ts";
import { loadCircuits, type LoadedCircuit } from "../verify/circuit/load.ts";
import type { AxisReport, ToleranceResult } from "../verify/tolerance/analyze.ts";
import { structureLabel, technologyLabel } from "./examples-table-core.ts";

export const FAB_PRESETS = ["optimistic", "calibrated", "foundry"] as const;
export type FabPreset = (typeof FAB_PRESETS)[number];
export const TOLERANCE_DIES = 30;
/**
 * Examples the table leaves out, each with why (rendered under the table): a row is 300 fab chips
 * and a 30-die tolerance search on the whole chip, about an hour on the 2-core machine for
 * cluster-256's 47,060 MZIs. scripts/fab-table.ts refuses to measure them (the row would be dropped);
 * remove an entry here to put its example in the table.
 */
export const FAB_TABLE_OMITS: Record<string, string> = {
  "cluster-256":
    "its 47,060 MZIs make a row (300 fab chips and a 30-die tolerance search over the whole chip) more than three times cluster-64's 14,245; the examples table above gives its yield at its own technology",
  "cluster-1024":
    "its 232,065 MZIs make a row (300 fab chips and a 30-die tolerance search over the whole chip) about sixteen times cluster-64's 14,245; the examples table above gives its yield at its own technology",
};

/** The examples the table measures: every bundled example but FAB_TABLE_OMITS. */
export function fabTableExamples(all: string[]): string[] {
  return all.filter((e) => !(e in FAB_TABLE_OMITS));
}
export const YIELD_CHIPS = 100;
/** A trained chip simulates all 28,561 cases of 5,230 MZIs per trial: 100 trials per preset take many minutes. */
export const TRAINED_YIELD_CHIPS = 20;

export interface Count {
  passing: number;
  trials: number;
}

/** A Monte-Carlo tolerance: the rank-1 critical level of the dies and the confidence it has at 99 % yield. */
export interface Bounded {
  level: number;
  rank: number;
  confidence: number;
}

export interface FabTolerances {
  dies: number;
  couplerImbalance: Bounded;
  phaseErrorRad: Bounded;
  /** Deterministic axes: the same level on every die. */
  mziLossDb: number;
  /** null: more than 24 bits. */
  dacBits: number | null;
  detectorNoise: Bounded;
}

export interface FabRow {
  example: string;
  /** "trained ONN", "closed-form, flat cells", "closed-form, radix-2 cascade", or the refusal. */
  built: string;
  mzi: number;
  /** O-E-O regenerations on the critical path (closed-form chips). */
  oeo: number | null;
  /** The MZI loss the spec's technology block states (the closed-form cells' biases are set for it). */
  designLossDb: number;
  tolerance: FabTolerances | null;
  yields: Record<FabPreset, Count> | null;
  /** route = auto refused the spec: the structure search's best candidate at the spec's own technology. */
  refused: {
    technology: string;
    best: string;
    /** The best candidate's chips exact, or null when no candidate was exact on its emitted cells (none drawn). */
    chips: Count | null;
    /** The search's own words (OPT3007's message). */
    reason: string;
  } | null;
}

/** optinc verify's defaults for everything this table does not set (cli/commands/verify.ts). */
const VERIFY_DEFAULTS = { minExact: 1, minYield: 0.9, maxCases: 50_000, receiver: "fitted" } as const;

/** Compile an example as `optinc compile` does; a refusal is returned, not thrown. */
export function compileExample(
  example: string,
  edit: (text: string) => string = (t) => t,
): { technology: TechnologySpec; compiled: CompiledAggregator | StructureRefused } {
  const file = `examples/${example}.optinc`;
  const checked = loadSpec(file, edit(readFileSync(file, "utf8"))).checked!;
  const technology = checked.spec.technology;
  try {
    return { technology, compiled: compileAggregator(checked, {}) };
  } catch (e) {
    if (!(e instanceof StructureRefused)) throw e;
    return { technology, compiled: e };
  }
}

/** Write the compile's files to a scratch directory and run `f` on them as verify loads them. */
export function withEmittedFiles<T>(c: CompiledAggregator, f: (dir: string, circuits: LoadedCircuit[]) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "optinc-fab-table-"));
  try {
    for (const [name, text] of aggregatorFiles(c)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return f(dir, loadCircuits(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function verifyOptions(dir: string, circuits: LoadedCircuit[], trials: number): VerifyTargetOptions {
  return { ...VERIFY_DEFAULTS, circuits, target: dir, shown: (p) => relative(dir, p) || p, trials };
}

/** `optinc verify <dir> --technology <preset> --trials <n>`: chips (closed-form) or trials (one trained circuit) exact. */
export function measureYield(dir: string, circuits: LoadedCircuit[], preset: FabPreset, trials: number): Count {
  const run = verifyTarget({ ...verifyOptions(dir, circuits, trials), technology: technologyPreset(preset)! });
  const json = run.json as {
    route?: string;
    result?: { trials: Count | null };
    circuits?: { trials: { passing: number; count: number } | null }[];
  };
  if (json.route === "closed-form") return { passing: json.result!.trials!.passing, trials: json.result!.trials!.trials };
  if (json.circuits?.length !== 1) throw new Error(`${dir}: a trained chip of ${json.circuits?.length} circuits has no one yield`);
  const t = json.circuits[0]!.trials!;
  return { passing: t.passing, trials: t.count };
}

/** `optinc verify <dir> --tolerance --trials <dies>`, the five non-idealities alone (not the technology scaled). */
export function measureTolerances(dir: string, circuits: LoadedCircuit[], dies: number): FabTolerances {
  const run = verifyTarget({
    ...verifyOptions(dir, circuits, dies),
    tolerance: true,
    toleranceAxes: ["couplerImbalance", "phaseError", "mziLoss", "dacBits", "detectorNoise"],
  });
  const t = (run.json as { tolerance: ToleranceResult }).tolerance;
  const axis = (name: AxisReport["axis"]): AxisReport => t.axes.find((a) => a.axis === name)!;
  const bounded = (name: AxisReport["axis"]): Bounded => {
    const b = axis(name).monteCarlo!.lowerBound;
    return { level: b.value, rank: b.rank, confidence: b.confidence };
  };
  return {
    dies,
    couplerImbalance: bounded("couplerImbalance"),
    phaseErrorRad: bounded("phaseError"),
    mziLossDb: axis("mziLoss").monteCarlo!.tolerance,
    dacBits: axis("dacBits").bits ?? null,
    detectorNoise: bounded("detectorNoise"),
  };
}

/** Every preset's yield of one compiled example. */
export function measureYields(dir: string, circuits: LoadedCircuit[], trials: number): Record<FabPreset, Count> {
  return Object.fromEntries(FAB_PRESETS.map((p) => [p, measureYield(dir, circuits, p, trials)])) as Record<FabPreset, Count>;
}

/** One example's row: compiled in full (the trained one trains: minutes), then measured on its files. */
export function fabRow(example: string, log: (s: string) => void = () => {}): FabRow {
  const { technology, compiled: c } = compileExample(example);
  const designLossDb = technology.mziLossDb;
  if (c instanceof StructureRefused) {
    const best = c.search.rows[bestRow(c.search.rows)]!;
    return {
      example,
      built: `refused (OPT3007); best: ${best.label}`,
      mzi: best.cost.mzi,
      oeo: null,
      designLossDb,
      tolerance: null,
      yields: null,
      refused: {
        technology: technologyLabel(technology),
        best: best.label,
        chips: best.yield ? { passing: best.yield.passing, trials: best.yield.trials } : null,
        reason: c.search.reason,
      },
    };
  }
  log(`${example}: compiled`);
  return withEmittedFiles(c, (dir, circuits) => {
    const tolerance = measureTolerances(dir, circuits, TOLERANCE_DIES);
    log(`${example}: tolerances ${JSON.stringify(tolerance)}`);
    const yields = measureYields(dir, circuits, c.route === "trained" ? TRAINED_YIELD_CHIPS : YIELD_CHIPS);
    return {
      example,
      built: c.route === "trained" ? "trained ONN" : `closed-form, ${structureLabel(c.report)}`,
      mzi: c.report.hardware.mzi,
      oeo: c.route === "trained" ? null : c.report.hardware.oeoOnCriticalPath,
      designLossDb,
      tolerance,
      yields,
      refused: null,
    };
  });
}
