// One usage-error path that names the sub-command (issue 38): measure, protocol and layout used to
// say `optinc optinc: …` and `"command": "optinc"` in the --json envelope.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commands } from "../../cli/commands/index.ts";
import { COMMAND_NAMES } from "../../cli/envelope.ts";
import { main } from "../../cli/main.ts";
import type { CommandContext } from "../../cli/context.ts";
import { IO } from "../../codes/catalogue.ts";
import { memoryIo } from "../helpers/io.ts";

describe("usage errors name the sub-command", () => {
  it("the envelope's list of commands is every registered command", () => {
    const program = new Command();
    const ctx = { io: memoryIo(), globals: () => ({}), setExit: () => {} } as unknown as CommandContext;
    for (const register of commands) register(program, ctx);
    expect(program.commands.map((c) => c.name()).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  const cases: [string, string[]][] = [
    ["measure", ["measure", "out"]],
    ["protocol", ["protocol", "out", "--bogus"]],
    ["layout", ["layout", "out"]],
    ["die", ["die", "out"]],
    ["calibrate", ["calibrate"]],
  ];
  for (const [name, args] of cases)
    it(`${name}: text and --json`, async () => {
      const io = memoryIo();
      expect(await main(args, io)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`^optinc ${name}: error\\[${IO.usage}\\]`));
      expect(io.err()).toContain(`optinc ${name} --help`);
      const j = memoryIo();
      expect(await main(["--json", ...args], j)).toBe(2);
      const doc = JSON.parse(j.out());
      expect(doc.command).toBe(name);
      expect(doc.diagnostics[0].code).toBe(IO.usage);
      expect(doc.diagnostics[0].hint).toContain(`optinc ${name} --help`);
    });
});
