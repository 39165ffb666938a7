// The tolerance figures docs/studies/robustness.md quotes for the quick-start chip (examples/paper-4x8.optinc,
// closed-form): what `optinc verify <dir> --tolerance` prints on its emitted files, 20 dies at the
// spec's own `calibrated` block and 299 dies `--technology foundry`. Each figure becomes the phrase
// the page states it in, so a test finds the phrase, or names the one the page lost.
import { relative } from "node:path";
import { technologyPreset } from "../dsl/technology-presets.ts";
import type { CompiledAggregator } from "../pipeline/compile/route.ts";
import { verifyTarget } from "../pipeline/verify/verify.ts";
import type { AxisName } from "../verify/tolerance/axes.ts";
import type { AxisReport, ToleranceResult } from "../verify/tolerance/analyze.ts";
import { level } from "../verify/tolerance/level.ts";
import { percent } from "../verify/tolerance/statistics.ts";
import { withEmittedFiles } from "./fab-table-core.ts";

/** `optinc verify <dir> --tolerance --trials <n> [--technology <preset>]` on the compile's files (seed 1, fitted receiver). */
export function measureTolerance(c: CompiledAggregator, trials: number, preset?: string, axes?: AxisName[]): ToleranceResult {
  return withEmittedFiles(c, (dir, circuits) => {
    const run = verifyTarget({
      circuits,
      target: dir,
      shown: (p) => relative(dir, p) || p,
      trials,
      minExact: 1,
      minYield: 0.9,
      maxCases: 50_000,
      receiver: "fitted",
      tolerance: true,
      ...(preset ? { technology: technologyPreset(preset)! } : {}),
      ...(axes ? { toleranceAxes: axes } : {}),
    });
    const t = (run.json as { tolerance?: ToleranceResult }).tolerance;
    if (!t) throw new Error("verify --tolerance gave no tolerance section");
    return t;
  });
}

const axis = (r: ToleranceResult, a: AxisName): AxisReport | undefined => r.axes.find((x) => x.axis === a);
const mrad = (rad: number): string => level(rad * 1000);
/** 6.84e-4 → "6.84·10⁻⁴", as the page writes small numbers. */
export function sci(x: number): string {
  const [m, e] = x.toExponential(2).split("e");
  const sup = (e ?? "").replace(/[-+\d]/g, (ch) => ({ "-": "⁻", "+": "" })[ch] ?? "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(ch)]!);
  return `${m}·10${sup}`;
}

/** The phrases of the 20-die run at the spec's block (whitespace as one space). Axes not measured give none. */
export function calibratedClaims(r: ToleranceResult): string[] {
  const out: string[] = [];
  const c = axis(r, "couplerImbalance");
  const p = axis(r, "phaseError");
  const l = axis(r, "mziLoss");
  const t = axis(r, "technology");
  if (c) out.push(`\`optinc verify <dir> --tolerance --trials ${r.trials}\`: coupler ${level(c.monteCarlo!.tolerance)},`);
  if (p) out.push(`phase σ ${level(p.monteCarlo!.tolerance)} rad,`);
  if (l) out.push(`insertion loss ${level(l.monteCarlo!.tolerance)} dB per MZI`);
  if (t)
    out.push(
      `it tolerates ${level(t.monteCarlo!.tolerance)}× \`calibrated\` at 99 % yield (${percent(t.monteCarlo!.lowerBound.confidence).replace("%", " %")} confidence from ${r.trials} dies;`,
    );
  if (p?.certified) {
    out.push(`the 10-bit DAC's rounding alone (±3.07 mrad) exceeds the certified phase box of ±${mrad(p.certified.level)} mrad`);
    out.push(`shifters at any scale, above the certified phase box of ±${mrad(p.certified.level)} mrad`);
    out.push(
      `the certified phase box (±${mrad(p.certified.level)} mrad) is within ${(p.monteCarlo!.tolerance / p.certified.level).toFixed(1)}× of the σ at 99 % yield`,
    );
  }
  if (c?.certified)
    out.push(
      `it is ${(c.monteCarlo!.tolerance / c.certified.level).toFixed(1)}× for couplers (${sci(c.certified.level)} against ${level(c.monteCarlo!.tolerance)})`,
    );
  return out;
}

/** The phrases of the 299-die run at `foundry`. */
export function foundryClaims(r: ToleranceResult): string[] {
  const out: string[] = [];
  const t = axis(r, "technology");
  const c = axis(r, "couplerImbalance");
  const p = axis(r, "phaseError");
  if (t) {
    const lb = t.monteCarlo!.lowerBound;
    out.push(
      `(\`--technology foundry --trials ${r.trials}\`) it tolerates ${level(t.monteCarlo!.tolerance)}× (≥ ${level(lb.value)}× at ${Math.floor(100 * lb.confidence)} % confidence)`,
    );
  }
  if (c && p) {
    const [cl, pl] = [c.monteCarlo!.lowerBound.value, p.monteCarlo!.lowerBound.value];
    out.push(
      `foundry's ±2 % couplers and 10 mrad phases are ${(c.technologyLevel! / cl).toFixed(1)}× and ${(p.technologyLevel! / pl).toFixed(1)}× beyond its coupler and phase tolerances at ${r.trials} dies (${level(cl)} and ${level(pl)} rad)`,
    );
  }
  return out;
}

/** The phrases `text` lacks (whitespace runs count as one space). */
export function missingClaims(text: string, claims: string[]): string[] {
  const flat = text.replace(/\s+/g, " ");
  return claims.filter((c) => !flat.includes(c));
}
