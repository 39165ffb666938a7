// Certified tolerance: the largest error box in which every case of every unit is provably exact
// (walk.ts bounds, decide.ts decisions), found by the same bracketing search as the Monte-Carlo
// (certification is monotone in the box, so the search is exact up to its rtol). Random models are
// covered by a box with a stated probability:
//   - phase error σ: every one of the N shifters of the chip lies within z·σ with probability
//     ≥ 1 − β when 2N·Q(z) ≤ β (union bound), so a certified box δ proves yield ≥ 1 − β at σ = δ/z;
//   - detector noise σ_d: a decision whose room exceeds the static bound by z_d·σ_d fails with
//     probability ≤ 2Q(z_d); over D decisions, ≤ β when 2D·Q(z_d) ≤ β.
// Coupler imbalance (±ε with a random sign) and loss per MZI are inside their boxes with
// certainty. DAC rounding adds π/2^bits to the phase box.
import type { ReceiverMode } from "../../circuit/receiver.ts";
import type { Technology } from "../../../dsl/technology.ts";
import type { Design } from "../design.ts";
import { criticalLevel, type Bracket } from "../search.ts";
import { normalTailInverse } from "../../../math/normal.ts";
import { decideUnit } from "./decide.ts";
import { firstOrderBounds, firstOrderCache, firstOrderPlan, type FirstOrderCache, type FirstOrderPlan } from "./first-order.ts";
import type { ErrorBox } from "./leaf-bounds.ts";
import { applyRatio, CertifyUnsupported, stageBounds, walk, walkPlan, type WalkPlan, type WalkResult } from "./walk.ts";

const CHUNK = 2048;
const NONE = new Float64Array(0);

/** Leaves × readout modes × cases above which the first-order pass is skipped (interval bound only). */
export const FIRST_ORDER_BUDGET = 2e8;
/** Floats of first-order records kept across the levels of a search, over all units (8 bytes each). */
export const RECORD_BUDGET = 6e7;
/** Floats of ideal fields kept across the levels of a search (wires × cases × 2, over all units). */
export const WALK_BUDGET = 4e7;

export interface CertifyContext {
  design: Design;
  plans: WalkPlan[];
  /** Per unit: the first-order pass, when the unit is small enough for it. */
  firstOrder: (FirstOrderPlan | null)[];
  /** Per unit with a first-order pass: its records, reused by every box (first-order.ts). */
  records: (FirstOrderCache | null)[];
  /** Per unit and chunk of cases: the first walk, whose ideal fields every later box reuses (null: not kept). */
  walks: (WalkResult[] | null)[];
  /** The receiver the bounds are for (decide.ts). */
  receiver: ReceiverMode;
  /** Phase shifters and decisions on the whole chip (every copy of every unit). */
  phaseShifters: number;
  decisions: number;
  /** Multiply-adds of one bound pass over every case (interval pass, plus first-order where used). */
  cost: number;
}

export function certifyContext(design: Design, receiver: ReceiverMode): CertifyContext {
  const plans = design.units.map((u) => walkPlan(u.circuit, u.programs));
  let phaseShifters = 0;
  let decisions = 0;
  for (const u of design.units) {
    const shifters = u.programs.programs.reduce((a, p) => a + (p ? p.ops.filter((o) => o.kind === "phase").length : 0), 0);
    phaseShifters += u.instances * shifters;
    decisions += u.instances * u.set.cases * u.width;
  }
  const firstOrder = plans.map((p, i) => {
    const fo = firstOrderPlan(p);
    return fo.cost * design.units[i]!.set.cases <= FIRST_ORDER_BUDGET ? fo : null;
  });
  const total = design.units.reduce((a, u) => a + u.set.cases, 0);
  const records = firstOrder.map((fo, i) => (fo ? firstOrderCache((RECORD_BUDGET * design.units[i]!.set.cases) / total) : null));
  let kept = 0;
  const walks = plans.map((p, i) => {
    const floats = 2 * p.wires * design.units[i]!.set.cases;
    if (kept + floats > WALK_BUDGET) return null;
    kept += floats;
    return [];
  });
  let cost = 0;
  plans.forEach((p, i) => {
    const cases = design.units[i]!.set.cases;
    for (const s of p.steps) if (s.kind === "linear") cost += 3 * cases * s.m.rows * s.m.cols;
    const fo = firstOrder[i];
    if (fo) cost += fo.cost * cases;
  });
  return { design, plans, firstOrder, records, walks, receiver, phaseShifters, decisions, cost };
}

/** The chip is certified in `box` with `reserve` steps kept free for detector noise: min over units of decide.ts's ratio. */
export function certifiedRatio(cx: CertifyContext, box: ErrorBox, reserve: number): number {
  let ratio = Infinity;
  cx.design.units.forEach((u, ui) => {
    if (ratio === 0) return;
    if (!u.exact) {
      ratio = 0;
      return;
    }
    const plan = cx.plans[ui]!;
    const g = stageBounds(plan, box);
    const n = u.set.cases;
    const inWidth = u.format.workers * u.format.digits;
    const re = new Float64Array(n * u.width);
    const err = new Float64Array(n * u.width);
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      const walks = cx.walks[ui];
      const k = start / CHUNK;
      const r = walk(plan, g, Float64Array.from(u.set.digits.subarray(start * inWidth, (start + m) * inWidth)), m, walks?.[k]);
      // Only the ideal fields are reused (the bounds of this box are not).
      if (walks)
        walks[k] ??= {
          re: r.re,
          err: NONE,
          width: r.width,
          wires: r.wires.map((x) => x && { re: x.re, im: x.im, err: NONE }),
          cross: new Map(),
        };
      const fo = cx.firstOrder[ui];
      if (fo) {
        // Both bounds hold; keep the smaller per decision.
        const store = cx.records[ui];
        const tight = firstOrderBounds(fo, box, r, m, store ? { store, start } : undefined);
        for (let i = 0; i < tight.length; i++) if (tight[i]! < r.err[i]!) r.err[i] = tight[i]!;
      }
      // A ratiometric detector: the decoded readouts from the raw ones and the reference row.
      const d = applyRatio(plan, r.re, r.err, m);
      re.set(d.re, start * u.width);
      err.set(d.err, start * u.width);
    }
    ratio = Math.min(ratio, decideUnit(u, re, err, cx.receiver, reserve).ratio);
  });
  return ratio;
}

/** z with 2·count·Q(z) = budget: every one of `count` two-sided Gaussians stays within z·σ with probability ≥ 1 − budget. */
export function coverageZ(count: number, budget: number): number {
  return normalTailInverse(budget / (2 * Math.max(1, count)));
}

export interface CertifySearch {
  rtol: number;
  maxEvaluations: number;
}

/** The largest certified level of a one-parameter family of boxes (and a detector reserve). */
export function certifiedLevel(
  cx: CertifyContext,
  family: (level: number) => { box: ErrorBox; reserve: number },
  range: { min: number; max: number; start: number },
  o: CertifySearch,
): Bracket {
  let last: { level: number; ratio: number } | null = null;
  return criticalLevel(
    (level) => {
      const f = family(level);
      const ratio = certifiedRatio(cx, f.box, f.reserve);
      // The ratio falls like a power of the level (first order ∝ level, remainders faster):
      // a secant in log-log space through the last two levels predicts where it crosses 1.
      let predicted = level * ratio;
      if (last && ratio > 0 && last.ratio > 0 && last.level !== level) {
        const b = Math.log(ratio / last.ratio) / Math.log(level / last.level);
        if (b < 0) predicted = level * Math.exp(-Math.log(ratio) / b);
      }
      last = { level, ratio };
      return { exact: ratio > 1, predicted };
    },
    { ...range, rtol: o.rtol, maxEvaluations: o.maxEvaluations },
  );
}

const ZERO: ErrorBox = { coupler: 0, phase: 0, loss: 0 };

/** Families of the single axes and of a technology scaled by s (yield budget β split over its random parts). */
export function axisFamily(axis: "couplerImbalance" | "phaseError" | "mziLoss"): (level: number) => { box: ErrorBox; reserve: number } {
  if (axis === "couplerImbalance") return (s) => ({ box: { ...ZERO, coupler: s }, reserve: 0 });
  if (axis === "phaseError") return (s) => ({ box: { ...ZERO, phase: s }, reserve: 0 });
  return (s) => ({ box: { ...ZERO, loss: s }, reserve: 0 });
}

export function technologyFamily(
  cx: CertifyContext,
  t: Technology,
  budget: number,
  fixedLoss = false,
): { family: (s: number) => { box: ErrorBox; reserve: number }; zPhase: number | null; zDetector: number | null } {
  const spread = fixedLoss ? (t.lossSpreadDb ?? 0) : 0;
  const parts = (t.phaseNoise > 0 ? 1 : 0) + (t.detectorNoise > 0 ? 1 : 0) + (spread > 0 ? 1 : 0);
  const zPhase = t.phaseNoise > 0 ? coverageZ(cx.phaseShifters, budget / parts) : null;
  const zDetector = t.detectorNoise > 0 ? coverageZ(cx.decisions, budget / parts) : null;
  const zLoss = spread > 0 ? coverageZ(cx.phaseShifters, budget / parts) : 0;
  const dac = t.dacBits ? Math.PI / 2 ** t.dacBits : 0;
  return {
    family: (s) => ({
      // fixedLoss: the nominal loss is an operating point, not an error (axes.ts technologyAxis):
      // loss-tracking cells decode the same at any loss common to their MZIs, so the box's extra
      // loss is the per-arm spread alone, at the coverage of the arms (one per shifter), scaled like
      // the other random levels.
      box: {
        coupler: s * t.splitterImbalance,
        phase: s * (zPhase ?? 0) * t.phaseNoise + dac,
        loss: fixedLoss ? s * zLoss * spread : s * t.mziLossDb,
      },
      reserve: s * (zDetector ?? 0) * t.detectorNoise,
    }),
    zPhase,
    zDetector,
  };
}

export { CertifyUnsupported };
