// The readings budget (at most 300 readings per MZI per die). The closing passes
// (closing.ts) are planned only while they and the acceptance round again fit. The φ pairs
// (phi-pairs.ts), read once the pairs depart from the crosstalk law, are planned only while they fit
// beside the stage's own through round, its coupling references, what the later stages are expected
// to take and the acceptance round: exact on the last stage, an estimate before it (from the third
// stage on: laterStages).
import { acceptReadings } from "./accept.ts";
import { REFERENCE_PURPOSE, referenceSpacing } from "./coupling-refs.ts";
import { roundReadings, type Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";

/** Readings per MZI a session may take. */
export const READINGS_PER_MZI = 300;

/** Readings of every round measured so far. */
export const readingsSoFar = (state: SessionState): number => state.rounds.reduce((a, r) => a + roundReadings(r.steps), 0);

/**
 * Readings the stages after `stage` will take, expected: their entries times the fewest readings
 * per entry any stage so far took outside its pair readings (slope groups), `current` being
 * `stage`'s through round as planned before its φ pairs; none expected (no cap but the exact one of
 * the last stage) until two stages after the first are known. On add1's crosstalk die 0 the last
 * stage took 3501 readings against 3534 expected (19 entries at stage 2's 186).
 */
function laterStages(state: SessionState, stage: number, current: Step[]): number {
  const own = new Map<number, number>();
  state.rounds.forEach((r, k) => {
    const p = state.plan[k]!;
    if (p.stage === null || p.close !== undefined) return;
    const pairSteps = new Set(r.groups.flatMap((g) => (g.kind === "slope" ? g.steps : [])));
    const n = roundReadings(r.steps.filter((_, i) => !pairSteps.has(i)));
    own.set(p.stage, (own.get(p.stage) ?? 0) + n);
  });
  own.set(stage, (own.get(stage) ?? 0) + roundReadings(current));
  // Not the first stage: lit from the lab inputs, every entry's dump read, its through round alone took
  // 607 readings per entry on add1 (the later stages 172–218 per entry in all); with it counted, add0's
  // first stage lost its φ pairs to the reserve and crosstalk die 3 its exactness (135 of 256). Nor
  // from one stage alone: add1's threshold stage (218 per entry) put the step and digits stages at
  // 10,900 readings where they take about 9,000, and its φ pairs, the ones add1 needs, were all cut.
  own.delete(0);
  if (own.size < 2) return 0;
  const stages = state.struct.stages;
  const perEntry = Math.min(...[...own].map(([t, n]) => n / stages[t]!.entries.length));
  return stages.slice(stage + 1).reduce((a, st) => a + st.entries.length * perEntry, 0);
}

/**
 * For stage `stage`'s round as planned so far (`steps`, its own sweeps): whether `extra` (steps and
 * readings) added to what the round then holds keeps the session within its budget: what is read,
 * the round with it, the coupling references the round interleaves (one before every K steps and one
 * at the end, each as many readings as a reference reads: coupling-refs.ts), the later stages
 * (expected: laterStages) and the acceptance round. What does not change while the round's extras
 * are planned is counted once.
 */
export function budgetCheck(state: SessionState, stage: number, steps: Step[]): (extra: { steps: number; readings: number }) => boolean {
  const refRead = Math.max(1, ...state.rounds.map((r) => r.steps.find((s) => s.purpose === REFERENCE_PURPOSE)?.read.length ?? 0));
  const spacing = referenceSpacing(state);
  const left =
    READINGS_PER_MZI * state.struct.entries.length - readingsSoFar(state) - laterStages(state, stage, steps) - acceptReadings(state);
  return (extra) => {
    const refs = Math.ceil((steps.length + extra.steps) / spacing) + 1;
    return roundReadings(steps) + extra.readings + refs * refRead <= left;
  };
}
