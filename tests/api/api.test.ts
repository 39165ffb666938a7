// The library API (api/): one function per command, its options the command's flags, its errors the
// CLI's codes, cancellation by AbortSignal. The functions run the built command bundle
// (dist/optinc-worker.mjs, which tests/global-setup.ts builds).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../api/index.ts";
import { argvOf, COMMANDS, RUN_KEYS } from "../../api/argv.ts";
import { commands } from "../../cli/commands/index.ts";
import type { CommandContext } from "../../cli/context.ts";
import { COMMAND_NAMES } from "../../cli/envelope.ts";
import { main } from "../../cli/main.ts";
import { IO, SYNTAX } from "../../codes/catalogue.ts";
import { memoryIo } from "../helpers/io.ts";
import { SLOW } from "../hostile/specs.ts";

const scratch = mkdtempSync(join(tmpdir(), "optinc-api-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The function of each command (export is a reserved word: exportCircuit). */
const FUNCTION_OF: Record<string, string> = Object.fromEntries(COMMAND_NAMES.map((c) => [c, c === "export" ? "exportCircuit" : c]));

describe("the API has one function per command, its options the command's flags", () => {
  const program = new Command();
  const ctx = { io: memoryIo(), globals: () => ({}), setExit: () => {} } as unknown as CommandContext;
  for (const register of commands) register(program, ctx);

  it("every command has its function, and the API's table names every command", () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const c of COMMAND_NAMES) expect(typeof (api as Record<string, unknown>)[FUNCTION_OF[c]!], c).toBe("function");
  });

  for (const c of program.commands)
    it(`${c.name()}: every flag has its key and every key its flag, positionals in order`, () => {
      const table = COMMANDS[c.name() as keyof typeof COMMANDS];
      // verify's own --json is the global one the API always passes.
      const flags = c.options.filter((o) => o.long !== "--json");
      const kinds = Object.fromEntries(
        flags.map((o) => [o.attributeName(), o.negate ? "negated" : o.variadic ? "list" : o.required || o.optional ? "value" : "switch"]),
      );
      expect(table.flags).toEqual(kinds);
      expect(table.args.map(([, variadic]) => variadic)).toEqual(c.registeredArguments.map((a) => a.variadic));
      for (const key of RUN_KEYS) expect(kinds[key], `${c.name()} has a flag named like the API's ${key}`).toBeUndefined();
    });

  it("options become the command line: switches, negated switches, lists, positionals after --", () => {
    expect(argvOf("compile", { spec: "-odd.optinc", out: "o", evaluate: false, layout: true, force: false, seed: 3 })).toEqual([
      "compile",
      "--out",
      "o",
      "--no-evaluate",
      "--layout",
      "--seed",
      "3",
      "--",
      "-odd.optinc",
    ]);
    expect(argvOf("die", { dir: "out", technology: "foundry", departure: ["crosstalk", "dead-monitor"] })).toEqual([
      "die",
      "--technology",
      "foundry",
      "--departure",
      "crosstalk",
      "--departure",
      "dead-monitor",
      "--",
      "out",
    ]);
    expect(argvOf("check", { specs: ["a.optinc", "b.yaml"] })).toEqual(["check", "--", "a.optinc", "b.yaml"]);
  });
});

describe("errors: one type, the CLI's codes, never a stack from inside", () => {
  const bad = join(scratch, "bad.optinc");
  writeFileSync(bad, "aggregator bad {\n  workers = = 4\n}\n");

  /** The CLI's first error code for these arguments (in-process, --json). */
  async function cliCode(args: string[]): Promise<{ code: string; exit: number }> {
    const io = memoryIo();
    const exit = await main(["--json", ...args], io);
    return { code: JSON.parse(io.out()).diagnostics.find((d: { severity: string }) => d.severity === "error").code, exit };
  }

  async function apiError(p: Promise<unknown>): Promise<api.OptincError> {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(api.OptincError);
    return e as api.OptincError;
  }

  it("a spec with a syntax error: the CLI's code and exit status, with the located diagnostic", async () => {
    const e = await apiError(api.check({ specs: bad }));
    expect(e.code).toMatch(/^OPT1\d{3}$/);
    expect(Object.values(SYNTAX)).toContain(e.code);
    expect({ code: e.code, exit: e.exitCode }).toEqual(await cliCode(["check", bad]));
    expect(e.diagnostics[0]).toMatchObject({ file: bad, line: 2 });
    expect(e.message).toContain(`${bad}:2:`);
    expect(e.message).not.toMatch(/\n\s+at /);
  });

  it("a missing file, an unknown option, a wrong value type: OPT0001, OPT0003, OPT0003", async () => {
    const missing = join(scratch, "missing.optinc");
    const e1 = await apiError(api.compile({ spec: missing, out: join(scratch, "o1") }));
    expect([e1.code, e1.exitCode]).toEqual([IO.unreadable, 2]);
    expect({ code: e1.code, exit: e1.exitCode }).toEqual(await cliCode(["compile", missing, "-o", join(scratch, "o1")]));
    const e2 = await apiError(api.compile({ spec: bad, outt: "x" } as unknown as api.CompileOptions));
    expect([e2.code, e2.exitCode]).toEqual([IO.usage, 2]);
    expect(e2.message).toContain("unknown option outt");
    const e3 = await apiError(api.verify({ target: "out", trials: {} as unknown as number }));
    expect(e3.code).toBe(IO.usage);
    const e4 = await apiError(api.verify({ target: "out", trials: "many" }));
    expect({ code: e4.code, exit: e4.exitCode }).toEqual(await cliCode(["verify", "out", "--trials", "many"]));
  });

  it("an aborted compile rejects with OPT0009 and writes nothing", async () => {
    const spec = join(scratch, "slow.optinc");
    writeFileSync(spec, SLOW);
    const out = join(scratch, "slow-out");
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(), 1500);
    const e = await apiError(api.compile({ spec, out, force: true, signal: ac.signal }));
    expect([e.code, e.exitCode]).toEqual([IO.interrupted, 130]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(existsSync(out)).toBe(false);
    const pre = new AbortController();
    pre.abort();
    expect((await apiError(api.compile({ spec, out, force: true, signal: pre.signal }))).code).toBe(IO.interrupted);
  });
});

describe("init", () => {
  it("writes the starter spec, says what to run next, checks clean, and never overwrites", async () => {
    const dir = join(scratch, "init");
    const r = await api.init({ dir, cwd: scratch });
    expect(r).toEqual({
      file: "init/starter.optinc",
      next: ["optinc compile init/starter.optinc -o init/out/", "optinc verify init/out/"],
    });
    const text = readFileSync(join(dir, "starter.optinc"), "utf8");
    expect(text).toMatch(/^# A starter optinc spec/);
    const checked = await api.check({ specs: r.file, cwd: scratch });
    expect(checked.specs[0]).toMatchObject({ ok: true, name: "starter" });
    expect((await api.fmt({ spec: r.file, cwd: scratch })).changed).toBe(false);
    const again = await api.init({ dir, cwd: scratch }).catch((e: api.OptincError) => e);
    expect(again).toBeInstanceOf(api.OptincError);
    expect((again as api.OptincError).code).toBe(IO.outputPath);
  });
});

describe("docs/reference/api.md", () => {
  const doc = readFileSync("docs/reference/api.md", "utf8");

  it("has a row for every function the package exports, and every field of OptincError", () => {
    const functions = Object.entries(api)
      .filter(([, v]) => typeof v === "function" && v !== api.OptincError)
      .map(([k]) => k);
    expect(functions.sort()).toEqual(Object.values(FUNCTION_OF).sort());
    for (const f of functions) expect(doc, f).toContain(`| \`${f}()\` |`);
    const e = new api.OptincError("check", 1, []);
    for (const field of ["code", "exitCode", "command", "diagnostics", "result", "message"]) {
      expect(field in e, field).toBe(true);
      expect(doc, field).toContain(`| \`${field}\` |`);
    }
  });

  it("shows the worked example as examples/sweep.mjs has it", () => {
    expect(doc).toContain("```js\n" + readFileSync("examples/sweep.mjs", "utf8"));
  });
});
