// The lines `optinc compile` prints next to exact match: each non-ideality's tolerance at the target
// yield (Monte-Carlo, with the confidence the dies give: statistics.ts), how far the technology in
// effect can be scaled, and what the worst-case certified scale is and why it is small.
import type { AxisReport, ToleranceResult } from "./analyze.ts";
import { AXES } from "./axes.ts";
import { level } from "./level.ts";
import { tolerancePhrase, toleranceConfidence } from "./statistics.ts";

const SHORT: Record<string, string> = {
  couplerImbalance: "couplers ±",
  phaseError: "phase σ ",
  mziLoss: "loss ",
  dacBits: "DAC ",
  detectorNoise: "detector σ ",
};

/** The level the confidence refers to: the rank-r critical level (rank 1 below 299 dies at 99 %). */
function stated(a: AxisReport): string {
  if (a.axis === "dacBits") return a.bits === null || a.bits === undefined ? "> 24 bits" : `${a.bits} bits`;
  const m = a.monteCarlo!;
  const x = m.deterministic ? m.tolerance : m.lowerBound.value;
  // Exact up to the end of the model's range (loss-tracking cells at 10 dB per MZI): a floor, not a
  // failure point.
  const max = a.axis in AXES ? AXES[a.axis as keyof typeof AXES].max : Infinity;
  const atEnd = x >= max ? "≥ " : "";
  return a.unit ? `${atEnd}${level(x)} ${a.unit}` : `${atEnd}${level(x)}`;
}

/** Words for the technology axis's certified scale: what it is, and why it is small when it is. */
export function certifiedTechnologyText(r: ToleranceResult): string | null {
  const tech = r.axes.find((a) => a.axis === "technology");
  if (!tech?.certified) return null;
  const s = tech.certified.level;
  // The search starts at 1e-6×: below it nothing was proven.
  const what =
    s > 1e-6
      ? `worst-case certified: ${level(s)}× ${r.technology.name} (every die with all errors at the edges of that box at once is proven exact`
      : `worst-case certified: none (no scale of ${r.technology.name} is proven exact for every die with all errors at their box edges at once`;
  const phase = r.axes.find((a) => a.axis === "phaseError")?.certified?.level;
  const dac = r.technology.dacBits ? Math.PI / 2 ** r.technology.dacBits : 0;
  if (dac > 0 && phase !== undefined && dac >= phase) {
    return `  ${what}); it is this small because the ${r.technology.dacBits}-bit DAC's rounding alone, ±${level(dac * 1e3)} mrad on each of ${r.phaseShifters} shifters at any scale, exceeds the certified phase box of ±${level(phase * 1e3)} mrad; the Monte-Carlo figures above are the yield figures`;
  }
  return `  ${what}; a bound, far below what random dies tolerate, since random errors do not all align)`;
}

export function toleranceSummaryLines(r: ToleranceResult): string[] {
  if (!r.exact) return ["  tolerance: 0 on every axis (not exact with ideal components)"];
  const shown = r.axes.filter((a) => a.axis in SHORT && (a.monteCarlo || a.axis === "dacBits"));
  const parts = shown.map((a) => `${SHORT[a.axis]}${stated(a)}`);
  const random = r.axes.find((a) => a.monteCarlo && !a.monteCarlo.deterministic);
  const conf = random
    ? tolerancePhrase(toleranceConfidence(random.monteCarlo!.lowerBound, random.monteCarlo!.trials, r.yieldTarget), r.yieldTarget)
    : `at ${Math.round(100 * r.yieldTarget)}% yield (${r.trials} dies)`;
  const tech = r.axes.find((a) => a.axis === "technology");
  const scaled = tech?.monteCarlo ? `; ${level(tech.monteCarlo.lowerBound.value)}× ${r.technology.name}` : "";
  const cert = certifiedTechnologyText(r);
  return [`  tolerance ${conf}, receiver ${r.calibrated ? "calibrated" : "raw"}: ${parts.join(", ")}${scaled}`, ...(cert ? [cert] : [])];
}
