// The structure of a bundled example without training: its units (flat, cascade levels, digit
// slices) as compile's plan pass lays them out, and their hardware from the architecture alone.
// MZI counts do not depend on the trained weights, so docs can quote them and tests pin them.
import { readFileSync } from "node:fs";
import { planCascade, type CascadePlan } from "../../aggregate/cascade.ts";
import { slicePlanFor, type SlicePlan } from "../../aggregate/slices.ts";
import { flatUnit, reducedSpaceSize, type UnitFunction } from "../../aggregate/unit.ts";
import { chooseArchitecture } from "../../compiler/onn/architecture.ts";
import { layerCost } from "../../compiler/onn/hardware.ts";
import type { Spec } from "../../dsl/spec.ts";
import { loadSpec } from "../../dsl/load.ts";

export interface PlannedStage {
  fn: UnitFunction;
  /** Units of this step (cascade level width). */
  count: number;
  slices: SlicePlan | null;
}

export interface Design {
  spec: Spec;
  cascade: CascadePlan | null;
  stages: PlannedStage[];
  /** Every trained circuit: a stage's single unit or each of its slices, with its count. */
  units: { fn: UnitFunction; count: number; cases: number }[];
  mzi: number;
  mziUnapproximated: number;
  /** Fixed fan-out / fan-in / crossing couplers of the Σ·U layers. */
  segmentCouplers: number;
}

export function exampleSpec(name: string): Spec {
  const file = `examples/${name}.optinc`;
  const r = loadSpec(file, readFileSync(file, "utf8"));
  if (!r.checked) throw new Error(`${file} does not load`);
  return r.checked.spec;
}

export function design(spec: Spec): Design {
  const radix = spec.cascade?.radix;
  const cascade =
    radix !== undefined && spec.workers > radix ? planCascade(spec.workers, radix, spec.precision, spec.levels, spec.rounding) : null;
  const steps = cascade
    ? cascade.levels.map((l) => ({ fn: l.fn, count: l.units }))
    : [{ fn: flatUnit(spec.workers, spec.precision, spec.levels, spec.rounding), count: 1 }];
  const stages = steps.map((st) => ({
    ...st,
    slices: spec.network.slices === "none" ? null : slicePlanFor(st.fn, spec.network.slices === "auto" ? undefined : 0),
  }));
  const units = stages.flatMap((st) =>
    (st.slices ? st.slices.slices.map((s) => s.fn) : [st.fn]).map((fn) => ({ fn, count: st.count, cases: reducedSpaceSize(fn) })),
  );
  let mzi = 0;
  let mziUnapproximated = 0;
  let segmentCouplers = 0;
  for (const u of units) {
    const a = chooseArchitecture(spec, u.fn);
    a.segments.forEach((s, i) => {
      const c = layerCost(i + 1, a.dims[i + 1]!, a.dims[i]! + 1, s === null ? { kind: "svd" } : { kind: "sigma-u", s });
      mzi += u.count * c.mzi;
      mziUnapproximated += u.count * c.mziSvd;
      segmentCouplers += u.count * c.couplers;
    });
  }
  return { spec, cascade, stages, units, mzi, mziUnapproximated, segmentCouplers };
}

/** 1234567 → "1,234,567" (the docs' thousands separator). */
export function commas(n: number): string {
  return n.toLocaleString("en-US");
}
