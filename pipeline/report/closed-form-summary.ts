// What `optinc compile` prints for a closed-form aggregator.
import type { ClosedFormReport, ToleranceOmitted } from "./closed-form-report.ts";
import { toleranceSummaryLines } from "../../verify/tolerance/summary-line.ts";
import { targetText, yieldText } from "../../verify/tolerance/statistics.ts";
import { isIdeal, technologyOf } from "../../dsl/technology.ts";
import { watts } from "../../verify/power/analyze.ts";
import { pj } from "../../verify/power/energy.ts";
import type { LightSection } from "../types.ts";

const pct = (x: number): string => `${(100 * x).toFixed(x === 1 ? 0 : 3)}%`;
const count = (x: number): string => x.toLocaleString("en-US");

/**
 * The default terminal summary (`compile` without --verbose): what was built, exact or not, the
 * yield against its target. Each line stays under 100 characters whatever the design, like tsc's;
 * the detail is in `closedFormSummary` (--verbose) and the report.
 */
export function closedFormDigest(r: ClosedFormReport, bold: (s: string) => string): string[] {
  const h = r.hardware;
  const built = `${r.cascade ? `radix-${r.cascade.radix} cascade` : "flat cells"}${r.conversion ? `, PAM-${r.conversion.innerLevels} inside` : ""}`;
  const copies = r.cells.reduce((a, c) => a + c.copies, 0);
  const exactCells = r.cells.filter((c) => c.exact === c.cases && c.lossBand.exact === c.cases).length;
  const band = r.cells[0]?.lossBand;
  const y = r.yield;
  const tech = r.spec.technology.preset;
  return [
    `${bold(r.name)}: ${built}${r.structure ? " (route = auto)" : ""}, ${count(h.mzi)} MZIs, ${count(copies)} cell copies`,
    `  exact: ${pct(r.onn.exactMatch)} of ${count(r.onn.casesChecked)} cases end to end; ${exactCells}/${r.cells.length} cells exact on every ` +
      `${r.cells.every((c) => c.raw) ? "input" : "digit sum"}${band ? ` at ${band.fromDb}–${band.toDb} dB/MZI` : ""}`,
    y
      ? `  yield at ${tech}: ${yieldText(y.passing, y.trials)}; target ${+(100 * y.target.yield).toFixed(2)}% at ${+(100 * y.target.confidence).toFixed(2)}%: ${y.target.verdict === "missed" ? "MISSED" : y.target.verdict}`
      : isIdeal(technologyOf(r.spec.technology), { detector: "include" })
        ? `  yield: ${tech} technology, no chips drawn`
        : "  yield: not measured (--no-evaluate); optinc verify <out> measures it",
    lightLine(r.light),
  ];
}

export function closedFormSummary(r: ClosedFormReport, bold: (s: string) => string): string[] {
  const h = r.hardware;
  const raw = r.cells.every((c) => c.raw);
  const cellCases = r.cells.reduce((a, c) => a + c.cases, 0);
  const exactCells = r.cells.filter((c) => c.exact === c.cases).length;
  const loss = r.cells.find((c) => c.atDesignLoss)?.atDesignLoss?.mziLossDb;
  const exactAtLoss = r.cells.filter((c) => c.atDesignLoss?.exact === c.cases).length;
  const band = r.cells[0]?.lossBand;
  const exactInBand = r.cells.filter((c) => c.lossBand.exact === c.cases).length;
  return [
    `${bold(r.name)}: exact match ${pct(r.onn.exactMatch)} over ${r.onn.casesChecked} cases end to end (${r.onn.composed.description})`,
    `  closed-form route: ${r.cells.length} cell design(s), ${exactCells} exact over all ${cellCases} ${raw ? "raw" : "reduced"} inputs with ideal parts` +
      (loss !== undefined ? `, ${exactAtLoss} at the ${loss} dB nominal MZI loss` : "") +
      (band ? `, ${exactInBand} across the ${band.fromDb}–${band.toDb} dB per MZI loss band their biases track` : "") +
      (r.onn.fullInputSpace ? " — together: every input of the full space" : ""),
    ...(r.structure ? [`  structure (route = auto): ${r.structure.reason}`] : []),
    `  ${h.mzi} MZIs, ${h.fixedCouplers} fixed couplers, ${h.activations} activations; ${h.cellsOnCriticalPath} cells on the critical path (${h.oeoOnCriticalPath} O-E-O regenerations${r.conversion ? `, ${r.conversion.oeoHops} of them the PAM-${r.conversion.linkLevels} link ↔ PAM-${r.conversion.innerLevels} cells conversion: ${r.conversion.ingressReceivers} receivers and ${r.conversion.ingressModulators} modulators at ingress, ${r.conversion.egressModulators} at egress` : ""})`,
    monitorLine(r),
    ...(r.yield
      ? [
          `  yield under the spec's technology block: ${yieldText(r.yield.passing, r.yield.trials)}; ${targetText(r.yield.passing, r.yield.trials, r.yield.target)}`,
        ]
      : []),
    ...(r.tolerance ? toleranceSummaryLines(r.tolerance) : []),
    ...(r.toleranceOmitted ? [`  tolerance: ${toleranceOmittedText(r.toleranceOmitted)}`] : []),
    lightLine(r.light),
    ...(r.light
      ? [
          `    at the ${r.light.preset} light: binding decision ${r.light.binding}; LOs ${watts(r.light.loMw)}; with the lasers 1e-12 needs ${r.light.pjPerBitNeeded === null ? "—" : pj(r.light.pjPerBitNeeded)} pJ/bit (optinc verify <out> --power --verbose: the budget)`,
        ]
      : []),
  ];
}

/** Why the compile left the tolerance section out, and what measures it. */
export function toleranceOmittedText(o: ToleranceOmitted): string {
  const over = o.work > o.budget ? `${o.budget.toLocaleString("en-US")} cell cases` : `${o.copiesBudget.toLocaleString("en-US")} copies`;
  return `not measured by the compile: each die level it tries simulates ${o.work.toLocaleString("en-US")} cell cases over every copy and redraws all ${o.copies.toLocaleString("en-US")} copies, over the compile's budget of ${over}; optinc verify <out> --tolerance measures it`;
}

/** The calibration monitors over the whole aggregator (every physical copy), or that there are none. */
function monitorLine(r: ClosedFormReport): string {
  const n = r.hardware.monitors;
  if (n === 0) return `  calibration monitors: none${r.spec.calibration.monitors === "none" ? " (calibration { monitors = none })" : ""}`;
  const sum = (f: (c: ClosedFormReport["cells"][number]) => number): number => r.cells.reduce((a, c) => a + f(c) * c.copies, 0);
  return `  calibration monitors: ${n} photodiodes on discarded light over ${sum(() => 1)} cell copies (dumps ${sum((c) => c.monitors.dumps)}, fan-in ${sum((c) => c.monitors.fanIn)}), 0 dB added loss`;
}

/** The summary's light line (≤ 100 characters): lasers, error rate against the target, what it needs, pJ/bit. */
export function lightLine(l: LightSection | null): string {
  if (!l) return "  light: ideal technology, no light budget";
  const need = l.neededTapMw === null ? "no tap ≤ 10 kW meets it" : `needs ${watts(l.neededTapMw)}/modulator`;
  return `  light: ${l.sources} × ${watts(l.laserMw)}, ${l.ratePerValue.toExponential(1)} errors/value ${l.pass ? "≤" : ">"} ${l.target.toExponential(0)} (${need}); ${pj(l.pjPerBit)} pJ/bit`;
}
