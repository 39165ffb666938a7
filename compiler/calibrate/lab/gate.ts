// A ReLU gate scan (docs/design/calibration.md §8.1): the row's field z_k at each setting as the estimated
// die predicts it, and whether light passed the ReLU there (the next stage's photodiodes saw it).
// The row's phase error Δ is where Re(z_k·e^{iΔ}) > 0 agrees best with what passed: the centre of
// the longest arc of Δ (on a 720-point circle) at the top agreement. gateReads gives each gate
// sweep of a round as read (absorb.ts moves the row by the strongest; a study compares the reads
// with what the true die's ReLU passes: scripts/lab-gate-check.ts).
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { values } from "./readings-fit.ts";
import type { Group, Round, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { engine } from "./stage-physics.ts";

type Gate = Extract<Group, { kind: "gate" }>;

/** One gate sweep as read: which steps passed light (over half the sweep's largest reading), the row's predicted field there, and the fit. */
export interface GateRead {
  group: Gate;
  open: boolean[];
  z: [number, number][];
  max: number;
  shift: number;
  agreement: number;
}

/** Every gate sweep of a round whose meter is not all dead, as read; nothing moves. */
export function gateReads(state: SessionState, round: Round, readings: StepReading[]): GateRead[] {
  const eng = engine(state);
  return round.groups
    .filter((g): g is Gate => g.kind === "gate" && !g.read.every((r) => state.dead.has(r)))
    .map((g) => {
      const v = values(state, readings, g, round);
      const max = Math.max(...v);
      const open = v.map((x) => x > 0.5 * max);
      const z = g.steps.map((s) => {
        const st = round.steps[s]!;
        const pin = `${g.row.part},out${g.row.index}`;
        return eng.fields(realizedPhases(state.estimatedDie, st.codes), st.powers, { pin }).pin(pin);
      });
      return { group: g, open, z, max, ...gateShift(z, open) };
    });
}

export function gateShift(z: [number, number][], open: boolean[]): { shift: number; agreement: number } {
  const grid = 720;
  const score = new Array<number>(grid).fill(0);
  for (let k = 0; k < grid; k++) {
    const d = (2 * Math.PI * k) / grid;
    const c = Math.cos(d);
    const s = Math.sin(d);
    open.forEach((o, i) => {
      const re = z[i]![0] * c - z[i]![1] * s;
      if (re > 0 === o) score[k]!++;
    });
  }
  const top = Math.max(...score);
  let best = { start: 0, len: 0 };
  for (let k = 0; k < grid; k++) {
    if (score[k] !== top || score[(k + grid - 1) % grid] === top) continue;
    let len = 0;
    while (len < grid && score[(k + len) % grid] === top) len++;
    if (len > best.len) best = { start: k, len };
  }
  if (best.len === 0) best = { start: 0, len: grid };
  return { shift: (2 * Math.PI * (best.start + (best.len - 1) / 2)) / grid, agreement: top / Math.max(1, open.length) };
}
