// The CLI as a testable function: main(argv, io) → exit code. No process.exit here.
import { Chalk } from "chalk";
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.ts";
import { EXIT, type CommandContext, type GlobalOptions, type Io } from "./context.ts";

/** Colour precedence: --color/--no-color, then NO_COLOR (non-empty), then FORCE_COLOR, then TTY. */
export function resolveColorLevel(flag: boolean | undefined, io: Io): 0 | 1 {
  if (flag === false) return 0;
  if (flag === true) return 1;
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
    .option("--color", "force ANSI colour")
    .option("--no-color", "disable ANSI colour (NO_COLOR is respected too)")
    .exitOverride()
    .showHelpAfterError()
    .addHelpText("after", EXIT_HELP)
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
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.ok;
      jsonFailure(argv, io, "usage", e.message.replace(/^error: /, ""));
      return EXIT.usage;
    }
    const err = e as Error;
    io.stderr.write(`optinc: internal error (this is a bug in optinc, not in your input): ${err?.message ?? String(e)}\n`);
    if (io.env.OPTINC_DEBUG) io.stderr.write(`${err?.stack ?? ""}\n`);
    jsonFailure(argv, io, "internal", err?.message ?? String(e));
    return EXIT.internal;
  }
}

const EXIT_HELP = `
Exit codes:
  0   success (also --help, --version)
  1   the spec has errors, or a verification threshold failed
  2   usage error: bad flags or arguments, unreadable input file
  70  internal error (a bug in optinc; set OPTINC_DEBUG=1 for the stack)

Example:
  $ optinc check examples/paper-4x8.optinc`;

/** Under --json a failure before or outside a command still produces one JSON document. */
function jsonFailure(argv: string[], io: Io, kind: "usage" | "internal", message: string): void {
  const dash = argv.indexOf("--");
  const args = dash < 0 ? argv : argv.slice(0, dash);
  if (!args.includes("--json")) return;
  const command = args.find((a) => !a.startsWith("-")) ?? "optinc";
  const env = { schemaVersion: 1, ok: false, command, diagnostics: [], error: { kind, message } };
  io.stdout.write(JSON.stringify(env, null, 2) + "\n");
}
