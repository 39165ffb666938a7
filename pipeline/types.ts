// The pipeline's shared data: what compile's passes hand to compose and report. Kept apart so
// that compile → compose → types and compile → report → types run one way, with no circle.
import type { Optimize } from "../dsl/spec.ts";
import type { DigitChip } from "../aggregate/digit-chip.ts";
import type { SlicePlan } from "../aggregate/slices.ts";
import type { UnitFunction } from "../aggregate/unit.ts";
import type { CellDesign } from "../compiler/cells/chip-circuits.ts";
import type { UnitResult } from "../compiler/onn/unit.ts";
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import type { CellCheck, LossBandCheck } from "../verify/cells/cell-verify.ts";
import type { VerifyResult } from "../verify/circuit/run.ts";
import type { ScenarioResult } from "../system/train/scenarios.ts";
import type { TargetVerdict } from "../verify/tolerance/statistics.ts";

/** One emitted unit: a flat aggregator has one ("<name>"), a cascade one per level ("<name>.L1", …). */
export interface EmittedUnit {
  file: string;
  level: number | null;
  count: number;
  result: UnitResult;
  table: PhaseTable;
  /** The circuit parsed back from the emitted netlist.json (what verify and evaluate simulate). */
  emitted?: Circuit;
  verify?: VerifyResult;
  /** Monte-Carlo trials under the spec's technology block (null when it is ideal). */
  yield?: VerifyResult | null;
  /** Short MNIST data-parallel run through this circuit (flat aggregators only). */
  training?: ScenarioResult;
}

/** One aggregation step: a single unit, or a chain of digit slices (indices into ctx.plan). */
export interface AggregationStage {
  level: number | null;
  fn: UnitFunction;
  count: number;
  slices: SlicePlan | null;
  units: number[];
}

export interface ComposedResult {
  /** "exhaustive": the whole flat reduced space; "sampled": stratified/random cases plus edge cases. */
  mode: "exhaustive" | "sampled";
  cases: number;
  edgeCases: number;
  exact: number;
  exactFraction: number;
  /** Output error in quantization steps → count. */
  histogram: Record<string, number>;
  description: string;
}

/** One aggregation step: the flat unit, or one cascade level (whose unit is copied `count` times). */
export interface ChipStep {
  level: number | null;
  count: number;
  fn: UnitFunction;
  chip: DigitChip;
  /** File stem of the step: "<name>" or "<name>.L<k>". */
  stem: string;
  designs: CellDesign[];
  /** Filled by the passes: each design's circuit as built, and as emitted and read back. */
  built?: Map<string, Circuit>;
  circuits?: Map<string, Circuit>;
  /** Per design: exact cases with ideal parts (`check`) and at the design MZI loss alone (`atLoss`, null at 0 dB). */
  checks?: { design: string; check: CellCheck; atLoss: CellCheck | null; band: LossBandCheck }[];
}

/** A closed-form structure route = auto can build (pipeline/compile/structure-search.ts). */
/**
 * A closed-form structure. `innerLevels`: the cells compute in a narrower base than the link's
 * (aggregate/narrow-base.ts); absent when they compute in the link's base.
 */
export type Structure = { kind: "flat"; innerLevels?: number } | { kind: "cascade"; radix: number; innerLevels?: number };

export interface StructureRow {
  structure: Structure;
  label: string;
  cost: StructureCost;
  /** The chips tried at the declared technology; null when it is ideal or the row was not tried. */
  yield: {
    passing: number;
    trials: number;
    /** Two-sided 95 % Clopper–Pearson interval. */
    lower: number;
    upper: number;
    verdict: TargetVerdict;
  } | null;
  /**
   * The declared technology scaled as a whole: the largest scale at which every one of
   * the search's dies (SEARCH_TOLERANCE_DIES) stays exact (order statistic, rank 1) and the confidence that this
   * is at or below the true scale at the target yield. null when not computed.
   */
  tolerance: { scale: number; dies: number; confidence: number } | null;
  /**
   * Its light at the spec's preset (pipeline/compile/light.ts): whether the lasers of the preset
   * give every modulator the tap 1e-12 errors per value needs (with the design margin), and that
   * tap (null: none up to 10 kW). null when the preset has no light budget.
   */
  light: {
    closes: boolean;
    tapMw: number | null;
    /** pJ per input bit at the preset's lasers with thermo-optic shifters (docs/design/energy.md); null when it does not close. */
    pjPerBit: number | null;
    /** The lasers' total optical power, W (sources × the preset's laser); null when it does not close. */
    laserW: number | null;
  } | null;
  /** Why it was chosen, passed over, or not tried. */
  note: string;
}

export interface StructureSearch {
  requested: "auto";
  technology: string;
  target: { yield: number; confidence: number };
  /** What the search minimized (the spec's `optimize`). */
  optimize: Optimize;
  /**
   * The declared technology's decision bound for each cell base the candidates use, widest base
   * first (pipeline/compile/decision-bound.ts); empty when the technology is ideal.
   */
  decisionBounds: DecisionBound[];
  /** Rows in the order tried (pipeline/compile/search-order.ts). */
  rows: StructureRow[];
  /**
   * Structures not built: their shape alone puts a decision at or past their base's wall
   * (pipeline/compile/structure-search.ts widestDecisionAtLeast), so none could meet the target.
   */
  unbuilt: UnbuiltStructure[];
  /** Index of the built row; null when none meets the target (compile refuses). */
  chosen: number | null;
  /** One sentence: why the chosen row, or why none. */
  reason: string;
}

/** A structure the search did not build: it decides at least `widestAtLeast` wide, at or past the PAM-`levels` wall. */
export interface UnbuiltStructure {
  label: string;
  widestAtLeast: number;
  levels: number;
  wall: number;
}

/** One rung of a decision-bound ladder: a probe cell deciding up to θ = vmax − ½, and its exact dies. */
export interface DecisionProbe {
  vmax: number;
  theta: number;
  exactDies: number;
  dies: number;
}

/**
 * The widest decision a technology lets a base-L cell make, measured on probe cells built like
 * every cell (pipeline/compile/decision-bound.ts, docs/design/structures.md §4).
 */
export interface DecisionBound {
  /** Base of the cells (the link's PAM levels, or a narrower base inside). */
  levels: number;
  /** Widest probe θ below the first probe that failed a die; null when the narrowest probe failed one. */
  theta: number | null;
  /** Narrowest probe θ exact on no die; null when every probe up to the ladder's end passed one. */
  wall: number | null;
  /** The probes run, narrowest first (the ladder stops at the wall). */
  ladder: DecisionProbe[];
  /**
   * The technology's errors under which, each alone, the first probe that failed a die fails
   * again. Empty when none does alone (their sum does) or no probe failed; null when not computed
   * (a plain search's bases other than the built one's).
   */
  limitedBy: string[] | null;
}

/** What a structure costs (pipeline/compile/structure-cost.ts), on its emitted cells times their copies. */
export interface StructureCost {
  mzi: number;
  fixedCouplers: number;
  phaseShifters: number;
  /** Cells in series on the longest path; each ends in detection. */
  cellsOnCriticalPath: number;
  /** O-E-O regenerations on that path, and the latency they add at OEO_HOP_SECONDS each. */
  oeoOnCriticalPath: number;
  latencySeconds: number;
  /**
   * The link ↔ inner-base conversion, when the cells compute in a narrower base: its PAM-L receivers
   * and modulators (its two O-E-O stages are counted in oeoOnCriticalPath); null otherwise.
   */
  conversion: { linkLevels: number; innerLevels: number; receivers: number; modulators: number } | null;
  /** Static heater power holding every phase of every copy, at P_PI_WATTS per π (phases taken mod 2π). */
  heaterWatts: number;
  /**
   * The cell with the largest decision threshold θ (in its integer v): a relative error ε between a
   * cell's bias and signal paths moves that decision by ε·θ, so the widest cell is what a
   * technology's errors break first (docs/design/structures.md §3).
   */
  widestDecision: { cell: string; theta: number };
  /**
   * Cell cases one Monte-Carlo chip simulates: every physical copy over its cell's cases
   * (aggregate/cell-cases.ts). What the search's chips cost, against its check budget.
   */
  checkCases: number;
}

/**
 * A failure `optinc verify` found (pipeline/verify/). `problem`: a diagnostic of its own (the text
 * report does not say it). `verdict`: a failed threshold the text report already states (listed for
 * --json).
 */
export interface VerifyMessage {
  kind: "problem" | "verdict";
  code: string;
  severity: "error";
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** The compile's light: the power budget of the emitted cells at the spec's preset (pipeline/compile/light.ts). */
export interface LightSection {
  /** The preset whose light budget is used. */
  preset: string;
  laserMw: number;
  /** Lasers of that power the design's taps need (each tap at most one laser's light). */
  sources: number;
  ratePerValue: number;
  target: number;
  pass: boolean;
  /** The least modulator tap the target needs, mW (null: none up to 10 kW), and the LO of every read. */
  neededTapMw: number | null;
  loMw: number;
  /** The binding decision in words (verify/power/analyze.ts describeDecision). */
  binding: string;
  /** The smallest output level step at the output detector with the lasers judged, mW. */
  smallestStepMw: number;
  /** pJ per input bit with thermo-optic shifters: with the lasers judged, and with those the target needs (null: none). */
  pjPerBit: number;
  pjPerBitNeeded: number | null;
}
