import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { writeNetlistJson } from "../../../netlist/formats/json-io.ts";
import { buildCases, digitSumSpaceSize } from "../../../verify/circuit/cases.ts";
import { verifyCircuit, type VerifyOptions } from "../../../verify/circuit/run.ts";
import { memoryIo } from "../../helpers/io.ts";
import { tinyCircuit, tinyGoldenCode } from "./tiny-pipeline.ts";
import { asCompiled, reportJson, TINY_SPEC } from "./compiled-fixture.ts";

const IDEAL: VerifyOptions = {
  nonIdealities: {},
  trials: 8,
  seed: 1,
  minExact: 1,
  minYield: 0.9,
  maxCases: 100000,
  rounding: "nearest-even",
  preprocess: false,
};

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A compile output directory: the circuit with its identity and, given spec settings, a report.json. */
function writeOutputDir(circuit = tinyCircuit(), spec?: Record<string, unknown>, units = ["tiny"]): string {
  const dir = tempDir("optinc-verify-");
  writeFileSync(join(dir, "tiny.netlist.json"), writeNetlistJson(spec ? asCompiled(circuit) : circuit));
  if (spec) writeFileSync(join(dir, "tiny.report.json"), reportJson({ ...TINY_SPEC, ...spec }, units));
  return dir;
}

describe("case enumeration", () => {
  it("covers every digit-sum combination with valid worker digits", () => {
    const f = { workers: 4, digits: 2, levels: 4 };
    const set = buildCases(f, { preprocess: true, maxCases: 1e6, seed: 1 });
    expect(set.cases).toBe(digitSumSpaceSize(f));
    expect(set.cases).toBe(13 ** 2);
    const seen = new Set<string>();
    const ports = new Set<number>();
    for (let c = 0; c < set.cases; c++) {
      const sums = [0, 0];
      for (let w = 0; w < 4; w++) {
        for (let k = 0; k < 2; k++) {
          const d = set.digits[c * 8 + w * 2 + k]!;
          expect(d >= 0 && d <= 3).toBe(true);
          sums[k] += d;
          if (d > 0) ports.add(w * 2 + k);
        }
      }
      seen.add(sums.join(","));
    }
    expect(seen.size).toBe(169);
    expect(ports.size).toBe(8);
  });

  it("enumerates the full space when small and stratifies when too large", () => {
    expect(buildCases({ workers: 2, digits: 2, levels: 2 }, { preprocess: false, maxCases: 100, seed: 1 }).cases).toBe(16);
    const s = buildCases({ workers: 4, digits: 4, levels: 4 }, { preprocess: true, maxCases: 13 * 40 + 2, seed: 3 });
    expect(s.mode).toBe("stratified");
    expect(s.cases).toBe(13 * 40 + 2);
    expect(s.spaceSize).toBe(28561);
    // Every value of every digit sum appears equally often (plus the two corners).
    for (let k = 0; k < 4; k++) {
      const counts = new Array(13).fill(0);
      for (let c = 0; c < s.cases; c++) {
        let sum = 0;
        for (let w = 0; w < 4; w++) sum += s.digits[c * 16 + w * 4 + k]!;
        counts[sum]++;
      }
      expect(counts).toEqual(counts.map((_, v) => 40 + (v === 0 || v === 12 ? 1 : 0)));
    }
  });
});

describe("verifyCircuit on a hand-built exact pipeline", () => {
  it("reference table agrees with a brute-force rounding of the average", () => {
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        const t = a - 2 + (b - 2);
        const half = t / 2;
        const r = Math.abs(half % 1) === 0.5 ? (Math.floor(half) % 2 === 0 ? Math.floor(half) : Math.ceil(half)) : Math.round(half);
        expect(tinyGoldenCode(a, b)).toBe(r + 2);
      }
  });

  it("is exact with ideal components over the full and the digit-sum space", () => {
    const full = verifyCircuit(tinyCircuit(), IDEAL);
    expect(full.caseSet.mode).toBe("full");
    expect(full.nominal).toMatchObject({ cases: 16, exact: 16, exactFraction: 1, maxAbsError: 0 });
    expect(full.trials).toBeNull();
    expect(full.pass).toBe(true);
    const sums = verifyCircuit(tinyCircuit(), { ...IDEAL, preprocess: true });
    expect(sums.caseSet.cases).toBe(9);
    expect(sums.pass).toBe(true);
  });

  it("reports the error histogram of a wrong circuit in output steps", () => {
    // Drop the high digit: the decoded value is digit 0 only.
    const wrong = tinyCircuit([
      [1, -2, 1, 1, -2],
      [0, 0, 0, 0, 0],
    ]);
    const r = verifyCircuit(wrong, IDEAL);
    const expected = new Map<number, number>();
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        const code = tinyGoldenCode(a, b);
        const e = (code & 1) - code;
        expected.set(e, (expected.get(e) ?? 0) + 1);
      }
    expect(r.nominal.histogram).toEqual(
      [...expected.entries()].map(([steps, count]) => ({ steps, count })).sort((x, y) => x.steps - y.steps),
    );
    expect(r.pass).toBe(false);
    expect(r.failures[0]).toMatch(/exact match .* below --min-exact/);
  });

  it("a fitted receiver absorbs uniform insertion loss but not heavy phase noise", () => {
    const loss = { ...IDEAL, trials: 3, nonIdealities: { mziLossDb: 0.3 } };
    const raw = verifyCircuit(tinyCircuit(), { ...loss, receiver: "thresholds" });
    const cal = verifyCircuit(tinyCircuit(), { ...loss, receiver: "fitted" });
    expect(raw.trials!.worstExact).toBeLessThan(1);
    expect(raw.pass).toBe(false);
    expect(cal.trials!.yield).toBe(1);
    expect(cal.trials!.calibrated).toBe(true);
    expect(cal.pass).toBe(true);
    const heavy = verifyCircuit(tinyCircuit(), { ...IDEAL, trials: 6, nonIdealities: { phaseNoise: 0.5 }, receiver: "fitted" });
    expect(heavy.pass).toBe(false);
    // Detector noise is applied after the fit, from the trial's own stream.
    const det = verifyCircuit(tinyCircuit(), { ...IDEAL, trials: 6, nonIdealities: { detectorNoise: 0.4 }, receiver: "fitted" });
    expect(det.trials!.worstExact).toBeLessThan(1);
    expect(
      JSON.stringify(verifyCircuit(tinyCircuit(), { ...IDEAL, trials: 6, nonIdealities: { detectorNoise: 0.4 }, receiver: "fitted" })),
    ).toBe(JSON.stringify(det));
  });

  it("Monte-Carlo trials: mild noise keeps the yield, heavy phase noise fails it; seeded", () => {
    const mild = verifyCircuit(tinyCircuit(), { ...IDEAL, nonIdealities: { phaseNoise: 0.002, mziLossDb: 0.001 } });
    expect(mild.trials!.count).toBe(8);
    expect(mild.trials!.yield).toBe(1);
    expect(mild.pass).toBe(true);
    const heavy = verifyCircuit(tinyCircuit(), { ...IDEAL, nonIdealities: { phaseNoise: 0.5 } });
    expect(heavy.trials!.yield).toBeLessThan(0.9);
    expect(heavy.trials!.worstExact).toBeLessThan(1);
    expect(heavy.pass).toBe(false);
    expect(heavy.failures.join("\n")).toMatch(/yield .* below --min-yield/);
    expect(JSON.stringify(verifyCircuit(tinyCircuit(), { ...IDEAL, nonIdealities: { phaseNoise: 0.5 } }))).toBe(JSON.stringify(heavy));
  });
});

describe("cascade unit functions", () => {
  it("verifies every netlist of a directory and shares <spec>.report.json", async () => {
    const dir = writeOutputDir(
      tinyCircuit(),
      { rounding: "nearest-even", preprocess: "none", technology: { phaseNoise: 0.5 }, training: { seed: 3 } },
      ["tiny.L2", "tiny"],
    );
    writeFileSync(join(dir, "tiny.L2.netlist.json"), writeNetlistJson(asCompiled(tinyCircuit(), "tiny.L2")));
    const io = memoryIo();
    expect(await main(["verify", dir, "--phase-noise", "0", "--json"], io)).toBe(0);
    const doc = JSON.parse(io.out()).result;
    expect(doc.circuits.map((c: { netlist: string }) => c.netlist.split("/").pop())).toEqual(["tiny.L2.netlist.json", "tiny.netlist.json"]);
    expect(doc.circuits.every((c: { report: string | null }) => c.report?.endsWith("tiny.report.json"))).toBe(true);
    const io2 = memoryIo();
    expect(await main(["verify", dir, "--trials", "3"], io2)).toBe(1);
    expect(io2.out()).toContain("FAIL: 0/2 circuits pass");
  });

  it("checks a flat circuit against the golden average and its stored function against the spec", async () => {
    const same = tinyCircuit();
    same.info = { ...same.info, unit_input_offset: 2, unit_output_offset: 2, unit_divisor: 2 };
    let io = memoryIo();
    expect(await main(["verify", writeOutputDir(same)], io)).toBe(0);
    // A flat circuit whose stored function is an exact sum (divisor 1): the circuit still
    // computes the average, but its info no longer describes the spec, and verify says so.
    const sum = tinyCircuit();
    sum.info = { ...sum.info, unit_input_offset: 0, unit_output_offset: 0, unit_divisor: 1 };
    io = memoryIo();
    expect(await main(["verify", writeOutputDir(sum)], io)).toBe(1);
    expect(io.out()).toContain("exact 100.00% (16/16)");
    expect(io.out()).toMatch(
      /FAIL: the circuit's stored unit function \(divisor 1, input offset 0, output offset 0, 2 output digits\) is not the flat average of its 2 × 2-bit inputs \(divisor 2, offsets 2, 2 output digits\)/,
    );
  });

  it("uses a cascade unit's function from the circuit info, evaluated on the input codes", async () => {
    const sum = tinyCircuit();
    // A cascade unit (cascade_level set) whose function is the exact sum: not what this circuit computes.
    sum.info = { ...sum.info, cascade_level: 1, unit_input_offset: 0, unit_output_offset: 0, unit_divisor: 1 };
    const io = memoryIo();
    expect(await main(["verify", writeOutputDir(sum), "--json"], io)).toBe(1);
    const doc = JSON.parse(io.out()).result;
    // Exact only where the average's code equals the sum of the codes (clamped to 0..3).
    let exact = 0;
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) exact += tinyGoldenCode(a, b) === Math.min(3, a + b) ? 1 : 0;
    expect(doc.circuits[0].nominal.exact).toBe(exact);
    expect(doc.circuits[0].failures).toEqual([expect.stringMatching(/^exact match .* below --min-exact/)]);
  });
});

describe("optinc verify (CLI)", () => {
  it("exits 0 on an exact circuit, 1 under heavy noise, 2 on usage errors", async () => {
    const dir = writeOutputDir(tinyCircuit(), {
      rounding: "nearest-even",
      preprocess: "none",
      technology: { mziLossDb: 0, splitterImbalance: 0, phaseNoise: 0, dacBits: null, detectorNoise: 0 },
      training: { seed: 5 },
    });
    let io = memoryIo();
    expect(await main(["verify", dir], io)).toBe(0);
    expect(io.out()).toContain("PASS");
    expect(io.out()).toContain("exact 100.00% (16/16)");

    io = memoryIo();
    expect(await main(["verify", dir, "--phase-noise", "0.5", "--trials", "10"], io)).toBe(1);
    expect(io.out()).toMatch(/FAIL: yield/);

    io = memoryIo();
    expect(await main(["verify", join(dir, "tiny.netlist.json"), "--phase-noise", "0.5", "--trials", "4", "--json"], io)).toBe(1);
    const env = JSON.parse(io.out());
    expect(env).toMatchObject({ schemaVersion: 2, ok: false, command: "verify" });
    expect(env.diagnostics.map((d: { code: string }) => d.code)).toEqual(["OPT6007"]);
    const doc = env.result;
    expect(doc.format).toBe("optinc.verify/1");
    expect(doc.pass).toBe(false);
    expect(doc.circuits).toHaveLength(1);
    expect(doc.circuits[0].pass).toBe(false);
    expect(doc.circuits[0].trials.count).toBe(4);
    expect(doc.circuits[0].trials.seed).toBe(5);

    for (const bad of [
      ["verify", dir, "--phase-noise", "-1"],
      ["verify", dir, "--min-exact", "2"],
      ["verify", join(dir, "missing")],
      ["verify"],
    ]) {
      io = memoryIo();
      expect(await main(bad, io), bad.join(" ")).toBe(2);
    }
  });

  it("takes non-ideality defaults from the report's technology block", async () => {
    const dir = writeOutputDir(tinyCircuit(), {
      rounding: "nearest-even",
      preprocess: "none",
      technology: { phaseNoise: 0.5, mziLossDb: 0, splitterImbalance: 0, dacBits: null, detectorNoise: 0 },
    });
    const io = memoryIo();
    expect(await main(["verify", dir, "--trials", "6", "--verbose"], io)).toBe(1);
    expect(io.out()).toContain("phase noise 0.5 rad");
  });

  it("rejects malformed files with file:line:col", async () => {
    const dir = tempDir("optinc-verify-bad-");
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "x.netlist.json"), '{\n  "top": "a",\n  oops\n}');
    let io = memoryIo();
    expect(await main(["verify", join(dir, "out")], io)).toBe(1);
    expect(io.err()).toMatch(/x\.netlist\.json:3:\d+: error\[OPT6004\]: invalid JSON.*\(JSON_SYNTAX\)/);
    writeFileSync(join(dir, "out", "x.netlist.json"), JSON.stringify({ hello: 1 }));
    io = memoryIo();
    expect(await main(["verify", join(dir, "out")], io)).toBe(1);
    expect(io.err()).toMatch(/x\.netlist\.json:1:1: error\[OPT6004\].*\(NETLIST_SHAPE\)/);
    // A valid netlist that is not an ONN pipeline (no source/detector).
    const bare = tinyCircuit();
    const top = bare.netlists[bare.top]!;
    const det = Object.keys(top.instances).find((k) => top.instances[k]!.component === "detector")!;
    delete top.instances[det];
    // Reconnect what the detector fed: the last stage's outputs become the circuit outputs.
    for (const [a, b] of Object.entries(top.connections)) if (b.startsWith(`${det},`)) delete top.connections[a];
    for (const [p, ref] of Object.entries(top.ports)) if (ref.startsWith(`${det},`)) top.ports[p] = ref.replace(`${det},`, "layer2,");
    writeFileSync(join(dir, "out", "x.netlist.json"), writeNetlistJson(bare));
    io = memoryIo();
    expect(await main(["verify", join(dir, "out")], io)).toBe(1);
    expect(io.err()).toMatch(/x\.netlist\.json:1:1: error\[OPT6005\]: expected one detector/);
  });
});

describe("flags", () => {
  it("--dac-bits none turns the DAC off even when other non-idealities are on (not a circuit error)", async () => {
    const dir = writeOutputDir(tinyCircuit());
    const io = memoryIo();
    const code = await main(["verify", dir, "--trials", "2", "--phase-noise", "0.001", "--dac-bits", "none", "--json"], io);
    expect(io.err()).not.toContain("dacBits");
    expect(code).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.ok).toBe(true);
    expect(JSON.stringify(doc)).not.toContain("phase DAC");
  });
});
