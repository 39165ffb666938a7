// The tolerance table printed by `optinc verify --tolerance`.
import type { AxisReport, ToleranceResult } from "./analyze.ts";
import { level } from "./level.ts";
import { certifiedTechnologyText } from "./summary-line.ts";

export { level };
import { tolerancePhrase, toleranceConfidence } from "./statistics.ts";

const pct = (x: number, d = 0) => `${(100 * x).toFixed(d)}%`;
const int = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function withUnit(x: number, unit: string): string {
  return unit === "×" ? `${level(x)}×` : unit ? `${level(x)} ${unit}` : level(x);
}

export function mcCell(a: AxisReport): string {
  if (a.axis === "dacBits") return a.bits === null || a.bits === undefined ? "> 24 bits" : `${a.bits} bits (deterministic)`;
  const m = a.monteCarlo;
  if (!m) return "—";
  const t = withUnit(m.tolerance, a.unit);
  if (m.deterministic) return `${t} (deterministic)`;
  if (a.axis === "detectorNoise") return `${t} (exact: ${withUnit(a.analytic ?? 0, a.unit)})`;
  return t;
}

export function boundCell(a: AxisReport): string {
  const m = a.monteCarlo;
  if (!m || m.deterministic || a.axis === "dacBits") return "";
  return `≥ ${withUnit(m.lowerBound.value, a.unit)} at ${pct(m.lowerBound.confidence, 1)}`;
}

export function certCell(a: AxisReport): string {
  const c = a.certified;
  if (!c) return "—";
  if (a.axis === "dacBits") return c.bits === null || c.bits === undefined ? "none ≤ 52 bits" : `${c.bits} bits`;
  if (a.axis === "detectorNoise") return `margin ${level(c.marginSteps ?? 0)} step → σ ${level(c.sigma99 ?? 0)} step`;
  if (a.axis === "phaseError") return `box ${withUnit(c.level, a.unit)} → σ ${withUnit(c.sigma99 ?? 0, a.unit)}`;
  return withUnit(c.level, a.unit);
}

export function techCell(a: AxisReport): string {
  if (a.axis === "technology") return "1×";
  if (a.axis === "dacBits") return a.technologyLevel ? `${a.technologyLevel} bits` : "none";
  return a.technologyLevel ? withUnit(a.technologyLevel, a.unit) : "0";
}

/** Does the design meet the technology on this axis at 99 % yield (Monte-Carlo)? */
export function meets(a: AxisReport): boolean | null {
  if (a.axis === "dacBits") return a.technologyLevel ? a.bits !== null && a.bits !== undefined && a.bits <= a.technologyLevel : null;
  if (!a.monteCarlo || !a.technologyLevel) return null;
  return a.monteCarlo.tolerance >= a.technologyLevel;
}

export function formatTolerance(r: ToleranceResult, target: string): string {
  const lines: string[] = [];
  const cases = r.units.reduce((s, u) => s + u.cases * u.instances, 0);
  const copies = r.units.reduce((s, u) => s + u.instances, 0);
  lines.push(
    `tolerance ${target}: ${r.units.length} circuit${r.units.length === 1 ? "" : "s"}, ${copies} cop${copies === 1 ? "y" : "ies"} on the chip, ${int(cases)} cases per chip`,
  );
  lines.push(
    `  ${r.trials} Monte-Carlo trials (seed ${r.seed}), receiver ${r.calibrated ? "calibrated" : "uncalibrated"}; critical levels bracketed to ±${pct(r.rtol, 0)}; yield ${pct(r.yieldTarget)}`,
  );
  const random = r.axes.find((a) => a.monteCarlo && !a.monteCarlo.deterministic);
  if (random) {
    const c = toleranceConfidence(random.monteCarlo!.lowerBound, random.monteCarlo!.trials, r.yieldTarget);
    lines.push(`  a tolerance is the rank-${c.rank} critical level of the dies (order statistic), ${tolerancePhrase(c, r.yieldTarget)}`);
  }
  if (!r.exact) {
    for (const u of r.units.filter((x) => !x.exact)) lines.push(`  ${u.name}: not exact with ideal components: every tolerance is 0`);
  }
  const rows = r.axes.map((a) => {
    const ok = meets(a);
    return [
      a.axis === "technology" ? a.label : a.label,
      mcCell(a),
      boundCell(a),
      certCell(a),
      techCell(a),
      ok === null ? "" : ok ? "meets" : "fails",
    ];
  });
  const head = ["non-ideality", `${pct(r.yieldTarget)}-yield estimate`, "lower bound (confidence)", "certified", r.technology.name, ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) =>
    "  " +
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  lines.push(fmt(head));
  for (const row of rows) lines.push(fmt(row));
  const tech = r.axes.find((a) => a.axis === "technology");
  if (tech?.monteCarlo) {
    const c = toleranceConfidence(tech.monteCarlo.lowerBound, tech.monteCarlo.trials, r.yieldTarget);
    lines.push(
      `  the design tolerates ${level(tech.monteCarlo.lowerBound.value)}× ${r.technology.name} ${tolerancePhrase(c, r.yieldTarget)}`,
    );
    const cert = certifiedTechnologyText(r);
    if (cert) lines.push(cert);
  }
  if (r.certifyNote) lines.push(`  certified: skipped (${r.certifyNote})`);
  else {
    const methods = [...new Set(r.units.map((u) => u.certifyMethod))].join(", ");
    lines.push(
      `  certified: worst case over the error box (${methods} bounds); phase and detector σ at ${pct(r.yieldTarget)} coverage of ${int(r.phaseShifters)} shifters and ${int(r.decisions)} decisions`,
    );
  }
  return lines.join("\n") + "\n";
}
