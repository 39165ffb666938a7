// The settling probe (docs/design/calibration.md §9.2): the round after the dark one. A heater's
// phase may settle in two parts — the bulk in microseconds and a slow tail (a few % over
// milliseconds: the substrate's heat) — and a sweep read before the tail has settled reads every
// setting partly at the one before it. The session cannot know the die's thermal constants, so it
// reads them: a few first-stage θ heaters are stepped to full power and back to 0, and each hold is
// read at the instrument's own wait and then after longer and longer waits (to ≈ 0.14 s). A tail
// fitted to those readings (tail-fit.ts) sets the wait of every later step (stepWaits): long enough
// that its tail — the probe's, scaled by how far the step moves a heater's phase against the probe's
// full-range step — has decayed to TAIL_LEFT of the reading. No tail read: the instrument's own wait.
import type { Group, Round, Step, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { light, maxCode, power } from "./stage-physics.ts";
import { fitTail } from "./tail-fit.ts";

/** Heaters stepped by the probe (spread over the first stage's lab-lit entries). */
export const PROBE_HEATERS = 4;
/** Waits of a hold's readings after the first two (those wait the instrument's own), ms. */
export const HOLD_WAITS_MS = [1, 2, 4, 8, 16, 32, 64];
/**
 * A tail below this fraction of the reading is not one: over 30 dies of each paper-4x8 design,
 * nominal dies read at most 7·10⁻⁴, unseen coupling drift 3.6·10⁻³, a 3 % thermal tail 0.11 or more.
 */
export const TAIL_DETECT = 1e-2;
/** The tail must explain at least this share of the holds' spread (noise and drift do not decay). */
export const TAIL_EXPLAINED = 0.9;
/** The wait lets the largest step's tail decay to this fraction of the reading. */
export const TAIL_LEFT = 1e-4;
/** A probed dump reading this fraction of the median probed dump's largest reading, or less, is dead. */
export const DEAD_DUMP = 0.05;
/** Longest wait the session chooses, ms (a tail slower than the probe resolves is not followed further). */
export const MAX_SETTLE_MS = 1000;

function holdWaits(state: SessionState): number[] {
  const base = state.setup.settleMs;
  return [base, base, ...HOLD_WAITS_MS.map((w) => Math.max(base, w))];
}

/** Times of a hold's readings after its change: each step waits, is read, and the next one waits. */
function holdTimes(state: SessionState, waits: number[]): number[] {
  let t = 0;
  return waits.map((w, k) => {
    t += w + (k > 0 ? state.setup.readMs : 0);
    return t;
  });
}

export function planSettle(state: SessionState, steps: Step[], groups: Group[]): void {
  const stage = state.struct.stages[0]!;
  const lit = stage.entries.filter((e) => stage.inputs[state.struct.entries[e]!.input]!.kind === "lab");
  const n = Math.min(PROBE_HEATERS, lit.length);
  const waits = holdWaits(state);
  const timesMs = holdTimes(state, waits);
  for (let v = 0; v < n; v++) {
    const en = state.struct.entries[lit[Math.floor((v * lit.length) / n)]!]!;
    const { powers } = light(state, stage, en.input);
    // Up to full power (the largest change a sweep makes), then back to 0: two holds.
    for (const [dir, code] of [
      ["up", maxCode(state)],
      ["down", 0],
    ] as const) {
      const codes = new Int32Array(state.struct.heaters.length);
      codes[en.theta] = code;
      const g: Group = { kind: "hold", heater: en.theta, read: [en.dump], steps: [], timesMs };
      for (const w of waits) {
        g.steps.push(steps.length);
        steps.push({ purpose: `settle ${en.name} ${dir}`, powers, codes, read: g.read, settleMs: w });
      }
      groups.push(g);
    }
  }
}

export function absorbSettle(state: SessionState, round: Round, readings: StepReading[]): void {
  const holds = round.groups.filter((g): g is Extract<Group, { kind: "hold" }> => g.kind === "hold");
  const series = holds.map((g) => {
    const refMean = g.steps.reduce((a, s) => a + readings[s]!.ref, 0) / g.steps.length;
    const values = g.steps.map((s) => {
      let v = 0;
      round.steps[s]!.read.forEach((ro, k) => (v += readings[s]!.values[k]! - state.dark[ro]!));
      return (v * refMean) / readings[s]!.ref;
    });
    return { timesMs: g.timesMs, values };
  });
  const base = state.setup.settleMs;
  if (series.length === 0) {
    state.settling = { heaters: [], tauMs: 0, tail: 0, explained: 0, detected: false, settleMs: base };
    return;
  }
  const last = series[0]!.timesMs[series[0]!.timesMs.length - 1]!;
  const fit = fitTail(series, base, last);
  // Each heater's scale: its largest reading over both holds. A dump that reads a twentieth of the
  // median heater's or less (a dead photodiode) reads noise over noise, not a tail.
  const scale = new Map<number, number>();
  holds.forEach((g, i) => scale.set(g.heater, Math.max(scale.get(g.heater) ?? 0, ...series[i]!.values.map(Math.abs))));
  const scales = [...scale.values()].sort((a, b) => a - b);
  const floor = Math.max(1e-15, DEAD_DUMP * scales[Math.floor(scales.length / 2)]!);
  const tail = Math.max(
    0,
    ...holds.map((g, i) => (scale.get(g.heater)! > floor ? Math.abs(fit.amplitudes[i]!) / scale.get(g.heater)! : 0)),
  );
  const explained = fit.sseFlat > 0 ? 1 - fit.sse / fit.sseFlat : 0;
  const detected = tail >= TAIL_DETECT && explained >= TAIL_EXPLAINED;
  state.settling = {
    heaters: [...new Set(holds.map((g) => g.heater))],
    tauMs: fit.tauMs,
    tail,
    explained,
    detected,
    settleMs: detected ? waitFor(fit.tauMs, tail, base) : base,
  };
}

/** The wait for a tail of size `tail` (relative to the reading) to decay to TAIL_LEFT, on a 0.1 ms grid, ms. */
function waitFor(tauMs: number, tail: number, base: number): number {
  if (tail <= TAIL_LEFT) return base;
  return Math.max(base, Math.min(MAX_SETTLE_MS, Math.ceil(10 * tauMs * Math.log(tail / TAIL_LEFT)) / 10));
}

/**
 * Every planned step's wait (the probe's steps keep their own). A step waits until the tail of the
 * largest phase change it makes on one heater (the estimated efficiency times the power change
 * from the step before, the last round's last step for the first) has decayed to TAIL_LEFT of the
 * reading; a step that changes no code waits the instrument's own. Tails left by earlier steps keep
 * decaying under later ones, so each adds at most TAIL_LEFT once more.
 */
export function stepWaits(state: SessionState, steps: Step[]): void {
  const s = state.settling;
  const base = state.setup.settleMs;
  const before = state.rounds[state.rounds.length - 1]?.steps;
  let prev: ArrayLike<number> = before?.[before.length - 1]?.codes ?? new Int32Array(state.struct.heaters.length);
  const full = state.setup.etaNominal * state.setup.pMaxMw;
  for (const st of steps) {
    if (st.settleMs === undefined) {
      let move = 0;
      if (s?.detected)
        st.codes.forEach((c, i) => {
          const dp = Math.abs(power(state, c) - power(state, prev[i] ?? 0));
          move = Math.max(move, state.estimatedDie.heaters[i]!.radPerMw * dp);
        });
      st.settleMs = s?.detected ? Math.min(s.settleMs, waitFor(s.tauMs, (s.tail * move) / full, base)) : base;
    }
    prev = st.codes;
  }
}
