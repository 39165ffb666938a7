// Every input file of every command, through the one reader (runtime/input-file.ts), in three forms
// (issue 38): with a UTF-8 byte order mark (read, the command succeeds: the case that passes), as a
// FIFO (refused at once with the format's unreadable code and exit 2 — verify's chip file,
// allreduce --layers and --spec used to hang, deaf to Ctrl-C and SIGTERM) and with one byte of
// Latin-1 (refused with OPT0012 at that byte's line:col — netlists, chip files, reports, specs,
// matrices and layer files used to be decoded loosely). Each refusal writes nothing and leaves
// the inputs as they were. The formats: spec, netlist, report, chip, phase table, drive, die v2,
// protocol, readings, matrix, --layers; commands: check, verify, layout, die, measure, protocol,
// decompose, export, allreduce.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHIP_FILE, DECOMPOSE, DIE, EXPORT, FAB, IO, LAB, LAYOUT, VERIFY } from "../../codes/catalogue.ts";
import { envelope, expectSane, inParallel, optinc, optincInProcess, snapshot, type Run } from "./harness.ts";
import { tier } from "../helpers/tier.ts";

interface Input {
  what: string;
  /** The input file, relative to the case directory. */
  file: string;
  args: string[];
  /** The code of a file that cannot be read (a FIFO). */
  unreadable: string;
  /** An output the command writes on success (relative to the case directory). */
  writes?: string;
  /** Where an unreadable file is reported, when not at the file itself (null: a usage error, no place). */
  unreadableAt?: string | null;
}

const CELL = ["--cell", "divide0"];
const INPUTS: Input[] = [
  { what: "spec (check)", file: "cf.optinc", args: ["check", "cf.optinc"], unreadable: IO.unreadable },
  { what: "netlist (verify)", file: "cf/cf.add0.netlist.json", args: ["verify", "cf"], unreadable: VERIFY.notFound },
  { what: "report (verify)", file: "cf/cf.report.json", args: ["verify", "cf"], unreadable: VERIFY.notFound },
  { what: "chip file (verify)", file: "cf/cf.chip.json", args: ["verify", "cf"], unreadable: VERIFY.notFound },
  {
    what: "chip file (allreduce --netlist)",
    file: "cf/cf.chip.json",
    args: ["allreduce", "--netlist", "cf", "--workers", "2"],
    unreadable: VERIFY.notFound,
  },
  {
    what: "chip file (layout)",
    file: "cf/cf.chip.json",
    args: ["layout", "cf", "-o", "o/x.gds"],
    unreadable: LAYOUT.notFound,
    writes: "o/x.gds",
  },
  {
    what: "netlist (layout)",
    file: "cf/cf.divide0.netlist.json",
    args: ["layout", "cf", "-o", "o/x.gds"],
    unreadable: LAYOUT.notFound,
    writes: "o/x.gds",
  },
  {
    what: "netlist (export)",
    file: "cf/cf.divide0.netlist.json",
    args: ["export", "cf", "--format", "spi", "-o", "o"],
    unreadable: EXPORT.unreadable,
    writes: "o/cf.divide0.spi",
    unreadableAt: "cf",
  },
  {
    what: "netlist (die)",
    file: "cf/cf.divide0.netlist.json",
    args: ["die", "cf", ...CELL, "--technology", "foundry", "-o", "o/d1.json"],
    unreadable: VERIFY.notFound,
    writes: "o/d1.json",
  },
  {
    what: "chip file (calibrate)",
    file: "cf/cf.chip.json",
    args: ["calibrate", "cf", ...CELL, "--measured", "d.json", "-o", "o"],
    unreadable: VERIFY.notFound,
    writes: "o/cf.divide0.drive.json",
  },
  {
    what: "chip file (export --format ports)",
    file: "cf/cf.chip.json",
    args: ["export", "cf", "--format", "ports", "-o", "o"],
    unreadable: VERIFY.notFound,
    writes: "o/cf.divide0.ports.json",
  },
  {
    what: "phase table (export --format phases)",
    file: "cf/cf.divide0.phases.json",
    args: ["export", "cf/cf.divide0.netlist.json", "--format", "phases", "-o", "o"],
    unreadable: EXPORT.unreadable,
    writes: "o/cf.divide0.phases.csv",
  },
  {
    what: "phase table (die)",
    file: "cf/cf.divide0.phases.json",
    args: ["die", "cf", ...CELL, "--technology", "foundry", "-o", "o/d1.json"],
    unreadable: DIE.badPhaseTable,
    writes: "o/d1.json",
  },
  {
    what: "drive file (verify --measured)",
    file: "cal/cf.divide0.drive.json",
    args: ["verify", "cal/cf.divide0.netlist.json", "--measured", "d.json"],
    unreadable: FAB.staleDrive,
  },
  {
    what: "die v2 (measure --die)",
    file: "d.json",
    args: ["measure", "cf", ...CELL, "--die", "d.json", "--protocol", "p.json", "-o", "o/r.json"],
    unreadable: DIE.unreadable,
    writes: "o/r.json",
  },
  {
    what: "protocol (measure --protocol)",
    file: "p.json",
    args: ["measure", "cf", ...CELL, "--die", "d.json", "--protocol", "p.json", "-o", "o/r.json"],
    unreadable: LAB.unreadable,
    writes: "o/r.json",
  },
  {
    what: "readings (protocol --readings)",
    file: "r1.json",
    args: ["protocol", "cf", ...CELL, "--readings", "r1.json", "-o", "o/p2.json"],
    unreadable: LAB.unreadable,
    writes: "o/p2.json",
  },
  {
    what: "matrix (decompose)",
    file: "m.csv",
    args: ["decompose", "m.csv", "-o", "o"],
    unreadable: DECOMPOSE.unreadable,
    writes: "o/m.phases.json",
  },
  {
    what: "layer file (allreduce --layers)",
    file: "l.json",
    args: ["allreduce", "--layers", "l.json", "--compute-time", "120ms", "--workers", "4"],
    unreadable: IO.usage,
    unreadableAt: null,
  },
  {
    what: "spec (allreduce --spec)",
    file: "cf.optinc",
    args: ["allreduce", "--spec", "cf.optinc", "--workers", "4"],
    unreadable: IO.usage,
    unreadableAt: null,
  },
];

let root: string;
let base: string;
const at = (...p: string[]): string => join(root, ...p);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "optinc-input-files-"));
  base = at("base");
  mkdirSync(base);
  // the inputs, written by the commands through main in this process (the cases below read them)
  const run = async (args: string[]) => {
    const r = await optincInProcess(args, { cwd: root });
    expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  };
  writeFileSync(join(base, "cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
  writeFileSync(join(base, "m.csv"), "1,0\n0,1\n");
  writeFileSync(join(base, "l.json"), '[\n  {"name": "fc1", "parameters": 1000},\n  {"name": "fc2", "parameters": 2000}\n]\n');
  const b = (f: string) => join("base", f);
  await run(["compile", b("cf.optinc"), "-o", b("cf"), "--no-evaluate"]);
  await run(["die", b("cf"), ...CELL, "--technology", "foundry", "--fabricated", "--seed", "3", "-o", b("d.json")]);
  await run(["calibrate", b("cf"), ...CELL, "--measured", b("d.json"), "-o", b("cal")]);
  await run(["protocol", b("cf"), ...CELL, "-o", b("p.json")]);
  await run(["measure", b("cf"), ...CELL, "--die", b("d.json"), "--protocol", b("p.json"), "-o", b("r1.json")]);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh copy of the inputs, with `file` replaced by `make` (given the path). */
function caseDir(name: string, file: string, make: (path: string) => void): string {
  const dir = at(name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(base, dir, { recursive: true });
  make(join(dir, file));
  return dir;
}

/** The bytes with one Latin-1 é (0xe9) put after the indent of the second line; its 1-based line:col. */
function withLatin1(bytes: Buffer): { bytes: Buffer; line: number; column: number } {
  const nl = bytes.indexOf(0x0a);
  let at = nl + 1;
  while (bytes[at] === 0x20) at++;
  return { bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at)]), line: 2, column: at - nl };
}

const json = (args: string[]) => ["--json", ...args];

function refused(r: Run, what: string, code: string): { code: string; file?: string; line?: number; column?: number; message: string } {
  expectSane(r, what);
  expect(r.code, `${what}\n${r.stderr}`).toBe(2);
  const d = envelope(r).diagnostics.find((x) => x.code === code);
  expect(d, `${what}: ${r.stdout}`).toBeDefined();
  return d as { code: string; file?: string; line?: number; column?: number; message: string };
}

// npm test reads one input of each reader and command family through every case below; the full
// tier (npm run test:full) every input.
const READERS = new Set([
  "spec (check)",
  "report (verify)",
  "netlist (die)",
  "chip file (calibrate)",
  "phase table (export --format phases)",
  "drive file (verify --measured)",
  "die v2 (measure --die)",
  "protocol (measure --protocol)",
]);
const SAMPLED = INPUTS.filter((c) => READERS.has(c.what));
if (SAMPLED.length !== READERS.size) throw new Error("READERS names an input that INPUTS lacks");
const CASES = tier(SAMPLED, INPUTS);

describe("every input file is read by the one reader", () => {
  it("with a byte order mark: read, and the command succeeds (the cases below start from valid inputs)", async () => {
    const runs = await inParallel(
      CASES.map((c, i) => async () => {
        const dir = caseDir(`bom-${i}`, c.file, (p) => writeFileSync(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(p)])));
        // what reads the mark is the reader (runtime/input-file.ts): in this process, one at a time
        return { c, dir, r: await optincInProcess(c.args, { cwd: dir }) };
      }),
      1,
    );
    for (const { c, dir, r } of runs) {
      expectSane(r, c.what);
      expect(r.code, `${c.what}\n${r.stderr}`).toBe(0);
      if (c.writes) expect(existsSync(join(dir, c.writes)), c.what).toBe(true);
    }
  }, 120_000);

  for (const c of CASES)
    it(`${c.what} as a FIFO: refused unread (exit 2, ${c.unreadable}), nothing written`, async () => {
      const dir = caseDir(`fifo-${c.what.replace(/\W+/g, "-")}`, c.file, (p) => {
        rmSync(p);
        execFileSync("mkfifo", [p]);
      });
      const before = snapshot(dir);
      const r = await optinc(json(c.args), { cwd: dir });
      const d = refused(r, c.what, c.unreadable);
      expect(d.message).toMatch(/named pipe \(FIFO\), not a regular file/);
      const at = c.unreadableAt === undefined ? c.file : c.unreadableAt;
      if (at === null) expect(d.file).toBeUndefined();
      else {
        expect(d.file!.endsWith(at), `${d.file} is ${at}`).toBe(true);
        expect([d.line, d.column]).toEqual([1, 1]);
      }
      // Refused at once (the old readers blocked until the harness killed them); generous on a busy machine.
      expect(r.ms).toBeLessThan(5000);
      expect(snapshot(dir)).toEqual(before);
      expect(existsSync(join(dir, "o"))).toBe(false);
    });

  for (const c of CASES)
    it(`${c.what} with a Latin-1 byte: refused with OPT0012 at that byte, nothing written`, async () => {
      let where = { line: 0, column: 0 };
      const dir = caseDir(`latin1-${c.what.replace(/\W+/g, "-")}`, c.file, (p) => {
        const bad = withLatin1(readFileSync(p));
        writeFileSync(p, bad.bytes);
        where = bad;
      });
      const before = snapshot(dir);
      // the reader's own diagnostic: in this process (the FIFO cases above run the real CLI)
      const r = await optincInProcess(json(c.args), { cwd: dir });
      const d = refused(r, c.what, IO.notUtf8);
      expect([d.line, d.column], d.message).toEqual([where.line, where.column]);
      expect(d.file!.endsWith(c.file), `${d.file} is ${c.file}`).toBe(true);
      expect(d.message).toMatch(/not valid UTF-8 \(byte 0xe9/);
      expect(snapshot(dir)).toEqual(before);
      expect(existsSync(join(dir, "o"))).toBe(false);
    });
});

// A chip file that does not parse escaped as an internal error (exit 70) from calibrate and export
// --format ports (verify and allreduce: tests/hostile/chip-file-input.test.ts; layout names its own
// OPT8004: tests/hostile/inputs.test.ts).
describe("a truncated chip file: OPT4101 at its end, exit 1, nothing written", () => {
  for (const c of INPUTS.filter((x) => x.file.endsWith(".chip.json") && (x.args[0] === "calibrate" || x.args[0] === "export")))
    it(c.what, async () => {
      let end = { line: 0, column: 0 };
      const dir = caseDir(`cut-${c.what.replace(/\W+/g, "-")}`, c.file, (p) => {
        const text = readFileSync(p, "utf8").slice(0, 200);
        writeFileSync(p, text);
        const lines = text.split("\n");
        end = { line: lines.length, column: lines.at(-1)!.length + 1 };
      });
      const before = snapshot(dir);
      const r = await optincInProcess(json(c.args), { cwd: dir });
      expectSane(r, c.what);
      expect(r.code, r.stderr).toBe(1);
      const d = envelope(r).diagnostics.find((x) => x.code === CHIP_FILE.invalid) as { line?: number; column?: number; message: string };
      expect(d, r.stdout).toBeDefined();
      expect([d.line, d.column]).toEqual([end.line, end.column]);
      expect(d.message).toMatch(/truncated/);
      expect(snapshot(dir)).toEqual(before);
      expect(existsSync(join(dir, "o"))).toBe(false);
    });
});

// An emitted file holding a huge array under some key (netlist, report, chip file, phase table,
// drive file) was parsed whole and then accepted or ignored: a 20 MB netlist with 10⁷ zeros took 3.3 s
// and 347 MB. Arrays are now counted before the document is built (ARTIFACT_ARRAY_LIMITS,
// math/json-scan.ts): one of 2·10⁶ elements is refused at its bracket, nothing written.
describe("an emitted file with an array past the limit: refused at the array, before it is read", () => {
  const BIG: { c: Input; code: string; exit: number }[] = [
    { c: INPUTS.find((x) => x.what === "netlist (verify)")!, code: VERIFY.badNetlist, exit: 1 },
    { c: INPUTS.find((x) => x.what === "report (verify)")!, code: VERIFY.tooLarge, exit: 1 },
    { c: INPUTS.find((x) => x.what === "chip file (verify)")!, code: CHIP_FILE.invalid, exit: 1 },
    { c: INPUTS.find((x) => x.what === "phase table (die)")!, code: DIE.badPhaseTable, exit: 2 },
    { c: INPUTS.find((x) => x.what === "drive file (verify --measured)")!, code: FAB.staleDrive, exit: 2 },
  ];
  for (const { c, code, exit } of BIG)
    it(`${c.what}: ${code}, exit ${exit}, at 1:11`, async () => {
      const dir = caseDir(`big-${c.what.replace(/\W+/g, "-")}`, c.file, (p) => {
        const text = readFileSync(p, "utf8");
        writeFileSync(p, `{"extra": [${"0,".repeat(2_000_000)}0],${text.slice(text.indexOf("{") + 1)}`);
      });
      const before = snapshot(dir);
      const r = await optincInProcess(json(c.args), { cwd: dir }); // the readers' own check: in this process
      expectSane(r, c.what);
      expect(r.code, `${c.what}\n${r.stderr}`).toBe(exit);
      const d = envelope(r).diagnostics.find((x) => x.code === code) as { file?: string; line?: number; column?: number; message: string };
      expect(d, r.stdout).toBeDefined();
      expect(d.message).toMatch(/an array of more than 1000000 elements/);
      expect(d.file!.endsWith(c.file), `${d.file} is ${c.file}`).toBe(true);
      expect([d.line, d.column]).toEqual([1, 11]);
      expect(snapshot(dir)).toEqual(before);
      expect(existsSync(join(dir, "o"))).toBe(false);
    });
});
