// optinc die, optinc calibrate and optinc verify --measured, in process, on the tiny pipeline.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { writeDieFile } from "../../fab/die-file-v1.ts";
import { dieElements } from "../../netlist/die/elements.ts";
import { linearParts, type Die } from "../../netlist/die/die.ts";
import { num } from "../../netlist/models.ts";
import { memoryIo } from "../helpers/io.ts";
import { tinyCircuit, tinyPhaseTable } from "../verify/circuit/tiny-pipeline.ts";
import { compiledDir, correctableDie } from "./fixtures.ts";

const circuit = tinyCircuit();

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

function dieFile(dir: string, die: Die, name = "die.json"): string {
  const path = join(dir, name);
  writeFileSync(path, writeDieFile(circuit, die, { id: die.id, dacBits: die.dacBits ?? 12 }));
  return path;
}

describe("optinc calibrate on a correctable die", () => {
  it("writes a corrected phase table and netlists that are exact on the die, and that re-export byte for byte", async () => {
    const dir = await compiledDir(tinyPhaseTable(), "tiny");
    const work = mkdtempSync(join(tmpdir(), "optinc-cal-work-"));
    const die = dieFile(work, correctableDie(circuit, 21));
    const cal = join(work, "cal");
    const before = await run(["verify", dir, "--measured", die]);
    expect(before.code).toBe(1);
    const c = await run(["calibrate", dir, "--measured", die, "-o", cal]);
    expect(c.err).toContain("every element reached its target");
    expect(c.err).toMatch(/exact on the die: \d+\.\d+% before → 100\.00% after \(16 cases\)/);
    expect(c.code).toBe(0);
    expect(readdirSync(cal).sort()).toEqual([
      "tiny.calibration.json",
      "tiny.lsf",
      "tiny.netlist.json",
      "tiny.ngspice.cir",
      "tiny.phases.csv",
      "tiny.phases.json",
      "tiny.pic.yml",
      "tiny.ports.json",
      "tiny.spi",
      "tiny_main.spi",
    ]);
    expect(readdirSync(work).filter((f) => f.startsWith("."))).toEqual([]); // no temp dir left behind
    const netlist = JSON.parse(readFileSync(join(cal, "tiny.netlist.json"), "utf8"));
    expect(netlist.info.calibrated_for).toBe("correctable seed 21");
    // The acceptance check of the chip.
    const after = await run(["verify", cal, "--measured", die]);
    expect(after.out).toContain("exact 100.00% (16/16)");
    expect(after.code).toBe(0);
    // Re-exporting the calibrated directory reproduces its files byte for byte.
    for (const [format, names] of [
      ["phases", ["tiny.phases.json", "tiny.phases.csv"]],
      ["json", ["tiny.netlist.json"]],
      ["spi", ["tiny.spi", "tiny_main.spi", "tiny.lsf"]],
      ["yaml", ["tiny.pic.yml"]],
      ["ngspice", ["tiny.ngspice.cir"]],
    ] as const) {
      const out = mkdtempSync(join(tmpdir(), "optinc-cal-export-"));
      expect((await run(["export", cal, "--format", format, "-o", out])).code).toBe(0);
      for (const n of names) expect(readFileSync(join(out, n), "utf8")).toBe(readFileSync(join(cal, n), "utf8"));
    }
    // Same inputs, same bytes.
    const again = join(work, "again");
    expect((await run(["calibrate", dir, "--measured", die, "-o", again])).code).toBe(0);
    for (const f of readdirSync(cal)) expect(readFileSync(join(again, f), "utf8")).toBe(readFileSync(join(cal, f), "utf8"));
  });

  it("--json reports the program, the check on the die and the files", async () => {
    const dir = await compiledDir(tinyPhaseTable(), "tiny");
    const work = mkdtempSync(join(tmpdir(), "optinc-cal-work-"));
    const die = dieFile(work, correctableDie(circuit, 22));
    const r = await run(["--json", "calibrate", dir, "--measured", die, "-o", join(work, "cal")]);
    const env = JSON.parse(r.out);
    expect(env).toMatchObject({
      schemaVersion: 2,
      ok: true,
      command: "calibrate",
      result: { program: "calibrated", corrected: true, failing: [] },
    });
    expect(env.result.exactOnDie.after.exactFraction).toBe(1);
    expect(env.result.files).toContain("tiny.phases.json");
  });
});

describe("an uncorrectable die", () => {
  it("a coupler at 90:10 in a plain MZI is reported element by element, with exit 1", async () => {
    const dir = await compiledDir(tinyPhaseTable(), "tiny");
    const work = mkdtempSync(join(tmpdir(), "optinc-cal-work-"));
    // The first MZI of layer1 whose designed split lies outside [0.2, 0.8], the reach of a plain MZI
    // with one 90:10 coupler (sin²(α) … cos²(α), α = asin √0.9 − π/4).
    const part = linearParts(circuit)[0]!;
    const el = dieElements(circuit).find(
      (e) =>
        e.kind === "mzi" &&
        e.part === "layer1" &&
        Math.abs(Math.sin(num(part.flat.instances[e.leaves.theta!]!.settings, "phi") / 2) ** 2 - 0.5) > 0.35,
    )!;
    const die: Die = { id: "one bad coupler", leaves: new Map([[`layer1/${el.leaves.bsA}`, { coupling: 0.9 }]]), dacBits: 12 };
    const r = await run(["--verbose", "calibrate", dir, "--measured", dieFile(work, die), "-o", join(work, "cal"), "--dac-bits", "none"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `${el.name} \\[unreachable\\]: needs power split [0-9.e-]+, reachable \\[0\\.2000, 0\\.8000\\] with its measured couplers: short by `,
      ),
    );
    expect(r.err).toContain("FAIL: the die is not fully correctable");
    const report = JSON.parse(readFileSync(join(work, "cal", "tiny.calibration.json"), "utf8"));
    expect(report.corrected).toBe(false);
    expect(report.issues[0].element).toBe(el.name);
  });
});

describe("optinc die", () => {
  it("draws the die verify's Monte-Carlo simulates as the same trial", async () => {
    const dir = await compiledDir(tinyPhaseTable(), "tiny");
    const work = mkdtempSync(join(tmpdir(), "optinc-cal-work-"));
    const mc = await run([
      "--json",
      "verify",
      dir,
      "--imbalance",
      "0.02",
      "--phase-noise",
      "0.01",
      "--loss-db",
      "0.1",
      "--dac-bits",
      "12",
      "--detector-noise",
      "0",
      "--trials",
      "3",
      "--seed",
      "5",
      "--no-calibrate",
    ]);
    const perTrial = JSON.parse(mc.out).result.circuits[0].trials.exactPerTrial as number[];
    for (const trial of [0, 1, 2]) {
      const file = join(work, `d${trial}.json`);
      const d = await run(["die", dir, "--technology", "foundry", "--dac-bits", "12", "--seed", "5", "--trial", String(trial), "-o", file]);
      expect(d.code).toBe(0);
      const m = await run(["--json", "verify", dir, "--measured", file]);
      expect(JSON.parse(m.out).result.circuits[0].nominal.exactFraction).toBe(perTrial[trial]);
    }
  });

  it("names every element of the netlist, and an unknown preset is a usage error", async () => {
    const dir = await compiledDir(tinyPhaseTable(), "tiny");
    const work = mkdtempSync(join(tmpdir(), "optinc-cal-work-"));
    const file = join(work, "d.json");
    expect((await run(["die", dir, "--technology", "foundry", "-o", file])).code).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(doc.elements)).toEqual(dieElements(circuit).map((e) => e.name));
    expect(doc).toMatchObject({
      format: "optinc.die/1",
      circuit: "tiny",
      dacBits: 10,
      source: { technology: "foundry", seed: 1, trial: 0 },
    });
    const bad = await run(["die", dir, "--technology", "fab9000"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("fab9000");
  });
});

describe("bad measurement files", () => {
  const cases: [string, (t: string) => string, string, RegExp][] = [
    ["NaN", (t) => t.replace(/"offsetRad":[^,]+/, '"offsetRad":NaN'), "OPT6101", /invalid JSON/],
    ["a non-physical coupling", (t) => t.replace(/"coupling":0\.5/, '"coupling":1.25'), "OPT6105", /non-physical value: must be <= 1/],
    ["an unknown element", (t) => t.replace('"layer2/e3"', '"layer2/e99"'), "OPT6103", /no element "layer2\/e99" in circuit "tiny"/],
    [
      "a missing element",
      (t) => t.replace(/\n {4}"layer1\/po2": [^\n]*/, ""),
      "OPT6104",
      /1 element of the netlist is missing: layer1\/po2/,
    ],
    ["a wrong kind", (t) => t.replace(/"layer1\/po2": \{"kind":"phase"/, '"layer1/po2": {"kind":"coupler"'), "OPT6102", /layer1\/po2/],
    ["a wrong circuit", (t) => t.replace('"circuit": "tiny"', '"circuit": "other"'), "OPT6107", /measured on circuit "other"/],
  ];
  for (const [what, edit, code, message] of cases) {
    it(`${what}: exit 2 with file:line:col and ${code}`, async () => {
      const dir = await compiledDir(tinyPhaseTable(), "tiny");
      const work = mkdtempSync(join(tmpdir(), "optinc-cal-work-"));
      const good = readFileSync(dieFile(work, { id: "x", leaves: new Map(), dacBits: 12 }), "utf8");
      const text = edit(good);
      expect(text).not.toBe(good);
      const file = join(work, "bad.json");
      writeFileSync(file, text);
      for (const args of [
        ["verify", dir, "--measured", file],
        ["calibrate", dir, "--measured", file, "-o", join(work, "cal")],
      ]) {
        const r = await run(args);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(new RegExp(`bad\\.json:\\d+:\\d+: error\\[${code}\\]`));
        expect(r.err).toMatch(message);
        expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      }
      expect(existsSync(join(work, "cal"))).toBe(false);
    });
  }

  it("refuses to overwrite the design it calibrates", async () => {
    const dir = await compiledDir(tinyPhaseTable(), "tiny");
    const die = dieFile(mkdtempSync(join(tmpdir(), "optinc-cal-work-")), correctableDie(circuit, 1));
    const r = await run(["calibrate", dir, "--measured", die, "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("OPT6115");
  });
});
