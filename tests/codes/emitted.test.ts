// Every documented code has an emitter: the catalogue (which docs/reference/diagnostics.md and docs/reference/language.md embed)
// lists no code that no source file uses. OPT1006 "malformed number" was documented and never
// emitted (issue 38). A use is `GROUP.name` (IO.usage, SYNTAX.badNumber) or the same through a
// local alias (`const FAB_DIE_CODES = FAB`). The check is tried on a fixture, so it is shown to fail.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../codes/catalogue.ts";
import { ALLOWED } from "../architecture/layers.ts";
import { EXPORTS } from "./exports.ts";

const ROOT = join(import.meta.dirname, "../..");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) sources(rel, out);
    else if (name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

/** Codes of the catalogue that `src` never uses, as `CODE GROUP.name`. */
function unused(src: string): string[] {
  const out: string[] = [];
  for (const [g, group] of Object.entries(CATALOGUE) as [keyof typeof CATALOGUE, (typeof CATALOGUE)[keyof typeof CATALOGUE]][]) {
    const base = EXPORTS[g];
    const names = [base, ...[...src.matchAll(new RegExp(`(\\w+)\\s*=\\s*${base}\\b(?![.\\w])`, "g"))].map((m) => m[1]!)];
    for (const [name, [code]] of Object.entries(group.codes) as [string, readonly [string, string, string]][])
      if (!names.some((n) => new RegExp(`\\b${n}\\.${name}\\b`).test(src))) out.push(`${code} ${base}.${name}`);
  }
  return out;
}

describe("every documented code is emitted somewhere", () => {
  it("names an exported constant for every group", () => {
    const catalogue = readFileSync(join(ROOT, "codes/catalogue.ts"), "utf8");
    for (const [g, name] of Object.entries(EXPORTS)) expect(catalogue, g).toContain(`export const ${name} = codesOf(CATALOGUE.${g});`);
    expect(Object.keys(EXPORTS).sort()).toEqual(Object.keys(CATALOGUE).sort());
  });

  it("every code of the catalogue is used by the source outside codes/ and tests/", () => {
    const rooms = Object.keys(ALLOWED).filter((r) => r !== "codes");
    const src = rooms
      .flatMap((r) => sources(r))
      .map((f) => readFileSync(join(ROOT, f), "utf8"))
      .join("\n");
    expect(unused(src)).toEqual([]);
  });

  it("the check fails on a source that never uses a code, and follows aliases", () => {
    const all = Object.entries(CATALOGUE).flatMap(([g, group]) =>
      Object.keys(group.codes).map((name) => `${EXPORTS[g as keyof typeof CATALOGUE]}.${name};`),
    );
    const without = all.filter((l) => l !== "SYNTAX.badNumber;").join("\n");
    expect(unused(without)).toEqual(["OPT1006 SYNTAX.badNumber"]);
    expect(unused(`${without}\nconst S = SYNTAX;\nS.badNumber;`)).toEqual([]);
  });
});
