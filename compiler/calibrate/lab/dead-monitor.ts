// A monitor photodiode that reads nothing (dead, disconnected) is named from the readings and worked
// around through another monitor that sees the same phase (docs/design/calibration.md §10.1):
//   - a θ whose dump fringe read flat (absorb.ts absorbTheta) is swept again at the first live
//     fan-in monitor its light reaches, every other entry of the stage dark: the same fringe, read
//     after the attenuator instead of at its dump;
//   - a meta-MZI pair whose fan-in monitor read flat is swept again where the pair's light goes on:
//     a later fan-in monitor both reach, else what reads the row (its output detector, or the next
//     stage's dumps);
//   - a gated row whose meter (the next stage's dumps it feeds) read flat at both settings of its
//     gate scan has those dumps named dead: the meter reads past each at its entry's first live
//     fan-in monitor (stage-physics.ts meter), and the gate is scanned again there.
// Each re-read is its own round, of the kind of the round it completes, inserted right after it.
// A weak monitor (a fraction of the others' responsivity) needs nothing: every estimate is a ratio
// of readings at one monitor.
import { fit, fitPredicted, values } from "./readings-fit.ts";
import { update } from "./heater-update.ts";
import { brightestReads } from "./meter-reads.ts";
import type { Group, Round, Step, StepReading } from "./rounds.ts";
import type { Reread, SessionState } from "./session-state.ts";
import {
  atOperatingTheta,
  engine,
  light,
  materialize,
  metaSetting,
  treeMonitor,
  detectorOf,
  maxCode,
  meter,
  meterCodes,
  predict,
  stageCodes,
  sweepCodes,
} from "./stage-physics.ts";
import { metaPairs, type Row, type Stage } from "./structure.ts";
import { gatedPair, gatedSetting } from "./gated-pair.ts";

/** A fringe below this fraction of its stage's median measured-over-predicted amplitude read nothing. */
export const FLAT_FRINGE = 0.05;

type Sweep = Extract<Group, { kind: "sweep" }>;

function rowOf(state: SessionState, e: number): { stage: Stage; row: Row } {
  const en = state.struct.entries[e]!;
  const stage = state.struct.stages.find((s) => s.part === en.part)!;
  return { stage, row: stage.rows[en.row]! };
}

/** Where a meta-MZI pair's light can be read when the monitor it meets at is dead: a later shared fan-in monitor, else the row's reader. */
function metaRead(state: SessionState, e: number, partner: number): number[] {
  const pt = state.struct.entries[partner]!.tree;
  const shared = treeMonitor(
    state,
    state.struct.entries[e]!.tree.filter((t) => pt.includes(t)),
  );
  if (shared !== undefined) return [shared];
  return meter(state, rowOf(state, e).row).filter((r) => r >= state.struct.lc.sites.length || !state.dead.has(r));
}

/** Insert a re-read round after `round` (nothing to re-read: none). */
function insert(state: SessionState, round: Round, reread: Reread[]): void {
  if (reread.length === 0) return;
  const p = state.plan[round.index]!;
  state.plan.splice(round.index + 1, 0, { stage: p.stage, kind: p.kind, reread });
}

/** θ heaters whose dump read flat (absorbTheta): their dumps are dead; each is read again at a fan-in monitor. */
export function rereadFlatThetas(state: SessionState, round: Round, flat: ReadonlySet<number>): void {
  if (state.setup.reread === false) return;
  const es = state.struct.entries.flatMap((en, e) => (flat.has(en.theta) ? [e] : []));
  for (const e of es) state.dead.add(state.struct.entries[e]!.dump);
  insert(
    state,
    round,
    es.filter((e) => treeMonitor(state, state.struct.entries[e]!.tree) !== undefined).map((entry) => ({ entry, what: "theta" as const })),
  );
}

/** The measured-over-predicted amplitude of a sweep's fringe against its stage's median: below FLAT_FRINGE, it read nothing. */
function reads(state: SessionState, round: Round, readings: StepReading[], g: Sweep, stage: string): boolean {
  const ref = state.monitorGain.get(stage);
  if (ref === undefined) return true;
  const m = fit(state, round, g, values(state, readings, g, round), g.heater);
  const p = fitPredicted(state, round, g, g.heater, false);
  return m.b / Math.max(1e-300, p.b) >= FLAT_FRINGE * ref;
}

/**
 * Meta-MZI sweeps and gate scans of a phase round that read nothing: their monitors are named dead,
 * and each pair or gate is read again elsewhere in a re-read round.
 */
export function flatPhase(state: SessionState, round: Round, readings: StepReading[]): void {
  if (state.setup.reread === false) return;
  const flat = new Set<Sweep>();
  for (const g of round.groups) {
    if (g.kind !== "sweep" || g.what !== "meta" || readsDead(state, g)) continue;
    if (!reads(state, round, readings, g, round.stage!)) flat.add(g);
  }
  for (const g of flat) state.dead.add(g.read[0]!);
  const reread: Reread[] = [...flat]
    .filter((g) => {
      const { row } = rowOf(state, g.entry);
      const partner = metaPairs(row).find(([a]) => a === g.entry)![1];
      // A gated row's reference is held by its partner, whose phase its own re-read gives first (rereadGatedRefs).
      return metaRead(state, g.entry, partner).length > 0 && !(g.entry === row.ref && gatedPair(state, g.entry, partner, row));
    })
    .map((g) => ({ entry: g.entry, what: "meta" }));
  // A gate whose meter read nothing at either setting, where the estimate brings light at both.
  const ref = state.monitorGain.get(round.stage!);
  const gates = new Map<Row, Extract<Group, { kind: "gate" }>[]>();
  for (const g of round.groups) if (g.kind === "gate") gates.set(g.row, [...(gates.get(g.row) ?? []), g]);
  for (const [row, gs] of gates) {
    if (ref === undefined || gs.some((g) => g.read.every((r) => state.dead.has(r)))) continue;
    const measured = Math.max(...gs.flatMap((g) => values(state, readings, g, round)));
    const predicted = Math.max(...gs.flatMap((g) => predict(state, round, g).values));
    if (measured >= FLAT_FRINGE * ref * predicted) continue;
    const dumps = gs[0]!.read.filter((r) => r < state.struct.lc.sites.length);
    for (const r of dumps) state.dead.add(r);
    if (meter(state, row).some((r) => !state.dead.has(r))) reread.push({ entry: row.ref, what: "gate" });
    // Nothing to read past them (a lone entry's dump): left as they were, the next stage's θ round names them.
    else for (const r of dumps) state.dead.delete(r);
  }
  insert(state, round, reread);
}

/**
 * After a re-read of gated pairs held open by their reference: each such row's reference against its
 * first partner, held open by that partner (its phase now known), in one more re-read round.
 */
export function rereadGatedRefs(state: SessionState, round: Round): void {
  const refs = new Set<number>();
  for (const g of round.groups) {
    if (g.kind !== "sweep" || g.what !== "meta") continue;
    const { row } = rowOf(state, g.entry);
    const [ref, first] = metaPairs(row).at(-1)!;
    if (g.entry !== ref && gatedPair(state, ref, first, row)) refs.add(ref);
  }
  insert(
    state,
    round,
    [...refs].map((entry) => ({ entry, what: "meta" as const })),
  );
}

/** Whether a group reads a monitor named dead (its readings are not used). */
export const readsDead = (state: SessionState, g: { read: number[] }): boolean => g.read.some((r) => state.dead.has(r));

/** The steps of a re-read round (plan.ts): θ fringes at a fan-in monitor, meta-MZI pairs and gates read past a dead monitor. */
export function planReread(
  state: SessionState,
  stage: Stage,
  reread: Reread[],
  base: { codes: Int32Array; program: Int32Array },
  steps: Step[],
  groups: Group[],
): void {
  const eng = engine(state);
  const sweep = sweepCodes(state, state.setup.points);
  const push = (g: { steps: number[] }, purpose: string, powers: Float64Array, codes: Int32Array, read: number[]): void => {
    g.steps.push(steps.length);
    steps.push({ purpose: `${purpose} (re-read: a monitor is dead)`, powers, codes, read });
  };
  for (const { entry: e, what } of reread) {
    const en = state.struct.entries[e]!;
    const { row } = rowOf(state, e);
    if (what === "theta") {
      const l = light(state, stage, en.input);
      // As at its dump (plan.ts planTheta): the stage's other heaters at code 0, so no heat of theirs
      // enters the fringe before their couplings are measured (set dark instead, the law's error on
      // them moved one offset by 0.26 rad).
      const codes0 = materialize(state, base, l, eng, true);
      const g: Sweep = { kind: "sweep", what: "theta", entry: e, heater: en.theta, read: [treeMonitor(state, en.tree)!], steps: [] };
      for (const c of sweep) push(g, `theta ${en.name}`, l.powers, withCode(codes0, en.theta, c), g.read);
      groups.push(g);
    } else if (what === "meta") {
      const partner = metaPairs(row).find(([a]) => a === e)![1];
      const pn = state.struct.entries[partner]!;
      // Through a ReLU: the gate held open by the entry whose phase in its frame is known (gated-pair.ts).
      const open = gatedPair(state, e, partner, row)
        ? gatedSetting(state, stage, row, base, eng, e, e === row.ref ? partner : row.ref)
        : null;
      const { powers, codes: codes0 } = open ?? metaSetting(state, stage, base, eng, e, partner);
      if (!open) meterCodes(state, row, codes0, state.meterSetting.get(`${row.part}/${row.index}`) ?? 0);
      const read = brightestReads(state, eng, metaRead(state, e, partner), codes0, powers);
      const g: Sweep = { kind: "sweep", what: "meta", entry: e, heater: en.phi, read, steps: [], anchor: e !== row.ref };
      for (const c of sweep) push(g, `phase ${en.name} vs ${pn.name}`, powers, withCode(codes0, en.phi, c), read);
      groups.push(g);
    } else {
      // The gate scan of plan.ts planPhase, its meter read past the dead dumps.
      const l = light(state, stage, en.input);
      const codes0 = stageCodes(state, stage, materialize(state, base, l, eng), new Set([e]));
      atOperatingTheta(state, codes0, base.program, [en.theta]);
      const read = meter(state, row);
      // Read at a homodyne detector (a lone next entry's dump dead): a quadrature, not a power, so
      // each step is read again with that entry's φ a quarter turn on (nominal); one of the two sees it.
      const turned = homodynePast(state, row);
      const quarter = Math.round(maxCode(state) * Math.sqrt(Math.PI / 2 / state.setup.etaNominal / state.setup.pMaxMw));
      for (const setting of [0, 1]) {
        const g: Extract<Group, { kind: "gate" }> = { kind: "gate", row, entry: e, heater: en.phi, read, settings: setting, steps: [] };
        if (turned.length) g.twin = [];
        for (const c of sweepCodes(state, state.setup.gatePoints)) {
          const codes = withCode(codes0, en.phi, c);
          meterCodes(state, row, codes, setting);
          push(g, `gate ${en.name}`, l.powers, codes, read);
          if (!turned.length) continue;
          const twin = Int32Array.from(codes);
          for (const h of turned) twin[h] = quarter;
          g.twin!.push(steps.length);
          steps.push({ purpose: `gate ${en.name} (re-read: a monitor is dead)`, powers: l.powers, codes: twin, read });
        }
        groups.push(g);
      }
    }
  }
}

/** φ heaters of the next stage's entries a row's meter reads at a homodyne detector (meter). */
function homodynePast(state: SessionState, row: Row): number[] {
  if (row.sink.kind !== "stage") return [];
  const sink = row.sink;
  return state.struct.entries
    .filter((x) => x.part === sink.part && x.input === sink.input && state.dead.has(x.dump) && treeMonitor(state, x.tree) === undefined)
    .filter((x) => detectorOf(state, x) !== undefined)
    .map((x) => x.phi);
}

const withCode = (codes: Int32Array, h: number, c: number): Int32Array => {
  const out = Int32Array.from(codes);
  out[h] = c;
  return out;
};

/** A θ re-read: each fringe read at a fan-in monitor sets its heater as its dump would have. */
export function absorbThetaReread(state: SessionState, round: Round, readings: StepReading[]): void {
  for (const g of round.groups) {
    if (g.kind !== "sweep" || !reads(state, round, readings, g, round.stage!)) continue;
    update(
      state,
      round,
      g,
      fit(state, round, g, values(state, readings, g, round), g.heater),
      "theta fringe at a fan-in monitor (its dump read nothing)",
    );
    state.unmeasured.delete(g.heater);
  }
}

/** The phase rounds of a stage, the first and its re-reads, with their readings (the through round refits them; its pairs round has nothing to refit). */
export function phaseRounds(state: SessionState, through: Round): { round: Round; readings: StepReading[]; reread: boolean }[] {
  const out: { round: Round; readings: StepReading[]; reread: boolean }[] = [];
  for (let k = state.rounds.indexOf(through) - 1; k >= 0 && state.rounds[k]!.kind === "phase"; k--)
    if (!state.plan[k]!.pairs)
      out.unshift({ round: state.rounds[k]!, readings: state.readings[k]!, reread: state.plan[k]!.reread !== undefined });
  return out;
}

/** Whether a planned round is a re-read (dead-monitor.ts) rather than a stage's own round. */
export const isReread = (state: SessionState, round: Round): boolean => state.plan[round.index]?.reread !== undefined;

/** Alternations of a lone homodyne entry's through fringe and its row's quadrature (throughFallback). */
const ALTERNATIONS = 12;

/**
 * A θ whose dump read nothing and that no fan-in monitor sees (an entry alone in its row): its
 * through fringe, read after the row, is the first reading of it. Read by the output detector, that
 * fringe's phase is θ's offset plus the row's phase, and the row's quadrature (its φ swept at the
 * operating θ) is the row's phase plus half of θ: each estimate, moved alone, takes up half of the
 * other's error. Alternated, the two converge (half the error per turn).
 */
export function throughFallback(state: SessionState, round: Round, g: Sweep, m: ReturnType<typeof fit>): void {
  const label = "through fringe (its dump photodiode read nothing)";
  update(state, round, g, m, label);
  state.unmeasured.delete(g.heater);
  const homodyne = g.read.length === 1 && g.read[0]! >= state.struct.lc.sites.length;
  const first = phaseRounds(state, round).find((r) => !r.reread);
  const phase = first?.round;
  const q = phase?.groups.find((x): x is Sweep => x.kind === "sweep" && x.what === "homodyne" && x.entry === g.entry);
  if (!homodyne || !phase || !q || state.setup.reread === false) return;
  const qv = values(state, first.readings, q, phase);
  for (let it = 0; it < ALTERNATIONS; it++) {
    update(state, phase, q, fit(state, phase, q, qv, q.heater), "quadrature at the homodyne detector");
    update(state, round, g, m, label);
  }
}
