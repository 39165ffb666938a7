// The API's options and results, one pair per command. A result is what `optinc --json <command>`
// prints under `result` (docs/reference/cli.md §5); nested documents keep the
// fields documented with their formats (docs/reference/report.md, docs/reference/lab-files.md, docs/reference/layout-files.md) and
// are typed here by the fields a script reads first. tests/api/types.test.ts checks these types
// against the pipeline's own, so a field renamed there fails the type check.
import type { Diagnostic } from "./errors.ts";

/** A number option may be given as a number or as the command line spells it ("800Gb/s", "2.7us"). */
export type Num = number | string;

/** Options every function takes besides its command's own. */
export interface RunOptions {
  /** Relative paths (inputs and outputs) resolve against this directory (default: process.cwd()). */
  cwd?: string;
  /** Environment of the run (default: process.env); e.g. { OPTINC_JOBS: "1" }. */
  env?: Record<string, string | undefined>;
  /** Aborting ends the command at once (its thread is terminated): it rejects with OPT0009 and writes nothing. */
  signal?: AbortSignal;
  /** The command's progress and notes, as the CLI would print them on stderr (none under --json). */
  onStderr?: (text: string) => void;
}

// ---- init ----------------------------------------------------------------------------------------
export interface InitOptions extends RunOptions {
  /** Directory to write starter.optinc in (created when missing); default ".". */
  dir?: string;
}
export interface InitResult {
  /** The spec written, relative to cwd. */
  file: string;
  /** The commands to run next. */
  next: string[];
}

// ---- check ---------------------------------------------------------------------------------------
export interface CheckOptions extends RunOptions {
  /** Spec files (.optinc, .yaml, .yml). */
  specs: string | string[];
}
export interface CheckResult {
  /** `spec`: the checked spec, defaults filled in, SI units. */
  specs: { file: string; ok: boolean; name?: string; spec?: Spec }[];
}
/** A checked spec as --json prints it (docs/reference/language.md). */
export interface Spec {
  name: string;
  workers: number;
  precision: number;
  levels: number;
  rounding: string;
  route: string;
  [field: string]: unknown;
}

// ---- fmt -----------------------------------------------------------------------------------------
export interface FmtOptions extends RunOptions {
  spec: string;
  /** Rewrite the file in place. */
  write?: boolean;
  /** Fail (OPT0010) when the file is not in canonical form. */
  check?: boolean;
}
export interface FmtResult {
  changed: boolean;
  /** The canonical text (without write). */
  formatted?: string;
}

// ---- grammar -------------------------------------------------------------------------------------
export interface GrammarOptions extends RunOptions {
  /** Write the HTML page to this file (else it is in the result). */
  out?: string;
}
export interface GrammarResult {
  artifacts: { kind: string; path?: string; sha256: string }[];
  html?: string;
}

// ---- compile -------------------------------------------------------------------------------------
export interface CompileOptions extends RunOptions {
  spec: string;
  /** Output directory (default "out"). */
  out?: string;
  seed?: Num;
  jobs?: Num;
  force?: boolean;
  /** false: skip the evaluate pass (yield trials, training emulation); the report has null there. */
  evaluate?: boolean;
  explain?: boolean;
  checkBudget?: Num;
  /** Also lay out the chip (<name>.gds, its pad map and summary). */
  layout?: boolean;
}
/** The closed-form chip's Monte-Carlo yield under the spec's technology block. */
export interface ClosedFormYield {
  trials: number;
  passing: number;
  yield: number;
  target: { yield: number; confidence: number; verdict: "met" | "not shown" | "missed"; lower: number; upper: number; chipsToShow: number };
  exactCopies: number[];
  perDesign: { name: string; copies: number; passing: number }[];
}
/** The trained route's Monte-Carlo yield under the spec's technology block. */
export interface TrainedYield {
  trials: number;
  passing: number;
  yield: number;
  worstExact: number;
  exactPerTrial: number[];
  maxAbsError: number;
}
interface ReportCommon {
  schemaVersion: 2;
  name: string;
  seed: number;
  /** Exact on every case checked. */
  ok: boolean;
  spec: Spec;
  onn: { exactMatch: number; casesChecked: number; errorHistogram: Record<string, number>; exhaustive: boolean; [field: string]: unknown };
  tolerance: Record<string, unknown> | null;
  artifacts: string[];
  /** Seconds per pass, and `total`. */
  timing: Record<string, number>;
  [field: string]: unknown;
}
/** report.json of a closed-form chip (docs/reference/report.md). */
export interface ClosedFormReport extends ReportCommon {
  route: "closed-form";
  hardware: {
    mzi: number;
    fixedCouplers: number;
    phaseShifters: number;
    activations: number;
    detectors: number;
    cellsOnCriticalPath: number;
    [field: string]: unknown;
  };
  /** Null with an ideal technology or without the evaluate pass. */
  yield: ClosedFormYield | null;
  structure: Record<string, unknown> | null;
}
/** report.json of the trained route (docs/reference/report.md); it has no `route` key. */
export interface TrainedReport extends ReportCommon {
  route?: undefined;
  hardware: {
    mzi: number;
    mziUnapproximated: number;
    areaRatio: number;
    fixedCouplers: number;
    activations: number;
    detectors: number;
    [field: string]: unknown;
  };
}
export type CompileReport = ClosedFormReport | TrainedReport;
export interface CompileResult {
  outDir: string;
  /** report.json, with `layout` (the layout summary) under layout: true. */
  report: CompileReport;
}

// ---- verify --------------------------------------------------------------------------------------
/** The technology flags of verify and allreduce: non-idealities drawn per Monte-Carlo trial. */
export interface NonIdealities {
  phaseNoise?: Num;
  lossDb?: Num;
  imbalance?: Num;
  dacBits?: Num;
  detectorNoise?: Num;
}
export interface VerifyOptions extends RunOptions, NonIdealities {
  /** A compile's output directory, or one netlist. */
  target: string;
  trials?: Num;
  seed?: Num;
  minExact?: Num;
  minYield?: Num;
  maxCases?: Num;
  rounding?: string;
  receiver?: "fitted" | "thresholds";
  /** false: --no-calibrate. */
  calibrate?: boolean;
  jobs?: Num;
  technology?: string;
  tolerance?: boolean;
  measured?: string;
  fitReceiver?: boolean;
  /** The light budget instead of the yield run: detector powers, error rates, the laser a target needs. */
  power?: boolean;
  /** With `power`: the laser power per source to judge, mW. */
  laserMw?: Num;
  /** With `power`: the target error rate per aggregated value (default 1e-12). */
  errorTarget?: Num;
}
export type VerifyResult =
  | {
      format: "optinc.verify/1";
      pass: boolean;
      circuits: Record<string, unknown>[];
      tolerance?: Record<string, unknown>;
      route?: undefined;
    }
  | {
      format: "optinc.verify/1";
      route: "closed-form";
      pass: boolean;
      result: Record<string, unknown>;
      tolerance?: Record<string, unknown>;
      /** With `power`: the light budget (docs/reference/report.md). */
      power?: Record<string, unknown>;
    }
  | {
      format: "optinc.verify/1";
      route: "closed-form";
      pass: boolean;
      measured: { die: string; dacBits: number | null };
      cell: Record<string, unknown>;
    };

// ---- allreduce -----------------------------------------------------------------------------------
export interface AllreduceOptions extends RunOptions, NonIdealities {
  workers?: string;
  size?: Num;
  bandwidth?: Num;
  transceivers?: Num;
  latency?: Num;
  bits?: Num;
  levels?: Num;
  rounding?: string;
  netlist?: string;
  block?: Num;
  execElements?: Num;
  seed?: Num;
  errorRate?: Num;
  workload?: string;
  parameters?: Num;
  computeTime?: Num;
  layers?: string;
  spec?: string;
  iterations?: Num;
  chart?: string;
  astra?: string;
  electricalBandwidth?: Num;
  models?: string;
  param?: string;
  allowInexact?: boolean;
}
export interface AllreduceResult {
  aggregator: string | null;
  runs: Record<string, unknown>[];
  comparison?: Record<string, unknown>;
  chart?: string;
  astra?: { dir: string; workers: number; files: string[] };
}

// ---- decompose -----------------------------------------------------------------------------------
export interface DecomposeOptions extends RunOptions {
  matrix: string;
  mesh?: "clements" | "reck";
  dacBits?: Num;
  outDir?: string;
  unitary?: boolean;
  svd?: boolean;
  tol?: Num;
  maxError?: Num;
}
export interface DecomposeResult {
  input: string;
  shape: number[];
  path: string;
  mesh: string;
  modes: number;
  mzis: number;
  attenuators: number;
  depth: number;
  gain: number;
  unitarityError: number;
  reconstruction: Record<string, unknown>;
  emitted: Record<string, unknown>;
  quantization: Record<string, unknown> | null;
  files: string[];
}

// ---- export --------------------------------------------------------------------------------------
export interface ExportOptions extends RunOptions {
  dir: string;
  format?: "spi" | "json" | "yaml" | "ngspice" | "ports" | "phases";
  outDir?: string;
  lengthPhases?: boolean;
  neff?: Num;
  wavelength?: Num;
}
export interface ExportResult {
  files: string[];
}

// ---- layout --------------------------------------------------------------------------------------
export interface LayoutOptions extends RunOptions {
  dir: string;
  out?: string;
  cell?: string;
  pdk?: "ebeam" | "generic";
  /** false: --no-port-order. */
  portOrder?: boolean;
  /** false: --no-stagger. */
  stagger?: boolean;
  heaterClearance?: Num;
}
export interface LayoutResult {
  files: string[];
  stats: Record<string, unknown>;
  topCell: string;
}

export type { Diagnostic };
