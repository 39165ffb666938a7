// optinc fmt <spec> [--write]: canonical formatting (comments kept; formatting twice changes nothing).
import { SPEC_BYTES_MAX } from "../../dsl/limits.ts";
import { readInputOrReport } from "../input-file.ts";
import type { Command } from "commander";
import { formatSpec } from "../../dsl/format.ts";
import { specFormat } from "../../dsl/load.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { inputPath } from "../spec-input.ts";
import { IO } from "../../codes/catalogue.ts";

export const registerFmt: RegisterCommand = (program: Command, ctx) => {
  program
    .command("fmt")
    .description("print a spec in canonical form (or rewrite it in place with --write)")
    .argument("<spec>", "spec file (.optinc, .yaml, .yml)")
    .option("-w, --write", "rewrite the file instead of printing it")
    .option("--check", "print nothing; exit 1 if the file is not formatted")
    .addHelpText(
      "after",
      `
Examples:
  $ optinc fmt examples/paper-4x8.optinc
  $ optinc fmt --write my.optinc
  $ optinc fmt --check my.optinc     # for CI: exit 1 when formatting would change the file

Only syntax errors stop fmt; semantic problems are reported by \`optinc check\`.`,
    )
    .action(async (file: string, opts: { write?: boolean; check?: boolean }) => {
      const out = new CommandOutput(ctx, "fmt");
      if (!specFormat(file)) {
        out.report([
          {
            code: IO.extension,
            severity: "error",
            message: `cannot tell the format of '${file}'`,
            hint: "spec files end in .optinc, .yaml or .yml",
            file,
            line: 1,
            column: 1,
          },
        ]);
        out.fail(EXIT.usage);
        out.finish(null);
        return;
      }
      const abs = inputPath(ctx, file);
      // A regular file of at most the spec limit (a FIFO or /dev/zero must not hang fmt).
      const text = await readInputOrReport(ctx, out, file, {
        maxBytes: SPEC_BYTES_MAX,
        code: IO.unreadable,
        what: "spec",
        hint: "pass a spec file (.optinc, .yaml or .yml)",
      });
      if (text === undefined) return void out.finish(null);
      const r = formatSpec(file, text);
      out.report(r.diagnostics, text);
      if (r.text === undefined) {
        out.finish(null);
        return;
      }
      const changed = r.text !== text;
      if (opts.check) {
        if (changed) {
          out.note(`${file}: not formatted (run \`optinc fmt --write ${file}\`)`);
          out.record([
            {
              code: IO.notFormatted,
              severity: "error",
              message: `${file} is not in canonical form`,
              hint: `run optinc fmt --write ${file}`,
              file,
              line: 1,
              column: 1,
            },
          ]);
        }
      } else if (opts.write) {
        // Staged beside the file and renamed over it: a symlink stays a link (its target is
        // rewritten) and the file keeps its permission bits.
        if (changed && !(await out.checkOutput("file", abs, file))) return void out.finish(null);
        if (changed) {
          try {
            await out.broker.commitFile(abs, r.text);
          } catch (e) {
            out.report([
              {
                code: IO.writeFailed,
                severity: "error",
                message: `cannot rewrite '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; the file is unchanged`,
                file,
                line: 1,
                column: 1,
              },
            ]);
            out.fail(EXIT.usage);
            return void out.finish(null);
          }
        }
        out.note(`${file}: ${changed ? "formatted" : "already formatted"}`);
      } else {
        out.print(r.text);
      }
      out.finish({ changed, ...(opts.write || opts.check ? {} : { formatted: r.text }) });
    });
};
