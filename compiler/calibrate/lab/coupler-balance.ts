// An attenuator's coupler balance (docs/design/calibration.md §8.1). Through an MZI whose couplers couple c_A
// and c_B, m(θ) = t_A·t_B·e^{iθ} − κ_A·κ_B: the sum c_A + c_B − 1 is what a "dark" entry (θ = 0)
// still leaks into its row, sign included, and it sets the floor |m|² and how arg m(θ) turns at a
// small θ; the difference only sets the dump's depth. A level sees the sum squared, so the sign is
// read from a phase. The turn (plan.ts) reads the entry's meta-MZI fringe again with the entry
// dark: the complex ratio of the two fringes is m(0)/m(θ_op). A homodyne row's magnitude scan adds
// m(θ_op)/m(π) from its two halves' first harmonics; behind a ReLU the scan's open window moves in
// 30° steps, so only its level is used (behind a homodyne read, fitted to the window's shape). Fitted model-based: the same steps predicted on the
// estimated die, the balance written as c_A = c_B = 0.5 + s (what the through light sees).
import { realizedPhases, wrapSigned } from "../../../netlist/die/heaters.ts";
import { values } from "./readings-fit.ts";
import type { Group, Round, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { meterPhases, unreadMeters } from "./bright-meters.ts";
import { engine, power, setPassive } from "./stage-physics.ts";

type Magnitude = Extract<Group, { kind: "magnitude" }>;
type Sweep = Extract<Group, { kind: "sweep" }>;
type Turn = Extract<Group, { kind: "turn" }>;

/** Measured minus predicted, recomputed on the estimated die as it stands; `phase`: it sees the balance's sign. */
export interface Residual {
  at: () => number[];
  phase: boolean;
}

/** The largest balance the fit accepts (c = 0.5 ± 0.12: six times a wide foundry spread, σ 2 % on the mean of two couplers). */
const MAX_BALANCE = 0.12;

/** A phase residual's least slope against s to be used (a turn reads about 2 per unit of s). */
const MIN_SLOPE = 0.5;

/** The largest RMS residual a fitted balance may leave (ratios and radians; good fits leave under 0.01). */
const MISFIT = 0.03;

/** The estimated die's readings of a group's steps, the heaters' phases given per step (a fit moves only couplers). */
function predictSteps(state: SessionState, round: Round, g: { steps: number[]; read: number[] }, phases?: Float64Array[]): number[] {
  const eng = engine(state);
  const nSites = state.struct.lc.sites.length;
  const bright = unreadMeters(state, round, g.read);
  return g.steps.map((s, k) => {
    const st = round.steps[s]!;
    const f = eng.fields(phases?.[k] ?? meterPhases(state, st.codes, bright), st.powers, { readouts: g.read });
    let v = 0;
    for (const ro of g.read) v += ro < nSites ? f.power[ro]! : f.detectorRe[ro - nSites]!;
    return v;
  });
}

/** The heaters' phases at each of a group's steps on the estimated die. */
const stepPhases = (state: SessionState, round: Round, g: { steps: number[]; read: number[] }): Float64Array[] => {
  const bright = unreadMeters(state, round, g.read);
  return g.steps.map((s) => Float64Array.from(meterPhases(state, round.steps[s]!.codes, bright)));
};

/** First harmonic Σ v_k·e^{−2πik/n}. */
function harmonic(v: number[]): [number, number] {
  let c = 0;
  let s = 0;
  v.forEach((x, k) => {
    c += x * Math.cos((2 * Math.PI * k) / v.length);
    s -= x * Math.sin((2 * Math.PI * k) / v.length);
  });
  return [c, s];
}

const homodyne = (state: SessionState, g: Magnitude): boolean => g.read.every((ro) => ro >= state.struct.lc.sites.length);

/** How a scan's readings follow its row's field: a detector's quadrature, power behind a field ReLU, or power behind a homodyne read (Re z alone). */
type ScanRead = "detector" | "relu" | "homodyne";

function scanRead(state: SessionState, g: Magnitude): ScanRead {
  if (homodyne(state, g)) return "detector";
  const row = state.struct.stages.flatMap((s) => s.rows).find((r) => r.entries.includes(g.entry));
  return row?.act?.homodyne ? "homodyne" : "relu";
}

/**
 * A scan half's level. A homodyne reading is a cosine of the phase: its first harmonic over the
 * circle is its amplitude at any sampling phase (light leaking in from elsewhere adds a constant).
 * A power meter behind a ReLU passes the row's power over half the circle and nothing over the
 * other: the mean of the open steps (above half the largest) is that power. Behind a homodyne read
 * it reads K·(Re A·e^{iφ})² where that is positive: √v is a cosine there, whose amplitude squared is
 * fitted on the steps over a twentieth of the largest, whatever the window's sampling phase.
 */
function level(v: number[], read: ScanRead): number {
  if (read === "detector") return Math.hypot(...harmonic(v));
  const max = Math.max(...v);
  if (read === "homodyne") {
    const k = v.flatMap((x, i) => (x > 0.05 * max ? [i] : []));
    let [cc, cs, ss, rc, rs] = [0, 0, 0, 0, 0];
    for (const i of k) {
      const [c, s] = [Math.cos((2 * Math.PI * i) / v.length), Math.sin((2 * Math.PI * i) / v.length)];
      const r = Math.sqrt(v[i]!);
      [cc, cs, ss, rc, rs] = [cc + c * c, cs + c * s, ss + s * s, rc + r * c, rs + r * s];
    }
    const det = cc * ss - cs * cs;
    if (k.length >= 2 && det > 1e-9) {
      const a = (rc * ss - rs * cs) / det;
      const b = (rs * cc - rc * cs) / det;
      return a * a + b * b;
    }
  }
  const open = v.filter((x) => x > 0.5 * max);
  return open.reduce((a, x) => a + x, 0) / Math.max(1, open.length);
}

/** log(level_op / level_π) and, for a detector's quadrature, arg(H_op / H_π). */
function halves(v: number[], read: ScanRead): number[] {
  const hd = read === "detector";
  const half = v.length / 2;
  const [a, b] = [v.slice(0, half), v.slice(half)];
  const lv = Math.log(level(a, read) / Math.max(1e-300, level(b, read)));
  if (!hd) return [lv];
  const [p, q] = [harmonic(a), harmonic(b)];
  return [lv, Math.atan2(p[1], p[0]) - Math.atan2(q[1], q[0])];
}

/**
 * How much more (or less) the entry transmits at its operating θ, relative to its peak, than the
 * estimated die says: the measured ratio of its magnitude scan's two halves (operating θ, then θ =
 * π) over the predicted one. A ratio of one setting to another of the same light cancels the
 * lighting's path and the readout's gain.
 */
export function floorCorrection(state: SessionState, round: Round, readings: StepReading[], g: Magnitude): number {
  const read = scanRead(state, g);
  const c = Math.exp(halves(values(state, readings, g, round), read)[0]! - halves(predictSteps(state, round, g), read)[0]!);
  return Number.isFinite(c) && c > 0 ? c : 1;
}

/** The magnitude scan's residuals: its halves' log-ratio, and for a homodyne row their phase. */
export function scanResidual(state: SessionState, round: Round, readings: StepReading[], g: Magnitude): Residual | null {
  if (state.struct.parked.has(state.struct.entries[g.entry]!.phi)) return null;
  const read = scanRead(state, g);
  const m = halves(values(state, readings, g, round), read);
  if (!m.every(Number.isFinite)) return null;
  const phases = stepPhases(state, round, g);
  const at = (): number[] => {
    const p = halves(predictSteps(state, round, g, phases), read);
    return m.map((x, k) => (k === 1 ? wrapSigned(x - p[k]!) : x - p[k]!));
  };
  return { at, phase: read === "detector" };
}

/** A fringe's complex amplitude c − i·s from v = a + c·cos φ + s·sin φ, φ the swept heater's phase at each reading. */
function amplitude(phi: number[], v: number[]): [number, number] {
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const r = [0, 0, 0];
  phi.forEach((f, k) => {
    const x = [1, Math.cos(f), Math.sin(f)];
    for (let i = 0; i < 3; i++) {
      r[i]! += x[i]! * v[k]!;
      for (let j = 0; j < 3; j++) m[i]![j]! += x[i]! * x[j]!;
    }
  });
  const x = solve3(m, r);
  return [x[1]!, -x[2]!];
}

/** 3×3 linear solve (Cramer's rule; the regressors of a sweep over a full turn are well apart). */
function solve3(m: number[][], r: number[]): number[] {
  const det = (a: number[][]): number =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const d = det(m);
  return [0, 1, 2].map((c) => det(m.map((row, i) => row.map((x, j) => (j === c ? r[i]! : x)))) / d);
}

/** Complex ratio p/q. */
function ratio(p: [number, number], q: [number, number]): [number, number] {
  const d = q[0] * q[0] + q[1] * q[1];
  return [(p[0] * q[0] + p[1] * q[1]) / d, (p[1] * q[0] - p[0] * q[1]) / d];
}

/**
 * The turn's residual: the fringe with the entry dark (θ = 0) over the meta-MZI fringe at its
 * operating θ, both against the same partner light, as complex amplitudes: m(0)/m(θ_op), measured
 * minus predicted. m(0) = t_A·t_B − κ_A·κ_B is the balance itself, sign included, and the partner's
 * light and the photodiode's gain cancel in the ratio.
 */
export function turnResidual(state: SessionState, round: Round, readings: StepReading[], meta: Sweep, turn: Turn): Residual | null {
  // φ as the estimated die realizes it at each step: measured and predicted regressed on the same φ.
  // A sweep changes only its heater's code, so its phase moves by its own law alone.
  const sweep = (g: Sweep | Turn): number[] => {
    const h = state.estimatedDie.heaters[g.heater]!;
    const own = (s: number): number => {
      const p = power(state, round.steps[s]!.codes[g.heater]!);
      return h.radPerMw * p * (1 + (h.betaPerMw ?? 0) * p);
    };
    const phi0 = realizedPhases(state.estimatedDie, round.steps[g.steps[0]!]!.codes)[g.heater]! - own(g.steps[0]!);
    return g.steps.map((s) => phi0 + own(s));
  };
  const [pm, pt] = [sweep(meta), sweep(turn)];
  const measured = ratio(amplitude(pt, values(state, readings, turn, round)), amplitude(pm, values(state, readings, meta, round)));
  if (!measured.every(Number.isFinite)) return null;
  // A noiseless prediction needs few steps of each sweep.
  const few = (g: Sweep | Turn, phi: number[], n: number) => {
    const k = g.steps.map((_, i) => i).filter((i) => i % Math.max(1, Math.floor(g.steps.length / n)) === 0);
    const steps = k.map((i) => g.steps[i]!);
    const few = { steps, read: g.read };
    return { g: few, phases: stepPhases(state, round, few), phi: k.map((i) => phi[i]!) };
  };
  const [fm, ft] = [few(meta, pm, 10), few(turn, pt, 8)];
  const at = (): number[] => {
    const p = ratio(
      amplitude(ft.phi, predictSteps(state, round, ft.g, ft.phases)),
      amplitude(fm.phi, predictSteps(state, round, fm.g, fm.phases)),
    );
    return [measured[0] - p[0], measured[1] - p[1]];
  };
  return { at, phase: true };
}

/** The MZI's two coupler leaves of an entry. */
function couplerLeaves(state: SessionState, entry: number): [string, string] {
  const th = state.struct.heaters[state.struct.entries[entry]!.theta]!.path;
  return [th.replace(/theta$/, "bsA"), th.replace(/theta$/, "bsB")];
}

/** Set an entry's couplers to c_A = c_B = 0.5 + s on the estimated die. */
export function setBalance(state: SessionState, entry: number, s: number): void {
  for (const leaf of couplerLeaves(state, entry))
    setPassive(state, leaf, { ...(state.estimatedDie.passive.get(leaf) ?? {}), coupling: 0.5 + s });
}

/**
 * The balance s (c_A = c_B = 0.5 + s) that zeroes the residuals: Gauss–Newton from balanced
 * couplers, left on the estimated die. A phase residual that does not move with s (its light does
 * not reach the reading as the estimated die has it) is not used; without a phase a level sees s
 * only squared, so nothing is fitted. Null, and the couplers balanced, then and when the fit leaves
 * ±MAX_BALANCE or misses its own readings by more than MISFIT (RMS).
 */
export function fitBalance(state: SessionState, entry: number, residuals: Residual[]): number | null {
  const h = 0.002;
  // A phase residual at s = 0 and s = h, kept: the fit's first step is taken from the same two
  // balances (each prediction propagates the stage, the fit's main cost).
  const seen = new Map<Residual, Map<number, number[]>>();
  let now = Number.NaN;
  const set = (s: number): void => {
    if (s !== now) setBalance(state, entry, s);
    now = s;
  };
  const atS = (r: Residual, s: number): number[] => {
    const hit = seen.get(r)?.get(s);
    if (hit) return hit;
    set(s);
    return r.at();
  };
  const slope = (r: Residual): number => {
    const a = atS(r, 0);
    const b = atS(r, h);
    seen.set(
      r,
      new Map([
        [0, a],
        [h, b],
      ]),
    );
    return Math.hypot(...a.map((x, k) => (x - b[k]!) / h));
  };
  const used = residuals.filter((r) => !r.phase || slope(r) >= MIN_SLOPE);
  const give = (): null => {
    setBalance(state, entry, 0);
    return null;
  };
  if (!used.some((r) => r.phase)) return give();
  const at = (s: number): number[] => used.flatMap((r) => atS(r, s));
  let s = 0;
  for (let it = 0; it < 2; it++) {
    const r = at(s);
    const q = at(s + h);
    let num = 0;
    let den = 0;
    r.forEach((x, k) => {
      const d = (x - q[k]!) / h;
      num += d * x;
      den += d * d;
    });
    if (!(den > 0)) return give();
    s += num / den;
    if (!(Math.abs(s) < MAX_BALANCE)) return give();
  }
  const r = at(s);
  if (!(Math.hypot(...r) / Math.sqrt(r.length) <= MISFIT)) return give();
  set(s);
  return s;
}
