// optinc layout <compiled-dir> -o <file.gds> [--cell D] [--pdk ebeam|generic] [--no-port-order]
// [--heater-clearance µm]: the chip as GDSII
// (every cell design a cell, every copy an instance), with <file>.pads.json (heater → pad pair →
// DAC channel), <file>.layout.json (area, heaters, pads, optical I/O, longest path) and
// <file>.layout.html (those figures and a picture of the chip) beside it, and each design's
// netlist as drawn, crossings included (<file>.<design>.drawn-netlist.json).
// The arguments become one options object for pipeline/layout/layout.ts; all files are written or none.
import { basename, dirname, resolve } from "node:path";
import { Option, type Command } from "commander";
import { IO, LAYOUT } from "../../codes/catalogue.ts";
import { layoutCompiled, LayoutInputError } from "../../pipeline/layout/layout.ts";
import type { PdkName } from "../../layout/layers.ts";
import type { FileBody } from "../files/commit.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { readsTarget } from "../circuit-input.ts";
import { inRange } from "../option-parsers.ts";

interface LayoutFlags {
  out: string;
  cell?: string;
  pdk: PdkName;
  portOrder?: boolean;
  heaterClearance?: number;
  stagger?: boolean;
}

/** The range `--heater-clearance` takes, µm: the drawn 8 µm cell gap's clearance up to a mesh 5× as tall. */
const CLEARANCE = { min: 8.75, max: 50 };

export const registerLayout: RegisterCommand = (program: Command, ctx) => {
  program
    .command("layout")
    .description("draw the compiled chip as GDSII (KLayout-readable): cells, routes, heaters and pads")
    .argument("<dir>", "output directory of optinc compile (or one <name>.netlist.json)")
    .requiredOption(
      "-o, --out <file.gds>",
      "GDSII file to write (<file>.pads.json, <file>.layout.json and <file>.layout.html go beside it)",
    )
    .option("--cell <design>", "draw one cell design only (e.g. add0)")
    .addOption(new Option("--pdk <name>", "layer map").choices(["ebeam", "generic"]).default("ebeam"))
    .option(
      "--no-port-order",
      "draw each sub-circuit's ports in its own order, not its neighbours' (more crossings a path; to measure what the order gains)",
    )
    .option(
      "--no-stagger",
      "stack each column of heaters whole, not spread over up to 4 columns (a taller die at the clearance; to measure what the staggering gains)",
    )
    .option(
      "--heater-clearance <um>",
      "each heater's gap to the next cell's waveguide in its column, µm (default 20, the check's thermal gap; 8.75 is the least, what the cell gap alone gives)",
      inRange("--heater-clearance", CLEARANCE),
    )
    .addHelpText(
      "after",
      `
Examples:
  $ optinc layout out/ -o chip.gds
  $ optinc layout out/ -o add0.gds --cell add0 --pdk generic
  $ optinc layout out/ -o chip.gds --heater-clearance 20

Check the file with KLayout: klayout -b -r scripts/klayout/check_layout.py -rd gds=chip.gds -rd netlists=out/ -rd out=check.json
Exit codes: 0 ok, 1 a circuit that cannot be drawn or an invalid file, 2 usage or missing files.`,
    )
    .action(async (target: string, flags: LayoutFlags) => {
      const out = new CommandOutput(ctx, "layout");
      if (!flags.out.endsWith(".gds")) out.usage(`-o ${flags.out}: the output file must end in .gds`, "name the file <something>.gds");
      if (out.exitCode !== EXIT.ok) return void out.finish(null);
      const path = resolve(ctx.io.cwd, flags.out);
      readsTarget(ctx, out, target);
      if (!(await out.checkOutput("file", path, flags.out))) return void out.finish(null);
      let result;
      try {
        result = layoutCompiled(resolve(ctx.io.cwd, target), {
          pdk: flags.pdk,
          cell: flags.cell,
          portOrder: flags.portOrder !== false,
          stagger: flags.stagger !== false,
          ...(flags.heaterClearance !== undefined ? { heaterClearance: flags.heaterClearance } : {}),
        });
      } catch (e) {
        if (!(e instanceof LayoutInputError)) throw e;
        const w = e.where ?? { file: target, line: 1, column: 1 };
        out.report([{ code: e.code, severity: "error", message: e.message, hint: e.hint, file: w.file, line: w.line, column: w.column }]);
        out.fail(
          ([LAYOUT.notFound, LAYOUT.noNetlist, LAYOUT.noSuchCell, IO.notUtf8, IO.notText] as string[]).includes(e.code)
            ? EXIT.usage
            : EXIT.failure,
        );
        return void out.finish(null);
      }
      const stem = basename(path).slice(0, -".gds".length);
      const files = new Map<string, FileBody>([
        [basename(path), result.gds],
        [`${stem}.pads.json`, result.padMap],
        [`${stem}.layout.json`, result.summary],
        [`${stem}.layout.html`, result.html],
        ...[...result.drawn].map(([design, text]): [string, FileBody] => [`${stem}.${design}.drawn-netlist.json`, text]),
      ]);
      if (!(await out.commit(dirname(path), files, dirname(flags.out) || "."))) return void out.finish(null);
      const s = result.stats;
      // By default two short lines (like compile's); --verbose: every figure of the summary.
      if (!out.g.verbose)
        out.note(
          `wrote ${flags.out}: die ${(s.dieWidthUm / 1000).toFixed(2)} × ${(s.dieHeightUm / 1000).toFixed(2)} mm, ${s.heaters} heaters, ${s.crossings} crossings\n` +
            `  longest path ${s.longestPathMm.toFixed(2)} mm (${s.longestPathLossDb.toFixed(2)} dB); summary in ${stem}.layout.json`,
        );
      else
        out.note(
          `wrote ${flags.out} (top cell ${result.topCell}): die ${(s.dieWidthUm / 1000).toFixed(2)} × ${(s.dieHeightUm / 1000).toFixed(2)} mm = ${s.dieAreaMm2.toFixed(1)} mm², ${s.heaters} heaters, ${s.pads} pads, ${s.opticalIo} optical I/O, ${s.crossings} crossings, longest path ${s.longestPathMm.toFixed(2)} mm (${s.longestPathLossDb.toFixed(2)} dB at ${s.lossDbPerCm} dB/cm)`,
        );
      out.finish({ files: [...files.keys()], stats: s, topCell: result.topCell });
    });
};
