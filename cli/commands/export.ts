// optinc export <dir> --format spi|json|yaml|ngspice|ports|phases: re-emit one format from a compile
// output directory. The circuit is read from `<name>.netlist.json` (the phase table, for
// --format phases, from `<name>.phases.json`), so the export depends on emitted files only.
import { readdir, stat } from "node:fs/promises";
import { readInputText } from "../../runtime/input-file.ts";
import { unreadableDiagnostic } from "../input-file.ts";
import { join, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { positive } from "../option-parsers.ts";
import type { Diagnostic } from "../../dsl/diagnostics.ts";
import { chipCellPortMap } from "../circuit-input.ts";
import { emitCircuit, type BackendFormat } from "../../netlist/formats/emit-all.ts";
import { NetlistReadError } from "../../netlist/formats/read-error.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { parsePhaseTable, PhaseTableError, phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { EXPORT } from "../../codes/catalogue.ts";

type Format = BackendFormat | "phases";

interface ExportFlags {
  format: Format;
  outDir?: string;
  lengthPhases?: boolean;
  neff?: number;
  wavelength?: number;
}

const SUFFIX = ".netlist.json";
/** Largest netlist or phase table read. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function diag(file: string, code: string, message: string, hint: string, line = 1, column = 1): Diagnostic {
  return { code, severity: "error", message, hint, file, line, column };
}

export const registerExport: RegisterCommand = (program: Command, ctx) => {
  program
    .command("export")
    .description("re-emit one netlist format from a compile output directory (reads <name>.netlist.json)")
    .argument("<dir>", "output directory of optinc compile (or a <name>.netlist.json file)")
    .addOption(
      new Option("--format <fmt>", "format to write").choices(["spi", "json", "yaml", "ngspice", "ports", "phases"]).makeOptionMandatory(),
    )
    .option("-o, --out-dir <dir>", "where to write (default: <dir> itself)")
    .option(
      "--length-phases",
      "spi: write phases as EBeam waveguides whose propagation phase 2π·n_eff·L/λ is φ (mod 2π) instead of phi= parameters",
    )
    .option("--neff <n>", `spi --length-phases: effective index (default ${DEFAULT_LENGTH_ENCODING.neff})`, positive("--neff"))
    .option(
      "--wavelength <nm>",
      `spi --length-phases: design wavelength in nm (default ${DEFAULT_LENGTH_ENCODING.wavelength * 1e9})`,
      positive("--wavelength"),
    )
    .addHelpText(
      "after",
      `
Formats:
  spi      <name>.spi, <name>_main.spi, <name>.lsf   SiEPIC-Tools / Lumerical INTERCONNECT
  json     <name>.netlist.json                       SAX-compatible recursive netlist
  yaml     <name>.pic.yml                            gdsfactory YAML (Place and AutoRoute)
  ngspice  <name>.ngspice.cir                        every linear stage for ngspice -b (prints each matrix)
  ports    <name>.ports.json                         port map: worker/digit inputs, bias sources, outputs, detector rule
  phases   <name>.phases.json, <name>.phases.csv     phase table (from <name>.phases.json)

Examples:
  $ optinc export out/ --format yaml                 # out/ holds paper_4x8.netlist.json
  $ optinc export out/paper_4x8.netlist.json --format spi --length-phases --neff 2.35 -o pdk/

Exit codes: 0 ok, 1 unreadable or invalid netlist content, 2 usage or missing files.`,
    )
    .action(async (target: string, flags: ExportFlags) => {
      const out = new CommandOutput(ctx, "export");
      // A flag that would be ignored is a usage error, not a silent no-op.
      const spiOnly = [flags.neff !== undefined ? "--neff" : "", flags.wavelength !== undefined ? "--wavelength" : ""].filter(Boolean);
      if (flags.lengthPhases && flags.format !== "spi")
        out.usage(`--length-phases applies only to --format spi, not ${flags.format}`, "drop --length-phases, or use --format spi");
      else if (spiOnly.length && !(flags.format === "spi" && flags.lengthPhases))
        out.usage(
          `${spiOnly.join(" and ")} only appl${spiOnly.length === 1 ? "ies" : "y"} to --format spi --length-phases`,
          "add --length-phases with --format spi, or drop the flag",
        );
      if (out.exitCode !== EXIT.ok) return void out.finish(null);
      const written = await run(target, flags, out);
      out.finish(written ? { files: written } : null);
    });

  async function run(target: string, flags: ExportFlags, out: CommandOutput): Promise<string[] | undefined> {
    const path = resolve(ctx.io.cwd, target);
    let netlistPaths: string[];
    try {
      if ((await stat(path)).isDirectory()) {
        // Every netlist of the directory (a closed-form chip has one per cell design, a cascade one per unit).
        const found = (await readdir(path)).filter((f) => f.endsWith(SUFFIX)).sort();
        if (found.length === 0) {
          out.report([
            diag(target, EXPORT.noNetlist, `no *${SUFFIX} in ${target}`, "run optinc compile first, or pass the directory it wrote"),
          ]);
          out.fail(EXIT.usage);
          return undefined;
        }
        netlistPaths = found.map((f) => join(path, f));
      } else netlistPaths = [path];
    } catch {
      out.report([
        diag(target, EXPORT.unreadable, `cannot read '${target}'`, "check the path: pass the output directory of optinc compile"),
      ]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const dir = netlistPaths[0]!.slice(0, netlistPaths[0]!.lastIndexOf("/"));
    const outDir = flags.outDir ? resolve(ctx.io.cwd, flags.outDir) : dir;
    const outShown = flags.outDir ?? target.replace(/[^/]*\.netlist\.json$/, "");
    // Writing beside the netlists is the default; writing over one of them, or its phase table, is refused.
    for (const p of netlistPaths) {
      out.reads(relative(ctx.io.cwd, p) || p, "netlist");
      out.reads(relative(ctx.io.cwd, p.replace(/(\.netlist)?\.json$/, ".phases.json")), "phase table");
    }
    if (!(await out.checkOutput("dir", outDir, outShown || "."))) return undefined;
    const files = new Map<string, string>();
    for (const netlistPath of netlistPaths) {
      const one = await exportOne(netlistPath, target, flags, out);
      if (!one) return undefined;
      for (const [f, text] of one) files.set(f, text);
    }
    // The whole set at once: every netlist's files or none.
    if (!(await out.commit(outDir, files, outShown || "."))) return undefined;
    if (out.g.verbose) for (const f of files.keys()) out.note(`wrote ${join(outShown, f)}`);
    else out.note(`wrote ${files.size} file${files.size === 1 ? "" : "s"} to ${outShown || "."}`);
    return [...files.keys()];
  }

  /** The files of one netlist in the requested format; undefined after reporting a problem. */
  async function exportOne(
    netlistPath: string,
    target: string,
    flags: ExportFlags,
    out: CommandOutput,
  ): Promise<Map<string, string> | undefined> {
    const name = netlistPath.slice(netlistPath.lastIndexOf("/") + 1).replace(/\.netlist\.json$/, "");
    const dir = netlistPath.slice(0, netlistPath.lastIndexOf("/"));
    let files: Map<string, string>;
    if (flags.format === "phases") {
      const phasesPath = join(dir, `${name}.phases.json`);
      const read = await readInputText(phasesPath, MAX_INPUT_BYTES);
      if ("error" in read) {
        out.report([
          read.error === "ENOENT"
            ? diag(
                phasesPath,
                EXPORT.noPhaseTable,
                `no phase table ${name}.phases.json next to the netlist`,
                "the phase table is written by optinc compile / decompose; re-run it",
              )
            : unreadableDiagnostic(phasesPath, read, {
                code: EXPORT.unreadable,
                what: "phase table",
                hint: "the phase table is written by optinc compile / decompose; re-run it",
              }),
        ]);
        out.fail(EXIT.usage);
        return undefined;
      }
      const text = read.text;
      try {
        const table = parsePhaseTable(text, phasesPath);
        files = new Map([
          [`${name}.phases.json`, phaseTableToJson(table)],
          [`${name}.phases.csv`, phaseTableToCsv(table)],
        ]);
      } catch (e) {
        if (!(e instanceof PhaseTableError)) throw e;
        out.report([diag(phasesPath, EXPORT.badPhaseTable, e.reason, "fix or regenerate the phase table", e.line ?? 1, e.col ?? 1)], text);
        return undefined;
      }
    } else {
      const read = await readInputText(netlistPath, MAX_INPUT_BYTES);
      if ("error" in read) {
        out.report([
          read.utf8
            ? unreadableDiagnostic(netlistPath, read, { code: EXPORT.unreadable, what: "netlist", hint: "check the path" })
            : diag(target, EXPORT.unreadable, `cannot read '${netlistPath}': ${read.error}`, "check the path"),
        ]);
        out.fail(EXIT.usage);
        return undefined;
      }
      const text = read.text;
      try {
        const circuit = readNetlistJson(text, netlistPath);
        const spice = flags.lengthPhases
          ? {
              phases: "length" as const,
              length: {
                ...DEFAULT_LENGTH_ENCODING,
                neff: flags.neff ?? DEFAULT_LENGTH_ENCODING.neff,
                wavelength: flags.wavelength !== undefined ? flags.wavelength * 1e-9 : DEFAULT_LENGTH_ENCODING.wavelength,
              },
            }
          : {};
        // A closed-form cell's port map says what each port carries, which only its chip file knows.
        const port = flags.format === "ports" ? chipCellPortMap(out, dir, name, circuit.info) : { cell: undefined };
        if (!port) return undefined;
        files = emitCircuit(circuit, name, { spice, ports: { cell: port.cell } }, [flags.format]);
      } catch (e) {
        if (e instanceof NetlistReadError) {
          out.report([diag(netlistPath, EXPORT.badNetlist, `${e.code}: ${e.what}`, e.fix, e.line, e.column)], text);
          return undefined;
        }
        out.report([
          diag(
            netlistPath,
            EXPORT.inconsistent,
            `the netlist is inconsistent: ${(e as Error).message}`,
            "regenerate it with optinc compile",
          ),
        ]);
        return undefined;
      }
    }
    return files;
  }
};
