// Command output: diagnostics rendering in text mode, and the single JSON envelope in --json mode.
// Every command creates one CommandOutput; helpers such as loadSpecOrReport find it via outputOf(ctx).
import { renderDiagnostic, summarize, type Diagnostic } from "../dsl/diagnostics.ts";
import { EXIT, type CommandContext, type GlobalOptions } from "./context.ts";

/** The --json document. Commands add their own fields next to these. */
export interface Envelope {
  schemaVersion: 1;
  ok: boolean;
  command: string;
  diagnostics: Diagnostic[];
  [field: string]: unknown;
}

const outputs = new WeakMap<CommandContext, CommandOutput>();

export class CommandOutput {
  readonly diagnostics: Diagnostic[] = [];
  readonly g: GlobalOptions;
  private exit: number = EXIT.ok;

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
    }
    outputs.set(ctx, this);
  }

  get json(): boolean {
    return this.g.json;
  }

  /** Record diagnostics; in text mode print them now (warnings are hidden by --quiet). */
  report(diags: readonly Diagnostic[], sourceText?: string): void {
    for (const d of diags) {
      this.diagnostics.push(d);
      if (d.severity === "error") this.fail(EXIT.failure);
      if (this.json || (this.g.quiet && d.severity === "warning")) continue;
      this.ctx.io.stderr.write(renderDiagnostic(d, sourceText, this.g.color) + "\n");
    }
  }

  /** Progress or summary for humans, on stderr; silent with --quiet or --json. */
  note(text: string): void {
    if (!this.json && !this.g.quiet) this.ctx.io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** The command's primary text output (formatted source, HTML) on stdout, never in --json mode. */
  print(text: string): void {
    if (!this.json) this.ctx.io.stdout.write(text);
  }

  /** Raise the exit code (usage 2 beats failure 1, internal 70 beats both). */
  fail(code: number): void {
    if (code > this.exit) this.exit = code;
  }

  get exitCode(): number {
    return this.exit;
  }

  summary(): string {
    return summarize(this.diagnostics);
  }

  /** Finish the command: emit the JSON envelope (with extra fields) in --json mode and set the exit code. */
  finish(extra: Record<string, unknown> = {}): number {
    if (this.json) {
      const env: Envelope = { schemaVersion: 1, ok: this.exit === EXIT.ok, command: this.command, diagnostics: this.diagnostics, ...extra };
      this.ctx.io.stdout.write(JSON.stringify(env, null, 2) + "\n");
    }
    this.ctx.setExit(this.exit);
    return this.exit;
  }
}

/** The output of the running command (created on demand for helpers called outside a command). */
export function outputOf(ctx: CommandContext, command = "optinc"): CommandOutput {
  return outputs.get(ctx) ?? new CommandOutput(ctx, command);
}
