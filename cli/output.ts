// Command output: diagnostics rendering in text mode, and the single JSON envelope in --json mode.
// Every command creates one CommandOutput; helpers such as loadSpecOrReport find it via outputOf(ctx).
import { renderDiagnostic, sanitizeText, type Diagnostic } from "../dsl/diagnostics.ts";
import type { FileBody } from "./files/commit.ts";
import { EXIT, type CommandContext, type GlobalOptions } from "./context.ts";
import { ENVELOPE_VERSION, nonFiniteAt, renderEnvelope, type CliDiagnostic, type Envelope } from "./envelope.ts";
import { localBroker, type OutputBroker } from "./files/broker.ts";
import { inputDir, inputFile, outputClash, type GuardedInput } from "./files/guard.ts";
import { IO } from "../codes/catalogue.ts";
import { join, resolve } from "node:path";

export type { Envelope };

/** At most this many diagnostics are kept and shown; the rest are counted ("and N more"). */
export const MAX_DIAGNOSTICS = 100;
/** Messages and hints longer than this are cut (a message may quote hostile input). */
const MAX_MESSAGE = 400;

const outputs = new WeakMap<CommandContext, CommandOutput>();

function located(d: CliDiagnostic): d is Diagnostic {
  return d.file !== undefined && d.line !== undefined && d.column !== undefined && d.severity !== "note";
}

export class CommandOutput {
  readonly diagnostics: CliDiagnostic[] = [];
  readonly g: GlobalOptions;
  private exit: number = EXIT.ok;
  private omitted = 0;
  private transient = false;
  /** What the command reads: no output may be, contain or lie inside one (cli/files/guard.ts). */
  readonly inputs: GuardedInput[] = [];

  constructor(
    readonly ctx: CommandContext,
    readonly command: string,
  ) {
    this.g = ctx.globals();
    // A helper may have reported through outputOf(ctx) before the command created its output: keep that.
    const earlier = outputs.get(ctx);
    if (earlier) {
      this.diagnostics.push(...earlier.diagnostics);
      this.exit = earlier.exit;
      this.omitted = earlier.omitted;
      this.inputs.push(...earlier.inputs);
    }
    outputs.set(ctx, this);
  }

  get json(): boolean {
    return this.g.json;
  }

  get broker(): OutputBroker {
    return this.ctx.io.output ?? localBroker;
  }

  /** Record diagnostics; in text mode print them now (warnings are hidden by --quiet). */
  report(diags: readonly CliDiagnostic[], sourceText?: string): void {
    this.clearProgress();
    for (const raw of diags) {
      if (raw.severity === "error") this.fail(EXIT.failure);
      if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
        this.omitted++;
        continue;
      }
      const d: CliDiagnostic = { ...raw, message: sanitizeText(raw.message, MAX_MESSAGE) };
      if (raw.hint !== undefined) d.hint = sanitizeText(raw.hint, MAX_MESSAGE);
      this.diagnostics.push(d);
      if (this.json || (this.g.quiet && d.severity !== "error")) continue;
      this.ctx.io.stderr.write(this.render(d, sourceText));
    }
  }

  /** Record diagnostics the command's own text output already shows (they appear under --json). */
  record(diags: readonly CliDiagnostic[]): void {
    if (this.json) this.report(diags);
    else for (const d of diags) if (d.severity === "error") this.fail(EXIT.failure);
  }

  private render(d: CliDiagnostic, sourceText?: string): string {
    if (located(d)) return renderDiagnostic(d, sourceText, this.g.color) + "\n";
    const c = this.g.color;
    const sev =
      d.severity === "error"
        ? c.red.bold(`error[${d.code}]`)
        : d.severity === "warning"
          ? c.yellow.bold(`warning[${d.code}]`)
          : c.bold(`note[${d.code}]`);
    return `optinc ${this.command}: ${sev}: ${c.bold(d.message)}\n${d.hint ? `  ${c.blue("=")} ${c.bold("hint:")} ${d.hint}\n` : ""}\n`;
  }

  /** A usage error (bad flag or argument): exit 2, no location. */
  usage(message: string, hint?: string): void {
    this.report([{ code: IO.usage, severity: "error", message, ...(hint ? { hint } : {}) }]);
    this.fail(EXIT.usage);
  }

  /** Progress or summary for humans, on stderr; silent with --quiet or --json. */
  note(text: string): void {
    this.clearProgress();
    if (!this.json && !this.g.quiet) this.ctx.io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /**
   * Where a long command is ("compose…"): a line of its own with --verbose; on a terminal, one
   * status line overwritten in place and erased before the summary (as esbuild does); else nothing,
   * so a log or CI sees only the summary.
   */
  progress(text: string): void {
    if (this.json || this.g.quiet) return;
    if (this.g.verbose) {
      this.note(text);
      return;
    }
    if (!this.ctx.io.stderr.isTTY) return;
    this.ctx.io.stderr.write(`\r\x1b[K${text.split("\n")[0]!.slice(0, 99)}`);
    this.transient = true;
  }

  /** Erase progress()'s status line before anything else is written. */
  clearProgress(): void {
    if (!this.transient) return;
    this.ctx.io.stderr.write("\r\x1b[K");
    this.transient = false;
  }

  /** The command's primary text output (formatted source, HTML) on stdout, never in --json mode. */
  print(text: string): void {
    if (!this.json) this.ctx.io.stdout.write(text);
  }

  /** A result summary on stdout for humans: silent with --quiet or --json. */
  summaryOut(text: string): void {
    if (!this.json && !this.g.quiet) this.ctx.io.stdout.write(text);
  }

  /** Raise the exit code (usage 2 beats failure 1, internal 70 beats both). */
  fail(code: number): void {
    if (code > this.exit) this.exit = code;
  }

  get exitCode(): number {
    return this.exit;
  }

  summary(): string {
    const e = this.diagnostics.filter((d) => d.severity === "error").length;
    const w = this.diagnostics.filter((d) => d.severity === "warning").length;
    const more = this.omitted ? ` (and ${this.omitted} more not shown)` : "";
    return `${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}${more}`;
  }

  /**
   * Declare an input (a file, or a directory whose files the command reads), as typed: relative
   * paths are resolved against the working directory, symlinks to their targets.
   */
  reads(path: string, role: string, kind: "file" | "dir" = "file", replaceable = false): void {
    const abs = resolve(this.ctx.io.cwd, path);
    this.inputs.push(kind === "dir" ? inputDir(abs, path, role) : inputFile(abs, path, role, replaceable));
  }

  /** Refuse (exit 2, IO.outputIsInput) an output that is, contains or lies inside an input. */
  private guard(path: string, kind: "dir" | "file", shown: string, flag: string): boolean {
    const clash = outputClash(path, kind, shown, this.inputs, flag);
    if (!clash) return true;
    this.report([{ code: IO.outputIsInput, severity: "error", message: clash.message, hint: clash.hint }]);
    this.fail(EXIT.usage);
    return false;
  }

  /**
   * Check an output directory (or file) before any work; on a problem report it (exit 2) and
   * return false. `flag` is the option that names it, for the hint.
   */
  async checkOutput(kind: "dir" | "file", path: string, shown: string, flag = "-o"): Promise<boolean> {
    if (!this.guard(path, kind, shown, flag)) return false;
    const problem = kind === "dir" ? await this.broker.checkDir(path, shown) : await this.broker.checkFile(path, shown);
    if (!problem) return true;
    this.report([{ code: IO.outputPath, severity: "error", message: problem.message, hint: problem.hint }]);
    this.fail(EXIT.usage);
    return false;
  }

  /** Commit a command's whole output set (all or nothing); on failure report it (exit 2). */
  async commit(dir: string, files: ReadonlyMap<string, FileBody>, shown: string, flag = "-o"): Promise<boolean> {
    // Again at the end, file by file: inputs read after the first check count too.
    if (!this.guard(dir, "dir", shown, flag)) return false;
    for (const name of files.keys()) if (!this.guard(join(dir, name), "file", join(shown, name), flag)) return false;
    try {
      await this.broker.commitFiles(dir, files);
      return true;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.report([
        {
          code: IO.writeFailed,
          severity: "error",
          message: `cannot write ${files.size} file${files.size === 1 ? "" : "s"} to '${shown}': ${err.code ?? err.message}; nothing was written`,
          hint: `pass a writable directory with ${flag}`,
        },
      ]);
      this.fail(EXIT.usage);
      return false;
    }
  }

  /** Finish the command: emit the JSON envelope in --json mode and set the exit code. */
  finish(result: unknown = null): number {
    this.clearProgress();
    // JSON has no NaN or Infinity (they print as null): a success never stands beside such a
    // figure. The commands refuse the options that would give one; reaching this is a bug.
    const bad = this.exit === EXIT.ok ? nonFiniteAt(result) : null;
    if (bad) {
      this.report([
        {
          code: IO.internal,
          severity: "error",
          message: `internal error (this is a bug in optinc, not in your input): the result holds a figure that is not a finite number at ${bad}`,
          hint: "report it with the command line",
        },
      ]);
      this.fail(EXIT.internal);
    }
    if (this.omitted) {
      const more: CliDiagnostic = {
        code: IO.truncated,
        severity: "note",
        message: `and ${this.omitted} more diagnostic${this.omitted === 1 ? "" : "s"} not shown (at most ${MAX_DIAGNOSTICS} are reported)`,
        hint: "fix the ones shown and run again",
      };
      this.diagnostics.push(more);
      if (!this.json) this.ctx.io.stderr.write(this.render(more));
    }
    if (this.json) {
      const env: Envelope = {
        schemaVersion: ENVELOPE_VERSION,
        ok: this.exit === EXIT.ok,
        command: this.command,
        diagnostics: this.diagnostics,
        result: bad ? null : result,
      };
      this.ctx.io.stdout.write(renderEnvelope(env));
    }
    this.ctx.setExit(this.exit);
    return this.exit;
  }
}

/** The output of the running command (created on demand for helpers called outside a command). */
export function outputOf(ctx: CommandContext, command = "optinc"): CommandOutput {
  return outputs.get(ctx) ?? new CommandOutput(ctx, command);
}
