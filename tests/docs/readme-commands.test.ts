// Every `npx optinc …` command the README gives a new user runs as written, in a folder where the
// quick start's compile left `out/`, and ends as the README says: 0, or 1 where it says the command
// fails. The cluster compile takes a minute, so it runs in the full tier; the quick start's own
// compile is tests/compile/closed-form-e2e.test.ts.
import { cpSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";
import { FULL } from "../helpers/tier.ts";

const readme = readFileSync("README.md", "utf8");

/** The inline `npx optinc …` commands of the README, in order, each with the exit it states. */
function readmeCommands(text: string): { argv: string[]; exit: number }[] {
  return [...text.matchAll(/`npx optinc ([^`]+)`( fails)?/g)].map((m) => ({
    argv: m[1]!.trim().split(/\s+/),
    exit: m[2] ? 1 : 0,
  }));
}

describe("the README's commands run as written", () => {
  const cmds = readmeCommands(readme);

  it("finds the commands, and the one the README says fails", () => {
    expect(cmds.length).toBeGreaterThanOrEqual(5);
    expect(cmds.filter((c) => c.exit === 1).map((c) => c.argv.join(" "))).toEqual(["verify out/ --technology foundry"]);
    expect(cmds.some((c) => c.argv.join(" ") === "verify out/ --power" && c.exit === 0)).toBe(true);
    expect(readmeCommands("run `npx optinc verify out/` and `npx optinc x --y` fails")).toEqual([
      { argv: ["verify", "out/"], exit: 0 },
      { argv: ["x", "--y"], exit: 1 },
    ]);
  });

  for (const c of cmds) {
    const heavy = c.argv[0] === "compile";
    it.skipIf(heavy && !FULL)(
      `npx optinc ${c.argv.join(" ")} → exit ${c.exit}`,
      async () => {
        const cwd = mkdtempSync(join(tmpdir(), "optinc-readme-"));
        cpSync(join(inject("hostileCompiles"), "cf"), join(cwd, "out"), { recursive: true });
        symlinkSync(resolve("examples"), join(cwd, "examples"));
        const io = memoryIo({ NO_COLOR: "1" }, cwd);
        const code = await main(c.argv, io);
        expect(code, io.err()).toBe(c.exit);
      },
      600_000,
    );
  }
});
