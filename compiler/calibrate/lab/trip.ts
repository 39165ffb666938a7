// The trip round (docs/design/calibration.md §10.4, §12 `crosstalk`): after a refused acceptance round and its
// closing passes, where each threshold row's ReLU trips is read on the chip at the programmed codes.
// A digit cell's threshold row computes u = ReLU(s·(θ − v) + c/2) from a signal and a bias entry
// (compiler/cells/cell-network.ts), so a relative error ε between the two moves its decision by ε·θ:
// on add1's crosstalk dies the closing passes left dim signal entries 4–6 % off, the top row's trip
// at 13.8 instead of 14.56, one step out. Every in port is driven at the same fractional digit, the
// sum v stepped across the row's predicted trip, and the next stage's dump that the row feeds reads
// its light; the signal entry's gain relative to the bias entry is the one that makes the estimate
// predict those readings (the ReLU's jump included; behind a regenerating read, what it writes:
// gain, limit and Re z alone), and the codes are solved again.
import { readCellInfo } from "../../../aggregate/circuit-info.ts";
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import { cellPortCount, digitPowers, isCellPort } from "../../../netlist/lab/optics.ts";
import type { LabEngine } from "../../../netlist/lab/engine.ts";
import { MAX_POWER_RATIO } from "./dim-power.ts";
import type { Group, Round, Step, StepReading } from "./rounds.ts";
import { values } from "./readings-fit.ts";
import type { SessionState } from "./session-state.ts";
import { programCodes } from "./program-codes.ts";
import { engine, setEntryLoss } from "./stage-physics.ts";
import { rowRead, type Row } from "./structure.ts";
import { LIMIT_FRACTION } from "./limits.ts";

/**
 * Steps per row, spread over the input sum from OPEN_SPAN on the side where the estimate has the ReLU
 * open to CLOSED_SPAN past the predicted trip: the light is read on the open side, and add1's
 * crosstalk dies put trips up to 1.0 from the estimate's (die 12, row 12: 11.59 against 12.57).
 */
export const TRIP_STEPS = 11;
const OPEN_SPAN = 1.6;
const CLOSED_SPAN = 0.4;
/** The signal gain's search: |α| over this factor either way, its phase over ±ANGLE rad. */
const SPAN = 1.2;
const ANGLE = 0.3;
/** A fit whose RMS residual exceeds this share of the row's brightest reading moves nothing. */
const MISFIT = 0.1;

type C = [number, number];
type Trip = Extract<Group, { kind: "trip" }>;

/** A first-layer gated row: fed only by linear rows, one signal entry and one bias entry, read behind its ReLU. */
interface TripRow {
  row: Row;
  signal: number;
}

interface Digits {
  levels: number;
  ports: number;
}

/** The cell's digits per port and number of cell ports, or null for a cell that is not a digit cell. */
function cellDigits(state: SessionState): Digits | null {
  const f = readCellInfo(state.struct.lc.circuit.info);
  const ports = cellPortCount(state.struct.lc);
  return f && ports > 0 ? { levels: f.levels, ports } : null;
}

/** Whether lab input i is a cell port (a digit), not a bias source. */
const inPort = (state: SessionState, i: number): boolean => isCellPort(state.struct.lc.inputs[i]!);

/** Input powers with every cell port at sum/ports digits, the bias sources as programmed, times `boost`. */
function sumPowers(state: SessionState, d: Digits, bias: ReadonlyMap<string, number>, sum: number, boost: number): Float64Array {
  return Float64Array.from(digitPowers(state.struct.lc, d.levels, bias, new Array(d.ports).fill(sum / d.ports)), (x) => x * boost);
}

/** The rows a trip round reads: behind a ReLU, in a stage whose inputs pass no ReLU, with one entry lit by the inputs and one by the bias alone. */
function tripRows(state: SessionState): TripRow[] {
  if (state.setup.trips === false || !cellDigits(state)) return [];
  const st = state.struct;
  const out: TripRow[] = [];
  for (const stage of st.stages) {
    if (!stage.inputs.every((i) => i.kind === "row" && !i.gated)) continue;
    // A stage input fed only by bias sources: its upstream row has no entry lit from an in port.
    const constant = stage.inputs.map((i) => {
      const up = i.kind === "row" ? st.stages.find((s) => s.part === i.part) : undefined;
      const row = up?.rows[(i as { row: number }).row];
      return (
        !!row &&
        row.entries.every((e) => {
          const inp = up!.inputs[st.entries[e]!.input]!;
          return inp.kind === "lab" && !inPort(state, inp.lab);
        })
      );
    });
    for (const row of stage.rows) {
      if (row.sink.kind !== "stage" || !row.sink.gated || row.entries.length !== 2) continue;
      const [a, b] = row.entries as [number, number];
      const ca = constant[st.entries[a]!.input]!;
      const cb = constant[st.entries[b]!.input]!;
      if (ca === cb) continue;
      out.push({ row, signal: ca ? b : a });
    }
  }
  return out;
}

/** Readings a trip round takes (a budget's reserve: closing.ts). */
export const tripReadings = (state: SessionState): number => tripRows(state).length * TRIP_STEPS;

/** A live dump of the next stage that the row's light reaches: the reader of its ReLU's output. */
function reader(state: SessionState, row: Row): number | undefined {
  const sink = row.sink as { part: string; input: number };
  return state.struct.entries.find((e) => e.part === sink.part && e.input === sink.input && !state.dead.has(e.dump))?.dump;
}

/**
 * Where each row's field on the estimate first turns (Re z > 0 or not) along the input sum, in
 * [0, top]: one scan in steps of 0.1 shared by every row (each setting's fields hold them all), then
 * eight halvings per row; NaN for a row that does not turn.
 */
function predictedTrips(eng: LabEngine, phases: Float64Array, pins: string[], at: (sum: number) => Float64Array, top: number): number[] {
  const openAt = (s: number): boolean[] => {
    const f = eng.fields(phases, at(s));
    return pins.map((pin) => (f.pin(pin) as C)[0] > 0);
  };
  const trips = pins.map(() => Number.NaN);
  let prev = openAt(0);
  for (let s = 0.1; s <= top + 1e-9 && trips.some(Number.isNaN); s += 0.1) {
    const now = openAt(s);
    pins.forEach((pin, r) => {
      if (!Number.isNaN(trips[r]!) || now[r] === prev[r]) return;
      const open = (x: number): boolean => (eng.fields(phases, at(x), { pin }).pin(pin) as C)[0] > 0;
      let [lo, hi] = [s - 0.1, s];
      for (let k = 0; k < 8; k++) {
        const m = (lo + hi) / 2;
        if (open(m) === prev[r]) lo = m;
        else hi = m;
      }
      trips[r] = (lo + hi) / 2;
    });
    // A row that has turned keeps its first turn: later flags are not compared again.
    prev = now;
  }
  return trips;
}

/** The boost that brings the brightest input to MAX_POWER_RATIO times the setup's laser power. */
function boostFor(state: SessionState, d: Digits, bias: ReadonlyMap<string, number>, top: number): number {
  const peak = Math.max(...sumPowers(state, d, bias, top, 1));
  return peak > 0 ? (MAX_POWER_RATIO * state.setup.laserMw) / peak : 1;
}

export function planTrip(state: SessionState, steps: Step[], groups: Group[]): void {
  const d = cellDigits(state);
  if (!d) return;
  const prog = programCodes(state);
  const eng = engine(state);
  const phases = realizedPhases(state.estimatedDie, prog.codes);
  const top = d.ports * (d.levels - 1) + 1;
  const boost = boostFor(state, d, prog.bias, top);
  const at = (sum: number): Float64Array => sumPowers(state, d, prog.bias, sum, boost);
  const rows = tripRows(state).flatMap((t) => {
    const read = reader(state, t.row);
    return read === undefined ? [] : [{ ...t, read, pin: `${t.row.part},out${t.row.index}` }];
  });
  const trips = predictedTrips(
    eng,
    phases,
    rows.map((t) => t.pin),
    at,
    top,
  );
  rows.forEach((t, r) => {
    const trip = trips[r]!;
    if (!Number.isFinite(trip)) return;
    const { pin, read } = t;
    const g: Trip = { kind: "trip", row: t.row, entry: t.signal, read: [read], steps: [] };
    // Which side is open: below the trip for a threshold row (u = ReLU(s·(θ − v) + c/2)).
    const below = (eng.fields(phases, at(Math.max(0, trip - 0.2)), { pin }).pin(pin) as C)[0] > 0;
    const [from, to] = below ? [trip - OPEN_SPAN, trip + CLOSED_SPAN] : [trip - CLOSED_SPAN, trip + OPEN_SPAN];
    const sums = Array.from({ length: TRIP_STEPS }, (_, k) => Math.max(0, from + ((to - from) * k) / (TRIP_STEPS - 1)));
    // A limited read is read below its limit over the whole span (limits.ts): held at it, the
    // open side is flat and says nothing of the signal's gain. The ReLU is homogeneous: the trip stays.
    const limit = t.row.act?.limit ?? 0;
    const top = limit > 0 ? Math.max(...sums.map((x) => (eng.fields(phases, at(x), { pin }).pin(pin) as C)[0])) : 0;
    const dim = top > LIMIT_FRACTION * limit ? ((LIMIT_FRACTION * limit) / top) ** 2 : 1;
    for (const sum of sums) {
      g.steps.push(steps.length);
      const powers = at(sum);
      steps.push({
        purpose: `trip ${t.row.part}/r${t.row.index}`,
        powers: dim === 1 ? powers : Float64Array.from(powers, (x) => x * dim),
        codes: prog.codes,
        read: [read],
      });
    }
    groups.push(g);
  });
}

/** The signal entry's relative gain α (complex) that best predicts a row's trip readings, and its fit. */
export function fitTrip(
  state: SessionState,
  round: Round,
  readings: StepReading[],
  g: Trip,
): { alpha: C; rms: number; peak: number } | null {
  const eng = engine(state);
  const m = values(state, readings, g, round);
  const pin = `${g.row.part},out${g.row.index}`;
  const zs: C[] = [];
  const zb: C[] = [];
  let kNum = 0;
  let kDen = 0;
  const phases = realizedPhases(state.estimatedDie, round.steps[g.steps[0]!]!.codes);
  // What the row's read writes (gain, limit, Re only behind a homodyne read); a plain ReLU without one.
  const act = g.row.act ?? { gain: 1, slope: 0, limit: 0, homodyne: false, out: "" };
  const read = (z: C): C => rowRead(act, z);
  for (const s of g.steps) {
    const st = round.steps[s]!;
    const f = eng.fields(phases, st.powers);
    const z = f.pin(pin) as C;
    // The bias entry's part alone: the in ports dark, the bias sources as driven.
    const b = eng
      .fields(
        phases,
        Float64Array.from(st.powers, (p, i) => (inPort(state, i) ? 0 : p)),
      )
      .pin(pin) as C;
    zb.push(b);
    zs.push([z[0] - b[0], z[1] - b[1]]);
    // The reader's power per |read(z)|², from the steps the estimate has open.
    const o = read(z);
    if (z[0] > 0) {
      kNum += f.power[g.read[0]!]!;
      kDen += o[0] * o[0] + o[1] * o[1];
    }
  }
  if (!(kDen > 0)) return null;
  const K = kNum / kDen;
  let best = { alpha: [1, 0] as C, err: Number.POSITIVE_INFINITY };
  const q = new Float64Array(m.length);
  for (let la = -Math.log(SPAN); la <= Math.log(SPAN) + 1e-12; la += 0.0025) {
    for (let ang = -ANGLE; ang <= ANGLE + 1e-12; ang += 0.01) {
      const ar = Math.exp(la) * Math.cos(ang);
      const ai = Math.exp(la) * Math.sin(ang);
      let num = 0;
      let den = 0;
      for (let i = 0; i < m.length; i++) {
        const [re, im] = read([ar * zs[i]![0] - ai * zs[i]![1] + zb[i]![0], ar * zs[i]![1] + ai * zs[i]![0] + zb[i]![1]]);
        q[i] = K * (re * re + im * im);
        num += q[i]! * m[i]!;
        den += q[i]! * q[i]!;
      }
      if (!(den > 0)) continue;
      const D = num / den;
      let err = 0;
      for (let i = 0; i < m.length; i++) err += (m[i]! - D * q[i]!) ** 2;
      if (err < best.err) best = { alpha: [ar, ai], err };
    }
  }
  const peak = Math.max(...m);
  return { alpha: best.alpha, rms: Math.sqrt(best.err / m.length), peak };
}

/** Move each read row's signal entry by the real part of its fitted α (what sets the trip); the codes are solved again by the next round. */
export function absorbTrip(state: SessionState, round: Round, readings: StepReading[]): void {
  const fits = round.groups.flatMap((g) => (g.kind === "trip" ? [{ g, fit: fitTrip(state, round, readings, g) }] : []));
  for (const { g, fit } of fits) {
    if (!fit || !(fit.peak > 0) || fit.rms > MISFIT * fit.peak) continue;
    // An α at the search's edge is no fit.
    const size = Math.hypot(fit.alpha[0], fit.alpha[1]);
    if (!(size > 1 / SPAN + 0.01 && size < SPAN - 0.01)) continue;
    const f = fit.alpha[0];
    setEntryLoss(state, g.entry, (lossDb) => lossDb - 20 * Math.log10(f));
  }
}
