// A user's own workload through `optinc allreduce`: parameters + compute time, a layer list, a
// spec's workload block; bucketed overlap for any workload; time to train; the SVG chart.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { iterationChartSvg } from "../../../pipeline/allreduce/chart.ts";
import { compareOnWorkload } from "../../../system/comparison.ts";
import { gradientBuckets } from "../../../system/iteration.ts";
import { customWorkload, layersOf, parseLayers, uniformLayers } from "../../../system/workload.ts";
import { memoryIo } from "../../helpers/io.ts";

async function run(args: string[], cwd?: string) {
  const io = memoryIo();
  if (cwd) io.cwd = cwd;
  const code = await main(["allreduce", "--exec-elements", "4096", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("workload inputs (system/workload.ts)", () => {
  it("a layer list: name:parameters[:flops], FLOPs default to the parameters; JSON too", () => {
    expect(parseLayers("a:10:100, b:20")).toEqual([
      { name: "a", parameters: 10, forwardFlops: 100 },
      { name: "b", parameters: 20, forwardFlops: 20 },
    ]);
    expect(parseLayers('[{"name":"x","parameters":3,"forwardFlops":9}]')).toEqual([{ name: "x", parameters: 3, forwardFlops: 9 }]);
    expect(() => parseLayers("a:1.5")).toThrow(/whole number/);
    expect(() => parseLayers("")).toThrow(/empty/);
  });
  it("uniform layers hold every parameter; a workload without layers gets them (bucketed overlap)", () => {
    const l = uniformLayers(1001, 10);
    expect(l).toHaveLength(10);
    expect(l.reduce((a, x) => a + x.parameters, 0)).toBe(1001);
    const w = customWorkload(100e6, 0.1);
    expect(layersOf(w).source).toBe("uniform");
    const b = gradientBuckets(w, layersOf(w).layers);
    expect(b.length).toBeGreaterThan(10);
    expect(b.reduce((a, x) => a + x.bytes, 0)).toBe(400e6);
  });
  it("overlap: with layers the iteration is shorter than compute + one all-reduce; time to train = iterations × iteration", () => {
    const w = customWorkload(100e6, 0.1);
    const c = compareOnWorkload(["ring", "optinc"], [64], w, 0, { transceiverBps: 100e9, transceivers: 1 }, { iterations: 1000 });
    expect(c.workload).toBe("custom");
    expect(c.layers).toBe("uniform");
    const ring = c.rows[0]!.models.ring!;
    expect(ring.time).toBeLessThan(0.1 + ring.allreduce);
    expect(ring.time).toBeGreaterThanOrEqual(0.1);
    expect(ring.train).toBeCloseTo(1000 * ring.time, 9);
  });
  it("the chart is one SVG with a bar per model and N, and escapes names", () => {
    const c = compareOnWorkload(["ring", "optinc"], [8, 64], customWorkload(1e6, 0.01), 0, {}, { iterations: 10 });
    const svg = iterationChartSvg(c, "a <title> & more");
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("a &lt;title&gt; &amp; more");
    expect(svg.match(/<title>exposed communication/g)).toHaveLength(4);
    expect(svg).toContain("to train");
  });
});

describe("optinc allreduce with a user's own workload", () => {
  it("--parameters and --compute-time: iteration times, time to train and a chart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optinc-wl-"));
    const r = await run(
      [
        "--models",
        "ring,rabenseifner,optinc",
        "--workers",
        "64",
        "--parameters",
        "25e6",
        "--compute-time",
        "50ms",
        "--iterations",
        "1000",
        "--chart",
        "it.svg",
        "--json",
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out).result;
    expect(res.chart).toBe("it.svg");
    expect(res.comparison).toMatchObject({ workload: "custom", compute: 0.05, messageBytes: 100e6, iterations: 1000, layers: "uniform" });
    const m = res.comparison.rows[0].models;
    expect(m.optinc.train).toBeCloseTo(1000 * m.optinc.time, 9);
    expect(readFileSync(join(dir, "it.svg"), "utf8")).toContain("<svg");
    // The latency breakdown of the executed run uses the same workload, bf16 beside fp32.
    const labels = res.runs[0].latency.rows.map((x: { label: string }) => x.label);
    expect(labels).toContain("ring all-reduce (bf16)");
  });
  it("--layers gives the buckets; a mismatched --parameters is refused", async () => {
    const ok = await run([
      "--models",
      "ring,optinc",
      "--workers",
      "8",
      "--layers",
      "a:1000000,b:9000000",
      "--compute-time",
      "10ms",
      "--json",
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).result.comparison).toMatchObject({ layers: "given", messageBytes: 40e6 });
    const bad = await run(["--models", "ring", "--workers", "8", "--layers", "a:10", "--parameters", "11", "--compute-time", "1ms"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--parameters: 11 differs/);
    const noTime = await run(["--models", "ring", "--workers", "8", "--parameters", "11"]);
    expect(noTime.code).toBe(2);
    expect(noTime.err).toMatch(/need --compute-time/);
  });
  it("--spec reads the workload block and link; explicit flags override the link", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optinc-spec-"));
    writeFileSync(
      join(dir, "s.optinc"),
      "aggregator s {\n  workers = 4\n  precision = 8 bits\n  link { bandwidth = 100 Gb/s  transceivers = 2 }\n  workload { parameters = 1000000  compute_time = 3 ms }\n}\n",
    );
    const r = await run(["--spec", "s.optinc", "--models", "ring,optinc", "--workers", "4", "--latency", "5us", "--json"], dir);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out).result;
    expect(res.comparison).toMatchObject({ compute: 0.003, messageBytes: 4e6 });
    // Ring at the spec's 2 × 100 Gb/s = 25 GB/s and the flag's α = 5 µs: 1.5·4 MB/25 GB/s + 6·(α + h) + γ term.
    const ring = res.comparison.rows[0].models.ring.allreduce;
    expect(ring).toBeCloseTo((1.5 * 4e6) / 25e9 + 6 * (5e-6 + 130e-9) + 0.75 * 4e6 * (3 / 3.35e12), 9);
    const bad = await run(["--spec", "missing.optinc", "--models", "ring"], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--spec: cannot read missing.optinc/);
  });
});

describe("the compile report's latency section", () => {
  it("uses the spec's own workload on the spec's link, not fixed presets", async () => {
    const { defaultSpec } = await import("../../../dsl/defaults.ts");
    const { latencySection } = await import("../../../pipeline/report/report-html.ts");
    const spec = { ...defaultSpec("x"), workload: customWorkload(5e6, 0.002) };
    const l = latencySection(spec)!;
    expect(l.presets).toHaveLength(1);
    expect(l.presets[0]!.name).toBe("spec workload");
    expect(l.presets[0]!.ring.compute).toBe(0.002);
    expect(l.presets[0]!.paper).toBeUndefined();
    const resnet = latencySection(defaultSpec("y"))!.presets[0]!;
    expect([resnet.name, resnet.paper]).toEqual(["resnet50-cifar100", 0.74]);
  });
});

describe("--astra: ASTRA-sim inputs", () => {
  it("OptINC as a Switch whose direct all-reduce takes optinc's transfer time; ring as a Ring at B and α + h", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optinc-astra-"));
    const r = await run(["--workers", "4", "--size", "100MB", "--astra", "astra", "--json"], dir);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).result.astra).toEqual({
      dir: "astra",
      workers: 4,
      files: ["optinc-network.yml", "ring-network.yml", "system-optinc.json", "system-ring.json"],
    });
    // 2(N−1)/N · 32/q · B = 1.5 · 4 · 800 GB/s.
    expect(readFileSync(join(dir, "astra", "optinc-network.yml"), "utf8")).toContain("bandwidth: [ 4800 ]");
    expect(readFileSync(join(dir, "astra", "ring-network.yml"), "utf8")).toMatch(
      /topology: \[ Ring \][\s\S]*bandwidth: \[ 800 \][\s\S]*latency: \[ 2830 \]/,
    );
    expect(JSON.parse(readFileSync(join(dir, "astra", "system-ring.json"), "utf8"))["all-reduce-implementation"]).toEqual(["ring"]);
  });
});
