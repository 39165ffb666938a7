import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { memoryIo } from "../../helpers/io.ts";

async function run(args: string[]) {
  const io = memoryIo();
  const code = await main(["allreduce", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("optinc allreduce (in-process)", () => {
  it("--json: schema, Fig. 6 volume ratios exactly, closed-form counts, every model", async () => {
    const r = await run(["--workers", "4,8,16", "--size", "100MB", "--exec-elements", "4096", "--json"]);
    expect(r.code).toBe(0);
    const env = JSON.parse(r.out);
    expect(env).toMatchObject({ schemaVersion: 2, ok: true, command: "allreduce", diagnostics: [] });
    const doc = env.result;
    expect(doc.runs.map((x: { workers: number }) => x.workers)).toEqual([4, 8, 16]);
    expect(doc.runs.map((x: { volumeRatio: number }) => x.volumeRatio)).toEqual([1.5, 1.75, 1.875]);
    expect(doc.runs.map((x: { ring: { steps: number } }) => x.ring.steps)).toEqual([6, 14, 30]);
    expect(doc.runs.map((x: { ring: { bytesSentPerWorker: number } }) => x.ring.bytesSentPerWorker)).toEqual([150e6, 175e6, 187.5e6]);
    for (const run of doc.runs) {
      expect(run.optinc.bytesSentPerWorker).toBe(25e6); // 100 MB · 8/32
      expect(run.executed).toEqual({ elements: 4096, scaled: true });
      expect(run.ring.maxAbsError).toBeLessThan(1e-9); // fp32 rounding on N(0, 1e-3) values
      expect(run.optinc.maxErrorSteps).toBeLessThanOrEqual(1); // nearest rounding: ≤ 1 step
      expect(Object.keys(run.models).sort()).toEqual([
        "double-binary-tree",
        "optical-rd",
        "optical-ring",
        "optinc",
        "rabenseifner",
        "recursive-doubling",
        "ring",
        "sharp",
        "wrht",
      ]);
      for (const [name, m] of Object.entries<{ time: number; algbw: number; busbw?: number }>(run.models)) {
        expect(m.time).toBeGreaterThan(0);
        expect(m.algbw).toBeCloseTo(100e6 / m.time, 0);
        expect(m.busbw === undefined).toBe(name === "sharp" || name === "optinc");
      }
      expect(run.speedupVsBestElectrical).toBeLessThanOrEqual(run.speedupVsRing);
    }
  });

  it("runs the full array when it is small; unequal chunks show in the ratio", async () => {
    const r = await run(["--workers", "3", "--size", "4000B", "--json"]);
    const [x] = JSON.parse(r.out).result.runs;
    expect(x.executed).toEqual({ elements: 1000, scaled: false });
    // chunks 334/333/333: the busiest worker skips two 333-element chunks → 2000 − 666 elements
    expect(x.ring.bytesSentPerWorker).toBe(4 * 1334);
    expect(x.volumeRatio).toBeCloseTo(1.334, 12);
    expect(x.optinc.bytesSentPerWorker).toBe(1000);
  });

  it("table output per N, and a latency breakdown with --workload", async () => {
    const r = await run(["--workers", "4", "--exec-elements", "1024", "--workload", "llama-8l-384"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("N = 4 workers");
    expect(r.out).toContain("1.5000 (= 2(N−1)/N, paper Fig. 6)");
    expect(r.out).toMatch(/ring all-reduce \(fp32\).*1\.0000/);
    expect(r.out).toContain("vs best electrical");
    expect(r.out).not.toMatch(/\u001b\[/); // NO_COLOR respected
    const j = JSON.parse((await run(["--workers", "4", "--exec-elements", "1024", "--workload", "llama-8l-384", "--json"])).out).result;
    expect(j.runs[0].latency.rows[0].normalized).toBe(1);
    expect(j.runs[0].messageBytes).toBe(154953216); // the preset's fp32 gradient
  });

  it("injected errors are counted and raise the error", async () => {
    const clean = JSON.parse((await run(["--workers", "4", "--exec-elements", "8192", "--json"])).out).result.runs[0];
    const noisy = JSON.parse((await run(["--workers", "4", "--exec-elements", "8192", "--error-rate", "0.05", "--json"])).out).result
      .runs[0];
    expect(noisy.optinc.injectedErrors).toBeGreaterThan(300);
    expect(noisy.optinc.maxErrorSteps).toBeGreaterThan(clean.optinc.maxErrorSteps);
    expect(clean.optinc.mismatchedElements).toBe(0);
    expect(noisy.optinc.mismatchedElements).toBeGreaterThan(0);
    expect(noisy.optinc.mismatchedElements).toBeLessThanOrEqual(noisy.optinc.injectedErrors);
  });

  it.each([
    [["--workers", "1"], /--workers must be an integer in 2\.\.512/],
    [["--workers", "4,x"], /not a whole number/],
    [["--size", "5parsecs"], /unknown unit "parsecs"/],
    [["--bandwidth", "800"], /needs a unit/],
    [["--latency", "3Gb/s"], /unknown unit "Gb\/s" for a time/],
    [["--bits", "7"], /not a multiple of log2\(4\)/],
    [["--levels", "3"], /not one of 2, 4, 8, 16/],
    [["--workload", "gpt5"], /unknown preset "gpt5"/],
    [["--error-rate", "2"], /not a probability/],
    [["--rounding", "up"], /not one of nearest-even/],
  ])("usage error %j → exit 2", async (args, msg) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg as RegExp);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});
