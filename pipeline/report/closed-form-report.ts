// `<name>.report.json` of a closed-form compile (route "closed-form"; docs/reference/report.md §2). Every count is
// taken on the emitted cell circuits (read back from their netlist.json; netlist/inventory.ts) times
// their physical copies; only `timing` depends on the machine.
import { conversionCost, type ConversionCost } from "../../aggregate/narrow-base.ts";
import type { CascadePlan } from "../../aggregate/cascade.ts";
import type { CheckedSpec, MonitorsChoice, Spec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { circuitInventory } from "../../netlist/inventory.ts";
import { monitorCounts, readMonitorInfo } from "../../netlist/lab/monitors.ts";
import { widestTheta } from "../../compiler/cells/cell-network.ts";
import type { ComposeResult } from "../../verify/cells/chip-compose.ts";
import type { ChipTrials } from "../../verify/cells/chip-yield.ts";
import type { LossBandCheck } from "../../verify/cells/cell-verify.ts";
import { checkTarget, type TargetCheck } from "../../verify/tolerance/statistics.ts";
import type { ToleranceResult } from "../../verify/tolerance/analyze.ts";
import type { ChipStep, DecisionBound, LightSection, StructureSearch } from "../types.ts";

/** Assumed delay of one O-E-O regeneration (limiting PAM receiver + modulator driver, no DSP). */
export const OEO_HOP_SECONDS = 1e-9;

export interface CellHardware {
  mzi: number;
  fixedCouplers: number;
  phaseShifters: number;
  activations: number;
  detectors: number;
  modulators: number;
  biasSources: number;
  /** Monitor photodiodes on discarded light (calibration { monitors = auto }; netlist/lab/monitors.ts). */
  monitors: number;
  stages: number;
}

/** A cell design's monitor photodiodes, as the report states them. */
export interface CellMonitors {
  /** Photodiodes on one copy: `dumps` on attenuator dumps, `fanIn` on fan-in tree dumps. */
  count: number;
  dumps: number;
  fanIn: number;
  /** Always 0: every monitor sits on a terminator, on light the cell discards anyway. */
  addedLossDb: 0;
  /** "N monitor photodiodes on discarded light (dumps D, fan-in T), 0 dB added loss", or "none (calibration { monitors = none })". */
  summary: string;
}

export interface ClosedFormReport {
  schemaVersion: 2;
  route: "closed-form";
  name: string;
  seed: number;
  ok: boolean;
  spec: Spec;
  onn: {
    exactMatch: number;
    casesChecked: number;
    errorHistogram: Record<string, number>;
    exhaustive: boolean;
    composed: { mode: string; cases: number; edgeCases: number; exact: number; description: string };
    /** True when every cell is exact on all its raw inputs (ideal parts and at the design MZI loss) and the chip on every digit-sum vector: the whole input space is then covered. */
    fullInputSpace: boolean;
  };
  cells: {
    design: string;
    level: number | null;
    role: string;
    copies: number;
    ports: number;
    vmax: number;
    thresholds: number;
    /** Its widest decision (compiler/cells/cell-network.ts widestTheta), in steps of v. */
    widestTheta: number;
    cases: number;
    /** Exact cases with ideal parts. */
    exact: number;
    /** Exact cases at the technology block's MZI loss alone, which the biases are set for; null when that loss is 0. */
    atDesignLoss: { mziLossDb: number; exact: number } | null;
    /** The fewest exact cases anywhere in the loss band (dB per MZI) its biases track (verify/cells/cell-verify.ts). */
    lossBand: LossBandCheck;
    raw: boolean;
    hardware: CellHardware;
    /** Monitor photodiodes for calibration on one copy of the design. */
    monitors: CellMonitors;
  }[];
  chips: { level: number | null; units: number; cells: number; depth: number; regeneratedDigits: number }[];
  /** The cells compute in a narrower base than the link's: the ingress and egress conversion (aggregate/narrow-base.ts); null otherwise. */
  conversion: ConversionCost | null;
  hardware: CellHardware & {
    /** Cells in series on the longest path (each ends in detection). */
    cellsOnCriticalPath: number;
    /**
     * O-E-O regenerations on that path (the link ↔ inner-base conversion's stages included), and
     * the latency they add at OEO_HOP_SECONDS each.
     */
    oeoOnCriticalPath: number;
    oeoLatencySeconds: number;
    /** Detected digits re-sent to another cell, on the whole aggregator. */
    regeneratedDigits: number;
  };
  yield: {
    trials: number;
    passing: number;
    yield: number;
    /** The spec's yield target against these chips (verify/tolerance/statistics.ts checkTarget). */
    target: { yield: number; confidence: number } & TargetCheck;
    exactCopies: number[];
    perDesign: { name: string; copies: number; passing: number }[];
  } | null;
  cascade: { units: number; radix: number; levels: { level: number; units: number; file: string }[] } | null;
  /** The chip's tolerances (verify/tolerance/, docs/design/robustness.md §1): what `optinc verify --tolerance` prints; null when skipped. */
  tolerance: ToleranceResult | null;
  /**
   * Why the tolerance section is absent although the technology asked for it: the chip's section
   * (`work`: cell cases over every physical copy, simulated per die level tried) is over the
   * compile's `budget`; `optinc verify <dir> --tolerance` measures it. Null otherwise.
   */
  toleranceOmitted: ToleranceOmitted | null;
  /**
   * The declared technology's decision bound for the chip's cell base (pipeline/compile/decision-bound.ts):
   * the widest θ a probe cell built like these cells decides exactly on every one of its dies, the
   * wall where it fails on every die, and the errors that limit it; null with an ideal technology
   * or without the evaluate pass. Each cell's own widest decision is cells[].widestTheta.
   */
  decisionBound: DecisionBound | null;
  /**
   * The light of the emitted cells at the spec's preset (verify/power/, every activation a
   * regenerating homodyne read): lasers judged, error rate per value against 1e-12, the modulator
   * tap it needs, pJ per input bit; null when the preset has no light budget (`ideal`).
   */
  light: LightSection | null;
  /** route = auto: the structures considered and why this one was built (pipeline/compile/structure-search.ts); null under an explicit route. */
  structure: StructureSearch | null;
  trainingEmulation: null;
  artifacts: string[];
  timing: Record<string, number>;
}

/** The compile's tolerance work (cell cases over every copy, per die level) and the budget it exceeded. */
export interface ToleranceOmitted {
  /** Cell cases over every physical copy (pipeline/pools/tolerance-pool.ts toleranceWork) and its budget. */
  work: number;
  budget: number;
  /** Physical cell copies, each redrawn at every die level, and their budget. */
  copies: number;
  copiesBudget: number;
}

/** One cell design's hardware, counted on its emitted circuit. */
export function designHardware(circuit: Circuit): CellHardware {
  const inv = circuitInventory(circuit);
  const sum = (f: (s: (typeof inv.stages)[number]) => number): number => inv.stages.reduce((a, s) => a + f(s), 0);
  return {
    mzi: sum((s) => s.mzis),
    fixedCouplers: sum((s) => s.fixedCouplers),
    phaseShifters: sum((s) => s.phaseShifters),
    activations: inv.activations,
    detectors: inv.detectors,
    modulators: inv.modulators,
    biasSources: inv.biasSources,
    monitors: readMonitorInfo(circuit.info).length,
    stages: inv.stages.length,
  };
}

/** The report's statement of a design's monitors (a design compiled with monitors = auto always has some). */
export function cellMonitors(circuit: Circuit, choice: MonitorsChoice): CellMonitors {
  const { count, dumps, fanIn } = monitorCounts(readMonitorInfo(circuit.info));
  const summary =
    count > 0
      ? `${count} monitor photodiode${count === 1 ? "" : "s"} on discarded light (dumps ${dumps}, fan-in ${fanIn}), 0 dB added loss`
      : choice === "none"
        ? "none (calibration { monitors = none })"
        : "none (no discarded light that calibration reads)";
  return { count, dumps, fanIn, addedLossDb: 0, summary };
}

function scaled(h: CellHardware, k: number): CellHardware {
  return Object.fromEntries(Object.entries(h).map(([key, v]) => [key, key === "stages" ? v : v * k])) as unknown as CellHardware;
}

export function closedFormReport(a: {
  checked: CheckedSpec;
  seed: number;
  steps: ChipStep[];
  cascade: CascadePlan | null;
  composed: ComposeResult;
  yield: ChipTrials | null;
  tolerance: ToleranceResult | null;
  toleranceOmitted: ToleranceOmitted | null;
  decisionBound: DecisionBound | null;
  light: LightSection | null;
  timing: Record<string, number>;
  structure: StructureSearch | null;
  depth: number[];
}): ClosedFormReport {
  const spec = a.checked.spec;
  const cells: ClosedFormReport["cells"] = [];
  const total: CellHardware = {
    mzi: 0,
    fixedCouplers: 0,
    phaseShifters: 0,
    activations: 0,
    detectors: 0,
    modulators: 0,
    biasSources: 0,
    monitors: 0,
    stages: 0,
  };
  for (const step of a.steps) {
    step.designs.forEach((d, i) => {
      const circuit = step.circuits?.get(step.checks![i]!.design);
      if (!circuit) throw new Error(`internal: ${step.checks![i]!.design} has no emitted circuit to count`);
      const h = designHardware(circuit);
      const copies = d.instances.length * step.count;
      const { check, atLoss, band } = step.checks![i]!;
      const atDesignLoss = atLoss ? { mziLossDb: spec.technology.mziLossDb, exact: atLoss.exact } : null;
      cells.push({
        design: step.checks![i]!.design,
        level: step.level,
        role: d.cell.role,
        copies,
        ports: d.cell.ports.length,
        vmax: d.cell.vmax,
        thresholds: d.network.thresholds.length,
        widestTheta: widestTheta(d.network),
        cases: check.cases,
        exact: check.exact,
        atDesignLoss,
        lossBand: band,
        raw: check.raw,
        hardware: h,
        monitors: cellMonitors(circuit, spec.calibration.monitors),
      });
      const t = scaled(h, copies);
      for (const k of Object.keys(total) as (keyof CellHardware)[]) if (k !== "stages") total[k] += t[k];
      total.stages = Math.max(total.stages, h.stages);
    });
  }
  const chips = a.steps.map((s, l) => ({
    level: s.level,
    units: s.count,
    cells: s.chip.cells.length,
    depth: a.depth[l]!,
    regeneratedDigits: s.chip.cells.reduce((n, c) => n + c.ports.filter((p) => p.source.kind === "cell").length, 0),
  }));
  const critical = chips.reduce((n, c) => n + c.depth, 0);
  const conversion = conversionCost(spec);
  const oeo = Math.max(0, critical - 1) + (conversion?.oeoHops ?? 0);
  const cellsExact = cells.every(
    (c) => c.exact === c.cases && (c.atDesignLoss === null || c.atDesignLoss.exact === c.cases) && c.lossBand.exact === c.cases,
  );
  const exactMatch = a.composed.cases ? a.composed.exact / a.composed.cases : 0;
  return {
    schemaVersion: 2,
    route: "closed-form",
    name: spec.name,
    seed: a.seed,
    ok: cellsExact && exactMatch === 1,
    spec,
    onn: {
      exactMatch,
      casesChecked: a.composed.cases,
      errorHistogram: a.composed.histogram,
      exhaustive: a.composed.mode === "exhaustive",
      composed: {
        mode: a.composed.mode,
        cases: a.composed.cases,
        edgeCases: a.composed.edgeCases,
        exact: a.composed.exact,
        description: a.composed.description,
      },
      fullInputSpace: cellsExact && cells.every((c) => c.raw) && a.composed.mode === "exhaustive" && exactMatch === 1,
    },
    cells,
    chips,
    conversion,
    hardware: {
      ...total,
      cellsOnCriticalPath: critical,
      oeoOnCriticalPath: oeo,
      oeoLatencySeconds: oeo * OEO_HOP_SECONDS,
      regeneratedDigits: chips.reduce((n, c) => n + c.regeneratedDigits * c.units, 0),
    },
    yield: a.yield
      ? {
          trials: a.yield.trials,
          passing: a.yield.passing,
          yield: a.yield.yield,
          target: { ...spec.target, ...checkTarget(a.yield.passing, a.yield.trials, spec.target) },
          exactCopies: a.yield.exactCopies,
          perDesign: a.yield.perDesign,
        }
      : null,
    cascade: a.cascade
      ? {
          units: a.cascade.totalUnits,
          radix: a.cascade.radix,
          levels: a.steps.map((s) => ({ level: s.level ?? 1, units: s.count, file: `${s.stem}.chip.json` })),
        }
      : null,
    tolerance: a.tolerance,
    toleranceOmitted: a.toleranceOmitted,
    decisionBound: a.decisionBound,
    light: a.light,
    structure: a.structure,
    trainingEmulation: null,
    artifacts: [],
    timing: a.timing,
  };
}
