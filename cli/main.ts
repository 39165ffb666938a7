// The CLI as a testable function: main(argv, io) → exit code. No process.exit here.
import { Chalk } from "chalk";
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.ts";
import { EXIT, type CommandContext, type GlobalOptions, type Io } from "./context.ts";

/** Colour precedence: --color/--no-color, then NO_COLOR (non-empty), then FORCE_COLOR, then TTY. */
export function resolveColorLevel(flag: boolean | undefined, io: Io): 0 | 1 {
  if (flag === false) return 0;
  if (flag === true && process.argv.includes("--color")) return 1;
  if (io.env.NO_COLOR) return 0;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return 1;
  return io.stderr.isTTY ? 1 : 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("optinc")
    .description("Compile gradient-aggregation specs into optical in-network-computing circuits.")
    .version("0.1.0")
    .option("--json", "print one JSON document on stdout")
    .option("-q, --quiet", "print only errors")
    .option("--no-color", "disable ANSI colour (NO_COLOR is respected too)")
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const ctx: CommandContext = {
    io,
    globals(): GlobalOptions {
      const o = program.opts<{ json?: boolean; quiet?: boolean; color?: boolean }>();
      const json = Boolean(o.json);
      return { json, quiet: Boolean(o.quiet), color: new Chalk({ level: json ? 0 : resolveColorLevel(o.color, io) }) };
    },
    setExit(code) {
      exitCode = code;
    },
  };
  for (const register of commands) register(program, ctx);

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const err = e as Error;
    io.stderr.write(`optinc: internal error (this is a bug in optinc, not in your input): ${err?.message ?? String(e)}\n`);
    if (io.env.OPTINC_DEBUG) io.stderr.write(`${err?.stack ?? ""}\n`);
    return EXIT.internal;
  }
}
