// Every cost-model and latency figure of docs/studies/allreduce.md and docs/design/system-models.md,
// recomputed from system/models and system/latency and found in the text as computed, and the
// option defaults of docs/guide/allreduce.md. Figures that need executed arrays (the max
// errors of the command's table, the example runs through a circuit) are printed and compared
// with the doc by `npm run bench -- allreduce`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../../dsl/presets.ts";
import { bandwidthForTarget, computeTimeForTarget, latencyBreakdown, latencySweep } from "../../system/latency.ts";
import { compareModels } from "../../system/models/index.ts";
import { DEFAULT_MODEL_INPUTS, modelInputs } from "../../system/models/params.ts";
import { runAllreduce } from "../../system/ring/allreduce-run.ts";

const studies = readFileSync("docs/studies/allreduce.md", "utf8");
const design = readFileSync("docs/design/system-models.md", "utf8");
const guide = readFileSync("docs/guide/allreduce.md", "utf8");
/** The page's text with line breaks folded contains `s`. */
const within = (page: string) => {
  const flat = page.replace(/\s*\n\s*/g, " ");
  return (s: string) => expect(flat.includes(s), s).toBe(true);
};
const inStudies = within(studies);
const inDesign = within(design);
const inGuide = within(guide);

const us = (s: number) => `${(s * 1e6).toFixed(2)} µs`;
const ms = (s: number, d = 3) => `${(s * 1e3).toFixed(d)} ms`;
const x = (r: number) => `${r.toFixed(2)}×`;
const times = (n: number, bits = 8) =>
  Object.fromEntries(compareModels(modelInputs({ workers: n, messageBytes: 100e6, bits })).models.map((m) => [m.name, m.time_s]));

describe("docs/studies/allreduce.md §1 and docs/design/system-models.md §1, §3: the command's table at the defaults (100 MB)", () => {
  it.each([4, 8, 16])("N = %i: steps, bytes, volume ratio, model times and speed-ups", (n) => {
    const c = compareModels(modelInputs({ workers: n, messageBytes: 100e6 }));
    const c32 = compareModels(modelInputs({ workers: n, messageBytes: 100e6, bits: 32 }));
    const t = times(n);
    expect(c.bestElectrical).toBe("sharp");
    expect(c32.bestElectrical).toBe("sharp");
    const ringBytes = (2 * (n - 1) * 100e6) / n;
    const row = `| ${n} | ${2 * (n - 1)} | ${(ringBytes / 1e6).toFixed(2)} MB | 25.00 MB | ${(ringBytes / 100e6).toFixed(4)} | `;
    const tail = `| ${us(t.ring!)} | ${us(t.sharp!)} | ${us(t.optinc!)} | ${x(c.speedupVsRing)} | ${x(c.speedupVsBestElectrical)} | ${x(c32.speedupVsRing)} / ${x(c32.speedupVsBestElectrical)} |`;
    const line = studies.split("\n").find((l) => l.startsWith(row));
    expect(line, row).toBeDefined();
    expect(line!.endsWith(tail), `${line} ends with ${tail}`).toBe(true);
  });

  it("the other baselines for N = 4 / 8 / 16", () => {
    const [a, b, c] = [4, 8, 16].map((n) => times(n));
    inStudies(
      `Rabenseifner: ${(a!.rabenseifner! * 1e6).toFixed(2)}, ${(b!.rabenseifner! * 1e6).toFixed(2)} and ${(c!.rabenseifner! * 1e6).toFixed(2)} µs`,
    );
    const trio = (k: string) => [a, b, c].map((t) => (t![k]! * 1e6).toFixed(2)).join(" / ");
    inStudies(`${trio("optical-ring")} µs (optical ring), ${trio("optical-rd")} µs (optical RD)`);
    inStudies(`and ${us(a!.wrht!)} / ${ms(b!.wrht!)} / ${ms(c!.wrht!)} (WRHT) for N = 4 / 8 / 16`);
  });

  it("unequal chunks: --workers 3 --size 4000B sends 5 336 bytes, a ratio of 1.334", () => {
    const r = runAllreduce({
      workers: 3,
      messageBytes: 4000,
      execElements: 262_144,
      bits: 8,
      levels: 4,
      encoding: "offset-binary",
      rounding: "nearest-even",
      blockSize: 256,
      seed: 1,
      link: {},
    });
    expect(r.ring.bytesSentPerWorker).toBe(5336);
    inDesign(
      `reports ${r.ring.bytesSentPerWorker.toLocaleString("en-US").replace(",", " ")} bytes and a ratio of ${r.volumeRatio.toFixed(3)}, not 4/3`,
    );
  });

  it("the defaults table matches params.ts", () => {
    const d = DEFAULT_MODEL_INPUTS;
    inDesign(
      `| line rate × transceivers | ${d.transceiverBps / 1e9} Gb/s × ${d.transceivers} → B = ${(d.transceiverBps * d.transceivers) / 8e9} GB/s |`,
    );
    inDesign(`| α, per-step latency | ${d.stepLatency * 1e6} µs |`);
    inDesign(`| h, switch hop | ${Math.round(d.hopLatency * 1e9)} ns |`);
    inDesign(`| fibre length L | ${d.fiberLength} m |`);
    inDesign(`| W, wavelengths | ${d.wavelengths} |`);
    inDesign(`| k, wavelengths per lightpath (optical baselines) | min(transceivers, W) = ${Math.min(d.transceivers, d.wavelengths)} |`);
    inDesign(`| t_r, reconfiguration | ${Math.round(d.reconfigTime * 1e9)} ns |`);
    inDesign(`| t_ONN | ${Math.round(d.onnLatency * 1e9)} ns |`);
    inDesign(`| t_OEO | ${Math.round(d.oeoLatency * 1e9)} ns |`);
    inDesign(`| OptINC radix | ${d.radix} |`);
    inDesign(`| switch radix r | ${d.switchRadix} |`);
    inDesign(`| tree pipeline chunk M_c | ${d.treeChunkBytes / 1024} KiB |`);
    expect(d.reduceSecondsPerByte).toBe(3 / 3.35e12);
    inDesign("| γ, endpoint reduction | 3 / 3.35 TB/s per byte |");
  });
});

describe("docs/design/system-models.md §4 and docs/studies/allreduce.md §2–§3: per-iteration latency", () => {
  it("the presets: parameters, gradient bytes, FLOPs per step and compute time at 60 TFLOP/s × 0.6", () => {
    const r = PRESETS["resnet50-cifar100"]!;
    const l = PRESETS["llama-8l-384"]!;
    expect([r.peakFlops, r.efficiency]).toEqual([60e12, 0.6]);
    inDesign("FLOPs per step / (60 TFLOP/s × 0.6)");
    const sp = (n: number) => n.toLocaleString("en-US").replace(/,/g, " ");
    inDesign(
      `\`resnet50-cifar100\`: ${sp(r.parameters!)} parameters (${(r.gradientBytes / 1e6).toFixed(2)} MB fp32 gradient). ${(r.flopsPerStep! / 1e12).toFixed(1)} TFLOP per step`,
    );
    inDesign(`This gives ${ms(r.computeTime, 2)}.`);
    inDesign(
      `\`llama-8l-384\`: ${sp(l.parameters!)} parameters (${(l.gradientBytes / 1e6).toFixed(2)} MB). ${(l.flopsPerStep! / 1e12).toFixed(2)} TFLOP per step`,
    );
    inDesign(`(26.45 M non-embedding weights + n_layer·n_ctx·d) per token, over 32 × 512 tokens`);
    expect(l.parameters! - 32000 * 384).toBe(26_450_304);
    expect(l.flopsPerStep).toBe(6 * (26_450_304 + 8 * 512 * 384) * 32 * 512);
    inDesign(`This gives ${ms(l.computeTime, 2)}.`);
  });

  it.each(["resnet50-cifar100", "llama-8l-384"])("N = 4 at the paper's hardware: %s", (preset) => {
    const b = latencyBreakdown(preset, 4);
    const [ring, sharp, ring16, sharp16, optinc] = b.rows;
    expect([sharp!.model, sharp16!.model, ring16!.bits, sharp16!.bits]).toEqual(["sharp", "sharp", 16, 16]);
    inStudies(
      `| ${preset} | ${ms(ring!.compute)} | ${us(ring!.comm)} | ${us(sharp!.comm)} | ${us(ring16!.comm)} | ${us(sharp16!.comm)} | ${us(optinc!.comm)} | **${optinc!.normalized.toFixed(4)}** | ${(optinc!.total / sharp16!.total).toFixed(4)} |`,
    );
  });

  it("the sweep over N = 2 … 64", () => {
    for (const preset of ["resnet50-cifar100", "llama-8l-384"]) {
      const row = latencySweep(preset, [2, 4, 8, 16, 32, 64]).map((b) => b.rows.at(-1)!.normalized.toFixed(4));
      inStudies(`| ${preset} | ${row.join(" | ")} |`);
    }
  });

  it("why the paper's 0.74 and 0.83 differ: B*, C* and α* for each, and 0.823 for LLaMA at ResNet's B*", () => {
    const ring = latencyBreakdown("resnet50-cifar100", 4).rows[0]!;
    inStudies(
      `a 95 MB all-reduce takes about ${(ring.comm * 1e3).toFixed(2)} ms. Against about ${Math.round(ring.compute * 1e3)} ms of compute`,
    );
    expect(ring.comm / ring.total).toBeLessThan(0.01);
    const row = (preset: string, target: number) => {
      const B = bandwidthForTarget(preset, 4, target)!;
      const C = computeTimeForTarget(preset, 4, target)!;
      const alpha = (scaleSync: boolean) => {
        let lo = 1e-7;
        let hi = 1;
        for (let i = 0; i < 100; i++) {
          const mid = Math.sqrt(lo * hi);
          if (latencyBreakdown(preset, 4, { stepLatency: mid, scaleSync }).rows.at(-1)!.normalized > target) lo = mid;
          else hi = mid;
        }
        return lo;
      };
      return { B, C, a: alpha(true), a0: alpha(false), compute: PRESETS[preset]!.computeTime };
    };
    const r = row("resnet50-cifar100", 0.74);
    inStudies(
      `| ResNet50 0.74 | ${(r.B / 1e9).toFixed(2)} GB/s = ${((8 * r.B) / 1e9).toFixed(1)} Gb/s (${((100 * 8 * r.B) / 6400e9).toFixed(1)} % of 8 × 800 Gb/s) | ${ms(r.C)} (${Math.round(r.compute / r.C)}× less: about ${(128 / (r.compute / r.C)).toFixed(1)} images per worker at batch 128's FLOPs per image) | ${ms(r.a, 1)} (${ms(r.a0, 1)} with the scale sync left out) |`,
    );
    const l = row("llama-8l-384", 0.83);
    inStudies(
      `| LLaMA 0.83 | ${(l.B / 1e9).toFixed(2)} GB/s = ${((8 * l.B) / 1e9).toFixed(1)} Gb/s | ${ms(l.C)} (${Math.round(l.compute / l.C)}× less) | ${ms(l.a, 1)} (${ms(l.a0, 1)} without scale sync) |`,
    );
    const at = (preset: string, o: object = {}) => latencyBreakdown(preset, 4, { transceivers: 1, transceiverBps: 8 * r.B, ...o }).rows;
    inStudies(`the same model predicts **${at("llama-8l-384").at(-1)!.normalized.toFixed(3)} for LLaMA**`);
    inStudies(`effective ~${Math.round(r.B / 1e9)} GB/s per server`);
    // The two commands, at the rounded 90.2 Gb/s.
    for (const [preset, shown] of [
      ["resnet50-cifar100", "# 0.7400"],
      ["llama-8l-384", "# 0.8233"],
    ] as const) {
      const v = latencyBreakdown(preset, 4, { transceivers: 1, transceiverBps: 90.2e9 }).rows.at(-1)!.normalized;
      expect(`# ${v.toFixed(4)}`).toBe(shown);
      expect(studies).toMatch(new RegExp(`--bandwidth 90\\.2Gb/s --transceivers 1 --workload ${preset} +${shown}`));
    }
    const fp32 = at("resnet50-cifar100", { bits: 32 });
    expect(fp32[1]!.model).toBe("sharp");
    inStudies(
      `At B* with OptINC carrying fp32, ResNet50 only reaches ${fp32.at(-1)!.normalized.toFixed(3)}, and SHARP reaches ${fp32[1]!.normalized.toFixed(3)}`,
    );
    const half = latencyBreakdown("resnet50-cifar100", 4, { overlap: 0.5 }).rows.at(-1)!.normalized;
    inStudies(
      `with \`overlap: 0.5\`, OptINC is at ${half.toFixed(4)} instead of ${latencyBreakdown("resnet50-cifar100", 4).rows.at(-1)!.normalized.toFixed(4)}`,
    );
  });
});

describe("docs/guide/allreduce.md §5 and docs/design/system-models.md §7: the command's options and data path", () => {
  const cli = readFileSync("cli/commands/allreduce.ts", "utf8");
  const pipeline = readFileSync("pipeline/allreduce/allreduce.ts", "utf8");
  it("option defaults in the flag table are the command's defaults", () => {
    for (const [flag, value] of [
      ["--bandwidth <rate>", "800Gb/s"],
      ["--transceivers <n>", "8"],
      ["--latency <time>", "2.7us"],
      ["--block <n>", "256"],
      ["--exec-elements <n>", "262144"],
      ["--seed <s>", "1"],
    ]) {
      // The default as a string, or after the option's parser (`--seed <s>`, "…", seedArg, 1).
      const v = value!.replace(/\./g, "\\.");
      expect(cli).toMatch(new RegExp(`\\.option\\("${flag}", "[^"]*", (?:"${v}"|\\w+, ${v})\\)`));
      inGuide(`| \`${flag}\` | \`${value}\``);
    }
    expect(cli).toContain("(default 4,8,16, or the netlist's)");
    inGuide("| `--workers <list>` | `4,8,16` |");
  });

  it("injected errors: ±1 step 90 %, ±2 7 %, ±4 3 %", () => {
    const weights = [...pipeline.matchAll(/\{ steps: (-?\d+), weight: ([\d.]+) \}/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const share = (k: number) => Math.round(100 * weights.filter(([st]) => Math.abs(st) === k).reduce((a, [, w]) => a + w, 0));
    expect(weights).toHaveLength(6);
    inGuide(`±1 step ${share(1)} %, ±2 ${share(2)} %, ±4 ${share(4)} %`);
  });

  it("the data path calls the aggregator once per 4 096 elements", () => {
    expect(readFileSync("system/datapath.ts", "utf8")).toMatch(/const CHUNK = 4096;/);
    inDesign("the data path calls it once per 4 096 elements, so with `--detector-noise` that noise pattern repeats every 4 096 elements");
  });
});
