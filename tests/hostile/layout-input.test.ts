// Hostile inputs of `optinc layout`: every layout code (OPT8001–OPT8006) triggered from an input,
// each with its documented exit code, the file:line:col it names, and nothing written — no GDS
// beside the output and the input directory's bytes unchanged. The untouched directory lays out
// (the cases can fail), and a feedback loop is the layout's refusal (OPT8005, exit 1), not an
// internal error as it was (exit 70, "a bug in optinc").
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";
import { snapshot } from "./harness.ts";

interface Diagnostic {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

async function layout(args: string[]): Promise<{ code: number; diagnostics: Diagnostic[]; err: string }> {
  const io = memoryIo();
  const code = await main(["--json", "layout", ...args], io);
  return { code, diagnostics: JSON.parse(io.out()).diagnostics, err: io.err() };
}

describe("hostile layout inputs: every layout code from an input, nothing written", async () => {
  const root = mkdtempSync(join(tmpdir(), "optinc-layout-hostile-"));
  const at = (...p: string[]): string => join(root, ...p);
  writeFileSync(at("cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
  const io = memoryIo();
  expect(await main(["compile", at("cf.optinc"), "-o", at("out")], io), io.err()).toBe(0);
  /** A copy of the compiled directory with one file rewritten. */
  const variant = (name: string, file: string, edit: (text: string) => string): string => {
    const dir = at(name);
    cpSync(at("out"), dir, { recursive: true });
    writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), "utf8")));
    return dir;
  };
  const netlist = "cf.divide0.netlist.json";
  const loop = variant("loop", netlist, (t) => {
    const c = JSON.parse(t);
    const top = c.netlists[c.top].connections;
    // The second step row feeds the threshold stage back: a cycle through two ReLUs.
    delete top["threshold_bias,out0"];
    top["step_relu,out2"] = "threshold,in1";
    return JSON.stringify(c, null, 1);
  });
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
        message: /invalid JSON: the file ends too early/,
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
      const r = await layout([c.dir, "-o", gds, ...(c.extra ?? [])]);
      expect(r.code, r.err).toBe(c.exit);
      const d = r.diagnostics.find((x) => x.code === c.code);
      expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
      expect(d!.file).toBe(c.file);
      expect(d!.message).toMatch(c.message);
      if (c.line !== undefined) expect(d!.line).toBe(c.line);
      expect(existsSync(gds)).toBe(false);
      expect(existsSync(at(`refused-${c.code}`))).toBe(false);
      if (before !== null) expect(snapshot(c.dir)).toEqual(before);
    });
});
