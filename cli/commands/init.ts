// optinc init [dir]: write a starter spec (dsl/starter.ts) that compiles as written, and say what to
// run next. It never overwrites a file.
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { STARTER_FILE, STARTER_SPEC } from "../../dsl/starter.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { inputPath } from "../spec-input.ts";
import { IO } from "../../codes/catalogue.ts";

export const registerInit: RegisterCommand = (program: Command, ctx) => {
  program
    .command("init")
    .description(`write a starter spec (${STARTER_FILE}, commented) that compiles as written`)
    .argument("[dir]", "directory to write it in (created when missing)", ".")
    .addHelpText(
      "after",
      `
Example:
  $ optinc init my-chip && optinc compile my-chip/${STARTER_FILE} -o my-chip/out/`,
    )
    .action(async (dirArg: string) => {
      const out = new CommandOutput(ctx, "init");
      const dir = inputPath(ctx, dirArg);
      const file = join(dir, STARTER_FILE);
      const shown = relative(ctx.io.cwd, file) || STARTER_FILE;
      if (!(await out.checkOutput("dir", dir, dirArg))) return void out.finish(null);
      if (existsSync(file)) {
        out.report([
          {
            code: IO.outputPath,
            severity: "error",
            message: `'${shown}' already exists; optinc init never overwrites a file`,
            hint: "pass another directory, or compile the spec that is there",
          },
        ]);
        out.fail(EXIT.usage);
        return void out.finish(null);
      }
      if (!(await out.commit(dir, new Map([[STARTER_FILE, STARTER_SPEC]]), dirArg))) return void out.finish(null);
      const outDir = join(relative(ctx.io.cwd, dir), "out") + "/";
      const next = [`optinc compile ${shown} -o ${outDir}`, `optinc verify ${outDir}`];
      out.note(`wrote ${shown}: a 4-worker, 4-bit PAM4 aggregator\nnext:\n${next.map((c) => `  ${c}`).join("\n")}`);
      out.finish({ file: shown, next });
    });
};
