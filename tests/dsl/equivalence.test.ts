// Property: the same settings written as .optinc and as YAML mean the same (spec and diagnostics), and
// fmt never changes the meaning of an .optinc spec.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatOptinc } from "../../dsl/format.ts";
import { loadSpec } from "../../dsl/load.ts";
import { BLOCKS, OPTIONS, type OptionDef } from "../../dsl/options.ts";

// Values from every option's domain, plenty of them wrong for the option they land on.
const POOL = [
  "2",
  "4",
  "16",
  "1",
  "0",
  "-1",
  "4.5",
  "0.3",
  "0.49",
  "1e999",
  "23_712_932",
  "auto",
  "all",
  "none",
  "relu",
  "leaky-relu",
  "offset-binary",
  "twos-complement",
  "floor",
  "clements",
  "reck",
  "unitary-diagonal",
  "[1, 2]",
  "[64, 32]",
  "[2, 2]",
  "[]",
  "8 bits",
  "800 Gb/s",
  "100 GB/s",
  "800 Gbps",
  "2.7 us",
  "500 ns",
  "10 m",
  "2 km",
  "0.02 dB",
  "0.002 rad",
  "3 mrad",
  "12 bits",
  "25.6 M params",
  "1 TFLOP",
  "60 TFLOP/s",
  "2 MiB",
  "94.9 MB",
  "resnet50-cifar100",
  "llama-8l-384",
  "resnet50",
];

// Workload values default to the preset ("from preset" is not a value): those draw from the pool only.
const setting = (o: OptionDef) =>
  (o.defaultText.startsWith("from")
    ? fc.constantFrom(...POOL)
    : fc.oneof({ weight: 3, arbitrary: fc.constant(o.defaultText) }, { weight: 2, arbitrary: fc.constantFrom(...POOL) })
  ).map((v) => ({ o, v }));

const specArb = fc.subarray(OPTIONS, { minLength: 1, maxLength: 12 }).chain((opts) => fc.tuple(...opts.map(setting)));

function asOptinc(pairs: { o: OptionDef; v: string }[]): string {
  const lines = ["aggregator g {"];
  for (const { o, v } of pairs.filter((p) => !p.o.block)) lines.push(`  ${o.key} = ${v}`);
  for (const b of BLOCKS) {
    const inner = pairs.filter((p) => p.o.block === b.name);
    if (inner.length) lines.push(`  ${b.name} {`, ...inner.map(({ o, v }) => `    ${o.key} = ${v}`), "  }");
  }
  return lines.join("\n") + "\n}\n";
}

function asYaml(pairs: { o: OptionDef; v: string }[]): string {
  const lines = ["aggregator: g"];
  for (const { o, v } of pairs.filter((p) => !p.o.block)) lines.push(`${o.key}: ${v}`);
  for (const b of BLOCKS) {
    const inner = pairs.filter((p) => p.o.block === b.name);
    if (inner.length) lines.push(`${b.name}:`, ...inner.map(({ o, v }) => `  ${o.key}: ${v}`));
  }
  return lines.join("\n") + "\n";
}

const summary = (file: string, text: string) => {
  const r = loadSpec(file, text);
  return { spec: r.checked?.spec, diags: r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`).sort() };
};

describe("equivalence", () => {
  it(".optinc and .yaml forms of the same settings load identically", () => {
    fc.assert(
      fc.property(specArb, (pairs) => {
        expect(summary("g.yaml", asYaml(pairs))).toEqual(summary("g.optinc", asOptinc(pairs)));
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it("fmt preserves meaning and is idempotent on generated specs", () => {
    fc.assert(
      fc.property(specArb, (pairs) => {
        const text = asOptinc(pairs);
        const f = formatOptinc("g.optinc", text).text!;
        expect(formatOptinc("g.optinc", f).text).toBe(f);
        expect(summary("g.optinc", f)).toEqual(summary("g.optinc", text));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("the generator reaches both valid and invalid specs", () => {
    const samples = fc.sample(specArb, { seed: 7, numRuns: 200 });
    const ok = samples.filter((p) => loadSpec("g.optinc", asOptinc(p)).checked).length;
    expect(ok).toBeGreaterThan(10);
    expect(ok).toBeLessThan(190);
  });
});
