// `optinc verify --power` inside the closed-form route of verify.ts: which light budget, the
// budget itself (verify/power/), its lines in the summary and its verdict.
import type { VerifyMessage } from "../types.ts";
import type { TechnologySpec } from "../../dsl/spec.ts";
import { DEFAULT_LIGHT_PRESET, lightBudgetOf } from "../../dsl/technology-presets.ts";
import { VERIFY } from "../../codes/catalogue.ts";
import { describeDecision, formatPower, powerBudget, type PowerResult } from "../../verify/power/analyze.ts";
import { readChipFile, type LoadedCircuit } from "../../verify/circuit/load.ts";
import { dirname, join } from "node:path";

/** What a power run reads of verify's options. */
interface PowerRunOptions {
  technology?: TechnologySpec;
  circuits: LoadedCircuit[];
  shown: (path: string) => string;
}

/** The target error rate per aggregated value of `--power` without `--error-target`. */
export const DEFAULT_ERROR_TARGET = 1e-12;

/**
 * The light budget of a power run: the --technology preset's, else the spec's preset's, else the
 * product-grade one of DEFAULT_LIGHT_PRESET; with the preset's name.
 */
export function lightFor(o: Pick<PowerRunOptions, "technology">, report: Partial<TechnologySpec> | null) {
  for (const name of [o.technology?.preset, report?.preset, DEFAULT_LIGHT_PRESET]) {
    const light = name ? lightBudgetOf(name) : undefined;
    if (light && name) return { light, source: name };
  }
  throw new Error(`the preset ${DEFAULT_LIGHT_PRESET} has no light budget`);
}

/** The budget of the cells of `o.circuits` at the power asked (default: the light budget's laser). */
export function runPower(
  o: PowerRunOptions,
  p: { laserMw?: number; target: number },
  report: Partial<TechnologySpec> | null,
  mziLossDb: number,
): PowerResult {
  const { light, source } = lightFor(o, report);
  const chip = chipDigits(o.circuits);
  return powerBudget(
    o.circuits.map((l) => ({ circuit: l.circuit, netlist: o.shown(l.netlistPath) })),
    { light, lightSource: source, mziLossDb, laserMw: p.laserMw ?? light.laser.powerMw, target: p.target, ...(chip ? { chip } : {}) },
  );
}

/**
 * The digits a worker sends and receives, from the chip files the cells name (`info.chip`): the
 * first cascade level's digits in, the last one's digits out. Null when a chip file is missing.
 */
export function chipDigits(circuits: LoadedCircuit[]): { levels: number; inDigits: number; outDigits: number } | null {
  const byLevel = new Map<number, string>();
  for (const l of circuits) {
    const chip = l.circuit.info.chip;
    if (typeof chip !== "string") return null;
    byLevel.set(Number(l.circuit.info.cascade_level ?? 1), join(dirname(l.netlistPath), chip));
  }
  if (byLevel.size === 0) return null;
  const levels = [...byLevel.keys()].sort((a, b) => a - b);
  try {
    const first = readChipFile(byLevel.get(levels[0]!)!);
    const last = readChipFile(byLevel.get(levels.at(-1)!)!);
    return { levels: first.chip.levels, inDigits: first.chip.inDigits, outDigits: last.chip.outDigits };
  } catch {
    return null;
  }
}

/** What of the light budget fails, in a few words. */
function failedLight(power: PowerResult): string {
  return powerVerdicts(power)
    .map((v) => (v.code === VERIFY.powerTarget ? "the error rate misses its target" : v.message))
    .join("; ");
}

/** The summary with the power lines before its verdict, which then judges both. */
export function withPowerSection(text: string, power: PowerResult, cellsPass: boolean, verbose = false): string {
  const lines = text.trimEnd().split("\n");
  lines.pop();
  lines.push(...formatPower(power, verbose));
  const pass = cellsPass && power.pass;
  lines.push(pass ? "  PASS" : cellsPass ? `  FAIL: ${failedLight(power)} (optinc verify --power --verbose shows the budget)` : "  FAIL");
  return lines.join("\n") + "\n";
}

/**
 * The verdicts of a light budget that does not close: the error rate above its target (naming the
 * binding decision), and each other limit it breaks (a waveguide's ceiling, an edge's receivers).
 */
export function powerVerdicts(power: PowerResult): VerifyMessage[] {
  const out: VerifyMessage[] = [];
  if (power.ratePerValue > power.target)
    out.push({
      kind: "verdict",
      code: VERIFY.powerTarget,
      severity: "error",
      message: `${power.ratePerValue.toExponential(2)} errors per aggregated value at ${power.laserMw} mW per source, above the target ${power.target}; binding decision: ${describeDecision(power.binding)}`,
    });
  const limit = (message: string): VerifyMessage => ({ kind: "verdict", code: VERIFY.powerLimit, severity: "error", message });
  if (power.largestWaveguideMw > power.light.maxWaveguideMw)
    out.push(limit(`${power.largestWaveguideMw.toPrecision(3)} mW in one waveguide, over its ${power.light.maxWaveguideMw} mW ceiling`));
  for (const [edge, hop] of Object.entries(power.edges ?? {}))
    if (!hop.closes)
      out.push(
        limit(
          `the ${edge} reaches its receivers at ${hop.receivedOmaDbm.toFixed(1)} dBm OMA, ${(-hop.marginDb).toFixed(1)} dB short of their ${hop.sensitivityOmaDbm} dBm sensitivity`,
        ),
      );
  return out;
}

export const powerRoute = (message: string, file: string): VerifyMessage => ({
  kind: "problem",
  code: VERIFY.powerRoute,
  severity: "error",
  message,
  hint: "--power budgets the closed-form cells of one optinc compile (route = closed-form or auto)",
  file,
  line: 1,
  column: 1,
});
