// Hostile fabricated-die files (optinc.die/2, read by `calibrate --measured`) and the one
// `die --fabricated` refusal: each FAB code from an input — an unknown field (OPT6202), a heater
// the circuit lacks (OPT6203), a heater missing (OPT6204), another circuit's die (OPT6207), a
// preset without fabrication parameters (OPT6210) — with exit 2, the file and the offending line,
// and nothing written. The die as written calibrates (the cases can fail).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compiledVariants, expectRefused, runJson } from "./compiled-variants.ts";
import { snapshot } from "./harness.ts";

/** 1-based line of the first occurrence of `needle`. */
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split("\n").length;

describe("hostile fabricated-die files: each FAB code from an input, nothing written", async () => {
  const { at, out } = await compiledVariants("optinc-fab-hostile-");
  const good = at("good.die.json");
  const made = await runJson("die", [out, "--cell", "divide0", "--technology", "foundry", "--fabricated", "-o", good]);
  expect(made.code, made.err).toBe(0);
  const die = JSON.parse(readFileSync(good, "utf8"));
  const first = Object.keys(die.heaters)[0]!;
  /** The good die changed by `edit`, written with one key per line. */
  const variant = (name: string, edit: (d: typeof die) => void): { path: string; text: string } => {
    const d = JSON.parse(JSON.stringify(die));
    edit(d);
    const text = `${JSON.stringify(d, null, 1)}\n`;
    writeFileSync(at(name), text);
    return { path: at(name), text };
  };
  const unknown = variant("unknown.json", (d) => (d.heaters["sum/e99.phi"] = { ...d.heaters[first] }));
  const missing = variant("missing.json", (d) => delete d.heaters[first]);
  const other = variant("other.json", (d) => (d.circuit = "cf_add0"));
  const extra = variant("extra.json", (d) => (d.colour = "blue"));
  const calibrate = (file: string, to: string) => runJson("calibrate", [out, "--cell", "divide0", "--measured", file, "-o", to]);

  it("the die as written calibrates (the cases below start from a valid file)", async () => {
    const r = await calibrate(good, at("ok"));
    expect(r.code, r.err).toBe(0);
  });

  const cases = [
    {
      what: "an unknown top-level field",
      file: extra,
      code: "OPT6202",
      message: /^colour: not a field of optinc\.die\/2/,
      line: lineOf(extra.text, '"colour"'),
    },
    {
      what: "a heater the circuit does not have",
      file: unknown,
      code: "OPT6203",
      message: /no heater "sum\/e99\.phi"/,
      line: lineOf(unknown.text, '"sum/e99.phi"'),
    },
    {
      what: "a heater missing",
      file: missing,
      code: "OPT6204",
      message: new RegExp(`1 heater is missing: ${first.replace(/[/.]/g, "\\$&")}`),
    },
    {
      what: "another circuit's die",
      file: other,
      code: "OPT6207",
      message: /belongs to circuit "cf_add0", not "cf_divide0"/,
      line: lineOf(other.text, '"circuit"'),
    },
  ];
  for (const c of cases)
    it(`${c.what}: exit 2, ${c.code} at its file, nothing written`, async () => {
      const before = snapshot(out);
      const to = at(`refused-${c.code}`);
      expectRefused(await calibrate(c.file.path, to), { exit: 2, code: c.code, file: c.file.path, message: c.message, line: c.line });
      expect(existsSync(to)).toBe(false);
      expect(snapshot(out)).toEqual(before);
    });

  it("die --fabricated at a preset without fabrication parameters: exit 2, OPT6210, nothing written", async () => {
    const to = at("refused.die.json");
    expectRefused(await runJson("die", [out, "--cell", "divide0", "--technology", "calibrated", "--fabricated", "-o", to]), {
      exit: 2,
      code: "OPT6210",
      file: out,
      message: /no fabrication parameters for preset "calibrated"/,
    });
    expect(existsSync(to)).toBe(false);
  });
});
