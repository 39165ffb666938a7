import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { goldenDigits } from "../../../aggregate/golden.ts";
import { writeNetlistJson } from "../../../netlist/formats/json-io.ts";
import { optincAllReduce } from "../../../system/datapath.ts";
import { circuitAggregator } from "../../../verify/circuit/aggregator.ts";
import { syntheticGradients } from "../../../system/ring/gradients.ts";
import { memoryIo } from "../../helpers/io.ts";
import { tinyCircuit, tinyGoldenCode } from "./tiny-pipeline.ts";

const dir = mkdtempSync(join(tmpdir(), "optinc-allreduce-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const netlist = join(dir, "tiny.netlist.json");
writeFileSync(netlist, writeNetlistJson(tinyCircuit()));

async function run(args: string[]) {
  const io = memoryIo();
  const code = await main(["allreduce", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("the emitted circuit as the OptINC aggregator", () => {
  it("the simulated netlist reproduces its hand-built table on every input (2 workers, 2-bit, PAM-2)", () => {
    const agg = circuitAggregator(tinyCircuit());
    expect([agg.workers, agg.bits, agg.levels, agg.digits]).toEqual([2, 2, 2, 2]);
    const digits = new Int32Array(16 * 4);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) digits.set([a & 1, a >> 1, b & 1, b >> 1], (a * 4 + b) * 4);
    const out = agg.aggregateMany(digits, 16);
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const code = out[(a * 4 + b) * 2]! + 2 * out[(a * 4 + b) * 2 + 1]!;
        expect(code).toBe(tinyGoldenCode(a, b));
        expect(Array.from(goldenDigits([a, b], { precision: 2, levels: 2, rounding: "nearest-even" }))).toEqual([code & 1, code >> 1]);
      }
    }
  });

  it("in the data path the circuit gives the golden function's levels element by element", () => {
    const grads = syntheticGradients(2, 3000, 5);
    const fmt = { precision: 2, levels: 2 as const, encoding: "offset-binary" as const, rounding: "nearest-even" as const, blockSize: 16 };
    const viaCircuit = optincAllReduce(grads, { ...fmt, aggregateMany: circuitAggregator(tinyCircuit()).aggregateMany });
    const viaGolden = optincAllReduce(grads, {
      ...fmt,
      aggregate: (d) => goldenDigits([d[0]! + 2 * d[1]!, d[2]! + 2 * d[3]!], { precision: 2, levels: 2, rounding: "nearest-even" }),
    });
    expect(Array.from(viaCircuit.levels)).toEqual(Array.from(viaGolden.levels));
  });

  it("optinc allreduce --netlist: takes N, b, L from the circuit; heavy phase noise degrades it", async () => {
    const ideal = await run(["--netlist", netlist, "--size", "16KB", "--json"]);
    expect(ideal.code).toBe(0);
    const [x] = JSON.parse(ideal.out).result.runs;
    expect([x.workers, x.optinc.bits, x.volumeRatio]).toEqual([2, 2, 1]);
    expect(x.optinc.maxErrorSteps).toBeLessThanOrEqual(1);
    expect(x.optinc.mismatchedElements).toBe(0); // the ideal circuit is exact
    // Not exact under heavy noise: exit 1 with OPT7001 (the figures are still reported) …
    const noisyRun = await run(["--netlist", netlist, "--size", "16KB", "--phase-noise", "1.5", "--json"]);
    expect(noisyRun.code).toBe(1);
    const noisyEnv = JSON.parse(noisyRun.out);
    expect(noisyEnv).toMatchObject({ ok: false, diagnostics: [{ code: "OPT7001", severity: "error" }] });
    const noisy = noisyEnv.result.runs[0];
    expect(noisy.optinc.maxErrorSteps).toBeGreaterThan(1);
    expect(noisy.optinc.mismatchedElements).toBeGreaterThan(0);
    expect(noisyEnv.diagnostics[0].message).toContain(`${noisy.optinc.mismatchedElements} of ${noisy.executed.elements} aggregated values`);
    // … unless --allow-inexact, which keeps the finding as a warning.
    const allowed = await run(["--netlist", netlist, "--size", "16KB", "--phase-noise", "1.5", "--allow-inexact", "--json"]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.out)).toMatchObject({ ok: true, diagnostics: [{ code: "OPT7001", severity: "warning" }] });
    const text = await run(["--netlist", netlist, "--size", "16KB"]);
    expect(text.out).toContain("aggregator: simulated netlist");
  });

  it.each([
    [["--netlist", "NETLIST", "--workers", "4"], 2, /aggregates 2 workers/],
    [["--netlist", "NETLIST", "--bits", "8"], 2, /carries 2-bit values as PAM-2/],
    [["--netlist", "NETLIST", "--imbalance", "0.9"], 2, /--imbalance must be a number in \[0, 0\.5\), got "0\.9"/],
    [["--phase-noise", "0.1"], 2, /need --netlist/],
    [["--netlist", "/nonexistent/x.netlist.json"], 2, /no such file/],
  ])("%j → exit %i", async (args, code, msg) => {
    const r = await run((args as string[]).map((a) => (a === "NETLIST" ? netlist : a)));
    expect(r.code).toBe(code);
    expect(r.err).toMatch(msg as RegExp);
  });

  it("a file that is not a circuit is an input error (exit 1), with a JSON failure document under --json", async () => {
    const bad = join(dir, "bad.netlist.json");
    writeFileSync(bad, '{"hello": 1}');
    const r = await run(["--netlist", bad, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({
      schemaVersion: 2,
      ok: false,
      command: "allreduce",
      diagnostics: [{ severity: "error" }],
      result: null,
    });
  });
});
