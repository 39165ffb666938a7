import { describe, expect, it } from "vitest";
import { parseOptinc } from "../../dsl/parse.ts";
import { specLexer } from "../../dsl/tokens.ts";
import { spec } from "./helpers.ts";

describe("lexer", () => {
  it("keeps comments in their own group and recognises keywords only as whole words", () => {
    const r = specLexer().tokenize("aggregator aggregators # c\n// d\n");
    expect(r.errors).toEqual([]);
    expect(r.tokens.map((t) => t.tokenType.name)).toEqual(["Aggregator", "Identifier"]);
    expect(r.groups.comments!.map((t) => t.image)).toEqual(["# c", "// d"]);
  });
  it("reads numbers with signs, digit groups and exponents, and hyphenated names", () => {
    const r = specLexer().tokenize("-0.5 23_712_932 2.7e-6 800e9 offset-binary llama-8l-384 µs");
    expect(r.tokens.map((t) => `${t.tokenType.name}:${t.image}`)).toEqual([
      "NumberLiteral:-0.5",
      "NumberLiteral:23_712_932",
      "NumberLiteral:2.7e-6",
      "NumberLiteral:800e9",
      "Identifier:offset-binary",
      "Identifier:llama-8l-384",
      "Identifier:µs",
    ]);
  });
});

describe("parser", () => {
  it("builds settings, blocks, units and lists with positions", () => {
    const r = parseOptinc(
      "a.optinc",
      spec(
        "  workers = 4\n  link { bandwidth = 800 Gb/s  step_latency = 2.7 us }\n  network { hidden = [64, 32] }\n  workload { parameters = 25.6 M params }",
      ),
    );
    expect(r.diagnostics).toEqual([]);
    const [w, link, net, wl] = r.ast!.entries;
    expect(w).toMatchObject({ kind: "setting", key: "workers", value: { kind: "number", value: 4 }, keyLoc: { line: 2, column: 3 } });
    expect(link).toMatchObject({ kind: "block", key: "link" });
    if (link!.kind !== "block") throw new Error("block");
    expect(link!.entries[0]).toMatchObject({
      key: "bandwidth",
      value: { value: 800, unit: { text: "Gb/s", loc: { line: 3, column: 26, length: 4 } } },
    });
    expect(link!.entries[1]).toMatchObject({ key: "step_latency", value: { value: 2.7, unit: { text: "us" } } });
    expect(net).toMatchObject({ entries: [{ key: "hidden", value: { kind: "list", items: [{ value: 64 }, { value: 32 }] } }] });
    expect(wl).toMatchObject({ entries: [{ value: { value: 25.6, unit: { text: "M params" } } }] });
  });

  it("takes a word after a number as its unit only on the same line and not before '='", () => {
    const r = parseOptinc("a.optinc", spec("  workers = 4\n  precision = 8 bits  levels = 4"));
    expect(r.diagnostics).toEqual([]);
    expect(r.ast!.entries.map((e) => e.key)).toEqual(["workers", "precision", "levels"]);
    const w = r.ast!.entries[0]!;
    expect(w.kind === "setting" && w.value.kind === "number" && w.value.unit).toBe(undefined);
  });

  it("recovers and reports every syntax error of a file in one run", () => {
    const text = "aggregator x {\n  workers: 4\n  precision = \n  levels = 4\n  mesh = clements;\n";
    const r = parseOptinc("a.optinc", text);
    const got = r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`).sort();
    // ':' instead of '=', a missing value, a stray ';' (lexer) and the unclosed '{' (just after "clements").
    expect(got).toEqual(["2:10 OPT1003", "3:14 OPT1003", "5:18 OPT1001", "5:18 OPT1002"]);
    // Entries after the errors survive recovery, so semantic checks still run on them.
    expect(r.ast!.entries.map((e) => e.key)).toContain("mesh");
  });

  it("anchors errors at end of file after the last real token, not at NaN", () => {
    const r = parseOptinc("a.optinc", "aggregator x {\n  workers = 4");
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "OPT1002", line: 2, column: 14, message: "expected '}' but found the end of the file" });
  });

  it("an empty file asks for an aggregator at 1:1", () => {
    expect(parseOptinc("a.optinc", "").diagnostics[0]).toMatchObject({ code: "OPT1002", line: 1, column: 1 });
  });

  it("reports text after the closing brace", () => {
    const r = parseOptinc("a.optinc", "aggregator x { }\nworkers = 4\n");
    expect(r.diagnostics[0]).toMatchObject({ code: "OPT1004", line: 2, column: 1 });
  });
});

describe("byte-order mark", () => {
  it("a leading BOM is ignored and columns are unchanged", () => {
    const r = parseOptinc("a.optinc", "\ufeffaggregator x {\n  workers = 4\n}\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.ast!.entries[0]!.keyLoc).toMatchObject({ line: 2, column: 3 });
  });
});
