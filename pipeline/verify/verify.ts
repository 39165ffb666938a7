// `optinc verify` below the CLI: one function, `verifyTarget`, takes the loaded circuits and an
// options object and picks one of four routes — a closed-form cell on a measured die, a closed-form
// directory (identity, every cell, end to end, yield), or the trained route's circuits one by one
// (ideal components and Monte-Carlo trials, or one measured die) — with the tolerance analysis
// instead of the yield run when asked. It returns the verdicts, the text report and the --json
// result; the CLI parses flags into the options and prints what comes back.
import type { VerifyMessage } from "../types.ts";
import { readUnitInfo } from "../../aggregate/circuit-info.ts";
import { ChipFileError } from "../../aggregate/chip-file.ts";
import type { Rounding, TechnologySpec } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { technologyOf, type Technology } from "../../dsl/technology.ts";
import type { ReceiverMode } from "../../verify/circuit/receiver.ts";
import { cellCases } from "../../aggregate/cell-cases.ts";
import { cellOf, checkCell } from "../../verify/cells/cell-verify.ts";
import { formatClosedForm, isClosedForm, verifyClosedForm } from "../../verify/cells/verify-closed-form.ts";
import { CircuitError, withFile } from "../../verify/circuit/circuit-error.ts";
import { formatVerify, verifyJsonAll } from "../../verify/circuit/format.ts";
import type { LoadedCircuit } from "../../verify/circuit/load.ts";
import { verifyCircuit, type MeasuredDie, type VerifyResult } from "../../verify/circuit/run.ts";
import { analyzeTolerance, type ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { prepareCellDesign, prepareDesign, type DesignUnitInput } from "../../verify/tolerance/design.ts";
import { formatTolerance } from "../../verify/tolerance/format.ts";
import { jointTechnology } from "../../verify/tolerance/technology.ts";
import type { AxisName } from "../../verify/tolerance/axes.ts";
import { VERIFY } from "../../codes/catalogue.ts";
import type { PowerResult } from "../../verify/power/analyze.ts";
import { powerRoute, powerVerdicts, runPower, withPowerSection } from "./power.ts";
import { PowerWalkError } from "../../verify/power/budget.ts";

/** Explicit non-ideality levels (command-line flags); each overrides the technology block's. */
export interface NonIdealityOverrides {
  phaseNoise?: number;
  lossDb?: number;
  imbalance?: number;
  /** 0 means "none" (continuous phases). */
  dacBits?: number;
  detectorNoise?: number;
}

export interface VerifyTargetOptions extends NonIdealityOverrides {
  /** The circuits of the target, as verify/circuit/load.ts read them (one when a die is measured). */
  circuits: LoadedCircuit[];
  /** The target (output directory or netlist file), resolved. */
  target: string;
  /** How a path is shown in messages and in the result (relative to the working directory). */
  shown: (path: string) => string;
  /** Replaces the report's technology block (the overrides above still win). */
  technology?: TechnologySpec;
  trials: number;
  /** Seed of the trials (default: the report's training seed, else 1). */
  seed?: number;
  minExact: number;
  minYield: number;
  maxCases: number;
  /** Rounding when neither report.json nor the circuit info states one. */
  rounding?: Rounding;
  /** The receiver of the Monte-Carlo trials and the tolerance analysis (a measured die's is in `measured`). */
  receiver: ReceiverMode;
  jobs?: number;
  /** Tolerance analysis instead of the yield run. */
  tolerance?: boolean;
  /** Only these tolerance axes (default: all); the certified bounds still run, as they seed the Monte-Carlo's first probe. */
  toleranceAxes?: AxisName[];
  /** One measured die (then `circuits` holds the one circuit it belongs to). */
  measured?: MeasuredDie;
  /** Every detail line in `text` (per cell, every trial's setting); by default a short summary. */
  verbose?: boolean;
  /** The power budget instead of the yield run (closed-form chips): laser mW per source, target rate per value. */
  power?: { laserMw?: number; target: number };
}

export type { VerifyMessage };

export interface VerifyTargetResult {
  pass: boolean;
  messages: VerifyMessage[];
  /** The text report (null when there is nothing to report). */
  text: string | null;
  /** The --json result (null when verification could not run). */
  json: unknown;
}

/** The technology block in effect: `technology` replaces the report's block; explicit overrides win over either. */
export function effectiveNonIdealities(
  o: NonIdealityOverrides & { technology?: TechnologySpec },
  report: Partial<TechnologySpec> | null,
): Partial<Technology> {
  const tech = o.technology ?? report ?? {};
  return technologyOf({
    phaseNoise: o.phaseNoise ?? tech.phaseNoise,
    mziLossDb: o.lossDb ?? tech.mziLossDb,
    splitterImbalance: o.imbalance ?? tech.splitterImbalance,
    dacBits: o.dacBits !== undefined ? o.dacBits || null : tech.dacBits,
    detectorNoise: o.detectorNoise ?? tech.detectorNoise,
    lossSpreadDb: tech.lossSpreadDb,
  });
}

interface ToleranceRun {
  seed: number;
  trials: number;
  receiver: ReceiverMode;
  nonIdealities: Partial<Technology>;
  preset?: string;
  axes?: AxisName[];
}

/** Tolerances of a closed-form directory: every cell design with its physical copies (info cell_instances). */
export function runCellTolerance(cells: { name: string; circuit: Circuit }[], o: ToleranceRun): ToleranceResult {
  const design = prepareCellDesign(cells, o.seed);
  return analyzeTolerance(design, {
    fixedLoss: true,
    seed: o.seed,
    trials: o.trials,
    receiver: o.receiver,
    technology: jointTechnology(o.nonIdealities, o.preset),
    ...(o.axes ? { axes: o.axes } : {}),
  });
}

/** Tolerances of the trained route's units. */
export function runTolerance(units: DesignUnitInput[], o: ToleranceRun): ToleranceResult {
  const design = prepareDesign(units, o.seed);
  return analyzeTolerance(design, {
    seed: o.seed,
    trials: o.trials,
    receiver: o.receiver,
    technology: jointTechnology(o.nonIdealities, o.preset),
    ...(o.axes ? { axes: o.axes } : {}),
  });
}

/** A circuit whose top netlist has a digit-sum stage verifies over the digit-sum space. */
function hasPreprocess(circuit: Circuit): boolean {
  return Object.values(circuit.netlists[circuit.top]!.instances).some((i) => i.settings.role === "preprocess");
}

/** The rounding of the golden average: report.json's, else the circuit info's, else the option's, else nearest-even. */
function goldenRounding(loaded: LoadedCircuit, fallback: Rounding | undefined): Rounding {
  const r = loaded.circuit.info.rounding;
  const fromInfo = r === "nearest-even" || r === "nearest-away" || r === "floor" ? r : null;
  return loaded.rounding ?? fromInfo ?? fallback ?? "nearest-even";
}

const notPipeline = (e: CircuitError, shown: (p: string) => string, hint: string): VerifyMessage => ({
  kind: "problem",
  code: VERIFY.notPipeline,
  severity: "error",
  message: e.message,
  hint,
  file: shown(e.file),
  line: 1,
  column: 1,
});

const failed = (messages: VerifyMessage[]): VerifyTargetResult => ({ pass: false, messages, text: null, json: null });

/** Verify the circuits of one target (see the file header for the routes). */
export function verifyTarget(o: VerifyTargetOptions): VerifyTargetResult {
  if (o.measured && isClosedForm(o.circuits)) return measuredCell(o, o.measured);
  if (isClosedForm(o.circuits)) return closedForm(o);
  return trainedCircuits(o);
}

/** One closed-form cell on one measured die: every input of its port space against its tables. */
function measuredCell(o: VerifyTargetOptions, die: MeasuredDie): VerifyTargetResult {
  const loaded = o.circuits[0]!;
  let r;
  let f;
  try {
    f = withFile(loaded.netlistPath, () => cellOf(loaded.circuit));
    const cell = f;
    r = withFile(loaded.netlistPath, () =>
      checkCell(loaded.circuit, cell, cellCases(cell), {
        die: die.die,
        dacBits: die.dacBits,
        detectorNoise: o.detectorNoise ?? 0,
        seed: o.seed ?? 1,
      }),
    );
  } catch (e) {
    if (!(e instanceof CircuitError)) throw e;
    return failed([notPipeline(e, o.shown, "verify needs the files of one optinc compile")]);
  }
  const pass = r.exact === r.cases;
  const how = `${die.dacBits ? `${die.dacBits}-bit phase DAC` : "continuous phases"}, receiver on the detector's thresholds`;
  const messages: VerifyMessage[] = pass
    ? []
    : [
        {
          kind: "verdict",
          code: VERIFY.threshold,
          severity: "error",
          message: `${r.cases - r.exact} of ${r.cases} inputs decode wrongly on die "${die.die.id}"`,
        },
      ];
  const text = `verify ${o.shown(loaded.netlistPath)}: closed-form cell ${f.name}\n  measured die "${die.die.id}" (${how}): exact ${r.exact}/${r.cases}${r.raw ? " (every raw input)" : ""}, ${r.wrongDigits} wrong digits\n${pass ? "PASS" : `FAIL: ${r.cases - r.exact} of ${r.cases} inputs decode wrongly on this die`}\n`;
  return {
    pass,
    messages,
    text,
    json: {
      format: "optinc.verify/1",
      route: "closed-form",
      pass,
      measured: { die: die.die.id, dacBits: die.dacBits },
      cell: { netlist: o.shown(loaded.netlistPath), ...r },
    },
  };
}

/** Closed-form cells: identity against a fresh plan, every cell, end to end, yield (or tolerances, or the power budget). */
function closedForm(o: VerifyTargetOptions): VerifyTargetResult {
  const cells = o.circuits;
  const technology = cells.find((l) => l.technology)?.technology ?? null;
  const nonIdealities = effectiveNonIdealities(o, technology);
  const seed = o.seed ?? cells[0]?.seed ?? 1;
  let r;
  let tolerance = null;
  let power: PowerResult | null = null;
  try {
    // --tolerance and --power replace the Monte-Carlo yield run: verify checks ideal components only.
    r = withFile(o.target, () =>
      verifyClosedForm(o.target, cells, {
        nonIdealities: o.tolerance || o.power ? {} : nonIdealities,
        trials: o.trials,
        seed,
        minYield: o.minYield,
        maxCases: Math.max(o.maxCases, 1_000_000),
        jobs: o.jobs,
      }),
    );
    if (o.tolerance)
      tolerance = withFile(o.target, () =>
        runCellTolerance(
          cells.map((l) => ({ name: o.shown(l.netlistPath), circuit: l.circuit })),
          {
            seed,
            trials: o.trials,
            receiver: o.receiver,
            nonIdealities,
            preset: o.technology?.preset ?? technology?.preset,
            ...(o.toleranceAxes ? { axes: o.toleranceAxes } : {}),
          },
        ),
      );
    if (o.power) power = withFile(o.target, () => runPower(o, o.power!, technology, nonIdealities.mziLossDb ?? 0));
  } catch (e) {
    if (e instanceof ChipFileError) return failed([{ kind: "problem", ...e.diagnostic(o.shown) }]);
    if (e instanceof PowerWalkError) return failed([powerRoute(e.message, o.shown(o.target))]);
    if (!(e instanceof CircuitError)) throw e;
    return failed([notPipeline(e, o.shown, "verify needs the files of one optinc compile")]);
  }
  const identityFailure = /chip\.json|report\.json|names design|does not realize/;
  const messages = r.failures.map(
    (f): VerifyMessage => ({
      kind: "verdict",
      code: identityFailure.test(f) ? VERIFY.identity : VERIFY.threshold,
      severity: "error",
      message: f,
    }),
  );
  let text = formatClosedForm(r, o.shown, o.verbose) + (tolerance ? formatTolerance(tolerance, o.shown(o.target)) : "");
  const pass = r.pass && (power?.pass ?? true);
  if (power) {
    text = withPowerSection(text, power, r.pass, o.verbose);
    if (!power.pass) messages.push(...powerVerdicts(power));
  }

  return {
    pass,
    messages,
    text,
    json: {
      format: "optinc.verify/1",
      route: "closed-form",
      pass,
      result: { ...r, target: o.shown(r.target) },
      ...(tolerance ? { tolerance } : {}),
      ...(power ? { power } : {}),
    },
  };
}

/** The trained route: each circuit against the golden average (its identity first), then tolerances if asked. */
function trainedCircuits(o: VerifyTargetOptions): VerifyTargetResult {
  const all = o.circuits;
  if (o.power)
    return failed([
      powerRoute("the power budget reads closed-form cells; this is a trained circuit", o.shown(all[0]?.netlistPath ?? o.target)),
    ]);
  const messages: VerifyMessage[] = [];
  const pipelineHint = "verify needs the netlist of a compiled ONN pipeline (optinc compile)";
  const runs: { result: VerifyResult; sources: { netlist: string; report: string | null }; loaded: LoadedCircuit }[] = [];
  for (const loaded of all) {
    if (loaded.identity.length) {
      for (const why of loaded.identity)
        messages.push({
          kind: "problem",
          code: VERIFY.identity,
          severity: "error",
          message: `not the compiled circuit: ${why}`,
          hint: "verify the files of one optinc compile, as written (re-run optinc compile)",
          file: o.shown(loaded.netlistPath),
          line: 1,
          column: 1,
        });
      continue;
    }
    // --tolerance replaces the Monte-Carlo yield run: verify checks ideal components only.
    const nonIdealities = o.tolerance ? {} : effectiveNonIdealities(o, loaded.technology);
    // A measured die is exactly its errors: detector noise only when asked for.
    if (o.measured) nonIdealities.detectorNoise = o.detectorNoise ?? 0;
    try {
      const result = withFile(loaded.netlistPath, () =>
        verifyCircuit(loaded.circuit, {
          nonIdealities,
          trials: o.trials,
          seed: o.seed ?? loaded.seed ?? 1,
          minExact: o.minExact,
          minYield: o.minYield,
          maxCases: o.maxCases,
          rounding: goldenRounding(loaded, o.rounding),
          unit: readUnitInfo(loaded.circuit.info),
          preprocess: loaded.preprocess ?? hasPreprocess(loaded.circuit),
          receiver: o.receiver,
          ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
          ...(o.measured ? { measured: o.measured } : {}),
        }),
      );
      runs.push({
        result,
        sources: { netlist: o.shown(loaded.netlistPath), report: loaded.reportPath ? o.shown(loaded.reportPath) : null },
        loaded,
      });
    } catch (e) {
      if (!(e instanceof CircuitError)) throw e;
      messages.push(notPipeline(e, o.shown, pipelineHint));
    }
  }
  for (const r of runs)
    for (const f of r.result.failures)
      messages.push({ kind: "verdict", code: VERIFY.threshold, severity: "error", message: `${r.sources.netlist}: ${f}` });
  const pass = messages.length === 0 && runs.length === all.length && runs.every((r) => r.result.pass);
  let tolerance = null;
  // Not exact with ideal components is a result too: every tolerance is 0.
  if (o.tolerance && runs.length === all.length && runs.length > 0) {
    try {
      tolerance = withFile(all[0]!.netlistPath, () =>
        runTolerance(
          runs.map(({ loaded, result, sources }) => ({
            name: sources.netlist,
            circuit: loaded.circuit,
            rounding: result.rounding,
            preprocess: loaded.preprocess ?? hasPreprocess(loaded.circuit),
            unit: readUnitInfo(loaded.circuit.info),
            maxCases: o.maxCases,
          })),
          {
            seed: o.seed ?? all[0]!.seed ?? 1,
            trials: o.trials,
            receiver: o.receiver,
            nonIdealities: effectiveNonIdealities(o, all[0]!.technology),
            preset: o.technology?.preset ?? all[0]!.technology?.preset,
            ...(o.toleranceAxes ? { axes: o.toleranceAxes } : {}),
          },
        ),
      );
    } catch (e) {
      if (!(e instanceof CircuitError)) throw e;
      messages.push(notPipeline(e, o.shown, pipelineHint));
    }
  }
  let text: string | null = null;
  if (runs.length) {
    text = runs.map((r) => formatVerify(r.result, r.sources, o.verbose)).join("");
    if (all.length > 1) text += `${pass ? "PASS" : "FAIL"}: ${runs.filter((r) => r.result.pass).length}/${all.length} circuits pass\n`;
    if (tolerance) text += formatTolerance(tolerance, o.shown(o.target));
  }
  return {
    pass,
    messages,
    text,
    json: { ...(verifyJsonAll(runs.map(({ result, sources }) => ({ result, sources }))) as object), ...(tolerance ? { tolerance } : {}) },
  };
}
