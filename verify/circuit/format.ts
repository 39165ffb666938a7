// Short, stable text for the CI gate, and the JSON document of --json.
import type { Technology } from "../../dsl/technology.ts";
import type { ErrorHistogramSection, YieldSection } from "../report/types.ts";
import type { ErrorBin, VerifyResult } from "./run.ts";
import { yieldText } from "../tolerance/statistics.ts";

const pct = (x: number, d = 2) => `${(100 * x).toFixed(d)}%`;
const int = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export function describeNonIdealities(o: Partial<Technology>): string {
  const bits: string[] = [];
  if (o.phaseNoise) bits.push(`phase noise ${o.phaseNoise} rad`);
  if (o.mziLossDb) bits.push(`loss ${o.mziLossDb} dB/MZI`);
  if (o.lossSpreadDb) bits.push(`loss spread σ ${o.lossSpreadDb} dB per arm`);
  if (o.splitterImbalance) bits.push(`imbalance ±${o.splitterImbalance}`);
  if (o.dacBits) bits.push(`${o.dacBits}-bit phase DAC`);
  if (o.detectorNoise) bits.push(`detector noise ${o.detectorNoise} step`);
  return bits.length ? bits.join(", ") : "ideal components";
}

function errorSummary(h: ErrorBin[], total: number): string {
  const wrong = h.filter((b) => b.steps !== 0);
  if (!wrong.length) return "no errors";
  const n = wrong.reduce((a, b) => a + b.count, 0);
  const ones = wrong.filter((b) => Math.abs(b.steps) === 1).reduce((a, b) => a + b.count, 0);
  // Small errors bin by bin; large ones summed so the line stays short.
  const small = wrong.filter((b) => Math.abs(b.steps) <= 4);
  const large = wrong.filter((b) => Math.abs(b.steps) > 4).reduce((a, b) => a + b.count, 0);
  const bins = [...small.map((b) => `${b.steps > 0 ? "+" : ""}${b.steps}:${int(b.count)}`), ...(large ? [`|e|≥5:${int(large)}`] : [])].join(
    " ",
  );
  return `${int(n)}/${int(total)} wrong, ±1 step ${pct(ones / n, 1)} of errors [${bins}]`;
}

/** The text report: by default the verdict and what it rests on; `verbose`: the spec, case set and histograms too. */
export function formatVerify(r: VerifyResult, sources: { netlist: string; report: string | null }, verbose = false): string {
  if (!verbose) return verifyBrief(r, sources.netlist);
  const lines: string[] = [];
  lines.push(
    `verify ${sources.netlist}: ${r.source.workers} inputs × ${r.source.digits} PAM-${r.source.levels} digits (${r.precision} bit), rounding ${r.rounding}`,
  );
  lines.push(`  spec: ${sources.report ?? "no report.json (defaults)"}`);
  lines.push(`  cases: ${int(r.caseSet.cases)} — ${r.caseSet.description}`);
  if (r.measured) {
    const m = r.measured;
    const how = `${m.dacBits ? `${m.dacBits}-bit phase DAC` : "continuous phases"}, receiver ${m.receiver === "fitted" ? "fitted (gain + offset per output)" : "on the detector's thresholds"}${m.detectorNoise ? `, detector noise ${m.detectorNoise} step` : ""}`;
    lines.push(
      `  measured die "${m.die}" (${how}): exact ${pct(r.nominal.exactFraction)} (${int(r.nominal.exact)}/${int(r.nominal.cases)}), ${errorSummary(r.nominal.histogram, r.nominal.cases)}`,
    );
  } else
    lines.push(
      `  ideal components: exact ${pct(r.nominal.exactFraction)} (${int(r.nominal.exact)}/${int(r.nominal.cases)}), ${errorSummary(r.nominal.histogram, r.nominal.cases)}`,
    );
  if (r.measured) {
    // One die, no Monte-Carlo.
  } else if (r.trials) {
    const t = r.trials;
    lines.push(
      `  ${t.count} Monte-Carlo trials (seed ${t.seed}): ${describeNonIdealities(t.nonIdealities)}; receiver ${t.calibrated ? "calibrated (gain + offset per output)" : "uncalibrated"}`,
    );
    lines.push(
      `    yield ${pct(t.yield, 1)}, ${yieldText(t.passing, t.count, `trials at exact ≥ ${pct(r.thresholds.minExact)}`)}, worst trial ${pct(t.worstExact, 3)}, max |error| ${t.maxAbsError} step${t.maxAbsError === 1 ? "" : "s"}`,
    );
    lines.push(`    all trials: ${errorSummary(t.histogram, t.count * r.caseSet.cases)}`);
  } else {
    lines.push(`  Monte-Carlo: skipped (no non-idealities set; use --phase-noise, --loss-db, --imbalance, --dac-bits or --detector-noise)`);
  }
  if (r.pass) {
    const y = r.trials ? `, yield ${pct(r.trials.yield, 1)} ≥ ${pct(r.thresholds.minYield, 1)}` : "";
    lines.push(`PASS: exact ${pct(r.nominal.exactFraction)} ≥ ${pct(r.thresholds.minExact)}${y}`);
  } else {
    for (const f of r.failures) lines.push(`FAIL: ${f}`);
  }
  return lines.join("\n") + "\n";
}

function verifyBrief(r: VerifyResult, netlist: string): string {
  const n = r.nominal;
  const lines = [
    `verify ${netlist}: ${r.source.workers} inputs × ${r.source.digits} PAM-${r.source.levels} digits (${r.precision} bit), rounding ${r.rounding}`,
    `  ${r.measured ? `measured die "${r.measured.die}"` : "ideal components"}: exact ${pct(n.exactFraction)} (${int(n.exact)}/${int(n.cases)})`,
  ];
  if (r.trials) {
    const t = r.trials;
    lines.push(`  ${t.count} Monte-Carlo trials (seed ${t.seed}): yield ${pct(t.yield, 1)}, worst trial ${pct(t.worstExact, 3)}`);
  } else if (!r.measured) lines.push("  Monte-Carlo: skipped (no non-idealities set)");
  if (r.pass)
    lines.push(
      `PASS: exact ${pct(n.exactFraction)} ≥ ${pct(r.thresholds.minExact)}${r.trials ? `, yield ${pct(r.trials.yield, 1)} ≥ ${pct(r.thresholds.minYield, 1)}` : ""}`,
    );
  else for (const f of r.failures) lines.push(`FAIL: ${f}`);
  return lines.join("\n") + "\n";
}

/** The --json document: one entry per verified circuit (one per cascade unit). */
export function verifyJsonAll(runs: Array<{ result: VerifyResult; sources: { netlist: string; report: string | null } }>): unknown {
  return {
    format: "optinc.verify/1",
    pass: runs.every((r) => r.result.pass),
    circuits: runs.map(({ result, sources }) => ({ netlist: sources.netlist, report: sources.report, ...result })),
  };
}

/** The report's functional-verification sections. */
export function verifyReportSections(r: VerifyResult): { errorHistogram: ErrorHistogramSection; yield?: YieldSection } {
  if (!r.trials) return { errorHistogram: { bins: r.nominal.histogram, condition: "ideal components" } };
  return {
    errorHistogram: { bins: r.trials.histogram, condition: `all ${r.trials.count} Monte-Carlo trials` },
    yield: {
      trials: r.trials.count,
      exactPerTrial: r.trials.exactPerTrial,
      minExact: r.thresholds.minExact,
      condition: describeNonIdealities(r.trials.nonIdealities),
    },
  };
}
