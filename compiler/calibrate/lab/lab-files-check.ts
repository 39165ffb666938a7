// Checking lab files against the design: a protocol must be the round the session plans next, a
// readings file must replay through a fresh session step by step (same settings, same readouts),
// hold every round before calibration, and its readouts are named when they saturate or read dark.
import { LAB } from "../../../codes/catalogue.ts";
import type { LabSession, Round, StepReading } from "./session.ts";
import { type LabInstrument, MIN_MONITOR_A, type ProtocolDoc, type StepSettings, stepSettings } from "./lab-files.ts";
import { type Path, type ReadReadings, Sink } from "./lab-files-read.ts";

/** The first difference between recorded and planned settings of one step (null when equal). */
function stepDiff(rec: StepSettings & { repeats?: number }, want: StepSettings): { field: string; message: string } | null {
  if (rec.id !== want.id) return { field: "id", message: `step id ${JSON.stringify(rec.id)}, the plan's is "${want.id}"` };
  const map = (a: Record<string, number>, b: Record<string, number>, what: string, unit: string): string | null => {
    for (const k of Object.keys(b)) if (!(k in a)) return `${what} ${k} is ${b[k]}${unit} in the plan, absent (0) here`;
    for (const [k, v] of Object.entries(a)) {
      if (!(k in b)) return `${what} ${k} is ${v}${unit} here, ${unit ? "unlit" : "0"} in the plan`;
      if (v !== b[k]) return `${what} ${k} is ${v}${unit} here, ${b[k]}${unit} in the plan`;
    }
    return null;
  };
  const inputs = map(rec.inputs, want.inputs, "input", " mW");
  if (inputs) return { field: "inputs", message: inputs };
  const codes = map(rec.codes, want.codes, "heater", "");
  if (codes) return { field: "codes", message: codes };
  if (rec.settleMs !== want.settleMs) return { field: "settleMs", message: `waits ${rec.settleMs} ms, the plan waits ${want.settleMs} ms` };
  if (rec.read.length !== want.read.length || rec.read.some((r, i) => r !== want.read[i]))
    return { field: "read", message: `reads ${JSON.stringify(rec.read)}, the plan reads ${JSON.stringify(want.read)}` };
  if (rec.repeats !== undefined && rec.repeats !== 1)
    return { field: "repeats", message: `${rec.repeats} repeats, the plan reads once (repeats 1)` };
  return null;
}

/**
 * Compare recorded steps with a planned round. Reports the first differing step (at `at` + step
 * index) with `code`, or missing / extra steps. Returns whether they match.
 */
function checkSteps(
  sink: Sink,
  session: LabSession,
  round: Round,
  rec: (StepSettings & { repeats?: number })[],
  at: Path,
  code: string,
  hint: string,
): boolean {
  const n = round.index + 1;
  const want = round.steps.map((s, k) => stepSettings(session.struct, n, k, s));
  const common = Math.min(want.length, rec.length);
  for (let k = 0; k < common; k++) {
    const d = stepDiff(rec[k]!, want[k]!);
    if (d) {
      sink.at([...at, k, d.field], code, `step ${rec[k]!.id} differs from round ${n}'s plan: ${d.message}`, hint);
      return false;
    }
  }
  if (rec.length < want.length) {
    sink.at(
      at,
      LAB.missing,
      `round ${n} has ${rec.length} of its ${want.length} steps: ${want[rec.length]!.id} and later are missing`,
      "measure every step of the round (optinc measure writes complete rounds)",
    );
    return false;
  }
  if (rec.length > want.length) {
    sink.at([...at, want.length], code, `round ${n} has ${want.length} steps in the plan, the file has ${rec.length}`, hint);
    return false;
  }
  return true;
}

/** The circuit's names (inputs, heaters, readouts) in a protocol header against the session's. */
function checkNames(sink: Sink, session: LabSession, doc: ProtocolDoc): void {
  const st = session.struct;
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const lists: [keyof ProtocolDoc & string, string[]][] = [
    ["inputs", st.lc.inputs.map((i) => i.name)],
    ["heaters", st.heaters.map((h) => h.name)],
    ["readouts", st.readouts],
  ];
  for (const [k, want] of lists)
    if (!same(doc[k] as string[], want))
      sink.at(
        [k],
        LAB.circuit,
        `the protocol's ${k} are not circuit ${st.lc.circuit.name}'s (${(doc[k] as string[]).length} listed, the circuit has ${want.length})`,
        "use the protocol optinc protocol wrote for this circuit",
      );
}

/**
 * Check a protocol file against the round `session` plans next (the session has absorbed the
 * readings before it). Problems are thrown as a LabFileError: another circuit (LAB.circuit), not the
 * next round (LAB.notNext), a step edited by hand (LAB.mismatch at the step, LAB.missing for dropped steps).
 */
export function checkProtocol(session: LabSession, doc: ProtocolDoc, text: string, file: string): Round {
  const sink = new Sink(text, file);
  const st = session.struct;
  if (doc.circuit !== st.lc.circuit.name)
    sink.at(
      ["circuit"],
      LAB.circuit,
      `a protocol of circuit "${doc.circuit}", not "${st.lc.circuit.name}"`,
      "pass this circuit's protocol",
    );
  else checkNames(sink, session, doc);
  sink.throwIfAny();
  if (session.done) {
    sink.at(["round"], LAB.complete, "the readings already hold every round: there is no next round", "run optinc calibrate --readings");
    sink.throwIfAny();
  }
  const round = session.nextRound();
  const next = round.index + 1;
  if (doc.round !== next || doc.rounds !== session.roundCount || doc.kind !== round.kind || doc.stage !== round.stage) {
    sink.at(
      ["round"],
      LAB.notNext,
      `protocol of round ${doc.round} of ${doc.rounds} (${doc.stage ?? "-"} ${doc.kind}), the next round is ${next} of ${session.roundCount} (${round.stage ?? "-"} ${round.kind})`,
      next === 1
        ? "measure round 1 first: optinc protocol without --readings"
        : "write the next protocol with optinc protocol --readings <these readings>",
    );
    sink.throwIfAny();
  }
  if (doc.drive.bits !== session.setup.driveBits)
    sink.at(
      ["drive", "bits"],
      LAB.mismatch,
      `${doc.drive.bits}-bit drive, the plan's is ${session.setup.driveBits}-bit`,
      "regenerate the protocol",
    );
  sink.throwIfAny();
  checkSteps(
    sink,
    session,
    round,
    doc.steps,
    ["steps"],
    LAB.mismatch,
    "regenerate the protocol with optinc protocol (it must not be edited)",
  );
  sink.throwIfAny();
  // Same settings: the purposes must still be the plan's (a lab script may group sweeps by them).
  const j = doc.steps.findIndex((x, k) => x.purpose !== round.steps[k]!.purpose);
  if (j >= 0)
    sink.at(
      ["steps", j, "purpose"],
      LAB.mismatch,
      `step ${doc.steps[j]!.id}: purpose "${doc.steps[j]!.purpose}", the plan's is "${round.steps[j]!.purpose}"`,
      "regenerate the protocol with optinc protocol",
    );
  sink.throwIfAny();
  return round;
}

export interface Replayed {
  /** Each recorded round as the session planned it, with its readings. */
  rounds: { round: Round; readings: StepReading[] }[];
}

/**
 * Replay a readings file through a fresh session: every recorded round must be the round the
 * session plans from the rounds before it. Absorbs each round; throws a LabFileError at the first
 * difference (another circuit, another protocol, a step edited, missing steps).
 */
export function replayReadings(session: LabSession, r: ReadReadings): Replayed {
  const { doc, text, file } = r;
  const sink = new Sink(text, file);
  const st = session.struct;
  if (doc.circuit !== st.lc.circuit.name) {
    sink.at(["circuit"], LAB.circuit, `readings of circuit "${doc.circuit}", not "${st.lc.circuit.name}"`, "pass this circuit's readings");
    sink.throwIfAny();
  }
  const nSites = st.lc.sites.length;
  const index = new Map(st.readouts.map((n, i) => [n, i]));
  const out: Replayed["rounds"] = [];
  for (const [i, rec] of doc.rounds.entries()) {
    if (session.done) {
      sink.at(
        ["rounds", i],
        LAB.mismatch,
        `round ${rec.round} beyond the ${session.roundCount} rounds of the plan`,
        "these readings are of another protocol",
      );
      break;
    }
    const round = session.nextRound();
    if (rec.round !== round.index + 1 || rec.kind !== round.kind || rec.stage !== round.stage) {
      sink.at(
        ["rounds", i],
        LAB.mismatch,
        `recorded round ${rec.round} (${rec.stage ?? "-"} ${rec.kind}) where the plan's round ${round.index + 1} (${round.stage ?? "-"} ${round.kind}) is next`,
        "rounds are recorded in order, each once (optinc measure appends them so)",
      );
      break;
    }
    if (
      !checkSteps(
        sink,
        session,
        round,
        rec.steps,
        ["rounds", i, "steps"],
        LAB.mismatch,
        "the readings are of another protocol or circuit, or a reading of an earlier round was changed (each round is planned from the readings before it)",
      )
    )
      break;
    rec.steps.forEach((s, j) =>
      s.values.forEach((v, k) => {
        const ro = index.get(s.read[k]!)!;
        if (ro < nSites && v < MIN_MONITOR_A)
          sink.at(
            ["rounds", i, "steps", j, "values", k],
            LAB.value,
            `monitor ${s.read[k]} reads ${v} A: a photodiode's current is not that negative (a negative power)`,
            "re-measure the step (check the readout's sign and range)",
          );
      }),
    );
    if (sink.diags.length) break;
    const readings = rec.steps.map((s) => ({ values: s.values, ref: s.ref }));
    session.absorb(round, readings);
    out.push({ round, readings });
  }
  sink.throwIfAny();
  return { rounds: out };
}

/** Every round present: a diagnostic (LAB.missing) when the readings stop early. */
export function checkComplete(session: LabSession, r: ReadReadings): true {
  if (session.done) return true;
  const sink = new Sink(r.text, r.file);
  sink.at(
    ["rounds"],
    LAB.missing,
    `the readings hold ${r.doc.rounds.length} of the ${session.roundCount} rounds`,
    `measure the rest: optinc protocol --readings ${r.file} writes round ${r.doc.rounds.length + 1}`,
  );
  sink.throwIfAny();
  return true;
}

/**
 * Per-readout problems of measured rounds (from `rounds[firstNew]` on; the earlier ones give the
 * dark levels): saturated readings, and readouts dark through a lit sweep, by readout name with the
 * purposes of the steps.
 */
export function readoutWarnings(
  session: LabSession,
  rounds: { round: Round; readings: StepReading[] }[],
  inst: LabInstrument,
  firstNew = 0,
): { saturated: Map<string, string[]>; dark: Map<string, string[]> } {
  const st = session.struct;
  const saturated = new Map<string, string[]>();
  const dark = new Map<string, string[]>();
  // Dark level per readout: the dark round's mean (0 before one).
  const level = new Float64Array(st.readouts.length);
  const d = rounds.find((x) => x.round.kind === "dark");
  if (d) {
    const n = new Float64Array(st.readouts.length);
    d.round.steps.forEach((s, k) =>
      s.read.forEach((ro, j) => {
        level[ro]! += d.readings[k]!.values[j]!;
        n[ro]!++;
      }),
    );
    level.forEach((_, i) => (level[i] = n[i] ? level[i]! / n[i]! : 0));
  }
  const add = (m: Map<string, string[]>, k: string, v: string): void => {
    const l = m.get(k) ?? [];
    if (!l.includes(v)) l.push(v);
    m.set(k, l);
  };
  for (const { round, readings } of rounds.slice(firstNew)) {
    round.steps.forEach((s, k) =>
      s.read.forEach((ro, j) => {
        if (Math.abs(readings[k]!.values[j]!) >= inst.fullScaleA) add(saturated, st.readouts[ro]!, s.purpose);
      }),
    );
    // The dark round lights nothing; the acceptance round's homodyne readings are zero wherever a
    // digit 0 is expected, and it judges its own readings (accept.ts).
    if (round.kind === "dark" || round.kind === "accept") continue;
    // A sweep: consecutive steps of one purpose. Light is expected where an input is lit.
    for (let a = 0; a < round.steps.length; ) {
      let b = a;
      while (b < round.steps.length && round.steps[b]!.purpose === round.steps[a]!.purpose) b++;
      const lit = round.steps.slice(a, b).some((s) => s.powers.some((p) => p > 0));
      if (lit)
        for (const ro of round.steps[a]!.read) {
          const allDark = round.steps.slice(a, b).every((s, i) => {
            const j = s.read.indexOf(ro);
            return j < 0 || Math.abs(readings[a + i]!.values[j]! - level[ro]!) <= 3 * inst.thermalNoiseA;
          });
          if (allDark) add(dark, st.readouts[ro]!, round.steps[a]!.purpose);
        }
      a = b;
    }
  }
  return { saturated, dark };
}
