// Every code of the catalogue is triggered by some test: a test file (outside tests/codes,
// tests/docs and tests/architecture, which read the catalogue rather than provoke it) names it, as
// a string or a regular expression (`"OPT6301"`, `/error\[OPT6301\]/`, in an expectation or a case table) or as its constant (`LAB.json`,
// directly or through an alias). tests/codes/emitted.test.ts checks the other half: that the
// source has an emitter. Retired codes are exempt (no input reaches them). The scanner is tried on
// fixtures, so the check is shown to fail.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CATALOGUE, RETIRED } from "../../codes/catalogue.ts";
import { EXPORTS } from "./exports.ts";

const ROOT = join(import.meta.dirname, "../..");
const EXCLUDED = ["tests/codes/", "tests/docs/", "tests/architecture/"];

function testFiles(dir = "tests", out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) testFiles(rel, out);
    else if (name.endsWith(".test.ts") && !EXCLUDED.some((e) => rel.startsWith(e))) out.push(rel);
  }
  return out;
}

/** Codes a test source names, as `OPTnnnn`: string literals holding one, and `GROUP.name` (comments do not count). */
function namedCodes(file: string, text: string): Set<string> {
  const byConstant = new Map<string, string>();
  for (const [g, group] of Object.entries(CATALOGUE) as [keyof typeof CATALOGUE, (typeof CATALOGUE)[keyof typeof CATALOGUE]][])
    for (const [name, [code]] of Object.entries(group.codes) as [string, readonly [string, string, string]][])
      byConstant.set(`${EXPORTS[g]}.${name}`, code);
  const aliases = new Map<string, string>();
  const found = new Set<string>();
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isIdentifier(n.initializer))
      if (Object.values(EXPORTS).includes(n.initializer.text)) aliases.set(n.name.text, n.initializer.text);
    if (
      ts.isStringLiteral(n) ||
      ts.isNoSubstitutionTemplateLiteral(n) ||
      ts.isTemplateHead(n) ||
      ts.isTemplateMiddle(n) ||
      ts.isTemplateTail(n) ||
      ts.isRegularExpressionLiteral(n)
    )
      for (const m of n.text.matchAll(/OPT\d{4}/g)) found.add(m[0]);
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression)) {
      const base = aliases.get(n.expression.text) ?? n.expression.text;
      const code = byConstant.get(`${base}.${n.name.text}`);
      if (code) found.add(code);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

/** Live codes of the catalogue that none of the sources names. */
function untriggered(sources: readonly { file: string; text: string }[]): string[] {
  const named = new Set(sources.flatMap((s) => [...namedCodes(s.file, s.text)]));
  const retired = new Set(RETIRED.map((r) => r.code as string));
  return Object.values(CATALOGUE)
    .flatMap((g) => Object.values(g.codes).map(([code]) => code as string))
    .filter((c) => !retired.has(c) && !named.has(c))
    .sort();
}

describe("every documented code is triggered by a test", () => {
  it("every live code is named by some test file", () => {
    const files = testFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(untriggered(files.map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") })))).toEqual([]);
  });

  it("the scanner reads strings and constants (aliases too), not comments", () => {
    const src = `// OPT6301 in a comment\nconst L = LAB;\nexpect(r.code).toBe("OPT2006");\nexpect(e).toMatch(/error\\[OPT3110\\]/);\nexpect(x).toBe(L.notNext[0]);\nexpect(y).toBe(SYNTAX.badNumber[0]);`;
    expect([...namedCodes("f.ts", src)].sort()).toEqual(["OPT1006", "OPT2006", "OPT3110", "OPT6308"]);
  });

  it("the check fails when the only test of a code is gone", () => {
    const files = testFiles().map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));
    const withOPT6308 = files.filter((f) => namedCodes(f.file, f.text).has("OPT6308"));
    expect(withOPT6308.length).toBeGreaterThan(0);
    expect(untriggered(files.filter((f) => !withOPT6308.includes(f)))).toContain("OPT6308");
  });
});
