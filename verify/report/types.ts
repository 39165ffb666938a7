// What the HTML report can show. Every section is optional: the report renders whatever
// the caller has (compile fills it from report.json; verify and allreduce add their parts).
import type { PhaseStage } from "../../netlist/ir.ts";

export interface ReportData {
  /** Page title; defaults to "OptINC aggregator <name>". */
  title?: string;
  /** Spec name (base name of the emitted files). */
  name?: string;
  /** Short key facts shown under the title, e.g. { workers: 4, precision: "8 bit" }. */
  facts?: Array<{ label: string; value: string | number }>;
  verdict?: VerdictSection;
  mesh?: MeshSection;
  errorHistogram?: ErrorHistogramSection;
  yield?: YieldSection;
  hardware?: HardwareSection;
  portMap?: PortMapSection;
  latency?: LatencySection;
  volume?: VolumeSection;
  systems?: SystemsSection;
  training?: TrainingSection;
  tolerance?: ToleranceSection;
  structures?: StructuresSection;
  layout?: LayoutSection;
}

export interface VerdictSection {
  /** Fraction of verified cases whose decoded output equals the golden one (ideal components). */
  exactMatch?: number;
  /** Cases checked and the size of the reduced input space. */
  cases?: number;
  spaceSize?: number;
  /** MZI count of the approximated ONN / the un-approximated one. */
  areaRatio?: number;
  /** Fraction of Monte-Carlo trials at exact match ≥ minExact. */
  yield?: number;
  minExact?: number;
  minYield?: number;
  /** Overall gate result; derived from the thresholds when omitted. */
  pass?: boolean;
}

export interface MeshSection {
  /** Linear stages to draw (each as columns of MZIs coloured by θ). */
  stages: PhaseStage[];
}

export interface ErrorHistogramSection {
  /** Count of cases per output error in quantization steps (decoded value − golden). */
  bins: Array<{ steps: number; count: number }>;
  /** What was simulated, e.g. "ideal components" or "all 32 Monte-Carlo trials". */
  condition?: string;
}

export interface YieldSection {
  trials: number;
  /** Exact-match fraction of every trial, in trial order. */
  exactPerTrial: number[];
  minExact: number;
  /** Non-idealities of the trials, for the caption. */
  condition?: string;
}

export interface HardwareSection {
  rows: Array<{ item: string; value: string | number; unit?: string; note?: string }>;
}

/** What connects to each port of the emitted circuits (from `<name>.ports.json`). */
export interface PortMapSection {
  /** One table per emitted unit. */
  units: Array<{ name: string; rows: Array<{ port: string; kind: string; meaning: string; value: string; connects: string }> }>;
  /** Notes under the tables: the detector rule with its half steps, the broadcast. */
  notes: string[];
}

export interface LatencyBar {
  compute: number;
  communication: number;
}

export interface LatencySection {
  /** Per workload preset, seconds per iteration; drawn normalized to the ring total. */
  presets: Array<{ name: string; ring: LatencyBar; optinc: LatencyBar; paper?: number }>;
}

/** One curve of the systems chart: all-reduce seconds against x. */
export interface CurveSeries {
  name: string;
  points: Array<{ x: number; y: number }>;
}

export interface SystemsPanel {
  /** What x is ("message size, bytes" or "workers N") and what is held fixed. */
  xTitle: string;
  fixed: string;
  series: CurveSeries[];
  /** x where two curves swap order. */
  crossovers: Array<{ x: number; a: string; b: string }>;
}

/** Every cost model's all-reduce time against message size and against N. */
export interface SystemsSection {
  panels: SystemsPanel[];
}

export interface VolumeSection {
  /** Bytes sent per worker, normalized to the gradient size. */
  points: Array<{ workers: number; ring: number; optinc: number }>;
}

export interface TrainingCurvePoint {
  step: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}

export interface TrainingSection {
  /** One line per aggregator; the first is the reference (ring all-reduce). */
  runs: Array<{ name: string; curve: TrainingCurvePoint[]; finalAccuracy: number; finalLoss: number }>;
  description?: string;
}

/** Yield against error level per non-ideality, each level divided by the technology's own. */
export interface ToleranceSection {
  /** Name of the reference technology (a preset, or "spec"). */
  technology: string;
  series: Array<{
    label: string;
    /** (level ÷ technology level, fraction of trials exact), level ascending. */
    points: Array<{ x: number; yield: number }>;
    /** Certified level ÷ technology level (yield ≥ 99 % proven below it), when known and > 0. */
    certified?: number;
  }>;
  /** The table under the chart. */
  rows: Array<{ nonIdeality: string; tolerance: string; lowerBound: string; certified: string; technology: string; meets: boolean | null }>;
  caption: string;
}

/** route = auto: the structures considered, as a table and a cost-against-yield chart. */
export interface StructuresSection {
  technology: string;
  /** The yield target, 0..1, drawn as a line. */
  target: number;
  rows: Array<{
    label: string;
    mzi: number;
    chosen: boolean;
    /** Chips tried and their two-sided 95 % interval; null when not tried. */
    yield: { passing: number; trials: number; lower: number; upper: number } | null;
    /** The table's cells, already formatted. */
    cells: string[];
  }>;
  /** The table's column heads (matching `cells`). */
  head: string[];
  caption: string;
}

/** The chip as laid out (optinc compile --layout): its picture and figures. */
export interface LayoutSection {
  /** The chip picture, inline SVG without URLs (layout/svg.ts). */
  svg: string;
  /** Figure / value rows: die, heaters and pads, optical I/O, crossings, longest path. */
  rows: { item: string; value: string }[];
  caption: string;
}
