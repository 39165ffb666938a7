import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { exampleFiles, readExample } from "./helpers.ts";

describe("YAML form", () => {
  const optinc = exampleFiles(".optinc");

  it("every example exists in both forms", () => {
    expect(optinc.length).toBeGreaterThanOrEqual(4);
    for (const f of optinc) expect(exampleFiles(".yaml")).toContain(f.replace(/\.optinc$/, ".yaml"));
  });

  for (const f of optinc) {
    it(`${f} and its .yaml load to the same Spec`, () => {
      const y = f.replace(/\.optinc$/, ".yaml");
      const a = loadSpec(f, readExample(f));
      const b = loadSpec(y, readExample(y));
      expect(a.diagnostics).toEqual([]);
      expect(b.diagnostics).toEqual([]);
      expect(b.checked!.spec).toEqual(a.checked!.spec);
      // The same settings were written in both (locations differ, keys must not).
      expect(Object.keys(b.checked!.locations).sort()).toEqual(Object.keys(a.checked!.locations).sort());
    });
  }

  it("the examples say what the issue asks for", () => {
    const s = (f: string) => loadSpec(f, readExample(f)).checked!.spec;
    expect(s("paper-4x8.optinc")).toMatchObject({ workers: 4, precision: 8, levels: 4, cascade: null });
    expect(s("paper-4x16.optinc")).toMatchObject({ workers: 4, precision: 16, levels: 4, workload: { preset: "llama-8l-384" } });
    expect(s("cluster-16.optinc")).toMatchObject({ workers: 16, precision: 8, levels: 4, innerLevels: 2, cascade: { radix: 2 } });
    expect(s("eight-workers.optinc")).toMatchObject({ workers: 8, precision: 8, levels: 4, innerLevels: 2, cascade: { radix: 4 } });
  });

  it("diagnostics point at YAML line:col", () => {
    const text = 'aggregator: y\nworkers: 4\nlink:\n  bandwidth: 800 Gbps\n  fiber_length: "10"\nprecision: 7 bits\n';
    const d = loadSpec("y.yaml", text).diagnostics.map((x) => `${x.line}:${x.column} ${x.code}`);
    expect(d).toEqual(["4:18 OPT2006", "5:18 OPT2005", "6:12 OPT2008"]);
  });

  it("duplicate keys are OPT2002 like in .optinc, not a YAML error", () => {
    const d = loadSpec("y.yaml", "aggregator: y\nworkers: 4\nworkers: 8\n").diagnostics;
    expect(d.map((x) => `${x.line}:${x.column} ${x.code}`)).toEqual(["3:1 OPT2002"]);
  });

  it("YAML syntax errors and shape errors have codes and positions", () => {
    expect(loadSpec("y.yaml", "aggregator: y\nworkers: [4\n").diagnostics[0]).toMatchObject({ code: "OPT1010" });
    expect(loadSpec("y.yaml", "- 1\n- 2\n").diagnostics[0]).toMatchObject({ code: "OPT1011", line: 1, column: 1 });
    expect(loadSpec("y.yaml", "workers: 4\n").diagnostics[0]).toMatchObject({ code: "OPT2017" });
    expect(loadSpec("y.yaml", "aggregator: y\nworkers:\n").diagnostics[0]).toMatchObject({ code: "OPT1011", line: 2 });
    expect(loadSpec("y.yaml", "aggregator: y\nlink: { bandwidth: 800 Gb/s x }\n").diagnostics[0]).toMatchObject({ code: "OPT2006" });
  });

  it(".yml is YAML too; other extensions are refused with OPT0002", () => {
    expect(loadSpec("a.yml", "aggregator: y\n").checked).toBeDefined();
    expect(loadSpec("a.json", "{}").diagnostics[0]!.code).toBe("OPT0002");
  });
});

describe("YAML anchors", () => {
  it("aliases resolve to the anchored value", () => {
    const text = "aggregator: y\nworkers: 8\ntraining: { seed: &n 4 }\ncascade: { radix: *n }\nlink: { transceivers: 4 }\n";
    const r = loadSpec("y.yaml", text);
    expect(r.diagnostics).toEqual([]);
    expect(r.checked!.spec).toMatchObject({ workers: 8, training: { seed: 4 }, cascade: { radix: 4 }, link: { transceivers: 4 } });
  });
});
