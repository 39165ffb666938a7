// The lasers of a chip and the taps they give (docs/design/power-budget.md §4): the modulator tap a
// target needs at the design LO, the split trees and lasers that give it, the taps a laser of
// another power gives through the same trees, and the largest power and smallest step at a tap.
import type { LightBudget } from "../../dsl/technology.ts";
import { optimumLoMw, tapsPerSource } from "../../netlist/devices/homodyne.ts";
import { afterLossMw, laserElectricalMw } from "../../netlist/devices/receiver.ts";
import { kappas, type CellLight, type Operating } from "./budget.ts";
import { chipRate, chipRateFloor } from "./decisions.ts";

/** The LO every read is designed with: the one that maximizes its Q (netlist/devices/homodyne.ts). */
export const designLoMw = (light: LightBudget): number => optimumLoMw(light);

/** Tap powers searched for a target, mW (1 pW … 10 kW). */
export const TAP_SEARCH_MW = { lo: 1e-9, hi: 1e7 } as const;

/**
 * The least modulator tap (mW) at which the chip's rate per aggregated value meets `target` with
 * the LOs at `loMw`, to a relative 0.1 %; null when even TAP_SEARCH_MW.hi does not. The bisection
 * runs on the rate without kinks first (a lower bound: chipRateFloor), whose tap can only be lower;
 * the full rate then needs checking only from there up, most often once.
 */
export function tapForTarget(
  cells: CellLight[],
  light: LightBudget,
  target: number,
  loMw = designLoMw(light),
  only?: string,
): number | null {
  const op = (x: number): Operating => ({ tapMw: 10 ** x, loMw, ...(only === undefined ? {} : { only }) });
  const full = (x: number): boolean => chipRate(cells, light, op(x)) <= target;
  const floor = (x: number): boolean => chipRateFloor(cells, light, op(x)) <= target;
  let lo = Math.log10(TAP_SEARCH_MW.lo);
  let hi = Math.log10(TAP_SEARCH_MW.hi);
  const top = hi;
  // Where the floor misses, the full rate misses too: that end stays a lower end.
  if (!floor(hi)) return null;
  if (floor(lo) && full(lo)) return 10 ** lo;
  const bisect = (meets: (x: number) => boolean): void => {
    while (hi - lo > 4e-4) {
      const mid = 0.5 * (lo + hi);
      if (meets(mid)) hi = mid;
      else lo = mid;
    }
  };
  bisect(floor);
  if (full(hi)) return 10 ** hi;
  if (!full(top)) return null;
  [lo, hi] = [hi, top];
  bisect(full);
  return 10 ** hi;
}

/** How a chip's light is delivered: split trees of lasers, one family for the modulators' CW, one for the LOs. */
export interface LightPlan {
  /** Modulator taps and LO taps on the chip (every copy). */
  modulators: number;
  los: number;
  /** The design's taps, mW: the target's modulator tap plus the design margin, and the LO. */
  design: Operating;
  /** Taps one laser of the light budget's power feeds (0: not one). */
  modulatorsPerSource: number;
  losPerSource: number;
  sources: number;
  laserMw: number;
  totalMw: number;
  wallPlugMw: number;
}

/** The lasers a chip needs to give every tap its design power from lasers of `light.laser.powerMw`. */
export function lightPlan(cells: CellLight[], light: LightBudget, design: Operating): LightPlan {
  const modulators = cells.reduce((n, c) => n + c.copies * c.modulators, 0);
  const los = cells.reduce((n, c) => n + c.copies * c.los, 0);
  const km = tapsPerSource(light, light.laser.powerMw, design.tapMw);
  const kl = tapsPerSource(light, light.laser.powerMw, design.loMw);
  const sources = km > 0 && kl > 0 ? Math.ceil(modulators / km) + Math.ceil(los / kl) : 0;
  const totalMw = sources * light.laser.powerMw;
  return {
    modulators,
    los,
    design,
    modulatorsPerSource: km,
    losPerSource: kl,
    sources,
    laserMw: light.laser.powerMw,
    totalMw,
    wallPlugMw: laserElectricalMw(light.laser, totalMw),
  };
}

/** The taps every modulator and LO gets when the plan's lasers emit `laserMw` each (its trees as designed). */
export function operatingAt(light: LightBudget, plan: LightPlan, laserMw: number): Operating {
  const leaf = (k: number): number =>
    afterLossMw(laserMw, light.facetLossDb + light.regenerator.splitExcessDb * Math.ceil(Math.log2(Math.max(1, k)))) / Math.max(1, k);
  return { tapMw: leaf(plan.modulatorsPerSource), loMw: leaf(plan.losPerSource) };
}

/** The largest power in one of a cell's waveguides at a tap power, mW (the stages' inputs). */
export function largestStageMw(cell: CellLight, light: LightBudget, tapMw: number): number {
  // (every stage's light comes from the modulators; the LOs go straight to their balanced pairs)
  const kap = kappas(cell, light, tapMw);
  let m = 0;
  for (const s of cell.light.stages) {
    const seg = cell.segmentOf.get(s.instance) ?? 0;
    // An activation's input is the segment before it; everything else is its own segment.
    m = Math.max(m, s.maxField2 * kap[seg]!);
  }
  return m;
}

/** The smallest output level step of a cell at a tap power: mW at the detector, and dB below the tap. */
export function smallestStep(cell: CellLight, light: LightBudget, tapMw: number): { mw: number; db: number; output: string } {
  const det = cell.light.detector;
  const kOut = kappas(cell, light, tapMw)[cell.outputSegment]!;
  let s = 0;
  for (let c = 0; c < cell.cases; c++) s += cell.scale[c]!;
  s /= cell.cases;
  let best = { mw: Number.POSITIVE_INFINITY, db: 0, output: cell.outputs[0]! };
  det.step.forEach((step, k) => {
    const mw = kOut * (step * s) ** 2;
    if (mw < best.mw) best = { mw, db: 10 * Math.log10(mw / tapMw), output: cell.outputs[k]! };
  });
  return best;
}
