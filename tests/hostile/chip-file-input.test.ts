// A truncated or hand-edited <name>.chip.json (OPT4101) is an input error at its line:col for
// verify and allreduce --netlist, exit 1 — it was an internal error (OPT0007, exit 70) with the
// OPT4101 line inside the message (every documented code is emitted from an input).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { CHIP_FILE } from "../../codes/catalogue.ts";
import { memoryIo } from "../helpers/io.ts";

interface Doc {
  ok: boolean;
  diagnostics: { code: string; file?: string; line?: number; column?: number; message: string }[];
}

async function run(args: string[]): Promise<{ code: number; doc: Doc }> {
  const io = memoryIo();
  const code = await main(["--json", ...args], io);
  return { code, doc: JSON.parse(io.out()) };
}

describe("an invalid chip file (OPT4101)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-chip-file-"));
  writeFileSync(join(dir, "cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n}\n");
  const out = join(dir, "out");
  expect((await run(["compile", join(dir, "cf.optinc"), "-o", out])).code).toBe(0);
  const chip = readFileSync(join(out, "cf.chip.json"), "utf8");
  const commands = (d: string): [string, string[]][] => [
    ["verify", ["verify", d]],
    ["allreduce --netlist", ["allreduce", "--netlist", d, "--workers", "2", "--exec-elements", "256"]],
  ];

  it("the intact chip passes (the case below differs only in the chip file)", async () => {
    for (const [what, args] of commands(out)) {
      const r = await run(args);
      expect(r.code, what).toBe(0);
      expect(r.doc.diagnostics.filter((d) => d.code === CHIP_FILE.invalid)).toEqual([]);
    }
  });

  it("a truncated chip file is OPT4101 at its end, exit 1, not an internal error", async () => {
    const bad = join(dir, "truncated");
    cpSync(out, bad, { recursive: true });
    const cut = chip.slice(0, 200);
    writeFileSync(join(bad, "cf.chip.json"), cut);
    const lines = cut.split("\n");
    for (const [what, args] of commands(bad)) {
      const r = await run(args);
      expect(r.code, what).toBe(1);
      expect(
        r.doc.diagnostics.map((d) => [d.code, d.line, d.column]),
        what,
      ).toEqual([[CHIP_FILE.invalid, lines.length, lines.at(-1)!.length + 1]]);
      expect(r.doc.diagnostics[0]!.file, what).toMatch(/cf\.chip\.json$/);
      expect(r.doc.diagnostics[0]!.message, what).not.toContain("error[");
    }
  });
});
