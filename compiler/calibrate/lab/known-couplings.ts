// A study's oracle for the crosstalk (LabSetup.knownCouplings; docs/design/calibration.md §8.3, "Which
// couplings the flips break"): the couplings it hands over replace the estimate's on the pairs it
// selects. Apart from crosstalk-estimate.ts so the session's start (session-state.ts) can use it.
import type { Crosstalk } from "../../../netlist/die/heaters.ts";
import type { KnownCouplings } from "./rounds.ts";

/** What of a session the known couplings depend on. */
interface KnownState {
  setup: { knownCouplings?: KnownCouplings };
  estimatedDie: { crosstalkFloor?: number; heaters: readonly { radPerMw: number }[] };
  /** The pairs read one by one so far ("victim,aggressor"). */
  pairCoupling: ReadonlyMap<string, number>;
}

/** The list with a study's known couplings in place of the pairs they select (LabSetup.knownCouplings). */
export function withKnown(state: KnownState, list: Crosstalk[]): Crosstalk[] {
  const k = state.setup.knownCouplings;
  if (!k) return list;
  const handed = (v: number, a: number): boolean => k.onto(v, a) && !(k.unreadOnly && state.pairCoupling.has(`${v},${a}`));
  const floor = state.estimatedDie.crosstalkFloor ?? 0;
  const out = list.filter((c) => !handed(c.victim, c.aggressor));
  for (const c of k.pairs)
    if (handed(c.victim, c.aggressor))
      out.push({
        victim: c.victim,
        aggressor: c.aggressor,
        radPerMw: c.radPerMw - floor * state.estimatedDie.heaters[c.aggressor]!.radPerMw,
      });
  return out;
}
