// The --json envelope never says `ok: true` beside a figure that is not a finite number (issue 38):
// JSON prints NaN and Infinity as null, so a success with one would hide it. The commands refuse the
// options that give one (allreduce-ranges.test.ts); CommandOutput.finish is the backstop for every
// command, and treats reaching it as a bug (OPT0007, exit 70).
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { EXIT, type CommandContext } from "../../cli/context.ts";
import { CommandOutput } from "../../cli/output.ts";
import { IO } from "../../codes/catalogue.ts";
import { memoryIo, type MemoryIo } from "../helpers/io.ts";

function output(json: boolean): { out: CommandOutput; io: MemoryIo; exit: () => number } {
  const io = memoryIo();
  let code = -1;
  const ctx: CommandContext = {
    io,
    globals: () => ({ json, quiet: false, verbose: false, color: new Chalk({ level: 0 }) }),
    setExit: (c) => {
      code = c;
    },
  };
  return { out: new CommandOutput(ctx, "allreduce"), io, exit: () => code };
}

describe("a success holds finite figures only", () => {
  it("a NaN or an infinity in the result of a success is an internal error, in --json and in text", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const j = output(true);
      expect(j.out.finish({ runs: [{ time: 1 }, { time: bad }] })).toBe(EXIT.internal);
      const doc = JSON.parse(j.io.out());
      expect(doc.ok).toBe(false);
      expect(doc.result).toBeNull();
      expect(doc.diagnostics[0].code).toBe(IO.internal);
      expect(doc.diagnostics[0].message).toContain("runs[1].time");
      const t = output(false);
      expect(t.out.finish({ time: bad })).toBe(EXIT.internal);
      expect(t.io.err()).toContain(`error[${IO.internal}]`);
    }
  });

  it("finite figures and nulls pass; a failure keeps its own exit code", () => {
    const ok = output(true);
    expect(ok.out.finish({ time: 1.5, note: null, list: [0, -2] })).toBe(EXIT.ok);
    expect(JSON.parse(ok.io.out())).toMatchObject({ ok: true, result: { time: 1.5, note: null } });
    const failed = output(true);
    failed.out.usage("--latency: out of range");
    expect(failed.out.finish({ time: Number.NaN })).toBe(EXIT.usage);
    expect(JSON.parse(failed.io.out()).diagnostics.map((d: { code: string }) => d.code)).toEqual([IO.usage]);
  });
});
