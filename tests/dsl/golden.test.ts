// Golden files of rendered diagnostics for typical mistakes (update with `npx vitest run -u tests/dsl/golden.test.ts`).
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { renderDiagnostic } from "../../dsl/diagnostics.ts";
import { loadSpec } from "../../dsl/load.ts";

const plain = new Chalk({ level: 0 });

const BASE = (body: string) => `# a typical spec with one mistake\naggregator demo {\n  workers   = 4\n${body}\n}\n`;

const MISTAKES: [name: string, file: string, text: string][] = [
  ["precision-not-multiple", "demo.optinc", BASE("  precision = 7 bits\n  levels    = 4")],
  ["one-worker", "demo.optinc", BASE("  workers = 1").replace("  workers   = 4\n", "")],
  ["radix-above-workers", "demo.optinc", BASE("  cascade { radix = 8 }")],
  ["bandwidth-unit-typo", "demo.optinc", BASE("  link { bandwidth = 800 Gbps }")],
  ["bytes-for-time", "demo.optinc", BASE("  link { step_latency = 2.7 MB }")],
  ["missing-unit", "demo.optinc", BASE("  link { fiber_length = 10 }")],
  ["option-typo", "demo.optinc", BASE("  training { learning_rte = 0.01 }")],
  ["duplicate-option", "demo.optinc", BASE("  workers = 8")],
  ["option-in-wrong-block", "demo.optinc", BASE("  link { phase_noise = 0.01 rad }")],
  ["choice-typo", "demo.optinc", BASE("  encoding = twos_complement")],
  ["yaml-colon-in-optinc", "demo.optinc", BASE("  levels: 4")],
  ["unclosed-block", "demo.optinc", "aggregator demo {\n  workers = 4\n  link { bandwidth = 800 Gb/s\n"],
  ["unclosed-nested-block", "demo.optinc", BASE("  link { bandwidth = 800 Gb/s\n  mesh = clements")],
  ["missing-aggregator-line", "demo.optinc", "workers = 4\nlevels = 4\n"],
  ["layer-out-of-range", "demo.optinc", BASE("  route = trained\n  network { hidden = [32] }\n  approximate { layers = [1, 2, 3] }")],
  [
    "several-at-once",
    "demo.optinc",
    BASE("  route = trained\n  levels = 5\n  mesh = clement\n  training { margin = 0.5  seed = -1 }\n  precision = 8 bits;"),
  ],
  ["yaml-unit-typo", "demo.yaml", "aggregator: demo\nworkers: 4\nlink:\n  bandwidth: 800 Gbit/s\n  step_latency: 3\n"],
  ["yaml-bad-indentation", "demo.yaml", "aggregator: demo\nlink:\n  bandwidth: 800 Gb/s\n transceivers: 8\n"],
  ["yaml-levels-and-typo", "demo.yaml", "aggregator: demo\nlevels: 3\nprecison: 8 bits\n"],
];

describe("rendered diagnostics (golden)", () => {
  for (const [name, file, text] of MISTAKES) {
    it(name, async () => {
      const r = loadSpec(file, text);
      expect(r.checked).toBeUndefined();
      const rendered = r.diagnostics.map((d) => renderDiagnostic(d, text, plain)).join("\n");
      await expect(`--- ${file}\n${text}--- diagnostics\n${rendered}`).toMatchFileSnapshot(`./__golden__/${name}.txt`);
    });
  }
  it("colour is applied when asked for (and only then)", () => {
    const text = BASE("  workers = 8");
    const d = loadSpec("demo.optinc", text).diagnostics[0]!;
    expect(renderDiagnostic(d, text, new Chalk({ level: 1 }))).toContain("\u001b[");
    expect(renderDiagnostic(d, text, plain)).not.toContain("\u001b[");
  });
});
