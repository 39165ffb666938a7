// optinc protocol → measure → calibrate --readings → verify --measured, in process, on paper-4x8's
// divide0 cell (docs/reference/lab-files.md §4): round by round gives the same readings file, byte for
// byte, as measuring every round at once; calibrate --readings writes the calibrated files verify
// reads; every bad input exits 2 with its code and writes nothing.
import { Ajv2020 } from "ajv/dist/2020.js";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { ENVELOPE_SCHEMA } from "../../cli/envelope-schema.ts";
import { LAB } from "../../codes/catalogue.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { memoryIo } from "../helpers/io.ts";
import { cellDir, paperCell } from "./fab-fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: hand edits of parsed JSON documents
type Doc = any;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const NAME = "paper_4x8.divide0";
let dir: string;
let work: string;
let die: string;
let other: string;
let all: string;
const at = (f: string): string => join(work, f);

beforeAll(async () => {
  const { circuit, table } = paperCell("divide0");
  dir = cellDir("optinc-lab-", circuit, table, NAME);
  work = mkdtempSync(join(tmpdir(), "optinc-lab-work-"));
  die = at("die.json");
  other = at("other.json");
  for (const [seed, f] of [
    ["5", die],
    ["6", other],
  ] as const)
    expect((await run(["die", dir, "--technology", "foundry", "--fabricated", "--seed", seed, "-o", f])).code).toBe(0);
  all = at("all.json");
  const m = await run(["measure", dir, "--die", die, "--seed", "2", "-o", all]);
  expect(m.err).toMatch(/rounds 1–19 of 19: \d+ steps, \d+ readings \([\d.]+ per MZI over 24 attenuators\), lab time [\d.]+ s/);
  expect(m.code).toBe(0);
});

describe("optinc protocol / measure / calibrate --readings", () => {
  it("round by round (protocol → measure --protocol → protocol --readings → …) gives the bytes of measure all at once", async () => {
    const p1 = await run(["protocol", dir, "-o", at("p1.json")]);
    expect(p1.code).toBe(0);
    expect(p1.err).toContain("round 1 of 19 (dark): 4 steps");
    expect(readFileSync(at("p1.csv"), "utf8").split("\n")[0]).toBe("step,round,kind,purpose,inputs_mW,codes,settle_ms,readout,repeats");
    const r = at("r.json");
    expect((await run(["measure", dir, "--die", die, "--seed", "2", "--protocol", at("p1.json"), "-o", r])).code).toBe(0);
    const p2 = await run(["protocol", dir, "--readings", r, "-o", at("p2.json")]);
    expect(p2.err).toContain("round 2 of 19 (settle)");
    expect(p2.err).toContain("(settle 0.05–64 ms + 1 ms read per step)");
    expect(p2.code).toBe(0);
    // Measuring round 1's protocol again is not the next round.
    const again = await run(["measure", dir, "--die", die, "--protocol", at("p1.json"), "--readings", r, "-o", at("x.json")]);
    expect([again.code, again.err.includes(LAB.notNext), existsSync(at("x.json"))]).toEqual([2, true, false]);
    expect((await run(["measure", dir, "--die", die, "--protocol", at("p2.json"), "--readings", r, "-o", r])).code).toBe(0);
    // The rest at once, continuing the lab's noise stream.
    const rest = await run(["measure", dir, "--die", die, "--readings", r, "-o", r]);
    expect(rest.err).toContain("rounds 3–19 of 19");
    expect(rest.code).toBe(0);
    expect(readFileSync(r, "utf8")).toBe(readFileSync(all, "utf8"));
    // Nothing is left to plan.
    const done = await run(["protocol", dir, "--readings", r, "-o", at("p16.json")]);
    expect([done.code, done.err.includes(LAB.complete), existsSync(at("p16.json"))]).toEqual([2, true, false]);
  });

  it("calibrate --readings writes the calibrated files, the estimated die and the estimates; verify reads them", async () => {
    const cal = at("cal");
    const c = await run(["--verbose", "calibrate", dir, "--readings", all, "-o", cal]);
    expect(c.err).toMatch(/estimated \d+ of 72 heaters \(25 not identified/);
    expect(c.code).toBe(0);
    for (const f of ["netlist.json", "phases.json", "drive.json", "calibration.json", "estimated-die.json", "lab-calibration.json"])
      expect(existsSync(join(cal, `${NAME}.${f}`))).toBe(true);
    const lab = JSON.parse(readFileSync(join(cal, `${NAME}.lab-calibration.json`), "utf8"));
    expect(lab.format).toBe("optinc.lab-calibration/1");
    expect(lab.heaters).toHaveLength(72);
    // A nominal die: the floor probe reads no chip-wide floor (docs/design/calibration.md §8.3), stated as 0.
    expect(lab.crosstalkFloor).toBe(0);
    expect(c.err).toContain("above a chip-wide floor of 0;");
    // The settling probe read no slow tail on this nominal die: every step waited the instrument's 0.05 ms.
    expect(lab.settling).toMatchObject({ detected: false, settleMs: 0.05 });
    expect(c.err).toContain("settling: no slow tail read");
    expect(lab.heaters.filter((h: { identified?: string }) => h.identified === "not identified (gauge)")).toHaveLength(25);
    expect(lab.heaters.find((h: { heater: string }) => h.heater === "sum/e0.theta")).toMatchObject({
      from: "theta fringe at its dump",
    });
    // The estimated die is an optinc.die/2 file every die reader takes.
    const est = await run(["calibrate", dir, "--measured", join(cal, `${NAME}.estimated-die.json`), "--no-verify", "-o", at("cal-est")]);
    expect(est.code).toBe(0);
    // verify drives the true die at the drive codes beside the netlist: the cell calibrated from
    // readings alone is exact on it.
    const v = await run(["verify", cal, "--measured", die]);
    expect(v.out + v.err).toContain("measured die");
    expect(v.code).toBe(0);
  });

  it("bad readings and protocols exit 2 with their code and write nothing", async () => {
    const text = readFileSync(all, "utf8");
    const doc = JSON.parse(text);
    const variant = (name: string, f: (d: Doc) => void): string => {
      const d = JSON.parse(text);
      f(d);
      writeFileSync(at(name), JSON.stringify(d));
      return at(name);
    };
    writeFileSync(at("trunc.json"), text.slice(0, text.length >> 1));
    writeFileSync(at("nan.json"), text.replace(/"ref": [^,}]+/, '"ref": NaN'));
    const firstCode = (d: Doc): void => {
      const s = d.rounds[4].steps[7];
      s.codes[Object.keys(s.codes)[0]!] += 1;
    };
    const cases: [string, string, string][] = [
      ["truncated", at("trunc.json"), LAB.json],
      ["NaN", at("nan.json"), LAB.json],
      ["an element value", variant("elem.json", (d) => (d.rounds[1].steps[0].offsetRad = 1.2)), LAB.schema],
      ["a negative power", variant("neg.json", (d) => (d.rounds[1].steps[0].inputs.in0 = -1)), LAB.value],
      ["a reading above full scale", variant("above.json", (d) => (d.rounds[1].steps[3].values[0] = 0.02)), LAB.value],
      ["a saturated reading", variant("sat.json", (d) => (d.rounds[1].steps[3].values[0] = 0.01)), LAB.saturated],
      ["missing rounds", variant("short.json", (d) => d.rounds.splice(5)), LAB.missing],
      ["missing steps", variant("steps.json", (d) => d.rounds[4].steps.splice(100)), LAB.missing],
      ["another protocol (a setting differs)", variant("code.json", firstCode), LAB.mismatch],
      ["another circuit", variant("circ.json", (d) => (d.circuit = "paper_4x8_add0")), LAB.circuit],
    ];
    expect(doc.rounds).toHaveLength(19);
    for (const [what, file, code] of cases) {
      const out = at(`cal-${code}-${what.replace(/\W+/g, "-")}`);
      const r = await run(["calibrate", dir, "--readings", file, "-o", out]);
      expect([what, r.code, r.err.includes(code)]).toEqual([what, 2, true]);
      expect(existsSync(out)).toBe(false);
    }
    // A protocol edited by hand, or of another round, is refused by measure.
    const p1 = JSON.parse(readFileSync(at("p1.json"), "utf8"));
    const protocols: [string, (p: Doc) => void, string][] = [
      ["zero repeats", (p) => (p.steps[0].repeats = 0), LAB.value],
      ["an unknown field", (p) => (p.steps[0].gain = 2), LAB.schema],
      ["a readout dropped", (p) => (p.steps[0].read = p.steps[0].read.slice(1)), LAB.mismatch],
      ["another round", (p) => (p.round = 2), LAB.notNext],
      ["another circuit", (p) => (p.heaters = p.heaters.slice(1)), LAB.circuit],
    ];
    for (const [what, f, code] of protocols) {
      const p = structuredClone(p1);
      f(p);
      writeFileSync(at("bad-p.json"), JSON.stringify(p));
      const r = await run(["measure", dir, "--die", die, "--protocol", at("bad-p.json"), "-o", at("bad-r.json")]);
      expect([what, r.code, r.err.includes(code)]).toEqual([what, 2, true]);
      expect(existsSync(at("bad-r.json"))).toBe(false);
    }
    // The lab continues only its own readings: another die, another seed, a v1 die.
    const r2 = await run(["measure", dir, "--die", other, "--readings", at("short.json"), "-o", at("bad-r.json")]);
    expect([r2.code, r2.err.includes(LAB.otherLab)]).toEqual([2, true]);
    const r3 = await run(["measure", dir, "--die", die, "--seed", "9", "--readings", at("short.json"), "-o", at("bad-r.json")]);
    expect([r3.code, r3.err.includes(LAB.otherLab)]).toEqual([2, true]);
    expect((await run(["die", dir, "--technology", "foundry", "-o", at("v1.json")])).code).toBe(0);
    const r4 = await run(["measure", dir, "--die", at("v1.json"), "-o", at("bad-r.json")]);
    expect([r4.code, r4.err.includes(LAB.notFabricated)]).toEqual([2, true]);
    expect(existsSync(at("bad-r.json"))).toBe(false);
    // calibrate takes one of --measured and --readings.
    expect((await run(["calibrate", dir, "-o", at("c0")])).code).toBe(2);
    expect((await run(["calibrate", dir, "--readings", all, "--measured", die, "-o", at("c0")])).code).toBe(2);
  });

  it("--json: one envelope per run, valid against the schema, camelCase keys, ok matching the exit code", async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(ENVELOPE_SCHEMA);
    const camel = (x: unknown, path: string, bad: string[]): void => {
      if (Array.isArray(x)) x.forEach((v, i) => camel(v, `${path}[${i}]`, bad));
      else if (x && typeof x === "object")
        for (const [k, v] of Object.entries(x)) {
          if (!/^[a-z][A-Za-z0-9]*$/.test(k)) bad.push(`${path}.${k}`);
          camel(v, `${path}.${k}`, bad);
        }
    };
    writeFileSync(at("j-trunc.json"), readFileSync(all, "utf8").slice(0, 5000));
    const runs: [string[], number][] = [
      [["protocol", dir, "-o", at("j-p1.json")], 0],
      [["measure", dir, "--die", die, "--protocol", at("j-p1.json"), "-o", at("j-r.json")], 0],
      [["calibrate", dir, "--readings", all, "-o", at("j-cal")], 0],
      [["calibrate", dir, "--readings", at("j-trunc.json"), "-o", at("j-cal2")], 2],
    ];
    for (const [args, code] of runs) {
      const r = await run(["--json", ...args]);
      expect(r.code, r.err).toBe(code);
      const doc = JSON.parse(r.out);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.ok).toBe(code === 0);
      const bad: string[] = [];
      camel(doc, "$", bad);
      expect(bad).toEqual([]);
    }
  });
});

describe("a design without calibration monitors", () => {
  it("is refused by protocol, measure and calibrate --readings with OPT6314, writing nothing", async () => {
    const bare = mkdtempSync(join(tmpdir(), "optinc-lab-bare-"));
    const { circuit, table } = paperCell("divide0");
    const info = { ...circuit.info };
    delete info.monitors;
    delete info.monitor_sites;
    commitFiles(
      bare,
      new Map<string, string>([[`${NAME}.phases.json`, phaseTableToJson(table)], ...emitCircuit({ ...circuit, info }, NAME)]),
    );
    const out = at("bare-protocol.json");
    const p = await run(["protocol", bare, "-o", out]);
    expect(p.code).toBe(2);
    expect(p.err).toContain(LAB.noMonitors);
    expect(existsSync(out)).toBe(false);
    const m = await run(["measure", bare, "--die", die, "-o", at("bare-readings.json")]);
    expect(m.code).toBe(2);
    expect(m.err).toContain(LAB.noMonitors);
    const c = await run(["calibrate", bare, "--readings", all, "-o", at("bare-cal")]);
    expect(c.code).toBe(2);
    expect(existsSync(at("bare-cal"))).toBe(false);
  });
});
