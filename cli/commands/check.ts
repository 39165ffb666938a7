// optinc check <spec...>: parse and validate specs, print diagnostics.
import type { Command } from "commander";
import type { RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { loadSpecOrReport } from "../spec-input.ts";

export const registerCheck: RegisterCommand = (program: Command, ctx) => {
  program
    .command("check")
    .description("parse and validate spec files (.optinc, .yaml, .yml) and print all problems")
    .argument("<spec...>", "spec files to check")
    .addHelpText(
      "after",
      `
Examples:
  $ optinc check examples/paper-4x8.optinc
  $ optinc check examples/*.optinc examples/*.yaml
  $ optinc --json check my.optinc     # one JSON document with every diagnostic

Exit codes: 0 all specs valid (warnings allowed), 1 a spec has errors, 2 a file cannot be read.`,
    )
    .action(async (files: string[]) => {
      const out = new CommandOutput(ctx, "check");
      // --json also carries each resolved spec (defaults filled in, SI units), for reproducibility.
      const specs: { file: string; ok: boolean; name?: string; spec?: unknown }[] = [];
      for (const file of files) {
        const checked = await loadSpecOrReport(file, ctx, out);
        specs.push(checked ? { file, ok: true, name: checked.spec.name, spec: checked.spec } : { file, ok: false });
        if (checked) out.note(`${file}: ok (aggregator ${checked.spec.name})`);
      }
      const bad = specs.filter((s) => !s.ok).length;
      out.note(
        bad
          ? `${bad} of ${files.length} spec${files.length === 1 ? "" : "s"} failed: ${out.summary()}`
          : `${files.length} spec${files.length === 1 ? "" : "s"} ok`,
      );
      out.finish({ specs });
    });
};
