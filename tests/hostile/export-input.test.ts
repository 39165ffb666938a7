// Hostile inputs of `optinc export`: every export code (OPT5001–OPT5006) triggered from an input,
// each with its documented exit code, the file it names, and nothing written — no output directory
// and the input directory's bytes unchanged. The untouched directory exports (the cases can fail).
// A bad phase table's message no longer repeats the location the diagnostic prints (export and die).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";
import { compiledVariants, type Diagnostic, expectRefused, NETLIST, PHASES, runJson, withFeedbackLoop } from "./compiled-variants.ts";
import { snapshot } from "./harness.ts";

describe("hostile export inputs: every export code from an input, nothing written", async () => {
  const { at, out: compiled, variant } = await compiledVariants("optinc-export-hostile-");
  const exportRun = (args: string[]) => runJson("export", args);
  const netlist = NETLIST;
  const phases = PHASES;
  const noPhases = variant("no-phases", phases, () => null);
  const cutPhases = variant("cut-phases", phases, (t) => t.slice(0, Math.floor(t.length / 2)));
  const cutNetlist = variant("cut-netlist", netlist, (t) => t.slice(0, Math.floor(t.length / 2)));
  const loop = variant("loop", netlist, withFeedbackLoop);
  mkdirSync(at("empty"));

  const lines = (f: string): number => readFileSync(f, "utf8").split("\n").length;
  const cases: { what: string; dir: string; format: string; exit: number; code: string; file: string; message: RegExp; line?: number }[] = [
    {
      what: "a directory without netlists",
      dir: at("empty"),
      format: "spi",
      exit: 2,
      code: "OPT5001",
      file: at("empty"),
      message: /no \*\.netlist\.json/,
    },
    {
      what: "a path that does not exist",
      dir: at("missing"),
      format: "spi",
      exit: 2,
      code: "OPT5002",
      file: at("missing"),
      message: /cannot read/,
    },
    {
      what: "--format phases without a phase table",
      dir: noPhases,
      format: "phases",
      exit: 2,
      code: "OPT5003",
      file: join(noPhases, phases),
      message: /no phase table/,
    },
    {
      what: "a truncated phase table",
      dir: cutPhases,
      format: "phases",
      exit: 1,
      code: "OPT5004",
      file: join(cutPhases, phases),
      message: /^invalid JSON: the file ends .*truncated/,
      line: lines(join(cutPhases, phases)),
    },
    {
      what: "a truncated netlist",
      dir: cutNetlist,
      format: "spi",
      exit: 1,
      code: "OPT5005",
      file: join(cutNetlist, netlist),
      message: /the file ends .*truncated/,
      line: lines(join(cutNetlist, netlist)),
    },
    {
      what: "a netlist with a feedback loop",
      dir: loop,
      format: "ports",
      exit: 1,
      code: "OPT5006",
      file: join(loop, netlist),
      message: /feedback loop/,
    },
  ];

  it("the compiled directory itself exports (the cases below start from a valid input)", async () => {
    const before = snapshot(compiled);
    for (const format of ["spi", "phases", "ports"]) {
      const r = await exportRun([compiled, "--format", format, "-o", at(`ok-${format}`)]);
      expect(r.code, r.err).toBe(0);
      expect(existsSync(at(`ok-${format}`))).toBe(true);
    }
    expect(snapshot(compiled)).toEqual(before);
  });

  it("die reads the same truncated phase table: OPT6112 at its end, the message without a repeated location", async () => {
    const io2 = memoryIo();
    const code = await main(
      ["--json", "die", cutPhases, "--cell", "divide0", "--technology", "foundry", "-o", at("refused-die.json")],
      io2,
    );
    expect(code).toBe(2);
    const d = (JSON.parse(io2.out()).diagnostics as Diagnostic[]).find((x) => x.code === "OPT6112")!;
    expect([d.file, d.line]).toEqual([join(cutPhases, phases), lines(join(cutPhases, phases))]);
    expect(d.message).toMatch(/^invalid JSON: the file ends .*truncated/);
    expect(existsSync(at("refused-die.json"))).toBe(false);
  });

  for (const c of cases)
    it(`${c.what}: exit ${c.exit}, ${c.code} at its file, nothing written`, async () => {
      const before = existsSync(c.dir) ? snapshot(c.dir) : null;
      const out = at(`refused-${c.code}`);
      const d = expectRefused(await exportRun([c.dir, "--format", c.format, "-o", out]), c);
      // The location is the diagnostic's own: the message does not repeat it.
      expect(d.message).not.toContain(`${c.file}:`);
      expect(existsSync(out)).toBe(false);
      if (before !== null) expect(snapshot(c.dir)).toEqual(before);
    });
});
