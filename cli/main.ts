// The CLI as a testable function: main(argv, io) → exit code. No process.exit here.
import { Chalk } from "chalk";
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.ts";
import { EXIT, type CommandContext, type GlobalOptions, type Io } from "./context.ts";
import { commandOf, envelopeForFailure, jsonRequested } from "./envelope.ts";
import { IO } from "../codes/catalogue.ts";

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
  const command = commandOf(argv);
  const program = new Command()
    .name("optinc")
    .description("Compile gradient-aggregation specs into optical in-network-computing circuits.")
    .version("0.1.0")
    .option("--json", "print one JSON document on stdout")
    .option("-q, --quiet", "print only errors")
    .option("--verbose", "print every detail line (by default a command prints a short summary)")
    .option("--color", "force ANSI colour")
    .option("--no-color", "disable ANSI colour (NO_COLOR is respected too)")
    .exitOverride()
    .showHelpAfterError(`(run \`optinc ${command === "optinc" ? "" : `${command} `}--help\` for usage)`)
    .addHelpText("after", EXIT_HELP)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors look like every other diagnostic: stable code, what is wrong.
      outputError: (s, write) => write(`optinc ${command}: error[${IO.usage}]: ${s.replace(/^error: /, "")}`),
    });

  const ctx: CommandContext = {
    io,
    globals(): GlobalOptions {
      const o = program.opts<{ json?: boolean; quiet?: boolean; verbose?: boolean; color?: boolean }>();
      const json = Boolean(o.json);
      return {
        json,
        quiet: Boolean(o.quiet),
        verbose: Boolean(o.verbose) && !o.quiet,
        color: new Chalk({ level: json ? 0 : resolveColorLevel(o.color, io) }),
      };
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
      if (jsonRequested(argv))
        io.stdout.write(
          envelopeForFailure(
            argv,
            IO.usage,
            e.message.replace(/^error: /, ""),
            `run \`optinc ${command === "optinc" ? "" : `${command} `}--help\` for usage`,
          ),
        );
      return EXIT.usage;
    }
    const err = e as Error;
    const message = err?.message ?? String(e);
    io.stderr.write(`optinc ${command}: error[${IO.internal}]: internal error (this is a bug in optinc, not in your input): ${message}\n`);
    if (io.env.OPTINC_DEBUG) io.stderr.write(`${err?.stack ?? ""}\n`);
    else io.stderr.write("  = hint: set OPTINC_DEBUG=1 for the stack trace, and report it\n");
    if (jsonRequested(argv)) io.stdout.write(envelopeForFailure(argv, IO.internal, `internal error: ${message}`));
    return EXIT.internal;
  }
}

const EXIT_HELP = `
Exit codes:
  0    success (also --help, --version)
  1    the spec has errors, or a verification threshold failed
  2    usage error: bad flags or arguments, unreadable input, unusable output path
  70   internal error (a bug in optinc; set OPTINC_DEBUG=1 for the stack)
  130  interrupted (SIGINT, Ctrl-C); 143 terminated (SIGTERM): nothing is written

Example:
  $ optinc check examples/paper-4x8.optinc`;
