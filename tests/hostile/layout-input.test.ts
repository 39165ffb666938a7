// Hostile inputs of `optinc layout`: every layout code (OPT8001–OPT8006) triggered from an input,
// each with its documented exit code, the file:line:col it names, and nothing written — no GDS
// beside the output and the input directory's bytes unchanged. The untouched directory lays out
// (the cases can fail), and a feedback loop is the layout's refusal (OPT8005, exit 1), not an
// internal error as it was (exit 70, "a bug in optinc").
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compiledVariants, expectRefused, NETLIST, runJson, withFeedbackLoop } from "./compiled-variants.ts";
import { snapshot } from "./harness.ts";

describe("hostile layout inputs: every layout code from an input, nothing written", async () => {
  const { at, variant } = await compiledVariants("optinc-layout-hostile-");
  const layout = (args: string[]) => runJson("layout", args);
  const netlist = NETLIST;
  const loop = variant("loop", netlist, withFeedbackLoop);
  const truncated = variant("cut", netlist, (t) => t.slice(0, Math.floor(t.length / 2)));
  const nanChip = variant("nan-chip", "cf.chip.json", (t) => t.replace('"bias": 1', '"bias": NaN'));
  mkdirSync(at("empty"));

  const cases: { what: string; dir: string; extra?: string[]; exit: number; code: string; file: string; message: RegExp; line?: number }[] =
    [
      {
        what: "a directory that does not exist",
        dir: at("missing"),
        exit: 2,
        code: "OPT8001",
        file: at("missing"),
        message: /no such file/,
      },
      {
        what: "a directory without netlists",
        dir: at("empty"),
        exit: 2,
        code: "OPT8002",
        file: at("empty"),
        message: /no \*\.netlist\.json/,
      },
      {
        what: "a truncated netlist",
        dir: truncated,
        exit: 1,
        code: "OPT8003",
        file: join(truncated, netlist),
        message: /invalid JSON: the file ends .*truncated/,
        line: readFileSync(join(truncated, netlist), "utf8").split("\n").length,
      },
      { what: "a NaN in the chip file", dir: nanChip, exit: 1, code: "OPT8004", file: join(nanChip, "cf.chip.json"), message: /NaN/ },
      { what: "a netlist with a feedback loop", dir: loop, exit: 1, code: "OPT8005", file: join(loop, netlist), message: /feedback loop/ },
      {
        what: "--cell naming no design",
        dir: at("out"),
        extra: ["--cell", "nosuch"],
        exit: 2,
        code: "OPT8006",
        file: at("out"),
        message: /no cell design "nosuch"/,
      },
    ];

  it("the compiled directory itself lays out (the cases below start from a valid input)", async () => {
    const before = snapshot(at("out"));
    const r = await layout([at("out"), "-o", at("ok", "cf.gds")]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(at("ok", "cf.gds"))).toBe(true);
    expect(snapshot(at("out"))).toEqual(before);
  });

  for (const c of cases)
    it(`${c.what}: exit ${c.exit}, ${c.code} at its file, nothing written`, async () => {
      const before = existsSync(c.dir) ? snapshot(c.dir) : null;
      const gds = at(`refused-${c.code}`, "x.gds");
      expectRefused(await layout([c.dir, "-o", gds, ...(c.extra ?? [])]), c);
      expect(existsSync(gds)).toBe(false);
      expect(existsSync(at(`refused-${c.code}`))).toBe(false);
      if (before !== null) expect(snapshot(c.dir)).toEqual(before);
    });
});
