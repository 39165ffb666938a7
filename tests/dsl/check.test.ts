import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../dsl/defaults.ts";
import { loadSpec } from "../../dsl/load.ts";
import { LLAMA_8L_384, llamaParameters, PRESETS } from "../../dsl/presets.ts";
import { codes, diag, spec } from "./helpers.ts";

function ok(body: string) {
  const r = loadSpec("t.optinc", spec(body));
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.checked!;
}

describe("defaults and conversions", () => {
  it("an empty aggregator is the documented default spec", () => {
    expect(ok("").spec).toEqual(defaultSpec("t"));
  });

  it("converts units to SI", () => {
    const s = ok(`
      link { bandwidth = 100 GB/s  step_latency = 500 ns  fiber_length = 2 km }
      technology { mzi_loss = 0.1 dB  phase_noise = 5 mrad  dac_bits = 10 bits }
      training { phase_noise = 1 deg }
      workload { gradient_size = 2 MiB  compute_time = 12 ms }`).spec;
    expect(s.link.bandwidth).toBe(800e9); // 100 GB/s = 800 Gb/s
    expect(s.link.stepLatency).toBeCloseTo(5e-7, 20);
    expect(s.link.fiberLength).toBe(2000);
    expect(s.technology).toMatchObject({ mziLossDb: 0.1, phaseNoise: 0.005, dacBits: 10 });
    expect(s.training.phaseNoise).toBeCloseTo(Math.PI / 180, 15);
    expect(s.workload).toMatchObject({ gradientBytes: 2 * 1024 * 1024, parameters: 524288, computeTime: 0.012, flopsPerStep: null });
  });

  it("Gb/s and GB/s differ by 8x, us and ns by 1000x", () => {
    const a = ok("link { bandwidth = 8 Gb/s  step_latency = 3 us }").spec.link;
    const b = ok("link { bandwidth = 1 GB/s  step_latency = 3000 ns }").spec.link;
    expect(a.bandwidth).toBe(b.bandwidth);
    expect(a.stepLatency).toBeCloseTo(b.stepLatency, 18);
  });

  it("parameter counts: plain, with M params, and gradient bytes follow (fp32)", () => {
    expect(ok("workload { parameters = 25.6 M params }").spec.workload).toMatchObject({
      parameters: 25_600_000,
      gradientBytes: 102_400_000,
    });
    expect(ok("workload { parameters = 1_000 }").spec.workload.parameters).toBe(1000);
    expect(codes(spec("workload { parameters = 1.5 }"))).toContain("OPT2010");
  });

  it("computes compute time from FLOPs, peak and efficiency", () => {
    const w = ok("workload { flops_per_step = 2 TFLOP  peak_flops = 100 TFLOP/s  efficiency = 0.5 }").spec.workload;
    expect(w.computeTime).toBeCloseTo(0.04, 15);
  });

  it("records the location of every written setting", () => {
    const c = ok("  workers = 8\n  link { bandwidth = 400 Gb/s }");
    expect(c.locations.workers).toEqual({ file: "t.optinc", line: 2, column: 3 });
    expect(c.locations["link.bandwidth"]).toEqual({ file: "t.optinc", line: 3, column: 10 });
    expect(c.locations["training.seed"]).toBeUndefined();
  });
});

describe("presets", () => {
  it("resnet50-cifar100: torchvision ResNet-50 with a 100-class head", () => {
    // 25 557 032 (1000 classes) − (2048·1000 + 1000) + (2048·100 + 100)
    expect(PRESETS["resnet50-cifar100"]!.parameters).toBe(25_557_032 - 2_049_000 + 204_900);
    expect(PRESETS["resnet50-cifar100"]!.gradientBytes).toBe(4 * 23_712_932);
  });
  it("llama-8l-384 parameter count from its dimensions", () => {
    expect(llamaParameters(LLAMA_8L_384)).toBe(38_738_304);
    // Independent count: per layer 4d² + 3·d·ffn + 2d, plus two vocab×d matrices and a final norm.
    const d = 384;
    expect(8 * (4 * d * d + 3 * d * 1024 + 2 * d) + 2 * 32000 * d + d).toBe(38_738_304);
    const w = PRESETS["llama-8l-384"]!;
    expect(w.gradientBytes).toBe(4 * 38_738_304);
    expect(w.computeTime).toBeCloseTo(w.flopsPerStep! / (w.peakFlops * w.efficiency), 15);
  });
  it("a preset supplies unset workload values; explicit ones override", () => {
    const w = ok("workload { preset = llama-8l-384  efficiency = 0.5 }").spec.workload;
    expect(w).toMatchObject({ preset: "llama-8l-384", parameters: 38_738_304, efficiency: 0.5 });
    expect(w.computeTime).toBeCloseTo(w.flopsPerStep! / (60e12 * 0.5), 15);
  });
});

describe("semantic errors", () => {
  const cases: [string, string, string][] = [
    ["precision not a multiple of log2 L", "precision = 7 bits\nlevels = 4", "OPT2008"],
    ["precision 6 with PAM16", "precision = 6 bits\nlevels = 16", "OPT2008"],
    ["workers below 2", "workers = 1", "OPT2004"],
    ["radix above workers", "workers = 4\ncascade { radix = 8 }", "OPT2009"],
    ["radix below 2", "workers = 4\ncascade { radix = 1 }", "OPT2004"],
    ["levels not a power of two", "levels = 6", "OPT2004"],
    ["precision above 16", "precision = 32 bits", "OPT2004"],
    ["missing unit", "link { bandwidth = 800 }", "OPT2005"],
    ["wrong unit dimension", "link { step_latency = 3 GB }", "OPT2006"],
    ["unknown unit", "link { bandwidth = 800 Gbps }", "OPT2006"],
    ["unit on a unitless option", "workers = 4 bits", "OPT2006"],
    ["duplicate", "workers = 4\nworkers = 8", "OPT2002"],
    ["duplicate block", "link { transceivers = 2 }\nlink { transceivers = 4 }", "OPT2002"],
    ["unknown option", "wokers = 4", "OPT2001"],
    ["unknown block option", "training { learning_rte = 0.1 }", "OPT2001"],
    ["unknown choice", "encoding = offset_binary", "OPT2007"],
    ["word for a number", "workers = four", "OPT2003"],
    ["fraction for an integer", "workers = 4.5", "OPT2010"],
    ["layers index 0", "approximate { layers = [0, 1] }", "OPT2004"],
    ["layers beyond the network", "network { hidden = [16] }\napproximate { layers = [1, 3] }", "OPT2011"],
    ["repeated layer", "approximate { layers = [1, 1] }", "OPT2015"],
    ["segment 1", "approximate { segment = 1 }", "OPT2004"],
    ["margin 0.5", "training { margin = 0.5 }", "OPT2004"],
    ["margin 0", "training { margin = 0 }", "OPT2004"],
    ["negative learning rate", "training { learning_rate = -0.1 }", "OPT2004"],
    ["huge number", "workers = 1e999", "OPT2004"],
    ["unknown preset", "workload { preset = resnet50 }", "OPT2012"],
    ["compute_time and flops", "workload { compute_time = 1 s  flops_per_step = 1 TFLOP }", "OPT2013"],
    ["block as setting", "training = 4", "OPT2014"],
    ["setting as block", "workers { n = 4 }", "OPT2014"],
    ["empty list", "network { hidden = [] }", "OPT2004"],
  ];
  for (const [what, body, code] of cases) {
    it(`${what} → ${code}`, () => {
      expect(codes(spec(body))).toContain(code);
    });
  }

  it("did-you-mean for options, choices, units and presets", () => {
    expect(diag(spec("training { learning_rte = 0.1 }"), "OPT2001").hint).toBe("did you mean 'learning_rate'?");
    expect(diag(spec("encoding = offset_binary"), "OPT2007").hint).toBe("did you mean 'offset-binary'?");
    expect(diag(spec("link { bandwidth = 800 Gbps }"), "OPT2006").hint).toBe("did you mean 'Gb/s'?");
    expect(diag(spec("link { bandwidth = 800 gb/s }"), "OPT2006").hint).toBe("did you mean 'Gb/s'?");
    expect(diag(spec("workload { preset = resnet50 }"), "OPT2012").hint).toBe("did you mean 'resnet50-cifar100'?");
    expect(diag(spec("phase_noise = 1 rad"), "OPT2001").hint).toBe(
      "phase_noise belongs in training { phase_noise = ... } or in technology { phase_noise = ... }",
    );
    expect(diag(spec("link { mesh = reck }"), "OPT2001").hint).toBe("mesh belongs at the top level, outside any block");
  });

  it("reports all problems of a spec at once, sorted by position", () => {
    const d = loadSpec("t.optinc", spec("workers = 1\nlevels = 3\nlink { bandwidth = 9 }\nfoo = 2")).diagnostics;
    expect(d.map((x) => `${x.line}:${x.code}`)).toEqual(["2:OPT2004", "3:OPT2004", "4:OPT2005", "5:OPT2001"]);
  });

  it("warnings do not block: radix equal to workers, approximation settings with method none", () => {
    const r = loadSpec("t.optinc", spec("workers = 4\nroute = trained\ncascade { radix = 4 }\napproximate { method = none  segment = 4 }"));
    expect(r.checked).toBeDefined();
    expect(r.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual(["warning:OPT2016", "warning:OPT2016"]);
  });

  it("cascade radix within workers is accepted", () => {
    expect(ok("workers = 16\ncascade { radix = 4 }").spec.cascade).toEqual({ radix: 4 });
  });
});
