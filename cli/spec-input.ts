// Shared by every command that takes a spec file: load, report diagnostics, set the exit code.
import { resolve } from "node:path";
import { loadSpecText, specFormat } from "../dsl/load.ts";
import { SPEC_BYTES_MAX } from "../dsl/limits.ts";
import { readInputOrReport } from "./input-file.ts";
import type { CheckedSpec } from "../dsl/spec.ts";
import { EXIT, type CommandContext } from "./context.ts";
import { outputOf, type CommandOutput } from "./output.ts";
import { IO } from "../codes/catalogue.ts";

/** Resolve a user path against the Io's cwd, but keep the path as typed for messages. */
export function inputPath(ctx: CommandContext, path: string): string {
  return resolve(ctx.io.cwd, path);
}

/**
 * Load and check a spec. Prints diagnostics (or collects them for --json) through the command's
 * CommandOutput, raises the exit code (1 for spec errors, 2 for an unreadable file or unknown
 * extension) and returns the checked spec only when there are no errors.
 * Usage in a command: `const out = new CommandOutput(ctx, "compile"); const s = await loadSpecOrReport(file, ctx); ... out.finish({...})`.
 */
export async function loadSpecOrReport(
  path: string,
  ctx: CommandContext,
  out: CommandOutput = outputOf(ctx),
): Promise<CheckedSpec | undefined> {
  if (!specFormat(path)) {
    out.report([
      {
        code: IO.extension,
        severity: "error",
        message: `cannot tell the format of '${path}'`,
        hint: "spec files end in .optinc, .yaml or .yml",
        file: path,
        line: 1,
        column: 1,
      },
    ]);
    out.fail(EXIT.usage);
    return undefined;
  }
  // Diagnostics carry the path as the user typed it (stable across machines and in goldens).
  const text = await readInputOrReport(ctx, out, path, {
    maxBytes: SPEC_BYTES_MAX,
    code: IO.unreadable,
    what: "spec",
    hint: "pass a spec file (.optinc, .yaml or .yml) of at most 1 MB; a spec is a few dozen lines",
  });
  if (text === undefined) return undefined;
  const r = loadSpecText(path, text);
  const diags = r.diagnostics;
  out.report(diags, r.text);
  // Not a text file at all: an input error (exit 2), like an unreadable one.
  if (diags.some((d) => d.code === IO.notText)) out.fail(EXIT.usage);
  if (!r.checked) return undefined;
  return r.checked;
}
