// docs/reference/language.md and README.md stay in sync with the grammar and the option table.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../codes/catalogue.ts";
import { loadSpec } from "../../dsl/load.ts";
import { OPTIONS } from "../../dsl/options.ts";
import { specParser } from "../../dsl/parser.ts";
import {
  codesReferenceMarkdown,
  optionsReferenceMarkdown,
  presetsReferenceMarkdown,
  spliceSection,
  technologyPresetsReferenceMarkdown,
  unitsReferenceMarkdown,
} from "../../dsl/reference.ts";
import { allTokens } from "../../dsl/tokens.ts";

const ROOT = join(import.meta.dirname, "../..");
const DOC = join(ROOT, "docs/reference/language.md");

function expectedDoc(current: string): string {
  let d = current;
  d = spliceSection(d, "units", unitsReferenceMarkdown());
  d = spliceSection(d, "options", optionsReferenceMarkdown());
  d = spliceSection(d, "presets", presetsReferenceMarkdown());
  d = spliceSection(d, "technology-presets", technologyPresetsReferenceMarkdown());
  d = spliceSection(d, "codes", codesReferenceMarkdown());
  return d;
}

describe("docs/reference/language.md", () => {
  const doc = readFileSync(DOC, "utf8");

  it("embeds the generated option, unit, preset and code tables verbatim", () => {
    const want = expectedDoc(doc);
    if (process.env.UPDATE_DOCS && want !== doc) writeFileSync(DOC, want);
    expect(doc).toBe(want);
  });

  it("documents every option with its default", () => {
    for (const o of OPTIONS) {
      const name = o.block ? `${o.block}.${o.key}` : o.key;
      expect(doc, name).toContain(`| \`${name}\` |`);
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${name}\` |`))!;
      expect(row, name).toContain(`\`${o.defaultText}\``);
    }
  });

  it("documents every diagnostic code and every token of the grammar", () => {
    for (const g of [CATALOGUE.io, CATALOGUE.syntax, CATALOGUE.spec])
      for (const [code] of Object.values(g.codes)) expect(doc).toContain(`\`${code}\``);
    const grammarSection = doc.slice(doc.indexOf("Grammar"), doc.indexOf("## 2. Lexical rules"));
    for (const t of allTokens) {
      if (t.name === "WhiteSpace" || t.name === "Comment" || t.name === "Colon") continue;
      const label = t.LABEL ?? t.name;
      const shown = label.startsWith("'") ? label : t.name === "Identifier" ? "Name" : t.name === "NumberLiteral" ? "Number" : label;
      expect(grammarSection, t.name).toContain(shown);
    }
    // Every grammar rule appears in the EBNF.
    for (const rule of Object.keys(specParser().getGAstProductions())) {
      if (rule === "block") continue; // inlined as '{' entry* '}'
      expect(grammarSection, rule).toMatch(new RegExp(`^${rule}\\s+:=`, "m"));
    }
  });

  it("the example at the top of the reference is a valid spec", () => {
    const block = doc.match(/```\n(# OptINC[\s\S]*?)```/)![1]!;
    expect(loadSpec("doc.optinc", block).diagnostics).toEqual([]);
  });
});

describe("grammar", () => {
  it("serialized grammar matches the committed snapshot (grammar changes are deliberate)", async () => {
    const g = JSON.stringify(specParser().getSerializedGastProductions(), null, 2) + "\n";
    await expect(g).toMatchFileSnapshot("./__golden__/grammar.json");
  });
});

describe("README.md", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  it("quick start is exactly the two commands", () => {
    const cmds = [...readme.matchAll(/```sh\n([^\n]*)\n```/g)].map((m) => m[1]);
    expect(cmds).toEqual(["npm ci && npx optinc compile examples/paper-4x8.optinc -o out/", "npm ci && npm test"]);
  });
  it("the tour example is a valid spec, and the sample diagnostic is what optinc prints", async () => {
    const tour = readme.match(/```\n(# 16 servers[\s\S]*?)```/)![1]!;
    expect(loadSpec("tour.optinc", tour).diagnostics).toEqual([]);
    const sample = readme.match(/```\n(bad\.optinc:[\s\S]*?)```/)![1]!;
    const { renderDiagnostic } = await import("../../dsl/diagnostics.ts");
    const { Chalk } = await import("chalk");
    const bad = "aggregator bad {\n  workers   = 4\n  levels    = 4\n  precision = 7 bits\n}\n";
    const d = loadSpec("bad.optinc", bad).diagnostics;
    expect(d.map((x) => renderDiagnostic(x, bad, new Chalk({ level: 0 }))).join("")).toBe(sample);
  });
  it("documents every exit code of cli/context.ts", async () => {
    const { EXIT } = await import("../../cli/context.ts");
    for (const code of Object.values(EXIT)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
  });
});
