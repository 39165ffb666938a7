// The pipeline's shared data: what compile's passes hand to compose and report. Kept apart so
// that compile → compose → types and compile → report → types run one way, with no circle.
import type { DigitChip } from "../aggregate/digit-chip.ts";
import type { SlicePlan } from "../aggregate/slices.ts";
import type { UnitFunction } from "../aggregate/unit.ts";
import type { CellDesign } from "../compiler/cells/chip-circuits.ts";
import type { UnitResult } from "../compiler/onn/unit.ts";
import type { Circuit, PhaseTable } from "../netlist/ir.ts";
import type { CellCheck } from "../verify/cells/cell-verify.ts";
import type { VerifyResult } from "../verify/circuit/run.ts";
import type { ScenarioResult } from "../system/train/scenarios.ts";

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
  /** Filled by the passes. */
  circuits?: Map<string, Circuit>;
  /** Per design: exact cases with ideal parts (`check`) and at the design MZI loss alone (`atLoss`, null at 0 dB). */
  checks?: { design: string; check: CellCheck; atLoss: CellCheck | null }[];
}
