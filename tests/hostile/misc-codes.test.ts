// Two codes no other test triggered, each from an input: `fmt --check` on a spec that is not in
// canonical form (OPT0010, exit 1, the spec untouched) and `decompose` of a JSON document that is
// not a matrix (OPT3108, exit 1, at the offending key, nothing written). The canonical spec and a
// real matrix pass (the cases can fail).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, runJson } from "./compiled-variants.ts";

describe("fmt --check and decompose refuse from inputs", () => {
  const root = mkdtempSync(join(tmpdir(), "optinc-misc-codes-"));
  const at = (f: string): string => join(root, f);

  it("fmt --check: a spec out of canonical form is OPT0010 (exit 1) and stays as it was; its canonical form passes", async () => {
    const messy = "aggregator cf {\n  workers   =   2\n  precision = 2 bits\n  levels = 4\n}\n";
    writeFileSync(at("messy.optinc"), messy);
    expectRefused(await runJson("fmt", ["--check", at("messy.optinc")]), {
      exit: 1,
      code: "OPT0010",
      file: at("messy.optinc"),
      message: /not in canonical form/,
    });
    expect(readFileSync(at("messy.optinc"), "utf8")).toBe(messy);
    expect((await runJson("fmt", ["--write", at("messy.optinc")])).code).toBe(0);
    expect((await runJson("fmt", ["--check", at("messy.optinc")])).code).toBe(0);
  });

  it("decompose: a document that is not a matrix is OPT3108 (exit 1) at the key, nothing written; a matrix decomposes", async () => {
    writeFileSync(at("m.json"), '{"foo": 1}\n');
    expectRefused(await runJson("decompose", [at("m.json"), "-o", at("d")]), {
      exit: 1,
      code: "OPT3108",
      file: at("m.json"),
      message: /unexpected key "foo"/,
      line: 1,
    });
    expect(existsSync(at("d"))).toBe(false);
    writeFileSync(at("i.json"), "[[1, 0], [0, 1]]\n");
    const r = await runJson("decompose", [at("i.json"), "-o", at("ok")]);
    expect(r.code, r.err).toBe(0);
  });
});
