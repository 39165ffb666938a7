// Coupling references (docs/design/calibration.md §9.3): the input (fibre) coupling drifts, and
// the laser's reference tap does not see it. So every estimation round (theta, phase, through) is
// interleaved with reference steps — one fixed, lit setting whose monitor reading depends on the
// coupling alone — at its start, its end and every K steps between; the coupling is interpolated
// linearly between them and every reading of the round divided by it (a monitor's photocurrent
// goes as c, a homodyne quadrature as √c). The setting is the settling probe's brightest "down"
// hold (every heater at code 0, one lab port lit, its dump read), and that hold's last reading is the
// anchor (c = 1). K follows the drift the references themselves show: a Brownian walk of σ per step
// leaves σ·√(K/6) RMS between references after linear interpolation, so K = 6·(ε/σ̂)², clamped.
import type { Group, Round, Step, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { readingExponents } from "./limits.ts";

/** Purpose of a reference step (the protocol's text for people). */
export const REFERENCE_PURPOSE = "coupling reference";
/** Steps between references in the first estimation round, before any drift is measured. */
export const K_FIRST = 12;
/** Fewest and most steps between references. */
export const K_MIN = 12;
export const K_MAX = 200;
/** The interpolation error the references aim at, relative (RMS between references). */
export const EPSILON = 6e-4;

type Kind = Round["kind"];
const estimating = (k: Kind): boolean => k === "theta" || k === "phase" || k === "through";

/** The reference setting: the settling probe's brightest hold at code 0 (its last step), or null. */
export function referenceSetting(state: SessionState): { step: Step; anchor: number } | null {
  const k = state.rounds.findIndex((r) => r.kind === "settle");
  if (k < 0) return null;
  const round = state.rounds[k]!;
  const rd = state.readings[k]!;
  let best: { step: Step; anchor: number } | null = null;
  for (const g of round.groups) {
    if (g.kind !== "hold") continue;
    const s = g.steps[g.steps.length - 1]!;
    const st = round.steps[s]!;
    if (st.codes.some((c) => c !== 0)) continue;
    const v = light(state, st, rd[s]!);
    if (v > 0 && (!best || v > best.anchor))
      best = { step: { purpose: REFERENCE_PURPOSE, powers: st.powers, codes: st.codes, read: st.read }, anchor: v };
  }
  return best;
}

/** A step's dark-subtracted monitor photocurrent per reference-tap current. */
function light(state: SessionState, st: Step, r: StepReading): number {
  let v = 0;
  st.read.forEach((ro, j) => (v += r.values[j]! - state.dark[ro]!));
  return v / r.ref;
}

/** The drift per step the references so far show (σ̂ of a random walk), or null before any. */
export function driftPerStep(state: SessionState): number | null {
  let sq = 0;
  let n = 0;
  for (const w of state.coupling) {
    for (let i = 1; i < w.refs.length; i++) {
      const [a, b] = [w.refs[i - 1]!, w.refs[i]!];
      sq += (w.c[b]! - w.c[a]!) ** 2;
      n += b - a;
    }
  }
  return n > 0 ? Math.sqrt(sq / n) : null;
}

/** Steps between references for the next round: from the drift read so far. */
export function referenceSpacing(state: SessionState): number {
  const s = driftPerStep(state);
  if (s === null) return K_FIRST;
  if (s <= 0) return K_MAX;
  return Math.max(K_MIN, Math.min(K_MAX, Math.floor(6 * (EPSILON / s) ** 2)));
}

/** Interleave reference steps into an estimation round (at its start, its end and every K steps), renumbering its groups. */
export function interleaveReferences(state: SessionState, kind: Kind, steps: Step[], groups: Group[]): void {
  if (!estimating(kind) || state.setup.coupling === "none") return;
  const ref = referenceSetting(state);
  if (!ref || steps.length === 0) return;
  const K = referenceSpacing(state);
  const out: Step[] = [];
  const at = new Int32Array(steps.length);
  const refs: number[] = [];
  const addRef = (): void => {
    refs.push(out.length);
    out.push({ ...ref.step });
  };
  steps.forEach((st, i) => {
    if (i % K === 0) addRef();
    at[i] = out.length;
    out.push(st);
  });
  addRef();
  for (const g of groups) {
    g.steps = g.steps.map((s) => at[s]!);
    if ((g.kind === "sweep" || g.kind === "gate") && g.twin) g.twin = g.twin.map((s) => at[s]!);
  }
  groups.push({ kind: "reference", steps: refs });
  steps.splice(0, steps.length, ...out);
}

/**
 * The round's readings with the coupling divided out (a round without references unchanged), and
 * the coupling at each of its steps recorded in state.coupling. LabSetup.coupling "off" leaves the
 * readings as read and "inverted" multiplies by the coupling: planted faults.
 */
export function correctCoupling(state: SessionState, round: Round, readings: StepReading[]): StepReading[] {
  const g = round.groups.find((x): x is Extract<Group, { kind: "reference" }> => x.kind === "reference");
  const ref = g ? referenceSetting(state) : null;
  if (!g || !ref || g.steps.length < 2) return readings;
  const c = new Float64Array(readings.length);
  const at = g.steps.map((s) => light(state, round.steps[s]!, readings[s]!) / ref.anchor);
  for (let i = 0; i + 1 < g.steps.length; i++) {
    const [a, b] = [g.steps[i]!, g.steps[i + 1]!];
    for (let s = a; s <= b; s++) c[s] = at[i]! + ((at[i + 1]! - at[i]!) * (s - a)) / (b - a);
  }
  state.coupling.push({ round: round.index, c, refs: g.steps });
  const mode = state.setup.coupling ?? "divide";
  if (mode === "off") return readings;
  const nSites = state.struct.lc.sites.length;
  const nDet = state.struct.lc.detectors.length;
  return readings.map((r, s) => {
    const k = mode === "inverted" ? 1 / c[s]! : c[s]!;
    if (!(k > 0)) return r;
    // Behind a saturated read a reading follows the coupling less, or not at all (limits.ts).
    const e = readingExponents(state, round.steps[s]!);
    const values = round.steps[s]!.read.map((ro, j) => {
      const v = r.values[j]!;
      const d = state.dark[ro]!;
      if (e && ro < nSites + nDet) return d + (v - d) / k ** (ro < nSites ? e[j]! : e[j]! - 0.5);
      if (ro < nSites) return d + (v - d) / k;
      return ro < nSites + nDet ? d + (v - d) / Math.sqrt(k) : v;
    });
    return { values, ref: r.ref };
  });
}
