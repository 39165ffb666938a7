// The report's tolerance section (verify/report ToleranceSection) from an analysis result.
import type { ToleranceSection } from "../report/types.ts";
import type { ToleranceResult } from "./analyze.ts";
import { boundCell, certCell, level, mcCell, meets, techCell } from "./format.ts";
import { yieldCurve } from "./quantile.ts";
import { certifiedTechnologyText } from "./summary-line.ts";
import { tolerancePhrase, toleranceConfidence } from "./statistics.ts";

export function toleranceSection(r: ToleranceResult): ToleranceSection {
  const series: ToleranceSection["series"] = [];
  for (const a of r.axes) {
    // Only continuous axes with a level in the technology can be drawn against it.
    const ref = a.technologyLevel;
    if (!a.monteCarlo || !ref || a.axis === "dacBits") continue;
    const certified = a.certified
      ? a.axis === "phaseError" || a.axis === "detectorNoise"
        ? a.certified.sigma99
        : a.certified.level
      : undefined;
    series.push({
      label: a.label,
      points: yieldCurve(a.monteCarlo.critical).map((p) => ({ x: p.level / ref, yield: p.yield })),
      ...(certified ? { certified: certified / ref } : {}),
    });
  }
  const tech = r.axes.find((a) => a.axis === "technology");
  const trials = `${r.trials} Monte-Carlo dies per random axis (seed ${r.seed}), receiver ${r.calibrated ? "calibrated" : "uncalibrated"}`;
  const cert = certifiedTechnologyText(r);
  const summary = tech?.monteCarlo
    ? ` The design tolerates ${level(tech.monteCarlo.lowerBound.value)}× ${r.technology.name} ${tolerancePhrase(toleranceConfidence(tech.monteCarlo.lowerBound, tech.monteCarlo.trials, r.yieldTarget), r.yieldTarget)}.${cert ? ` ${cert.trim().replace(/^w/, "W")}.` : ""}`
    : "";
  return {
    technology: r.technology.name,
    series,
    rows: r.axes.map((a) => ({
      nonIdeality: a.label,
      tolerance: mcCell(a),
      lowerBound: boundCell(a),
      certified: certCell(a),
      technology: techCell(a),
      meets: meets(a),
    })),
    caption: `Yield (share of ${trials}) against each error level divided by the ${r.technology.name} level; each die's critical level is bracketed to ±${Math.round(100 * r.rtol)}%. Diamonds: certified levels (phase and detector as the σ covered at ${Math.round(100 * r.yieldTarget)}%).${summary}${r.exact ? "" : " Some unit is not exact with ideal components: every tolerance is 0."}`,
  };
}
