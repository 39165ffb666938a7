// `optinc compile` for the trained route (route = trained; pipeline/compile/closed-form.ts is the other
// route, pipeline/compile/route.ts picks one), as the table of named passes `passes` below (peggy-style):
//   plan → estimate → train → emit → verify → evaluate → compose
// plan: the units to build (the flat aggregator, or each cascade level, each cut into digit slices
// when the spec asks), a unit equal to an earlier one marked for reuse; estimate: refuse a design
// over the size cap unless --force; train: the distinct units' ONNs on --jobs threads, each mapped
// to its phase table; emit: phase tables and every netlist backend, with the unit function in the
// circuit info; verify: exact match of each unit on the circuit read back from its EMITTED
// netlist.json; evaluate: Monte-Carlo yield under the technology block, training through a flat
// circuit, the tolerance section; compose: a sliced or cascaded aggregator end to end from the
// emitted circuits. After the passes the report is built from the context.
// Each pass is a function of the spec, the seed and the previous passes' results, writing its part
// of the context; only the timing fields of the report depend on the machine.
import type { CheckedSpec, Spec } from "../../dsl/spec.ts";
import { buildPhaseTable, phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { verifyCircuit } from "../../verify/circuit/run.ts";
import { planCascade, type CascadePlan } from "../../aggregate/cascade.ts";
import { slicePlanFor } from "../../aggregate/slices.ts";
import { verifyComposed } from "./compose.ts";
import type { AggregationStage, ComposedResult, EmittedUnit } from "../types.ts";
import { unitSpecOf, writeIdentityInfo, writeUnitInfo, type InfoEntries } from "../../aggregate/circuit-info.ts";
import { flatUnit, type UnitFunction } from "../../aggregate/unit.ts";
import { digitCount } from "../../aggregate/wire-codec.ts";
import type { EpochStats } from "../../compiler/onn/train.ts";
import { trainUnitsParallel } from "../pools/unit-pool.ts";
import { buildReport, type Report } from "../report/report.ts";
import { REPORT_TOLERANCE_TRIALS, technologyYield, toleranceOfChip, trainingThroughCircuit } from "./evaluate.ts";
import type { ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { refuseOverCap } from "./estimate.ts";

export interface CompileOptions {
  /** Overrides spec.training.seed. */
  seed?: number;
  onEpoch?: (unit: string, s: EpochStats, budget: number) => void;
  onPass?: (pass: string) => void;
  /** Largest number of cases the emitted-netlist verification simulates per unit. */
  maxVerifyCases?: number;
  /** Skip the yield trials, the tolerance analysis and the training emulation (the report then omits them). */
  skipEvaluation?: boolean;
  /** Dies per random axis of the report's tolerance section (default REPORT_TOLERANCE_TRIALS; 0 skips it). */
  toleranceTrials?: number;
  /** Largest number of end-to-end cases of a sliced or cascaded design (default 10^6). */
  maxComposeCases?: number;
  /** Threads for Monte-Carlo trials (default: the core count); the output does not depend on it. */
  jobs?: number;
  /** Compile even when the resource estimate is above its caps (pipeline/compile/estimate.ts). */
  force?: boolean;
}

export interface CompileResult {
  files: Map<string, string>;
  report: Report;
  units: EmittedUnit[];
  cascade: CascadePlan | null;
  /** The evaluate pass's tolerance analysis (null when skipped). */
  tolerance: ToleranceResult | null;
}

interface Ctx {
  checked: CheckedSpec;
  spec: Spec;
  seed: number;
  opts: CompileOptions;
  plan: PlannedUnit[];
  /** Per aggregation step (the flat unit, or each cascade level): its slice chain, if sliced. */
  stages: AggregationStage[];
  cascade: CascadePlan | null;
  units: EmittedUnit[];
  files: Map<string, string>;
  timing: Record<string, number>;
  composed: ComposedResult | null;
  tolerance: ToleranceResult | null;
}

interface PlannedUnit {
  fn: UnitFunction;
  file: string;
  level: number | null;
  count: number;
  /** Index in ctx.plan of an earlier unit with the same function: its training is reused. */
  sameAs?: number;
}

type Pass = (ctx: Ctx) => void;

const passes: [string, Pass][] = [
  ["plan", planUnits],
  [
    "estimate",
    (ctx) =>
      ctx.opts.force ||
      refuseOverCap(
        ctx.spec,
        ctx.plan.filter((p) => p.sameAs === undefined),
      ),
  ],
  ["train", trainUnits],
  ["emit", emitUnits],
  ["verify", verifyUnits],
  ["evaluate", evaluateUnits],
  ["compose", composeUnits],
];

/** Units to build: the flat aggregator, or one unit function per cascade level. */
function planUnits(ctx: Ctx): void {
  const { spec } = ctx;
  const radix = spec.cascade?.radix;
  const steps: { fn: UnitFunction; file: string; level: number | null; count: number }[] = [];
  if (radix !== undefined && spec.workers > radix) {
    ctx.cascade = planCascade(spec.workers, radix, spec.precision, spec.levels, spec.rounding);
    for (const l of ctx.cascade.levels) steps.push({ fn: l.fn, file: `${spec.name}.L${l.level}`, level: l.level, count: l.units });
  } else {
    steps.push({ fn: flatUnit(spec.workers, spec.precision, spec.levels, spec.rounding), file: spec.name, level: null, count: 1 });
  }
  const seen = new Map<string, number>();
  const add = (u: PlannedUnit): number => {
    const key = JSON.stringify(u.fn);
    const prev = seen.get(key);
    if (prev === undefined) seen.set(key, ctx.plan.length);
    ctx.plan.push(prev === undefined ? u : { ...u, sameAs: prev });
    return ctx.plan.length - 1;
  };
  for (const st of steps) {
    const slices = spec.network.slices === "none" ? null : slicePlanFor(st.fn, spec.network.slices === "auto" ? undefined : 0);
    const units = slices
      ? slices.slices.map((sl, j) => add({ fn: sl.fn, file: `${st.file}.S${j}`, level: st.level, count: st.count }))
      : [add(st)];
    ctx.stages.push({ level: st.level, fn: st.fn, count: st.count, slices, units });
  }
}

/** Distinct units train on `--jobs` threads (unit-pool.ts); a unit the same as an earlier one reuses it. */
function trainUnits(ctx: Ctx): void {
  const jobs = ctx.plan.flatMap((p, i) => (p.sameAs === undefined ? [{ spec: ctx.spec, fn: p.fn, seed: ctx.seed + i, file: p.file }] : []));
  const onEpoch = ctx.opts.onEpoch;
  const results = trainUnitsParallel(jobs, ctx.opts.jobs, onEpoch && ((j, s) => onEpoch(j.file, s, ctx.spec.training.epochs)));
  let next = 0;
  for (const p of ctx.plan) {
    const result = p.sameAs !== undefined ? ctx.units[p.sameAs]!.result : results[next++]!;
    ctx.units.push({ file: p.file, level: p.level, count: p.count, result, table: buildPhaseTable(result.pipeline) });
  }
}

/** The unit's function in the circuit info, so `optinc verify` can check a cascade unit alone. */
function unitInfo(u: EmittedUnit, spec: Spec): InfoEntries {
  const fn = u.result.fn;
  const unit = unitSpecOf(fn);
  return {
    ...writeIdentityInfo(spec, u.file, {
      workers: fn.workers,
      levels: fn.levels,
      inDigits: fn.inDigits,
      outDigits: fn.outDigits,
      rounding: spec.rounding,
      ...unit,
    }),
    ...writeUnitInfo(unit, u.level),
  };
}

function emitUnits(ctx: Ctx): void {
  for (const u of ctx.units) {
    const circuit = circuitFromPhaseTable(u.table, u.file);
    circuit.info = { ...circuit.info, ...unitInfo(u, ctx.spec) };
    ctx.files.set(`${u.file}.phases.json`, phaseTableToJson(u.table));
    ctx.files.set(`${u.file}.phases.csv`, phaseTableToCsv(u.table));
    for (const [f, text] of emitCircuit(circuit, u.file)) ctx.files.set(f, text);
  }
}

/** Exact match of every unit, measured on the circuit parsed back from its emitted netlist.json. */
function verifyUnits(ctx: Ctx): void {
  for (const u of ctx.units) {
    const text = ctx.files.get(`${u.file}.netlist.json`);
    if (text === undefined) throw new Error(`internal: ${u.file}.netlist.json was not emitted`);
    const circuit = readNetlistJson(text, `${u.file}.netlist.json`);
    u.emitted = circuit;
    const fn = u.result.fn;
    u.verify = verifyCircuit(circuit, {
      nonIdealities: {},
      trials: 0,
      seed: ctx.seed,
      minExact: 1,
      minYield: 1,
      maxCases: ctx.opts.maxVerifyCases ?? 1_000_000,
      rounding: ctx.spec.rounding,
      preprocess: ctx.spec.preprocess === "digit-sum",
      unit: unitSpecOf(fn),
    });
  }
}

/** Sliced or cascaded designs: the whole aggregator, composed from the emitted circuits. */
function composeUnits(ctx: Ctx): void {
  if (!ctx.cascade && ctx.stages.every((s) => !s.slices)) return;
  const units = ctx.units.map((u) => ({ circuit: u.emitted!, fn: u.result.fn }));
  ctx.composed = verifyComposed(ctx.spec, ctx.stages, units, {
    seed: ctx.seed,
    maxCases: ctx.opts.maxComposeCases ?? 1_000_000,
    ...(ctx.opts.jobs !== undefined ? { jobs: ctx.opts.jobs } : {}),
  });
}

/** Yield under the technology block and, for a flat aggregator, training through the circuit. */
function evaluateUnits(ctx: Ctx): void {
  if (ctx.opts.skipEvaluation) return;
  for (const u of ctx.units) {
    const circuit = u.emitted;
    if (!circuit) throw new Error(`internal: ${u.file} was not verified before evaluation`);
    const fn = u.result.fn;
    u.yield = technologyYield(circuit, ctx.spec, ctx.seed, unitSpecOf(fn), ctx.opts.jobs);
    // The MNIST emulation needs the whole aggregator in one circuit: not a slice or cascade level.
    if (u.level === null && !ctx.stages[0]?.slices) u.training = trainingThroughCircuit(circuit, ctx.spec);
  }
  const trials = ctx.opts.toleranceTrials ?? REPORT_TOLERANCE_TRIALS;
  if (trials > 0)
    ctx.tolerance = toleranceOfChip(
      ctx.units.map((u) => ({ file: u.file, circuit: u.emitted!, count: u.count, unit: unitSpecOf(u.result.fn), verified: u.verify })),
      ctx.spec,
      ctx.seed,
      trials,
      ctx.opts.maxVerifyCases ?? 1_000_000,
    );
}

export function compileSpec(checked: CheckedSpec, opts: CompileOptions = {}): CompileResult {
  const spec = checked.spec;
  const ctx: Ctx = {
    checked,
    spec,
    seed: opts.seed ?? spec.training.seed,
    opts,
    plan: [],
    stages: [],
    cascade: null,
    units: [],
    files: new Map(),
    timing: {},
    composed: null,
    tolerance: null,
  };
  for (const [name, pass] of passes) {
    opts.onPass?.(name);
    const t0 = performance.now();
    pass(ctx);
    ctx.timing[name] = (performance.now() - t0) / 1000;
  }
  const report = buildReport(
    ctx.checked,
    ctx.seed,
    ctx.units,
    ctx.cascade,
    ctx.timing,
    digitCount(spec),
    ctx.stages,
    ctx.composed,
    ctx.tolerance,
  );
  return { files: ctx.files, report, units: ctx.units, cascade: ctx.cascade, tolerance: ctx.tolerance };
}
