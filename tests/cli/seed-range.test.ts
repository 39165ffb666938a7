// Seeds: one range, 0..4294967295, everywhere (docs/reference/cli.md §9), read by one parser. die --seed
// and measure --seed stopped at 2³¹ − 1 (issue 38); compile and allreduce had parsers of their own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commands } from "../../cli/commands/index.ts";
import type { CommandContext } from "../../cli/context.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import { main } from "../../cli/main.ts";
import { seedArg } from "../../cli/option-parsers.ts";
import { SEED } from "../../dsl/limits.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { paperCell } from "../calibrate/fab-fixtures.ts";
import { memoryIo } from "../helpers/io.ts";
import { readFileSync } from "node:fs";

describe("one seed range everywhere", () => {
  it("every --seed option takes 0..4294967295 and refuses 4294967296", () => {
    const program = new Command();
    const ctx = { io: memoryIo(), globals: () => ({}), setExit: () => {} } as unknown as CommandContext;
    for (const register of commands) register(program, ctx);
    const seeded = program.commands.filter((c) => c.options.some((o) => o.long === "--seed"));
    expect(seeded.map((c) => c.name()).sort()).toEqual(["allreduce", "compile", "die", "measure", "verify"]);
    expect(SEED).toEqual({ min: 0, max: 4294967295 });
    for (const c of seeded) {
      const o = c.options.find((x) => x.long === "--seed")!;
      // One parser: the same range and the same message whichever command reads the seed.
      expect(o.parseArg, c.name()).toBe(seedArg);
      expect(o.parseArg!("4294967295", undefined), c.name()).toBe(4294967295);
      expect(o.parseArg!("0", undefined), c.name()).toBe(0);
      expect(() => o.parseArg!("4294967296", undefined), c.name()).toThrow(/0\.\.4294967295/);
      expect(() => o.parseArg!("-1", undefined), c.name()).toThrow();
    }
  });

  it("allreduce --seed: 4294967295 runs, 4294967296 is a usage error", async () => {
    const args = ["allreduce", "--workers", "4", "--exec-elements", "1024", "--seed"];
    expect(await main([...args, "4294967295"], memoryIo())).toBe(0);
    expect(await main([...args, "4294967296"], memoryIo())).toBe(2);
  });

  it("die --fabricated and measure run at the largest seed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optinc-seed-"));
    const work = mkdtempSync(join(tmpdir(), "optinc-seed-work-"));
    const { circuit, table } = paperCell("divide0");
    const name = "paper_4x8.divide0";
    commitFiles(dir, new Map<string, string>([[`${name}.phases.json`, phaseTableToJson(table)], ...emitCircuit(circuit, name)]));
    const die = join(work, "die.json");
    const d = memoryIo();
    expect(await main(["die", dir, "--technology", "foundry", "--fabricated", "--seed", "4294967295", "-o", die], d), d.err()).toBe(0);
    const readings = join(work, "r.json");
    const m = memoryIo();
    expect(await main(["measure", dir, "--die", die, "--seed", "4294967295", "-o", readings], m), m.err()).toBe(0);
    expect(JSON.parse(readFileSync(readings, "utf8")).seed).toBe(4294967295);
  }, 60_000);
});
