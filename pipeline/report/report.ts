// `<name>.report.json`: what a compile produced and how good it is. Every field is documented in
// docs/reference/report.md §2. Only `timing` depends on the machine; everything else is a pure function of
// (spec, seed), so two compiles give byte-identical reports once `timing` is removed.
import type { CheckedSpec, Spec } from "../../dsl/spec.ts";
import type { CascadePlan } from "../../aggregate/cascade.ts";
import { emittedHardware, type EmittedHardware } from "../../compiler/onn/hardware.ts";
import { circuitInventory } from "../../netlist/inventory.ts";
import type { AggregationStage, ComposedResult, EmittedUnit } from "../types.ts";
import type { ToleranceResult } from "../../verify/tolerance/analyze.ts";

export interface UnitReport {
  file: string;
  level: number | null;
  count: number;
  function: {
    workers: number;
    inDigits: number;
    outDigits: number;
    inputOffset: number;
    outputOffset: number;
    divisor: number;
    carryIn?: number;
    weights?: number[];
    round?: string;
  };
  dims: number[];
  segments: (number | null)[];
  dataset: { cases: number; spaceSize: number; exhaustive: boolean };
  training: {
    epochs: number;
    runs: number;
    exact: number;
    cases: number;
    decisionMargin: number;
    history: { epoch: number; phase: string; exact: number; violations: number }[];
  };
  exactMatch: number;
  casesChecked: number;
  errorHistogram: Record<string, number>;
  /** Monte-Carlo trials under the spec's technology block; null when that block is ideal. */
  yield: { trials: number; passing: number; yield: number; worstExact: number; exactPerTrial: number[]; maxAbsError: number } | null;
  hardware: ReturnType<typeof hardwareJson>;
}

export interface Report {
  /** 2: every key camelCase (1 had snake_case keys); see docs/reference/report.md §2.1. */
  schemaVersion: 2;
  name: string;
  seed: number;
  ok: boolean;
  spec: Spec;
  onn: {
    exactMatch: number;
    casesChecked: number;
    errorHistogram: Record<string, number>;
    exhaustive: boolean;
    /** Sliced or cascaded designs: the whole aggregator checked end to end (then the fields above are its figures). */
    composed: { mode: string; cases: number; edgeCases: number; exact: number; description: string } | null;
    units: UnitReport[];
  };
  /** Digit-slice chains (docs/design/onn.md), one per sliced aggregation step; null when nothing is sliced. */
  slices:
    | {
        level: number | null;
        multiplier: number;
        slices: { file: string; from: number; count: number; carryIn: number; emit: number; cases: number }[];
      }[]
    | null;
  /** Counted on the emitted circuits (netlist/inventory.ts), each unit times its count. */
  hardware: {
    mzi: number;
    mziUnapproximated: number;
    areaRatio: number;
    /** MZIs of the splitter and combiner trees (trees = mzi), and the area ratio counting them. */
    treeMzi: number;
    areaRatioWithTrees: number;
    fixedCouplers: number;
    preprocessCouplers: number;
    broadcastCouplers: number;
    activations: number;
    biasSources: number;
    detectors: number;
  };
  cascade: { units: number; radix: number; levels: { level: number; units: number; file: string }[]; overheadVsBaseUnits: number } | null;
  /** The chip's tolerances (verify/tolerance/, docs/design/robustness.md §1); null when the evaluate pass skipped it. */
  tolerance: ToleranceResult | null;
  /** Short MNIST data-parallel run with gradients aggregated through the circuit (flat aggregators). */
  trainingEmulation: {
    runs: { name: string; finalAccuracy: number; finalLoss: number }[];
    deltas: { name: string; accuracy: number; loss: number }[];
  } | null;
  artifacts: string[];
  timing: Record<string, number>;
}

/** Every hardware figure of a unit, counted on its emitted circuit. */
function unitHardwareOf(u: EmittedUnit): EmittedHardware {
  if (!u.emitted) throw new Error(`internal: ${u.file} has no emitted circuit to count`);
  return emittedHardware(circuitInventory(u.emitted), u.result.hardware.layers);
}

function hardwareJson(h: EmittedHardware) {
  return {
    mzi: h.mzi,
    mziUnapproximated: h.mziUnapproximated,
    areaRatio: h.areaRatio,
    segmentCouplers: h.segmentCouplers,
    treeMzi: h.treeMzi,
    preprocessCouplers: h.preprocessCouplers,
    broadcastCouplers: h.broadcastCouplers,
    activations: h.activations,
    biasSources: h.biasSources,
    detectors: h.detectors,
    layers: h.layers.map((l) => ({
      layer: l.layer,
      rows: l.rows,
      cols: l.cols,
      mapping: l.mapping,
      mzi: l.mzi,
      mziSvd: l.mziSvd,
      couplers: l.couplers,
    })),
  };
}

function histogram(u: EmittedUnit): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of u.verify?.nominal.histogram ?? []) out[String(b.steps)] = b.count;
  return out;
}

function unitReport(u: EmittedUnit): UnitReport {
  const r = u.result;
  const fn = r.fn;
  return {
    file: u.file,
    level: u.level,
    count: u.count,
    function: {
      workers: fn.workers,
      inDigits: fn.inDigits,
      outDigits: fn.outDigits,
      inputOffset: fn.inputOffset,
      outputOffset: fn.outputOffset,
      divisor: fn.divisor,
      ...(fn.weights ? { carryIn: fn.carryIn ?? 0, weights: fn.weights } : {}),
      ...(fn.roundClass ? { round: "class" } : fn.roundCarry ? { round: "carry" } : {}),
    },
    dims: r.arch.dims,
    segments: r.arch.segments,
    dataset: { cases: r.dataset.cases, spaceSize: r.dataset.spaceSize, exhaustive: r.dataset.exhaustive },
    training: {
      epochs: r.training.epochs,
      runs: r.training.runs,
      exact: r.training.exact,
      cases: r.training.cases,
      decisionMargin: r.training.decisionMargin,
      history: r.training.history.map((h) => ({ epoch: h.epoch, phase: h.phase, exact: h.exact, violations: h.violations })),
    },
    exactMatch: u.verify?.nominal.exactFraction ?? 0,
    casesChecked: u.verify?.nominal.cases ?? 0,
    errorHistogram: histogram(u),
    yield: u.yield?.trials
      ? {
          trials: u.yield.trials.count,
          passing: u.yield.trials.passing,
          yield: u.yield.trials.yield,
          worstExact: u.yield.trials.worstExact,
          exactPerTrial: u.yield.trials.exactPerTrial,
          maxAbsError: u.yield.trials.maxAbsError,
        }
      : null,
    hardware: hardwareJson(unitHardwareOf(u)),
  };
}

export function buildReport(
  checked: CheckedSpec,
  seed: number,
  units: EmittedUnit[],
  cascade: CascadePlan | null,
  timing: Record<string, number>,
  _digits: number,
  stages: AggregationStage[] = [],
  composed: ComposedResult | null = null,
  tolerance: ToleranceResult | null = null,
): Report {
  const spec = checked.spec;
  const unitReports = units.map(unitReport);
  const cases = unitReports.reduce((a, u) => a + u.casesChecked, 0);
  const exact = units.reduce((a, u) => a + (u.verify?.nominal.exact ?? 0), 0);
  const hist: Record<string, number> = {};
  for (const u of unitReports) for (const [k, v] of Object.entries(u.errorHistogram)) hist[k] = (hist[k] ?? 0) + v;
  const hw = units.map(unitHardwareOf);
  const sum = (f: (h: EmittedHardware) => number): number => units.reduce((a, u, i) => a + u.count * f(hw[i]!), 0);
  const mzi = sum((h) => h.mzi);
  const mziUn = sum((h) => h.mziUnapproximated);
  const base = hw[0]?.mzi ?? 0;
  const exactMatch = composed ? composed.exactFraction : cases > 0 ? exact / cases : 0;
  return {
    schemaVersion: 2,
    name: spec.name,
    seed,
    ok: exactMatch === 1 && (!composed || units.every((u) => u.verify?.nominal.exactFraction === 1)),
    spec,
    onn: {
      exactMatch: exactMatch,
      casesChecked: composed ? composed.cases : cases,
      errorHistogram: composed ? composed.histogram : hist,
      exhaustive: composed
        ? composed.mode === "exhaustive"
        : units.every((u) => u.verify !== undefined && u.verify.caseSet.mode !== "stratified"),
      composed: composed
        ? {
            mode: composed.mode,
            cases: composed.cases,
            edgeCases: composed.edgeCases,
            exact: composed.exact,
            description: composed.description,
          }
        : null,
      units: unitReports,
    },
    slices: stages.some((st) => st.slices)
      ? stages
          .filter((st) => st.slices)
          .map((st) => ({
            level: st.level,
            multiplier: st.slices!.multiplier,
            slices: st.slices!.slices.map((sl, j) => ({
              file: units[st.units[j]!]!.file,
              from: sl.from,
              count: sl.count,
              carryIn: sl.carryIn,
              emit: sl.emit,
              cases: units[st.units[j]!]!.result.dataset.cases,
            })),
          }))
      : null,
    hardware: {
      mzi,
      mziUnapproximated: mziUn,
      areaRatio: mziUn > 0 ? mzi / mziUn : 0,
      treeMzi: sum((h) => h.treeMzi),
      areaRatioWithTrees: mziUn > 0 ? (mzi + sum((h) => h.treeMzi)) / mziUn : 0,
      fixedCouplers: sum((h) => h.segmentCouplers),
      preprocessCouplers: sum((h) => h.preprocessCouplers),
      broadcastCouplers: sum((h) => h.broadcastCouplers),
      activations: sum((h) => h.activations),
      biasSources: sum((h) => h.biasSources),
      detectors: sum((h) => h.detectors),
    },
    cascade: cascade
      ? {
          units: cascade.totalUnits,
          radix: cascade.radix,
          levels: units.map((u) => ({ level: u.level ?? 1, units: u.count, file: u.file })),
          // Against the same number of level-1 (base) units: the cost of carrying residual bits upward.
          overheadVsBaseUnits: base > 0 ? mzi / (cascade.totalUnits * base) - 1 : 0,
        }
      : null,
    tolerance,
    trainingEmulation: units[0]?.training
      ? {
          runs: units[0].training.runs.map((r) => ({ name: r.name, finalAccuracy: r.finalAccuracy, finalLoss: r.finalLoss })),
          deltas: units[0].training.deltas,
        }
      : null,
    artifacts: [],
    timing,
  };
}
