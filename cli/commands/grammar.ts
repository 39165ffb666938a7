// optinc grammar [-o file.html]: railroad diagrams of the .optinc grammar, usable offline.
import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Command } from "commander";
import { grammarHtml } from "../../dsl/grammar-html.ts";
import type { RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { inputPath } from "../spec-input.ts";

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

The options themselves (names, units, defaults) are listed in docs/language.md.`,
    )
    .action(async (opts: { out?: string }) => {
      const out = new CommandOutput(ctx, "grammar");
      const html = grammarHtml();
      const sha256 = createHash("sha256").update(html).digest("hex");
      if (opts.out) {
        const abs = inputPath(ctx, opts.out);
        await mkdir(dirname(abs), { recursive: true });
        const tmp = `${abs}.${process.pid}.tmp`;
        await writeFile(tmp, html, "utf8");
        await rename(tmp, abs);
        out.note(`wrote ${opts.out} (${html.length} bytes)`);
        out.finish({ artifacts: [{ kind: "grammar-html", path: opts.out, sha256 }] });
      } else {
        out.print(html);
        out.finish({ artifacts: [{ kind: "grammar-html", sha256 }], html });
      }
    });
};
