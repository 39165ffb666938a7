// A study's oracle for the crosstalk (LabSetup.knownCouplings; docs/design/calibration.md §8.3, "Which
// couplings the flips break"): the true die's couplings handed to the estimate on the pairs a spec
// selects, from the session's start, so a study asks which couplings a departure breaks.
//
//   --known-couplings <words>, comma-separated, every word narrowing the selection:
//     theta | phi       victims: θ heaters, or φ heaters (default both)
//     same | cross      the aggressor in the victim's part, or in another (default either)
//     ref | carry | rest   φ victims only: the reference entry's φ of a row; a meta pair's carriers
//                       (its own θ, the partner's θ and φ); the φ victims' other aggressors
//     unread            only pairs the session did not read one by one (in any selection: in all)
//     all               no narrowing: every pair
//   Selections joined by "+" are handed over together (phi,same,ref+phi,same,rest).
import type { Circuit } from "../netlist/ir.ts";
import type { FabDie } from "../netlist/die/heaters.ts";
import type { KnownCouplings } from "../compiler/calibrate/lab/rounds.ts";
import { cellStructure, heaterPart, metaPairs } from "../compiler/calibrate/lab/structure.ts";

const WORDS = new Set(["theta", "phi", "same", "cross", "ref", "carry", "rest", "unread", "all"]);

export function knownCouplings(spec: string, circuit: Circuit, die: FabDie): KnownCouplings {
  const parts = spec.split("+").map((one) => selection(one, circuit, die));
  return {
    pairs: die.crosstalk,
    unreadOnly: parts.some((x) => x.unread),
    onto: (v, a) => parts.some((x) => x.onto(v, a)),
  };
}

function selection(spec: string, circuit: Circuit, die: FabDie): { unread: boolean; onto(v: number, a: number): boolean } {
  const words = new Set(spec.split(",").filter(Boolean));
  for (const w of words) if (!WORDS.has(w)) throw new Error(`--known-couplings: "${w}" is not one of ${[...WORDS].join(", ")}`);
  const struct = cellStructure(circuit);
  const hs = struct.heaters;
  if (hs.map((h) => h.path).join() !== die.heaters.map((h) => h.path).join())
    throw new Error("--known-couplings: the die's heaters are not the design's, in order");
  const thetas = new Set(struct.entries.map((e) => e.theta));
  const refPhi = new Set<number>();
  const carry = new Map<number, Set<number>>();
  for (const stage of struct.stages)
    for (const row of stage.rows) {
      refPhi.add(struct.entries[row.ref]!.phi);
      for (const [e, partner] of metaPairs(row)) {
        if (e === row.ref) continue;
        const en = struct.entries[e]!;
        const pn = struct.entries[partner]!;
        carry.set(en.phi, new Set([en.theta, pn.theta, pn.phi]));
      }
    }
  const role = (v: number, a: number): string => (refPhi.has(v) ? "ref" : carry.get(v)?.has(a) ? "carry" : "rest");
  return {
    unread: words.has("unread"),
    onto(v, a) {
      const theta = thetas.has(v);
      if (words.has("theta") && !theta) return false;
      if (words.has("phi") && theta) return false;
      const same = heaterPart(hs[v]!) === heaterPart(hs[a]!);
      if ((words.has("same") && !same) || (words.has("cross") && same)) return false;
      for (const r of ["ref", "carry", "rest"]) if (words.has(r) && (theta || role(v, a) !== r)) return false;
      return true;
    },
  };
}
