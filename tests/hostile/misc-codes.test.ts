// Codes no other test triggered, each from an input: `fmt --check` on a spec that is not in
// canonical form (OPT0010, exit 1, the spec untouched), `decompose` of a JSON document that is not
// a matrix (OPT3108, exit 1, at the offending key, nothing written) and `protocol` on a trained
// circuit, which no lab calibrates cell by cell (OPT6313, exit 2, nothing written), and `compile`
// of a trained spec given one epoch, whose network is not exact (OPT3001, exit 1, at
// training.epochs, the files still written). The canonical spec, a real matrix, a closed-form cell
// and the trained spec at 100 epochs pass (the cases can fail).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, runJson } from "./compiled-variants.ts";

describe("fmt --check, decompose and protocol refuse from inputs", () => {
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

  it("protocol: a trained circuit is OPT6313 (exit 2), nothing written; a closed-form cell gets its protocol", async () => {
    const trained =
      "aggregator tiny {\n  route = trained\n  workers = 2\n  precision = 2 bits\n  levels = 2\n  network { hidden = [8] }\n  approximate { method = none }\n  training { seed = 3  epochs = 100 }\n}\n";
    writeFileSync(at("tiny.optinc"), trained);
    writeFileSync(at("cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
    expect((await runJson("compile", [at("tiny.optinc"), "-o", at("tiny"), "--no-evaluate"])).code).toBe(0);
    expect((await runJson("compile", [at("cf.optinc"), "-o", at("cf")])).code).toBe(0);
    expectRefused(await runJson("protocol", [at("tiny"), "-o", at("p.json")]), {
      exit: 2,
      code: "OPT6313",
      file: at("tiny"),
      message: /not a cell a lab can calibrate/,
    });
    expect(existsSync(at("p.json"))).toBe(false);
    const ok = await runJson("protocol", [at("cf"), "--cell", "divide0", "-o", at("ok.json")]);
    expect(ok.code, ok.err).toBe(0);
  });

  it("compile: a trained network not exact after one epoch is OPT3001 (exit 1) at training.epochs, its files written", async () => {
    const oneEpoch =
      "aggregator tiny {\n  route = trained\n  workers = 2\n  precision = 2 bits\n  levels = 2\n  network { hidden = [2] }\n  approximate { method = none }\n  training { seed = 3  epochs = 1 }\n}\n";
    writeFileSync(at("one.optinc"), oneEpoch);
    const d = expectRefused(await runJson("compile", [at("one.optinc"), "-o", at("one"), "--no-evaluate"]), {
      exit: 1,
      code: "OPT3001",
      file: at("one.optinc"),
      message: /not exact: \d+ of 9 cases decode wrongly/,
      line: 8,
    });
    expect((d as { hint?: string }).hint).toMatch(/raise training\.epochs/);
    expect(existsSync(at("one/tiny.netlist.json"))).toBe(true);
  });
});
