// The ladder round (docs/design/calibration.md §10.5): after a refused acceptance round, its
// closing passes and the trip round, just before the acceptance round again. The calibrated program
// is driven with one input case per digit sum (and carry), read on the output detectors as the
// acceptance round reads them; then each detector row's entry is driven once more with its φ turned
// a quarter turn, in the case where it adds the most. Each entry gets the gain and phase that make
// the estimate predict those levels; the codes are then solved again for the last acceptance round.
//
// Why: a detector row has no monitor of its own in operation, and the levels its entries add are set
// where every heater of the cell is hot. On add1's crosstalk die 2 the level read at digit sums 14
// and 15 is 0.45 of a step under the rest, after every closing pass: the step row that opens at 14
// adds 0.55 of its digit. On die 12 the entry that adds the high digit at sum 8 adds a tenth of it,
// its phase about 96° off. The closing passes read those φs on fan-in monitors, at 10⁻¹⁰–10⁻¹¹ A,
// and left both; the detector reads them with the local oscillator's gain. Each step row is open or closed at
// a given sum, so the levels over the sums are a sum of the entries' shares: a share read wrong is
// a jump in the ladder, and the turned readings tell its phase from its size.
//
// The fit: per decoded mode, each entry's share of the level in each step is found on the estimate
// (its φ turned by π subtracts twice its field; by π/2, its quadrature). First a least-squares fit on
// the sums alone gives each entry a real factor (and the receiver an offset) that explains the
// readings minus the estimate's levels. Where an entry's factor is out of MAX_GAIN either way (its
// phase far off), the fit is made again with the turned steps, each entry's factor complex: a
// turned step also heats the heater's neighbours, whose couplings the estimate of a crosstalk die
// may have wrong, so it is read only where needed. Sum steps whose residual stays over OUTLIER_STEPS
// (a row tripping at another sum, which no gain explains) are left out and the fit is made again. A
// gain still out of MAX_GAIN, or a fit that leaves more than MISFIT_STEPS unexplained, moves nothing
// in its mode.
import { readCellInfo } from "../../../aggregate/circuit-info.ts";
import { solve } from "../../../math/solve.ts";
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { ratioScale } from "../../../netlist/models.ts";
import { digitPowers } from "../../../netlist/lab/optics.ts";
import { acceptCases, acceptCaseSteps, acceptLevels, acceptReadings, decodedModes, planAccept } from "./accept.ts";
import { shiftOffset } from "./heater-update.ts";
import { programCodes } from "./program-codes.ts";
import type { Round, Step, StepReading } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { codeFor, engine, setEntryLoss } from "./stage-physics.ts";

/** The largest gain factor of one entry either way: beyond it the row is broken, not mis-set (its phase may be anything). */
const MAX_GAIN = 2;
/** A mode whose fit leaves an RMS residual above this (steps) moves nothing. */
const MISFIT_STEPS = 0.05;
/** Steps whose residual after the first fit exceeds this (steps) are left out of the second. */
const OUTLIER_STEPS = 0.25;
/** Ridge weight against each column's own curvature: keeps a barely seen entry where it is. */
const RIDGE = 1e-3;

interface LadderPlan {
  /** Acceptance cases driven: one per digit sum (and other ports' values), then one per turned entry. */
  pick: number[];
  /** Per turned step (after the sums): the entry and the codes it is driven with. */
  turned: { entry: number; codes: Int32Array }[];
}

/** One input case per worker-digit sum and value of the other ports (indices into the acceptance cases). */
export function ladderCases(state: SessionState): number[] {
  const f = readCellInfo(state.struct.lc.circuit.info);
  if (!f) return [];
  const set = acceptCases(state);
  const P = f.ports.length;
  const seen = new Set<string>();
  const pick: number[] = [];
  for (let c = 0; c < set.cases; c++) {
    const d = set.inputs.subarray(c * P, (c + 1) * P);
    let sum = 0;
    const other: number[] = [];
    f.ports.forEach((p, i) => (p.worker ? (sum += d[i]!) : other.push(d[i]!)));
    const key = `${sum}|${other.join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pick.push(c);
  }
  return pick;
}

/** The entries of the rows read by decoded detector modes, with the mode (accept.ts decodedModes' order). */
function detectorEntries(state: SessionState): { mode: number; entries: number[] }[] {
  const nSites = state.struct.lc.sites.length;
  const rows = state.struct.stages.flatMap((s) => s.rows);
  const out: { mode: number; entries: number[] }[] = [];
  let mode = 0;
  for (const n of state.struct.lc.nodes) {
    if (n.kind !== "detector") continue;
    for (let m = 0; m < n.decoded; m++, mode++) {
      const row = rows.find((r) => r.sink.kind === "detector" && r.sink.readout === nSites + n.first + m);
      if (row) out.push({ mode, entries: row.entries });
    }
  }
  return out;
}

/** The ladder's cases, and for each detector row's entry the case where its share is largest, its φ a quarter turn on. */
function ladderPlan(state: SessionState): LadderPlan {
  const pick = ladderCases(state);
  const set = acceptCases(state);
  const f = readCellInfo(state.struct.lc.circuit.info)!;
  const prog = programCodes(state);
  const eng = engine(state);
  const phases = realizedPhases(state.estimatedDie, prog.codes);
  const P = f.ports.length;
  const powers = pick.map((c) =>
    Float64Array.from(digitPowers(state.struct.lc, f.levels, prog.bias, set.inputs.subarray(c * P, (c + 1) * P))),
  );
  const turned: LadderPlan["turned"] = [];
  const extra: number[] = [];
  for (const { entries } of detectorEntries(state)) {
    for (const e of entries) {
      const phi = state.struct.entries[e]!.phi;
      const half = Float64Array.from(phases);
      half[phi]! += Math.PI;
      // The case where the entry's field reaches the detector strongest (its share, both quadratures).
      let best = -1;
      let top = 0;
      powers.forEach((p, j) => {
        const a = eng.fields(phases, p).detectorRe;
        const b = eng.fields(half, p).detectorRe;
        const size = a.reduce((s, x, m) => s + Math.abs(x - b[m]!), 0);
        if (size > top) [best, top] = [j, size];
      });
      if (best < 0) continue;
      const codes = Int32Array.from(prog.codes);
      codes[phi] = codeFor(state, phi, phases[phi]! + Math.PI / 2, prog.codes);
      turned.push({ entry: e, codes });
      extra.push(pick[best]!);
    }
  }
  return { pick: [...pick, ...extra], turned };
}

/** Readings a ladder round takes at most: its sums and a turned step per detector row entry (0 where the session plans none: LabSetup.ladder false). */
export const ladderReadings = (state: SessionState): number =>
  state.setup.ladder === false
    ? 0
    : acceptReadings(state, ladderCases(state).length + detectorEntries(state).reduce((a, d) => a + d.entries.length, 0));

export function planLadder(state: SessionState, steps: Step[], groups: Round["groups"]): void {
  const plan = ladderPlan(state);
  const sums = plan.pick.length - plan.turned.length;
  planAccept(state, steps, groups, plan.pick, (j) => (j < sums ? null : plan.turned[j - sums]!.codes));
  // The plan rides on the round's group: fitting reads it there instead of planning again.
  const g = groups[groups.length - 1]!;
  if (g.kind === "ladder") Object.assign(g, { pick: plan.pick, turned: plan.turned.length });
}

/** The cases a ladder round drove and how many of them were turned steps (from its group, else planned again). */
function drivenPlan(state: SessionState, round: Round): { pick: number[]; turned: number } {
  const g = round.groups.find((x) => x.kind === "ladder");
  if (g?.kind === "ladder" && g.pick && g.turned !== undefined) return { pick: g.pick, turned: g.turned };
  const plan = ladderPlan(state);
  return { pick: plan.pick, turned: plan.turned.length };
}

/** Least squares of r ≈ Σ x_i·cols_i over the rows `use` keeps, a ridge on the first `ridged` columns. */
function lsq(cols: number[][], r: number[], use: boolean[], ridged: number): number[] | null {
  const dot = (u: number[], v: number[]): number => u.reduce((a, x, c) => a + (use[c] ? x * v[c]! : 0), 0);
  const A = cols.map((u, i) => cols.map((v, k) => dot(u, v) + (i === k && i < ridged ? RIDGE * dot(u, u) : 0)));
  return solve(
    A,
    cols.map((u) => dot(u, r)),
  );
}

export interface LadderFit {
  mode: number;
  entries: number[];
  /** Complex factor per entry, [re, im]: the true share is this times the estimate's (im: a quarter turn of its φ). */
  factors: [number, number][];
  /** The level every case reads beyond the entries' shares (the receiver's own offset), steps. */
  shift: number;
  /** RMS of the readings' levels minus the estimate's over the sums, before; after the fit, over the steps kept; steps. */
  rmsBefore: number;
  rmsAfter: number;
  /** Whether the quarter turns were used (an in-phase factor out of MAX_GAIN), or the sums alone. */
  quadrature: boolean;
  /** Sum steps left out as outliers. */
  outliers: number;
  taken: boolean;
}

/**
 * The per-entry fits of a ladder round, per decoded mode (not yet applied). Levels are compared
 * untrimmed (the receiver's step and offset the estimate gives): a trim taken before is what the
 * entries' gains now explain, and only an offset common to every case is left to the receiver.
 */
export function fitLadder(state: SessionState, round: Round, readings: StepReading[]): LadderFit[] {
  const plan = drivenPlan(state, round);
  const lv = acceptLevels(state, round, readings, plan.pick);
  const { calibrated } = state.program(state.estimatedDie);
  const modes = decodedModes(state, calibrated);
  const trim = state.levelTrim;
  // A trimmed level ℓ is (raw − shift)/scale: back to raw levels.
  const raw = (l: number, m: number): number => (trim ? trim.scale[m]! * l + trim.shift[m]! : l);
  const steps = acceptCaseSteps(state, plan.pick).map((s) => round.steps[s]!);
  const eng = engine(state);
  const phaseOf = steps.map((st) => realizedPhases(state.estimatedDie, st.codes));
  const base = steps.map((st, s) => Array.from(eng.fields(phaseOf[s]!, st.powers).detectorRe));
  const fits: LadderFit[] = [];
  for (const { mode: m, entries } of detectorEntries(state)) {
    const d = modes[m]!;
    const levelOf = (re: ArrayLike<number>): number =>
      raw(((d.ref >= 0 ? re[d.at]! * ratioScale(d.level, re[d.ref]!) : re[d.at]!) - d.offset) / d.step, m);
    const baseLevel = base.map(levelOf);
    const resid = baseLevel.map((l, s) => raw(lv.read[s]![m]!, m) - l);
    // Each entry's share of the level per step, in phase (its φ turned by π takes it off twice) and
    // a quarter turn on (its φ turned by π/2); the quarter turns only where the fit needs them. An
    // in-phase share is propagated once: the quadrature columns reuse it.
    const levelTurned = (e: number, s: number, by: number): number => {
      const ph = Float64Array.from(phaseOf[s]!);
      ph[state.struct.entries[e]!.phi]! += by;
      const t = [...base[s]!];
      t[d.at] = eng.fields(ph, steps[s]!.powers).detectorRe[d.at]!;
      return levelOf(t);
    };
    const inPhaseMemo = new Map<number, number>();
    const inPhaseShare = (e: number, s: number): number => {
      const key = e * steps.length + s;
      let v = inPhaseMemo.get(key);
      if (v === undefined) inPhaseMemo.set(key, (v = (baseLevel[s]! - levelTurned(e, s, Math.PI)) / 2));
      return v;
    };
    const quadratureShare = (e: number, s: number): number => levelTurned(e, s, Math.PI / 2) - (baseLevel[s]! - inPhaseShare(e, s));
    const sums = steps.length - plan.turned;
    // In phase first, on the sums alone: the turned steps also heat the turned heater's neighbours,
    // whose couplings a crosstalk die's estimate may have wrong (add0 die 27: a quarter turn of
    // digits/e5 read 6.23 where the estimate said 4.10). The quarter turns are used only where an
    // entry's in-phase factor says its phase is far off (die 12: 0.1 of its share in phase).
    // The in-phase fit reads the sums only: its columns stay 0 on the turned steps it leaves out.
    const inPhaseCols = entries.map((e) => steps.map((_, s) => (s < sums ? inPhaseShare(e, s) : 0)));
    const inPhase = fitColumns(resid, [...inPhaseCols, steps.map(() => 1)], entries.length, sums, false);
    const real = inPhase && {
      ...inPhase,
      factors: entries.map((_, j) => [1 + inPhase.x[j]!, 0] as [number, number]),
      shift: inPhase.x[entries.length]!,
    };
    const both =
      real && real.factors.every(plausible)
        ? real
        : (() => {
            const shares = entries.flatMap((e) => [steps.map((_, s) => inPhaseShare(e, s)), steps.map((_, s) => quadratureShare(e, s))]);
            const c = fitColumns(resid, [...shares, steps.map(() => 1)], shares.length, sums, true);
            return (
              c && {
                ...c,
                factors: entries.map((_, j) => [1 + c.x[2 * j]!, c.x[2 * j + 1]!] as [number, number]),
                shift: c.x[shares.length]!,
              }
            );
          })();
    if (!both) continue;
    fits.push({
      mode: m,
      entries,
      factors: both.factors,
      shift: both.shift,
      quadrature: both !== real,
      rmsBefore: rms(resid.filter((_, s) => s < sums)),
      rmsAfter: both.rms,
      outliers: both.outliers,
      taken: both.factors.every(plausible) && both.rms <= MISFIT_STEPS,
    });
  }
  return fits;
}

const rms = (r: number[]): number => Math.sqrt(r.reduce((a, x) => a + x * x, 0) / Math.max(1, r.length));

/** A factor whose gain is within MAX_GAIN either way (its phase may be anything). */
const plausible = ([re, im]: [number, number]): boolean => Math.abs(Math.log(Math.hypot(re, im))) <= Math.log(MAX_GAIN);

/**
 * Least squares of the residuals on `cols` (the first `ridged` ridged), over the sum steps (the first
 * `sums`) and with `turned` the turned steps after them; then again without the sum steps
 * left more than OUTLIER_STEPS off, if three quarters of them stay. The RMS left is over the steps kept.
 */
function fitColumns(
  resid: number[],
  cols: number[][],
  ridged: number,
  sums: number,
  turned: boolean,
): { x: number[]; rms: number; outliers: number } | null {
  let use = resid.map((_, s) => s < sums || turned);
  let x = lsq(cols, resid, use, ridged);
  if (!x) return null;
  const after = (x: number[]): number[] => resid.map((r, s) => r - cols.reduce((a, u, i) => a + x[i]! * u[s]!, 0));
  const first = after(x);
  const keep = first.map((v, s) => s < sums && Math.abs(v) <= OUTLIER_STEPS);
  if (keep.some((k, s) => s < sums && !k) && keep.filter(Boolean).length >= sums * 0.75) {
    use = use.map((u, s) => (s < sums ? keep[s]! : u));
    const again = lsq(cols, resid, use, ridged);
    if (again) x = again;
  }
  const left = after(x).filter((_, s) => use[s]);
  return { x, rms: rms(left), outliers: use.filter((u, s) => s < sums && !u).length };
}

/**
 * Move each fitted entry's path gain and φ offset on the estimate (the codes are solved again by the
 * acceptance round), and give each fitted mode's receiver its offset alone: the scale a trim read is
 * now in the gains.
 */
export function absorbLadder(state: SessionState, round: Round, readings: StepReading[]): void {
  const fits = fitLadder(state, round, readings).filter((f) => f.taken);
  if (fits.length === 0) return;
  const modes = state.struct.lc.nodes.reduce((a, n) => a + (n.kind === "detector" ? n.decoded : 0), 0);
  const was = state.levelTrim ?? { scale: new Array<number>(modes).fill(1), shift: new Array<number>(modes).fill(0) };
  const trim = { scale: [...was.scale], shift: [...was.shift] };
  for (const fit of fits) {
    fit.entries.forEach((e, i) => {
      const [re, im] = fit.factors[i]!;
      setEntryLoss(state, e, (lossDb) => lossDb - 20 * Math.log10(Math.hypot(re, im)));
      shiftOffset(state.estimatedDie.heaters[state.struct.entries[e]!.phi]!, Math.atan2(im, re));
    });
    trim.scale[fit.mode] = 1;
    trim.shift[fit.mode] = fit.shift;
  }
  state.levelTrim = trim.scale.every((a) => a === 1) && trim.shift.every((b) => b === 0) ? null : trim;
}
