// The helpers later commands (compile, ...) reuse: loadSpecOrReport + CommandOutput.
import { join } from "node:path";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../cli/context.ts";
import { CommandOutput } from "../../cli/output.ts";
import { loadSpecOrReport } from "../../cli/spec-input.ts";
import { memoryIo } from "../helpers/io.ts";

const ROOT = join(import.meta.dirname, "../..");

function ctxFor(json: boolean, io = memoryIo({ NO_COLOR: "1" }, ROOT)) {
  let exit = -1;
  const ctx: CommandContext = {
    io,
    globals: () => ({ json, quiet: false, verbose: false, color: new Chalk({ level: 0 }) }),
    setExit: (c) => (exit = c),
  };
  return { ctx, io, exit: () => exit };
}

describe("loadSpecOrReport", () => {
  it("returns the checked spec with locations named as typed", async () => {
    const { ctx } = ctxFor(false);
    const out = new CommandOutput(ctx, "compile");
    const c = await loadSpecOrReport("examples/paper-4x8.optinc", ctx);
    expect(c!.spec.name).toBe("paper_4x8");
    expect(c!.locations.workers).toEqual({ file: "examples/paper-4x8.optinc", line: 7, column: 3 });
    expect(out.finish()).toBe(0);
  });

  it("collects diagnostics into the command's JSON envelope, even when called before the output exists", async () => {
    const { ctx, io, exit } = ctxFor(true);
    expect(await loadSpecOrReport("examples/missing.optinc", ctx)).toBeUndefined();
    const out = new CommandOutput(ctx, "compile");
    out.finish({ artifacts: [] });
    expect(exit()).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({
      schemaVersion: 2,
      ok: false,
      command: "compile",
      diagnostics: [{ code: "OPT0001", file: "examples/missing.optinc" }],
      result: { artifacts: [] },
    });
    expect(io.err()).toBe("");
  });
});
