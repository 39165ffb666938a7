// Hostile targets of the die commands (`die`, `calibrate --measured`): the codes of a target they
// cannot use, each from an input — no compiled circuit there (OPT6110), several circuits and none
// named (OPT6111), a measurement file that cannot be read (OPT6113), a copy the cell does not have
// (OPT6117), an element measured as another kind (OPT6106) — with exit 2, the file named, and
// nothing written. The same target with the cell named
// works (the cases can fail).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compiledVariants, expectRefused, runJson } from "./compiled-variants.ts";
import { snapshot } from "./harness.ts";

describe("hostile die targets: each code from an input, nothing written", async () => {
  const { at, out } = await compiledVariants("optinc-die-hostile-");
  mkdirSync(at("empty"));
  const tech = ["--technology", "foundry"];
  const cases = [
    {
      what: "a directory without a compiled circuit",
      command: "die",
      args: [at("empty"), ...tech],
      code: "OPT6110",
      file: at("empty"),
      message: /no \*\.netlist\.json/,
    },
    {
      what: "two circuits and none named",
      command: "die",
      args: [out, ...tech],
      code: "OPT6111",
      file: out,
      message: /holds 2 circuits \(cf_add0, cf_divide0\)/,
    },
    {
      what: "a measurement file that does not exist",
      command: "calibrate",
      args: [out, "--cell", "divide0", "--measured", at("missing.json")],
      code: "OPT6113",
      file: at("missing.json"),
      message: /cannot read the measurement file/,
    },
    {
      what: "a copy the cell does not have",
      command: "die",
      args: [out, "--cell", "divide0", "--copy", "99", ...tech],
      code: "OPT6117",
      file: out,
      message: /1 physical copy, not 100/,
    },
  ];

  it("a measurement file that measures an element as another kind: exit 2, OPT6106 at its kind, nothing written", async () => {
    const ok = await runJson("die", [out, "--cell", "divide0", ...tech, "-o", at("kind-ok.json")]);
    expect(ok.code, ok.err).toBe(0);
    const doc = JSON.parse(readFileSync(at("kind-ok.json"), "utf8"));
    const [name, el] = Object.entries(doc.elements as Record<string, { kind: string }>).find(([, e]) => e.kind === "attenuator")!;
    doc.elements[name] = { kind: "coupler", coupling: 0.5 };
    writeFileSync(at("kind.json"), JSON.stringify(doc, null, 2));
    expect(el.kind).toBe("attenuator");
    const before = snapshot(out);
    const r = await runJson("calibrate", [out, "--cell", "divide0", "--measured", at("kind.json"), "-o", at("kind-cal")]);
    const d = expectRefused(r, {
      exit: 2,
      code: "OPT6106",
      file: at("kind.json"),
      message: /is an attenuator in the netlist, not a coupler/,
    });
    expect(d.line).toBeGreaterThan(1);
    expect(existsSync(at("kind-cal"))).toBe(false);
    expect(snapshot(out)).toEqual(before);
    // The file as written by `optinc die` calibrates (the case can fail).
    expect((await runJson("calibrate", [out, "--cell", "divide0", "--measured", at("kind-ok.json"), "-o", at("kind-cal-ok")])).code).toBe(
      0,
    );
  });

  it("a die calibrate cannot correct: exit 1 with OPT6118 at the die file (never ok: false without a diagnostic), the files written", async () => {
    const ok = await runJson("die", [out, "--cell", "divide0", ...tech, "-o", at("bad-couplers-ok.json")]);
    expect(ok.code, ok.err).toBe(0);
    const doc = JSON.parse(readFileSync(at("bad-couplers-ok.json"), "utf8"));
    // Every coupler at 0.9 instead of about 0.5: no phase setting reaches the design's matrix.
    for (const e of Object.values(doc.elements as Record<string, { kind: string; coupling?: number }>))
      if (e.kind === "coupler") e.coupling = 0.9;
    writeFileSync(at("bad-couplers.json"), JSON.stringify(doc, null, 2));
    const r = await runJson("calibrate", [out, "--cell", "divide0", "--measured", at("bad-couplers.json"), "-o", at("bad-cal")]);
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([["OPT6118", at("bad-couplers.json")]]);
    expect(existsSync(at("bad-cal"))).toBe(true);
    // The die as drawn calibrates: exit 0 and no diagnostic (the case can fail).
    const good = await runJson("calibrate", [out, "--cell", "divide0", "--measured", at("bad-couplers-ok.json"), "-o", at("good-cal")]);
    expect([good.code, good.diagnostics]).toEqual([0, []]);
  });

  it("the same target with its cell named gives a die (the cases below start from a valid input)", async () => {
    const r = await runJson("die", [out, "--cell", "divide0", ...tech, "-o", at("ok.json")]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(at("ok.json"))).toBe(true);
  });

  for (const c of cases)
    it(`${c.what}: exit 2, ${c.code} at its file, nothing written`, async () => {
      const before = snapshot(out);
      const target = at(`refused-${c.code}`);
      expectRefused(await runJson(c.command, [...c.args, "-o", target]), { ...c, exit: 2 });
      expect(existsSync(target)).toBe(false);
      expect(snapshot(out)).toEqual(before);
    });
});
