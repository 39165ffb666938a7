// One catalogue of diagnostic codes (codes/catalogue.ts): no code listed twice, each in its group's
// range, none written as a literal anywhere else in the source (emitters use the constants), and
// docs/reference/diagnostics.md embeds the generated table. The scanners are tried on fixtures, so each check is
// shown to fail where it should.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { allCodes, CATALOGUE, codeSummary, codesMarkdown, COMPILE, DECOMPOSE, RETIRED } from "../../codes/catalogue.ts";
import { spliceSection } from "../../dsl/reference.ts";
import { ALLOWED } from "../architecture/layers.ts";

const ROOT = join(import.meta.dirname, "../..");
const CATALOGUE_FILE = "codes/catalogue.ts";

/** Codes that occur more than once in a list. */
function duplicates(codes: readonly string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(codes.filter((c) => (seen.has(c) ? true : (seen.add(c), false))))];
}

/** String and template-literal text of a TypeScript source that holds a code such as OPT2001, with its line (comments do not count). */
function codeLiterals(file: string, text: string): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const hits: string[] = [];
  const visit = (n: ts.Node): void => {
    if (
      (ts.isStringLiteral(n) ||
        ts.isNoSubstitutionTemplateLiteral(n) ||
        ts.isTemplateHead(n) ||
        ts.isTemplateMiddle(n) ||
        ts.isTemplateTail(n)) &&
      /OPT\d{4}/.test(n.text)
    ) {
      hits.push(`${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.text.match(/OPT\d{4}/)![0]}`);
    }
    n.forEachChild(visit);
  };
  visit(src);
  return hits;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) sourceFiles(rel, out);
    else if (name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

describe("the diagnostic catalogue", () => {
  it("lists each code once, as OPTnnnn, with a meaning and an exit code", () => {
    const codes = allCodes();
    expect(codes.length).toBeGreaterThan(80);
    expect(duplicates(codes.map((c) => c.code))).toEqual([]);
    for (const c of codes) {
      expect(c.code).toMatch(/^OPT\d{4}$/);
      expect(c.summary.length, c.code).toBeGreaterThan(5);
      expect(c.exit, c.code).toMatch(/^(\d+(\/\d+)?|–)$/);
    }
  });

  it("the duplicate check fails on a code listed twice", () => {
    expect(duplicates(["OPT3001", "OPT3002", "OPT3001"])).toEqual(["OPT3001"]);
  });

  it("keeps each group in its range (the title names it)", () => {
    for (const g of Object.values(CATALOGUE)) {
      const prefix = g.title.match(/^OPT(\d+)x+/)![1]!;
      for (const [code] of Object.values(g.codes)) expect(code.startsWith(`OPT${prefix}`), `${code} in "${g.title}"`).toBe(true);
    }
  });

  it("compile and decompose no longer share numbers", () => {
    const compile = new Set<string>(Object.values(COMPILE));
    expect(Object.values(DECOMPOSE).filter((c) => compile.has(c))).toEqual([]);
    expect(codeSummary("OPT3001")).toMatch(/^compile:/);
    expect(codeSummary("OPT3101")).toMatch(/^decompose:/);
    expect(codeSummary("OPT9999")).toBeUndefined();
  });

  it("no source file outside the catalogue writes a code literal (emitters use its constants)", () => {
    const files = Object.keys(ALLOWED)
      .flatMap((room) => sourceFiles(room))
      .filter((f) => f !== CATALOGUE_FILE);
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) => codeLiterals(f, readFileSync(join(ROOT, f), "utf8")));
    expect(hits).toEqual([]);
  });

  it("the literal scanner finds codes in strings and templates, not in comments", () => {
    const text = [
      "// OPT2001 in a comment",
      'const a = "OPT2001";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is source text with a template literal in it
      "const b = `x ${a} error[OPT4101]`;",
      "const c = { code: 'OPT0003' };",
    ].join("\n");
    expect(codeLiterals("f.ts", text)).toEqual(["f.ts:2: OPT2001", "f.ts:3: OPT4101", "f.ts:4: OPT0003"]);
    // the catalogue itself is full of them
    expect(codeLiterals(CATALOGUE_FILE, readFileSync(join(ROOT, CATALOGUE_FILE), "utf8")).length).toBeGreaterThanOrEqual(allCodes().length);
  });

  it("docs/reference/diagnostics.md embeds the generated table of every code verbatim", () => {
    const path = join(ROOT, "docs/reference/diagnostics.md");
    const doc = readFileSync(path, "utf8");
    const want = spliceSection(doc, "all-codes", codesMarkdown());
    if (process.env.UPDATE_DOCS && want !== doc) writeFileSync(path, want);
    expect(doc).toBe(want);
    for (const { code } of allCodes()) expect(doc).toContain(`\`${code}\``);
    for (const r of RETIRED) expect(doc).toContain(`| \`${r.code}\` | retired: ${r.was}`);
  });

  it("a retired code is never reused: no group lists it, and it stays out of the catalogue's lookups", () => {
    const live = new Set(allCodes().map((c) => c.code));
    for (const r of RETIRED) {
      expect(live.has(r.code), r.code).toBe(false);
      expect(codeSummary(r.code)).toBeUndefined();
    }
    // The check can fail: a live code named as retired is caught.
    expect(live.has("OPT1006")).toBe(true);
  });
});
