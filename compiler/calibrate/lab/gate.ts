// A ReLU gate scan (docs/design/calibration.md §8.1): the row's field z_k at each setting as the estimated
// die predicts it, and whether light passed the ReLU there (the next stage's photodiodes saw it).
// The row's phase error Δ is where Re(z_k·e^{iΔ}) > 0 agrees best with what passed: the centre of
// the longest arc of Δ (on a 720-point circle) at the top agreement. gateReads gives each gate
// sweep of a round as read (absorb.ts moves the row by the strongest; a study compares the reads
// with what the true die's ReLU passes: scripts/lab-gate-check.ts).
// Behind a homodyne read the meter sees gain² · min(Re z, limit)² where Re z > 0, a smooth function
// of the row's phase, not just whether light passed: it writes Re z alone, so the row's phase error
// δ costs cos δ of its amplitude in operation, and the arc's centre (±0.2 rad at 16 settings) is
// not enough. There Δ is fitted to the readings themselves (homodyneShift).
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { values } from "./readings-fit.ts";
import type { Group, Round, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { engine, power } from "./stage-physics.ts";
import { rowRead, type RowActivation } from "./structure.ts";

type Gate = Extract<Group, { kind: "gate" }>;

/** One gate sweep as read: which steps passed light (over half the sweep's largest reading), the row's predicted field there, and the fit. */
export interface GateRead {
  group: Gate;
  open: boolean[];
  z: [number, number][];
  max: number;
  shift: number;
  agreement: number;
  /** Behind a homodyne read, a lone row's reference φ efficiency as read (rad/mW to add): nothing else reads it. */
  eta?: number;
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
      // A power meter (photodiodes, not a detector's quadrature) behind a homodyne read.
      const act = g.row.act;
      const powerMeter = !g.twin && g.read.every((r) => r < state.struct.lc.sites.length);
      if (!(act?.homodyne && powerMeter && state.setup.gateFit !== false)) return { group: g, open, z, max, ...gateShift(z, open) };
      // A lone row's φ law is read by nothing else: its efficiency is fitted with the phase.
      const p = g.row.entries.length === 1 ? g.steps.map((s) => power(state, round.steps[s]!.codes[g.heater]!)) : null;
      return { group: g, open, z, max, ...homodyneShift(z, v, act, p, state.setup.etaNominal) };
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

/** The efficiency a lone row's gate may move, relative to nominal, either way (the process's spread is 5 %). */
const ETA_SPAN = 0.25;

/**
 * The row's phase error behind a homodyne read: readings v_k against K·|read(z_k·e^{iΔ_k})|², what
 * the read writes (structure.ts rowRead; K free: the meter's share), on the estimate's fields z_k.
 * Δ_k = Δ, or with `p` (the swept heater's power per step, mW) Δ + ε·(p_k − p̄): the efficiency
 * moves by ε. Least squares on a grid (Δ every 0.5°, or 2° with ε in steps of 1 % of `eta` within
 * ±ETA_SPAN), then refined by parabolic steps; an ε at the grid's edge is no reading (0).
 * `agreement` is the share of Σv² the fit explains.
 */
export function homodyneShift(
  z: [number, number][],
  v: number[],
  act: RowActivation,
  p: number[] | null = null,
  eta = 0,
): { shift: number; agreement: number; eta?: number } {
  const mean = p ? p.reduce((a, x) => a + x, 0) / p.length : 0;
  const q = new Float64Array(z.length);
  const err = (d: number, e: number): number => {
    let qv = 0;
    let qq = 0;
    z.forEach(([x, y], k) => {
      const t = d + (p ? e * (p[k]! - mean) : 0);
      const [re, im] = rowRead(act, [x * Math.cos(t) - y * Math.sin(t), x * Math.sin(t) + y * Math.cos(t)]);
      q[k] = re * re + im * im;
      qv += q[k]! * v[k]!;
      qq += q[k]! * q[k]!;
    });
    const K = qq > 0 ? qv / qq : 0;
    let sse = 0;
    for (let k = 0; k < v.length; k++) sse += (v[k]! - K * q[k]!) ** 2;
    return sse;
  };
  const de = 0.01 * eta;
  const span = p && de > 0 ? Math.round(ETA_SPAN / 0.01) : 0;
  const grid = span > 0 ? 180 : 720;
  const step = (2 * Math.PI) / grid;
  let best = { d: 0, e: 0, err: Number.POSITIVE_INFINITY };
  for (let j = -span; j <= span; j++)
    for (let k = 0; k < grid; k++) {
      const x = err(k * step, j * de);
      if (x < best.err) best = { d: k * step, e: j * de, err: x };
    }
  const edge = span > 0 && Math.abs(best.e) >= span * de;
  if (edge) best = { ...best, e: 0, err: err(best.d, 0) };
  // Parabolic steps on Δ, then (with a slope) on ε, each step a quarter of the last.
  const refine = (at: (h: number) => number, h: number): number => {
    const [a, b, c] = [at(-h), at(0), at(h)];
    const den = a - 2 * b + c;
    return den > 0 ? Math.max(-h, Math.min(h, (h * (a - c)) / (2 * den))) : 0;
  };
  for (let h = step, g = de; h > 1e-7; h /= 4, g /= 4) {
    const x = refine((u) => err(best.d + u, best.e), h);
    if (err(best.d + x, best.e) < best.err) best = { ...best, d: best.d + x, err: err(best.d + x, best.e) };
    if (span > 0 && !edge) {
      const y = refine((u) => err(best.d, best.e + u), g);
      if (err(best.d, best.e + y) < best.err) best = { ...best, e: best.e + y, err: err(best.d, best.e + y) };
    }
  }
  const total = v.reduce((a, x) => a + x * x, 0);
  // Δ at the powers' mean, as an offset at zero power.
  const d = best.d - best.e * mean;
  const shift = ((d % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  const agreement = total > 0 ? Math.max(0, 1 - best.err / total) : 0;
  return span > 0 && !edge ? { shift, agreement, eta: best.e } : { shift, agreement };
}
