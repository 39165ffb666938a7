// The lab's files (compiler/calibrate/lab/lab-files.ts, docs/reference/lab-files.md §4) on paper-4x8's
// divide0 cell: protocol and readings written canonically and read back to the same bytes, a
// readings file replayed through a fresh session, and schemas closed everywhere, so that no element
// value (offset, efficiency, coupling) can be carried by a readings file.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { LAB } from "../../codes/catalogue.ts";
import { checkProtocol, readoutWarnings, replayReadings } from "../../compiler/calibrate/lab/lab-files-check.ts";
import {
  LabFileError,
  protocolCsv,
  protocolDoc,
  readingsRound,
  writeProtocol,
  writeReadings,
  type ReadingsDoc,
} from "../../compiler/calibrate/lab/lab-files.ts";
import { readProtocol, readReadings } from "../../compiler/calibrate/lab/lab-files-read.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { LAB_INSTRUMENTS } from "../../fab/lab-bench.ts";
import { LAB_INSTRUMENT, labSession, measureRounds, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { paperCell } from "./fab-fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: hand edits of parsed JSON documents
type Doc = any;

const schemaOf = (kind: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../compiler/calibrate/lab/schema/${kind}.schema.json`, import.meta.url), "utf8"));

/** Codes of a reader's LabFileError (empty when it reads). */
function codes(f: () => unknown): string[] {
  try {
    f();
    return [];
  } catch (e) {
    if (!(e instanceof LabFileError)) throw e;
    return e.diagnostics.map((d) => d.code);
  }
}

const { circuit, table } = paperCell("divide0");
const meta = { cell: "divide0", instrument: LAB_INSTRUMENT };
let readings: ReadingsDoc;
let readingsText: string;
let measured: ReturnType<typeof measureRounds>;
let session: ReturnType<typeof labSession>;

beforeAll(() => {
  const die = drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, 11, "divide0 die 11");
  const s = labSession(circuit, table);
  session = s;
  measured = measureRounds(s, simulatedLab(s, die, 3), 4);
  readings = {
    format: "optinc.readings/1",
    circuit: circuit.name,
    cell: "divide0",
    die: die.id,
    seed: 3,
    rounds: measured.map((m) => readingsRound(s, m.round, m.readings)),
  };
  readingsText = writeReadings(readings);
});

describe("optinc.protocol/1", () => {
  it("writes canonically, reads back to the same document and bytes, and is the round the session plans", () => {
    const s = labSession(circuit, table);
    const round = s.nextRound();
    const doc = protocolDoc(s, round, meta);
    const text = writeProtocol(doc);
    expect(writeProtocol(protocolDoc(labSession(circuit, table), labSession(circuit, table).nextRound(), meta))).toBe(text);
    const back = readProtocol(text, "p.json");
    expect(back).toEqual(doc);
    expect(writeProtocol(back)).toBe(text);
    expect(doc).toMatchObject({ round: 1, rounds: s.roundCount, kind: "dark", stage: null });
    expect(doc.steps[0]!.id).toBe("r1.s0000");
    // The CSV view: a header and one row per step and readout read.
    const csv = protocolCsv(doc).trimEnd().split("\n");
    expect(csv[0]).toBe("step,round,kind,purpose,inputs_mW,codes,settle_ms,readout,repeats");
    expect(csv.length - 1).toBe(doc.steps.reduce((a, x) => a + x.read.length, 0));
    // The round a fresh session plans is accepted; an edited step is not.
    expect(checkProtocol(labSession(circuit, table), back, text, "p.json").steps.length).toBe(doc.steps.length);
    const edited = readProtocol(text, "p.json");
    edited.steps[2]!.read = edited.steps[2]!.read.slice(1);
    expect(codes(() => checkProtocol(labSession(circuit, table), edited, text, "p.json"))).toEqual([LAB.mismatch]);
  });

  it("rejects a hand-edited invalid protocol: unknown field, zero repeats, code 0 written out, truncated", () => {
    const s = labSession(circuit, table);
    const text = writeProtocol(protocolDoc(s, s.nextRound(), meta));
    const doc = JSON.parse(text);
    expect(codes(() => readProtocol(JSON.stringify({ ...doc, gain: 2 }), "p.json"))).toEqual([LAB.schema]);
    doc.steps[0].repeats = 0;
    expect(codes(() => readProtocol(JSON.stringify(doc), "p.json"))).toEqual([LAB.value]);
    doc.steps[0].repeats = 1;
    doc.steps[0].codes = { "sum/e0.phi": 0 };
    expect(codes(() => readProtocol(JSON.stringify(doc), "p.json"))).toEqual([LAB.value]);
    expect(codes(() => readProtocol(text.slice(0, 200), "p.json"))).toEqual([LAB.json]);
  });
});

describe("optinc.readings/1", () => {
  it("writes canonically and replays through a fresh session, round for round", () => {
    const r = readReadings(readingsText, "r.json", LAB_INSTRUMENT);
    expect(r.doc).toEqual(readings);
    expect(writeReadings(r.doc)).toBe(readingsText);
    const s = labSession(circuit, table);
    const replayed = replayReadings(s, r);
    expect(replayed.rounds.map((x) => x.round.kind)).toEqual(["dark", "settle", "theta", "phase"]);
    expect(s.nextRound().index).toBe(4);
  });

  it("carries no element value: the schema closes every object and rejects offsetRad wherever it is put", () => {
    const schema = schemaOf("readings");
    // Every object the schema describes is closed.
    const open: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== "object" || node === null) return;
      const n = node as Record<string, unknown>;
      if (n.type === "object" && n.properties && n.additionalProperties !== false) open.push(at);
      if (n.type === "object" && !n.properties && typeof n.additionalProperties !== "object") open.push(at);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(schema, "#");
    expect(open).toEqual([]);
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const doc = JSON.parse(readingsText);
    expect(validate(doc)).toBe(true);
    const placements: ((d: Doc) => void)[] = [
      (d) => (d.offsetRad = 1.2),
      (d) => (d.heaters = { "sum/e0.phi": { offsetRad: 1.2, radPerMw: 0.12 } }),
      (d) => (d.rounds[1].offsetRad = 1.2),
      (d) => (d.rounds[1].steps[0].offsetRad = 1.2),
      (d) => (d.rounds[1].steps[0].inputs.offsetRad = 1.2),
      (d) => (d.rounds[1].steps[0].codes.coupling = 1),
      (d) => (d.rounds[1].steps[0].read = ["radPerMw"]),
    ];
    for (const put of placements) {
      const bad = JSON.parse(readingsText);
      put(bad);
      expect(validate(bad)).toBe(false);
      expect(codes(() => readReadings(JSON.stringify(bad), "r.json", LAB_INSTRUMENT))).toContain(LAB.schema);
    }
    // The protocol's schema is closed the same way.
    const p = new Ajv().compile(schemaOf("protocol"));
    const s = labSession(circuit, table);
    const proto = JSON.parse(writeProtocol(protocolDoc(s, s.nextRound(), meta)));
    expect(p(proto)).toBe(true);
    proto.steps[0].offsetRad = 1;
    expect(p(proto)).toBe(false);
  });

  it("reads the instruments' full scale from the simulated lab", () => {
    expect(LAB_INSTRUMENT.fullScaleA).toBe(Math.max(...LAB_INSTRUMENTS.ranges));
    expect(LAB_INSTRUMENT.settleMs).toBe(LAB_INSTRUMENTS.settleMs);
  });

  it("rejects NaN, negative powers, readings beyond full scale, missing values; flags saturated ones", () => {
    const edit = (f: (d: Doc) => void): string => {
      const d = JSON.parse(readingsText);
      f(d);
      return JSON.stringify(d);
    };
    const read = (t: string): string[] => codes(() => readReadings(t, "r.json", LAB_INSTRUMENT));
    expect(read(readingsText.replace(/"ref": [^,}]+/, '"ref": NaN'))).toEqual([LAB.json]);
    expect(read(readingsText.slice(0, readingsText.length / 2))).toEqual([LAB.json]);
    expect(read(edit((d) => (d.rounds[1].steps[0].inputs.in0 = -1)))).toEqual([LAB.value]);
    expect(read(edit((d) => (d.rounds[1].steps[0].ref = 0)))).toEqual([LAB.value]);
    expect(read(edit((d) => (d.rounds[1].steps[0].values = [0.5])))).toEqual([LAB.value]);
    expect(read(edit((d) => d.rounds[0].steps[0].values.pop()))).toEqual([LAB.value]);
    const sat = readReadings(
      edit((d) => (d.rounds[1].steps[0].values = [LAB_INSTRUMENT.fullScaleA])),
      "r.json",
      LAB_INSTRUMENT,
    );
    expect(sat.saturated.map((x) => x.readout)).toEqual([readings.rounds[1]!.steps[0]!.read[0]]);
    // A monitor photocurrent far below zero is found on replay (the reader knows no readout kinds).
    const neg = readReadings(
      edit((d) => (d.rounds[1].steps[0].values = [-1e-6])),
      "r.json",
      LAB_INSTRUMENT,
    );
    expect(codes(() => replayReadings(labSession(circuit, table), neg))).toEqual([LAB.value]);
  });

  it("on replay, names the first step whose settings differ, missing steps, and another circuit", () => {
    const replay = (f: (d: Doc) => void): string[] => {
      const d = JSON.parse(readingsText);
      f(d);
      return codes(() => replayReadings(labSession(circuit, table), readReadings(JSON.stringify(d), "r.json", LAB_INSTRUMENT)));
    };
    let message = "";
    try {
      const d = JSON.parse(readingsText);
      const st = d.rounds[2].steps[5];
      const h = Object.keys(st.codes)[0]!;
      st.codes[h] += 1;
      replayReadings(labSession(circuit, table), readReadings(JSON.stringify(d), "r.json", LAB_INSTRUMENT));
    } catch (e) {
      message = (e as LabFileError).diagnostics[0]!.message;
      expect((e as LabFileError).diagnostics[0]!.code).toBe(LAB.mismatch);
    }
    expect(message).toContain("step r3.s0005 differs from round 3's plan");
    expect(replay((d) => (d.rounds[1].steps = d.rounds[1].steps.slice(0, 10)))).toEqual([LAB.missing]);
    expect(replay((d) => (d.circuit = "paper_4x8_add0"))).toEqual([LAB.circuit]);
    expect(replay((d) => d.rounds.splice(1, 1))).toEqual([LAB.mismatch]);
    expect(replay((d) => (d.rounds[1].steps[0].read = ["sum/e1_dump"]))).toEqual([LAB.mismatch]);
    // A step read after another wait than the plan's (the settling probe's waits are settings too).
    expect(replay((d) => (d.rounds[1].steps[3].settleMs = 0.05))).toEqual([LAB.mismatch]);
    expect(replay((d) => (d.rounds[2].steps[0].settleMs += 1))).toEqual([LAB.mismatch]);
  });

  it("names a readout that saturated, and one that read dark through a lit sweep", () => {
    expect(readoutWarnings(session, measured, LAB_INSTRUMENT)).toEqual({ saturated: new Map(), dark: new Map() });
    const theta = measured[2]!;
    const dark = measured[0]!;
    const ro = theta.round.steps[0]!.read[0]!;
    const level = dark.readings.reduce((a, r) => a + r.values[dark.round.steps[0]!.read.indexOf(ro)]!, 0) / dark.readings.length;
    const purpose = theta.round.steps[0]!.purpose;
    const edited = measured.map((m) => ({
      round: m.round,
      readings: m.readings.map((r, k) => ({
        ref: r.ref,
        values:
          m === theta && m.round.steps[k]!.purpose === purpose
            ? r.values.map(() => level)
            : m === theta && k === 100
              ? r.values.map(() => LAB_INSTRUMENT.fullScaleA)
              : r.values,
      })),
    }));
    const w = readoutWarnings(session, edited, LAB_INSTRUMENT);
    const name = session.struct.readouts[ro]!;
    expect(w.dark).toEqual(new Map([[name, [purpose]]]));
    const sat = session.struct.readouts[theta.round.steps[100]!.read[0]!]!;
    expect(w.saturated).toEqual(new Map([[sat, [theta.round.steps[100]!.purpose]]]));
    // Only rounds from firstNew on are reported.
    expect(readoutWarnings(session, edited, LAB_INSTRUMENT, 3).dark.size).toBe(0);
  });
});
