// `<name>.report.json`: what a compile produced and how good it is. Every field is documented in
// docs/report.md. Only `timing` depends on the machine; everything else is a pure function of
// (spec, seed), so two compiles give byte-identical reports once `timing` is removed.
import type { CheckedSpec, Spec } from "../dsl/spec.ts";
import type { CascadePlan } from "../aggregate/cascade.ts";
import type { UnitHardware } from "../compiler/onn/hardware.ts";
import type { AggregationStage, ComposedResult, EmittedUnit } from "./types.ts";

export interface UnitReport {
  file: string;
  level: number | null;
  count: number;
  function: { workers: number; in_digits: number; out_digits: number; input_offset: number; output_offset: number; divisor: number; carry_in?: number; weights?: number[]; round?: string };
  dims: number[];
  segments: (number | null)[];
  dataset: { cases: number; space_size: number; exhaustive: boolean };
  training: { epochs: number; runs: number; exact: number; cases: number; decision_margin: number; history: { epoch: number; phase: string; exact: number; violations: number }[] };
  exact_match: number;
  cases_checked: number;
  error_histogram: Record<string, number>;
  /** Monte-Carlo trials under the spec's technology block; null when that block is ideal. */
  yield: { trials: number; passing: number; yield: number; worst_exact: number; exact_per_trial: number[]; max_abs_error: number } | null;
  hardware: ReturnType<typeof hardwareJson>;
}

export interface Report {
  schemaVersion: 1;
  name: string;
  seed: number;
  ok: boolean;
  spec: Spec;
  onn: {
    exact_match: number;
    cases_checked: number;
    error_histogram: Record<string, number>;
    exhaustive: boolean;
    /** Sliced or cascaded designs: the whole aggregator checked end to end (then the fields above are its figures). */
    composed: { mode: string; cases: number; edge_cases: number; exact: number; description: string } | null;
    units: UnitReport[];
  };
  /** Digit-slice chains (docs/onn.md), one per sliced aggregation step; null when nothing is sliced. */
  slices: { level: number | null; multiplier: number; slices: { file: string; from: number; count: number; carry_in: number; emit: number; cases: number }[] }[] | null;
  hardware: {
    mzi: number;
    mzi_unapproximated: number;
    area_ratio: number;
    fixed_couplers: number;
    preprocess_couplers: number;
    broadcast_couplers: number;
    activations: number;
    detectors: number;
  };
  cascade: { units: number; radix: number; levels: { level: number; units: number; file: string }[]; overhead_vs_base_units: number } | null;
  /** Short MNIST data-parallel run with gradients aggregated through the circuit (flat aggregators). */
  training_emulation: { runs: { name: string; final_accuracy: number; final_loss: number }[]; deltas: { name: string; accuracy: number; loss: number }[] } | null;
  artifacts: string[];
  timing: Record<string, number>;
}

function hardwareJson(h: UnitHardware) {
  return {
    mzi: h.mzi,
    mzi_unapproximated: h.mziUnapproximated,
    area_ratio: h.areaRatio,
    segment_couplers: h.segmentCouplers,
    preprocess_couplers: h.preprocessCouplers,
    broadcast_couplers: h.broadcastCouplers,
    activations: h.activations,
    bias_sources: h.biasSources,
    detectors: h.detectors,
    layers: h.layers.map((l) => ({
      layer: l.layer,
      rows: l.rows,
      cols: l.cols,
      mapping: l.mapping.kind === "svd" ? "svd" : `sigma-u/${l.mapping.s}`,
      mzi: l.mzi,
      mzi_svd: l.mziSvd,
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
      in_digits: fn.inDigits,
      out_digits: fn.outDigits,
      input_offset: fn.inputOffset,
      output_offset: fn.outputOffset,
      divisor: fn.divisor,
      ...(fn.weights ? { carry_in: fn.carryIn ?? 0, weights: fn.weights } : {}),
      ...(fn.roundClass ? { round: "class" } : fn.roundCarry ? { round: "carry" } : {}),
    },
    dims: r.arch.dims,
    segments: r.arch.segments,
    dataset: { cases: r.dataset.cases, space_size: r.dataset.spaceSize, exhaustive: r.dataset.exhaustive },
    training: {
      epochs: r.training.epochs,
      runs: r.training.runs,
      exact: r.training.exact,
      cases: r.training.cases,
      decision_margin: r.training.decisionMargin,
      history: r.training.history.map((h) => ({ epoch: h.epoch, phase: h.phase, exact: h.exact, violations: h.violations })),
    },
    exact_match: u.verify?.nominal.exactFraction ?? 0,
    cases_checked: u.verify?.nominal.cases ?? 0,
    error_histogram: histogram(u),
    yield: u.yield?.trials
      ? {
          trials: u.yield.trials.count,
          passing: u.yield.trials.passing,
          yield: u.yield.trials.yield,
          worst_exact: u.yield.trials.worstExact,
          exact_per_trial: u.yield.trials.exactPerTrial,
          max_abs_error: u.yield.trials.maxAbsError,
        }
      : null,
    hardware: hardwareJson(r.hardware),
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
): Report {
  const spec = checked.spec;
  const unitReports = units.map(unitReport);
  const cases = unitReports.reduce((a, u) => a + u.cases_checked, 0);
  const exact = units.reduce((a, u) => a + (u.verify?.nominal.exact ?? 0), 0);
  const hist: Record<string, number> = {};
  for (const u of unitReports) for (const [k, v] of Object.entries(u.error_histogram)) hist[k] = (hist[k] ?? 0) + v;
  const sum = (f: (h: UnitHardware) => number): number => units.reduce((a, u) => a + u.count * f(u.result.hardware), 0);
  const mzi = sum((h) => h.mzi);
  const mziUn = sum((h) => h.mziUnapproximated);
  const base = units[0]?.result.hardware.mzi ?? 0;
  const exactMatch = composed ? composed.exactFraction : cases > 0 ? exact / cases : 0;
  return {
    schemaVersion: 1,
    name: spec.name,
    seed,
    ok: exactMatch === 1 && (!composed || units.every((u) => u.verify?.nominal.exactFraction === 1)),
    spec,
    onn: {
      exact_match: exactMatch,
      cases_checked: composed ? composed.cases : cases,
      error_histogram: composed ? composed.histogram : hist,
      exhaustive: composed ? composed.mode === "exhaustive" : units.every((u) => u.verify !== undefined && u.verify.caseSet.mode !== "stratified"),
      composed: composed ? { mode: composed.mode, cases: composed.cases, edge_cases: composed.edgeCases, exact: composed.exact, description: composed.description } : null,
      units: unitReports,
    },
    slices: stages.some((st) => st.slices)
      ? stages
          .filter((st) => st.slices)
          .map((st) => ({
            level: st.level,
            multiplier: st.slices!.multiplier,
            slices: st.slices!.slices.map((sl, j) => ({ file: units[st.units[j]!]!.file, from: sl.from, count: sl.count, carry_in: sl.carryIn, emit: sl.emit, cases: units[st.units[j]!]!.result.dataset.cases })),
          }))
      : null,
    hardware: {
      mzi,
      mzi_unapproximated: mziUn,
      area_ratio: mziUn > 0 ? mzi / mziUn : 0,
      fixed_couplers: sum((h) => h.segmentCouplers),
      preprocess_couplers: sum((h) => h.preprocessCouplers),
      broadcast_couplers: units.length ? units[units.length - 1]!.result.hardware.broadcastCouplers : 0,
      activations: sum((h) => h.activations),
      detectors: sum((h) => h.detectors),
    },
    cascade: cascade
      ? {
          units: cascade.totalUnits,
          radix: cascade.radix,
          levels: units.map((u) => ({ level: u.level ?? 1, units: u.count, file: u.file })),
          // Against the same number of level-1 (base) units: the cost of carrying residual bits upward.
          overhead_vs_base_units: base > 0 ? mzi / (cascade.totalUnits * base) - 1 : 0,
        }
      : null,
    training_emulation: units[0]?.training
      ? {
          runs: units[0].training.runs.map((r) => ({ name: r.name, final_accuracy: r.finalAccuracy, final_loss: r.finalLoss })),
          deltas: units[0].training.deltas,
        }
      : null,
    artifacts: [],
    timing,
  };
}
