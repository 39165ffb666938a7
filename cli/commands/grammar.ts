// optinc grammar [-o file.html]: railroad diagrams of the .optinc grammar, usable offline.
import { createHash } from "node:crypto";
import type { Command } from "commander";
import { grammarHtml } from "../../dsl/grammar-html.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { inputPath } from "../spec-input.ts";
import { IO } from "../../codes/catalogue.ts";

export const registerGrammar: RegisterCommand = (program: Command, ctx) => {
  program
    .command("grammar")
    .description("write railroad diagrams of the spec grammar as one self-contained HTML page")
    .option("-o, --out <file>", "write the HTML to this file instead of stdout")
    .addHelpText(
      "after",
      `
Examples:
  $ optinc grammar -o grammar.html     # open grammar.html in any browser, no network needed
  $ optinc grammar > grammar.html

The options themselves (names, units, defaults) are listed in docs/reference/language.md.`,
    )
    .action(async (opts: { out?: string }) => {
      const out = new CommandOutput(ctx, "grammar");
      const abs = opts.out !== undefined ? inputPath(ctx, opts.out) : undefined;
      if (abs && !(await out.checkOutput("file", abs, opts.out!))) return void out.finish(null);
      const html = grammarHtml();
      const sha256 = createHash("sha256").update(html).digest("hex");
      if (abs) {
        try {
          await out.broker.commitFile(abs, html);
        } catch (e) {
          out.report([
            {
              code: IO.writeFailed,
              severity: "error",
              message: `cannot write '${opts.out}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
              hint: "pass a writable path with -o",
            },
          ]);
          out.fail(EXIT.usage);
          return void out.finish(null);
        }
        out.note(`wrote ${opts.out} (${html.length} bytes)`);
        out.finish({ artifacts: [{ kind: "grammar-html", path: opts.out, sha256 }] });
      } else {
        out.print(html);
        out.finish({ artifacts: [{ kind: "grammar-html", sha256 }], html });
      }
    });
};
