// What the structure search knows of a candidate before trying it: its cost on its built cell
// circuits and its light at the preset's lasers. A pure function of the spec and the structure, so
// a pool thread prices a candidate exactly as the calling thread does (pipeline/pools/candidate-pool.ts).
import type { Spec } from "../../dsl/spec.ts";
import { conversionCost } from "../../aggregate/narrow-base.ts";
import { closedFormStructure, type BuiltStructure } from "./closed-form.ts";
import { structureCost } from "./structure-cost.ts";
import { structureLight } from "./light.ts";
import type { Structure, StructureCost, StructureRow } from "../types.ts";

/** The spec that builds a structure under the explicit closed-form route. */
export function specFor(spec: Spec, s: Structure): Spec {
  return {
    ...spec,
    route: "closed-form",
    cascade: s.kind === "flat" ? null : { radix: s.radix },
    innerLevels: (s.innerLevels ?? null) as Spec["innerLevels"],
  };
}

/** A candidate's price: plain data, copied from a pool thread. */
export interface CandidatePrice {
  cost: StructureCost;
  light: StructureRow["light"];
}

/** A candidate built and priced; `built` is what the search may keep to try it. */
export function priceCandidate(spec: Spec, structure: Structure): CandidatePrice & { built: BuiltStructure } {
  const s = specFor(spec, structure);
  const built = closedFormStructure(s);
  return {
    built,
    light: structureLight(s, built.steps, (st) => st.built!),
    cost: structureCost(built.steps, conversionCost(s)),
  };
}
