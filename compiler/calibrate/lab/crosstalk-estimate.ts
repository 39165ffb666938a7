// The estimated die's heater-to-heater couplings, rebuilt after every change to the crosstalk law
// or to a pair measured one by one (absorb.ts): each victim under the law its own stage was fitted
// under, the measured pairs in place of the law's, each beyond the chip-wide floor (the floor probe, absorb.ts).
import { type Crosstalk, type CrosstalkLaw, crosstalkOf } from "../../../netlist/die/heaters.ts";
import { withKnown } from "./known-couplings.ts";
import type { SessionState } from "./session-state.ts";

/** The estimated die's couplings: the law's, with the pairs measured one by one in their place. */
export function refreshCrosstalk(state: SessionState): void {
  // Each victim's couplings from the law its stage was fitted under; the latest law for the rest.
  const lists = new Map<CrosstalkLaw, Crosstalk[]>();
  const under = (law: CrosstalkLaw): Crosstalk[] => {
    if (!lists.has(law)) lists.set(law, crosstalkOf(law, state.estimatedDie.heaters));
    return lists.get(law)!;
  };
  const list = state.law
    ? under(state.law).flatMap((c) => {
        const own = state.lawOf.get(c.victim);
        if (!own || own === state.law) return [c];
        return [];
      })
    : [];
  for (const law of new Set(state.lawOf.values())) {
    if (law === state.law) continue;
    for (const c of under(law)) if (state.lawOf.get(c.victim) === law) list.push({ ...c });
  }
  // The law gives a pair's whole coupling; the list holds what it has beyond the chip-wide floor.
  const floor = state.estimatedDie.crosstalkFloor ?? 0;
  if (floor !== 0) for (const c of list) c.radPerMw -= floor * state.estimatedDie.heaters[c.aggressor]!.radPerMw;
  const left = new Map(state.pairCoupling);
  for (const c of list) {
    const k = `${c.victim},${c.aggressor}`;
    if (left.has(k)) {
      c.radPerMw = left.get(k)!;
      left.delete(k);
    }
  }
  for (const [k, v] of left) {
    const [victim, aggressor] = k.split(",").map(Number) as [number, number];
    list.push({ victim, aggressor, radPerMw: v });
  }
  state.estimatedDie.crosstalk = withKnown(state, list).sort((p, q) => p.victim - q.victim || p.aggressor - q.aggressor);
}
