// `optinc compile` for route = closed-form, as a table of named passes (like pipeline/compile/trained.ts):
//   plan → build → circuits → emit → read → verify → compose → evaluate
// plan: the unit (or each cascade level) as a digit chip (aggregate/digit-chip.ts); build: one phase
// table per distinct cell (compiler/cells/); circuits: each as a circuit with its info; emit: phase
// tables, every netlist backend and the chip file;
// verify: every cell design over its whole input space, from its emitted netlist.json; compose: the
// aggregator end to end from the emitted files against the golden average; evaluate: Monte-Carlo
// yield of whole chips (every physical cell copy its own die) under the spec's technology block.
import { planCascade, type CascadePlan } from "../../aggregate/cascade.ts";
import { readChipJson, writeChipJson, type ChipFile } from "../../aggregate/chip-file.ts";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { cellDepths } from "../../aggregate/digit-chip.ts";
import { innerLevelsOf } from "../../aggregate/narrow-base.ts";
import { flatUnit, type UnitFunction } from "../../aggregate/unit.ts";
import { CELL_HEADROOM, chipCircuits, type CellDesign } from "../../compiler/cells/chip-circuits.ts";
import { chipOptionsFor } from "../../aggregate/chip-options.ts";
import { budgetableCell, lightBudgetOfSpec, lightSection, regeneratedCloses, type LightSection } from "./light.ts";
import { isCellCircuit, writeCellInfo } from "../../aggregate/circuit-info.ts";
import { calibrationMonitorSites } from "../../compiler/calibrate/lab/structure.ts";
import type { CheckedSpec, Spec } from "../../dsl/spec.ts";
import { isIdeal, technologyOf } from "../../dsl/technology.ts";
import { emitCircuit, type BackendFormat } from "../../netlist/formats/emit-all.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { writeMonitorInfo } from "../../netlist/lab/monitors.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { cellOf, verifyCellAtLosses } from "../../verify/cells/cell-verify.ts";
import { composeCascade, composeChip, type ComposeResult } from "../../verify/cells/chip-compose.ts";
import type { ChipDesign, ChipTrials } from "../../verify/cells/chip-yield.ts";
import { stagedChipYield } from "../../verify/cells/staged-yield.ts";
import { shareCellLight } from "../../verify/power/budget.ts";
import type { ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { toleranceOfCellChipPooled, toleranceWork } from "../pools/tolerance-pool.ts";
import { cellPortMap } from "./cell-ports.ts";
import { closedFormReport, type ClosedFormReport, type ToleranceOmitted } from "../report/closed-form-report.ts";
import type { ChipStep, DecisionBound, StructureSearch } from "../types.ts";
import { decisionBound } from "./decision-bound.ts";
import {
  CHIP_TRIALS,
  CLOSED_FORM_TOLERANCE_TRIALS,
  COMPILE_TOLERANCE_COPIES,
  COMPILE_TOLERANCE_WORK,
  cascadeComposeCases,
  physicalCopies,
} from "./budgets.ts";

export { CHIP_TRIALS, CLOSED_FORM_TOLERANCE_TRIALS, COMPILE_TOLERANCE_WORK } from "./budgets.ts";

export interface ClosedFormOptions {
  seed?: number;
  onPass?: (pass: string) => void;
  /** Largest number of end-to-end cases composed (default 10^6). */
  maxComposeCases?: number;
  skipEvaluation?: boolean;
  /** Threads for the Monte-Carlo chips (default: the core count; results do not depend on it). */
  jobs?: number | undefined;
  /** Dies per random axis of the tolerance section (default CLOSED_FORM_TOLERANCE_TRIALS; 0 skips it). */
  toleranceTrials?: number;
  /** Largest toleranceWork the section runs at (default COMPILE_TOLERANCE_WORK); above it the report says it was left out. */
  toleranceWork?: number;
  /** Netlist backends to emit (default: all); the route needs "json" to verify what it wrote. */
  formats?: BackendFormat[];
  /**
   * The evaluate pass's chips, when the caller has them for these very circuits (the structure
   * search ran them on the same emitted netlists); without it, the staged run from CHIP_TRIALS chips.
   */
  chipTrials?: (designs: ChipDesign[], files: Map<string, string>) => ChipTrials | null;
  /** The structure search that chose this structure (route = auto), for the report. */
  structure?: StructureSearch;
}

export interface ClosedFormResult {
  files: Map<string, string>;
  report: ClosedFormReport;
  steps: ChipStep[];
  cascade: CascadePlan | null;
}

interface Ctx {
  spec: Spec;
  seed: number;
  opts: ClosedFormOptions;
  steps: ChipStep[];
  cascade: CascadePlan | null;
  files: Map<string, string>;
  composed: ComposeResult | null;
  yield: ChipTrials | null;
  tolerance: ToleranceResult | null;
  toleranceOmitted: ToleranceOmitted | null;
  decisionBound: DecisionBound | null;
  light: LightSection | null;
  timing: Record<string, number>;
}

const designStem = (step: ChipStep, d: CellDesign): string => `${step.stem}.${d.name}`;

function plan(ctx: Ctx): void {
  const { spec } = ctx;
  const radix = spec.cascade?.radix;
  const units: { fn: UnitFunction; level: number | null; count: number; stem: string }[] = [];
  // A narrower base inside (spec.innerLevels): the same integer arithmetic planned in base L'.
  const L = innerLevelsOf(spec);
  if (radix !== undefined && spec.workers > radix) {
    ctx.cascade = planCascade(spec.workers, radix, spec.precision, L, spec.rounding);
    for (const l of ctx.cascade.levels) units.push({ fn: l.fn, level: l.level, count: l.units, stem: `${spec.name}.L${l.level}` });
  } else units.push({ fn: flatUnit(spec.workers, spec.precision, L, spec.rounding), level: null, count: 1, stem: spec.name });
  for (const u of units) {
    const chip = planDigitChip(u.fn, chipOptionsFor(spec.technology.preset, u.fn));
    ctx.steps.push({ ...u, chip, designs: [] });
  }
}

function build(ctx: Ctx): void {
  const light = lightBudgetOfSpec(ctx.spec);
  for (const step of ctx.steps) {
    step.designs = chipCircuits(step.chip, {
      levels: innerLevelsOf(ctx.spec),
      headroom: CELL_HEADROOM,
      mziLossDb: ctx.spec.technology.mziLossDb,
      // A cell too wide to budget keeps its passive form: its alternative is not built.
      alternatives: light !== null && ((cell) => budgetableCell(cell, step.chip)),
    });
  }
  // Under a light budget every activation is a regenerating read, and its gains are a design
  // choice: a cell takes its regenerated form when it needs less light with it and no more than one
  // laser gives (pipeline/compile/light.ts); otherwise it keeps the scales balanced for component
  // errors across the whole cell.
  if (!light) return;
  const loss = ctx.spec.technology.mziLossDb;
  for (const step of ctx.steps)
    step.designs = step.designs.map(({ regenerated, ...passive }) => {
      const candidate = regenerated ? { ...passive, table: regenerated } : null;
      return candidate && regeneratedCloses(light, loss, candidate.table, () => cellAsCircuit(ctx, step, candidate)) ? candidate : passive;
    });
}

/** The circuit of each design's table, built once per compile (the light pass reads it twice). */
const circuitOfTable = new WeakMap<object, Map<string, Circuit>>();

/** A cell design as a circuit (from its phase table) with the info its files carry. */
function cellAsCircuit(ctx: Ctx, step: ChipStep, d: CellDesign): Circuit {
  const stem = `${ctx.spec.name}\u0000${designStem(step, d)}\u0000${d.instances.length * step.count}`;
  let byStem = circuitOfTable.get(d.table);
  if (!byStem) circuitOfTable.set(d.table, (byStem = new Map()));
  let c = byStem.get(stem);
  if (!c) byStem.set(stem, (c = buildCellCircuit(ctx, step, d)));
  return c;
}

function buildCellCircuit(ctx: Ctx, step: ChipStep, d: CellDesign): Circuit {
  const { spec } = ctx;
  const stem = designStem(step, d);
  const circuit = circuitFromPhaseTable(d.table, stem);
  circuit.info = {
    ...circuit.info,
    spec_name: spec.name,
    rounding: spec.rounding,
    route: "closed-form",
    chip: `${step.stem}.chip.json`,
    ...(step.level !== null ? { cascade_level: step.level, cascade_units: step.count } : {}),
    ...writeCellInfo(d, step.chip),
    // Physical copies: the cell's copies on one chip times the units of its cascade level.
    cell_instances: d.instances.length * step.count,
  };
  shareCellLight(circuit, d.table); // one table, one light: only names and counts differ
  return circuit;
}

/** Each cell design as a circuit (from its phase table) with the info its files carry. */
function circuits(ctx: Ctx): void {
  for (const step of ctx.steps) {
    step.built = new Map();
    for (const d of step.designs) step.built.set(designStem(step, d), cellAsCircuit(ctx, step, d));
  }
}

function emit(ctx: Ctx): void {
  const { spec } = ctx;
  for (const step of ctx.steps) {
    const designOf: string[] = [];
    for (const d of step.designs) for (const i of d.instances) designOf[i] = designStem(step, d);
    const chipFile: ChipFile = {
      name: step.stem,
      unit: { inputOffset: step.fn.inputOffset, outputOffset: step.fn.outputOffset, divisor: step.fn.divisor },
      chip: step.chip,
      designs: designOf,
      ...(innerLevelsOf(spec) !== spec.levels ? { linkLevels: spec.levels } : {}),
    };
    for (const d of step.designs) {
      const stem = designStem(step, d);
      let circuit = step.built!.get(stem)!;
      if (spec.calibration.monitors === "auto")
        circuit = { ...circuit, info: { ...circuit.info, ...writeMonitorInfo(cellMonitorSites(circuit)) } };
      ctx.files.set(`${stem}.phases.json`, phaseTableToJson(d.table));
      ctx.files.set(`${stem}.phases.csv`, phaseTableToCsv(d.table));
      for (const [f, text] of emitCircuit(circuit, stem, { ports: { cell: cellPortMap(chipFile, stem) } }, ctx.opts.formats))
        ctx.files.set(f, text);
    }
    ctx.files.set(`${step.stem}.chip.json`, writeChipJson(chipFile));
  }
}

/**
 * The monitor sites of a cell design (calibration { monitors = auto }): the terminators whose
 * photodiodes the lab calibration reads (compiler/calibrate/lab/structure.ts monitorSites).
 */
export function cellMonitorSites(circuit: Circuit): string[] {
  return isCellCircuit(circuit.info) ? calibrationMonitorSites(circuit) : [];
}

/** Every cell design read back from its emitted netlist.json: what verify, compose and evaluate simulate. */
function read(ctx: Ctx): void {
  for (const step of ctx.steps) {
    step.circuits = new Map();
    for (const d of step.designs) {
      const file = `${designStem(step, d)}.netlist.json`;
      step.circuits.set(designStem(step, d), readNetlistJson(ctx.files.get(file)!, file));
    }
  }
}

/**
 * Every cell design checked over its whole input space, with ideal parts and at the technology
 * block's MZI loss (what its biases are set for).
 */
function verify(ctx: Ctx): void {
  for (const step of ctx.steps) {
    step.checks = step.designs.map((d) => {
      const stem = designStem(step, d);
      const { ideal, atLoss, band } = verifyCellAtLosses(step.circuits!.get(stem)!, ctx.spec.technology.mziLossDb);
      return { design: stem, check: ideal, atLoss, band };
    });
  }
}

/** The aggregator end to end, from the emitted chip files and netlists, against the golden average. */
function compose(ctx: Ctx): void {
  const maxCases = ctx.opts.maxComposeCases ?? 1_000_000;
  const chips = ctx.steps.map((s) => readChipJson(ctx.files.get(`${s.stem}.chip.json`)!, `${s.stem}.chip.json`));
  if (!ctx.cascade) {
    ctx.composed = composeChip(chips[0]!, ctx.steps[0]!.circuits!, { maxCases, seed: ctx.seed });
    return;
  }
  const circuits = new Map(ctx.steps.flatMap((s) => [...s.circuits!]));
  ctx.composed = composeCascade(
    chips,
    circuits,
    ctx.cascade,
    { workers: ctx.spec.workers, precision: ctx.spec.precision, rounding: ctx.spec.rounding },
    { maxCases: cascadeComposeCases(maxCases, chipDesigns(ctx.steps)), seed: ctx.seed, jobs: ctx.opts.jobs },
  );
}

function evaluate(ctx: Ctx): void {
  if (ctx.opts.skipEvaluation) return;
  const o = technologyOf(ctx.spec.technology);
  const designs = chipDesigns(ctx.steps);
  if (!isIdeal(o, { detector: "include" })) {
    ctx.decisionBound = decisionBound(o, innerLevelsOf(ctx.spec), ctx.seed);
    ctx.yield =
      ctx.opts.chipTrials?.(designs, ctx.files) ??
      stagedChipYield({ designs, o, target: ctx.spec.target, seed: ctx.seed, firstStage: CHIP_TRIALS }, { jobs: ctx.opts.jobs });
  }
  const trials = ctx.opts.toleranceTrials ?? CLOSED_FORM_TOLERANCE_TRIALS;
  if (trials <= 0) return;
  const job = {
    designs: designs.map((d) => ({ name: d.name, circuit: d.circuit, copies: d.copies })),
    spec: ctx.spec,
    seed: ctx.seed,
    o: { trials, receiver: "fitted" as const },
  };
  const work = toleranceWork(job.designs);
  const budget = ctx.opts.toleranceWork ?? COMPILE_TOLERANCE_WORK;
  const copies = physicalCopies(job.designs);
  if (work > budget || copies > COMPILE_TOLERANCE_COPIES)
    ctx.toleranceOmitted = { work, budget, copies, copiesBudget: COMPILE_TOLERANCE_COPIES };
  else ctx.tolerance = toleranceOfCellChipPooled(job, { jobs: ctx.opts.jobs });
}

/** Every cell design with its physical copies on the whole aggregator. */
export function chipDesigns(steps: ChipStep[]): ChipDesign[] {
  return steps.flatMap((s) =>
    s.designs.map((d) => {
      const circuit = s.circuits!.get(designStem(s, d))!;
      return { name: designStem(s, d), circuit, cell: cellOf(circuit), copies: d.instances.length * s.count };
    }),
  );
}

/** The passes that make the structure: its cell circuits as built, then as emitted and read back. */
const BUILD_PASSES: [string, (ctx: Ctx) => void][] = [
  ["plan", plan],
  ["build", build],
  ["circuits", circuits],
];
const EMIT_PASSES: [string, (ctx: Ctx) => void][] = [
  ["emit", emit],
  ["read", read],
];
const STRUCTURE_PASSES = [...BUILD_PASSES, ...EMIT_PASSES];

/** The power budget of the emitted cells at the preset's light (pipeline/compile/light.ts). */
function light(ctx: Ctx): void {
  ctx.light = lightSection(ctx.spec, ctx.steps);
}

const PASSES: [string, (ctx: Ctx) => void][] = [
  ...STRUCTURE_PASSES,
  ["verify", verify],
  ["compose", compose],
  ["evaluate", evaluate],
  ["light", light],
];

function newCtx(spec: Spec, opts: ClosedFormOptions): Ctx {
  return {
    spec,
    seed: opts.seed ?? spec.training.seed,
    opts,
    steps: [],
    cascade: null,
    files: new Map(),
    composed: null,
    yield: null,
    tolerance: null,
    toleranceOmitted: null,
    decisionBound: null,
    light: null,
    timing: {},
  };
}

/**
 * A closed-form structure without its checks, built (its cell circuits: `steps[].built`, what it
 * costs) and emitted on demand (JSON only, read back: `steps[].circuits`). The structure search
 * builds every candidate and emits only those it tries.
 */
export interface BuiltStructure {
  steps: ChipStep[];
  cascade: CascadePlan | null;
  /** Emits the netlist.json files and reads them back (once); returns the files. */
  emitted(): Map<string, string>;
}

export function closedFormStructure(spec: Spec): BuiltStructure {
  const ctx = newCtx(spec, { formats: ["json"] });
  for (const [, pass] of BUILD_PASSES) pass(ctx);
  let done = false;
  return {
    steps: ctx.steps,
    cascade: ctx.cascade,
    emitted() {
      if (!done) for (const [, pass] of EMIT_PASSES) pass(ctx);
      done = true;
      return ctx.files;
    },
  };
}

export function compileClosedForm(checked: CheckedSpec, opts: ClosedFormOptions = {}): ClosedFormResult {
  const spec = checked.spec;
  const ctx = newCtx(spec, opts);

  for (const [name, pass] of PASSES) {
    opts.onPass?.(name);
    const t0 = performance.now();
    pass(ctx);
    ctx.timing[name] = (performance.now() - t0) / 1000;
  }
  const report = closedFormReport({
    checked,
    seed: ctx.seed,
    steps: ctx.steps,
    cascade: ctx.cascade,
    composed: ctx.composed!,
    yield: ctx.yield,
    tolerance: ctx.tolerance,
    toleranceOmitted: ctx.toleranceOmitted,
    decisionBound: ctx.decisionBound,
    light: ctx.light,
    timing: ctx.timing,
    structure: opts.structure ?? null,
    depth: ctx.steps.map((s) => Math.max(0, ...cellDepths(s.chip))),
  });
  return { files: ctx.files, report, steps: ctx.steps, cascade: ctx.cascade };
}
