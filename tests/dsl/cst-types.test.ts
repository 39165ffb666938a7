import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateCstDts } from "chevrotain";
import { describe, expect, it } from "vitest";
import { specParser } from "../../dsl/parser.ts";

describe("dsl/cst-types.ts", () => {
  it("matches the types generated from the current grammar", () => {
    const path = join(import.meta.dirname, "../../dsl/cst-types.ts");
    const current = readFileSync(path, "utf8");
    const header = current.split("\n").slice(0, 2).join("\n");
    const want = `${header}\n${generateCstDts(specParser().getGAstProductions())}\n`;
    if (process.env.UPDATE_CST && want !== current) writeFileSync(path, want);
    expect(current).toBe(want);
  });
});
