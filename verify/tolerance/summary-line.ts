// The one line `optinc compile` prints next to exact match: each non-ideality's tolerance at 99 %
// yield (Monte-Carlo), and how far the technology in effect can be scaled.
import type { ToleranceResult } from "./analyze.ts";
import { level, mcCell } from "./format.ts";

const SHORT: Record<string, string> = {
  couplerImbalance: "couplers ±",
  phaseError: "phase σ ",
  mziLoss: "loss ",
  dacBits: "DAC ",
  detectorNoise: "detector σ ",
};

export function toleranceSummaryLines(r: ToleranceResult): string[] {
  if (!r.exact) return ["  tolerance: 0 on every axis (not exact with ideal components)"];
  const parts = r.axes
    .filter((a) => a.axis in SHORT && (a.monteCarlo || a.axis === "dacBits"))
    .map((a) => `${SHORT[a.axis]}${mcCell(a).replace(/ \((deterministic|exact: [^)]*)\)$/, "")}`);
  const tech = r.axes.find((a) => a.axis === "technology");
  const scaled = tech?.monteCarlo ? `; ${level(tech.monteCarlo.tolerance)}× ${r.technology.name}${tech.certified ? ` (${level(tech.certified.level)}× certified)` : ""}` : "";
  return [`  tolerance at ${Math.round(100 * r.yieldTarget)}% yield (${r.trials} dies, receiver ${r.calibrated ? "calibrated" : "raw"}): ${parts.join(", ")}${scaled}`];
}
