// Shared by `optinc die` and `optinc calibrate`: find the compiled circuit in an output directory
// (or a netlist file), its phase table, and read a measurement file against it. Problems become
// diagnostics with a stable code and the exit code of an input error (2).
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Diagnostic } from "../dsl/diagnostics.ts";
import type { Die } from "../netlist/die/die.ts";
import { DieFileError } from "../fab/die-file-v1.ts";
import { readAnyDieFile } from "../fab/die-file.ts";
import { dieAtCodes, type FabDie } from "../netlist/die/heaters.ts";
import { nominalCodes, readDriveFile } from "../netlist/formats/drive-file.ts";
import type { PhaseTable, PortMapCell, SettingValue } from "../netlist/ir.ts";
import { cellPortMap } from "../pipeline/compile/cell-ports.ts";
import { ChipFileError } from "../aggregate/chip-file.ts";
import { circuitNamed, readInputOrReport } from "./input-file.ts";
import { parsePhaseTable, PhaseTableError } from "../netlist/formats/phase-table.ts";
import { loadCircuit, locateNetlists, readChipFile, VerifyInputError, type LoadedCircuit } from "../verify/circuit/load.ts";
import { EXIT, type CommandContext } from "./context.ts";
import type { CommandOutput } from "./output.ts";
import { DIE, FAB } from "../codes/catalogue.ts";

export function diag(file: string, code: string, message: string, hint: string, line = 1, column = 1): Diagnostic {
  return { code, severity: "error", message, hint, file, line, column };
}

/**
 * Declare a compile output directory (or a netlist file and the directory whose files beside it
 * are read) as the command's input: no output may land in it (cli/files/guard.ts).
 */
export function readsTarget(ctx: CommandContext, out: CommandOutput, target: string): void {
  let dir = true;
  try {
    dir = statSync(resolve(ctx.io.cwd, target)).isDirectory();
  } catch {
    // Missing: the loader reports it.
  }
  if (dir) out.reads(target, "compile directory", "dir");
  else {
    out.reads(target, "netlist");
    out.reads(dirname(target), "directory of the netlist", "dir");
  }
}

/** Largest die, drive or phase-table file read (paper-4x8's die files are 40 kB). */
export const MAX_DIE_BYTES = 64 * 1024 * 1024;

/** A file of the compiled directory that cannot be read or parsed: reported at its place, with its code. */
function reportInputError(out: CommandOutput, target: string, e: VerifyInputError, exit: number): undefined {
  const w = e.where ?? { file: target, line: 1, column: 1 };
  out.report([diag(w.file, e.code, e.message.split("\n")[0]!, e.hint, w.line, w.column)], e.text);
  out.fail(exit);
  return undefined;
}

/**
 * What the ports of cell design `name` carry, from the chip file its info names (`chip`), when that
 * file sits in `dir` (a compile output directory): for its `<name>.ports.json`. `cell` is undefined
 * for a circuit that is not a cell or whose chip file is absent. A chip file that cannot be read (a
 * FIFO, invalid UTF-8) or parsed is reported at its place (OPT4101 at its line:col) and gives
 * undefined; it used to escape as an internal error.
 */
export function chipCellPortMap(
  out: CommandOutput,
  dir: string,
  name: string,
  info: Record<string, SettingValue>,
): { cell: PortMapCell | undefined } | undefined {
  const chip = info.chip;
  if (info.cell === undefined || typeof chip !== "string" || chip !== basename(chip)) return { cell: undefined };
  const path = join(dir, chip);
  if (!existsSync(path)) return { cell: undefined };
  try {
    return { cell: cellPortMap(readChipFile(path), name) };
  } catch (e) {
    if (e instanceof ChipFileError) {
      out.report([e.diagnostic()]);
      out.fail(EXIT.failure);
      return undefined;
    }
    if (!(e instanceof VerifyInputError)) throw e;
    return reportInputError(out, path, e, e.exit);
  }
}

export interface Target {
  loaded: LoadedCircuit;
  /** Base name of the circuit's files: `<name>.netlist.json`. */
  name: string;
  table: PhaseTable | null;
  /** Where the phase table was read from (null when there is none). */
  tablePath: string | null;
  /** Position of the circuit among the directory's netlists (sorted): a closed-form design's index. */
  index: number;
}

const SUFFIX = ".netlist.json";

/**
 * The circuit at `target` (an output directory or a netlist file). A directory with several
 * netlists (a cascade) needs `circuitName` (the measured circuit) to choose one.
 */
export async function loadTarget(
  ctx: CommandContext,
  out: CommandOutput,
  target: string,
  circuitName?: string,
  cell?: string,
): Promise<Target | undefined> {
  const path = resolve(ctx.io.cwd, target);
  readsTarget(ctx, out, target);
  let files: string[];
  try {
    files = locateNetlists(path);
  } catch (e) {
    if (!(e instanceof VerifyInputError)) throw e;
    out.report([
      diag(
        target,
        DIE.noCircuit,
        e.message.split("\n")[0]!.replace(/^[^:]*: /, ""),
        "pass the output directory of optinc compile, or its <name>.netlist.json",
      ),
    ]);
    out.fail(EXIT.usage);
    return undefined;
  }
  let chosen: LoadedCircuit | undefined;
  try {
    const all = files.map(loadCircuit);
    const stem = (l: LoadedCircuit): string => basename(l.netlistPath).slice(0, -SUFFIX.length);
    if (cell !== undefined) chosen = all.find((l) => stem(l) === cell || stem(l).endsWith(`.${cell}`) || l.circuit.name === cell);
    else chosen = all.length === 1 ? all[0] : all.find((l) => l.circuit.name === circuitName);
    if (!chosen) {
      const names = all.map((l) => l.circuit.name).join(", ");
      const which = cell !== undefined ? `, none is cell "${cell}"` : circuitName ? `, none named "${circuitName}"` : "";
      out.report([
        diag(
          target,
          DIE.whichCircuit,
          `${target} holds ${all.length} circuits (${names})${which}`,
          cell !== undefined
            ? `name a cell design (${all.map(stem).join(", ")})`
            : `pass one netlist file: ${target}/<name>${SUFFIX}, or --cell <design>`,
        ),
      ]);
      out.fail(EXIT.usage);
      return undefined;
    }
  } catch (e) {
    if (!(e instanceof VerifyInputError)) throw e;
    // At the offending byte or token of the netlist or report (an invalid one is a usage error here).
    return reportInputError(out, target, e, EXIT.usage);
  }
  const name = basename(chosen.netlistPath).endsWith(SUFFIX)
    ? basename(chosen.netlistPath).slice(0, -SUFFIX.length)
    : basename(chosen.netlistPath).replace(/\.json$/, "");
  const tablePath = join(dirname(chosen.netlistPath), `${name}.phases.json`);
  let table: PhaseTable | null = null;
  if (existsSync(tablePath)) {
    const text = await readInputOrReport(ctx, out, tablePath, {
      maxBytes: MAX_DIE_BYTES,
      code: DIE.badPhaseTable,
      what: "phase table",
      hint: "regenerate the phase table with optinc compile",
    });
    if (text === undefined) return undefined;
    try {
      table = parsePhaseTable(text, tablePath);
    } catch (e) {
      if (!(e instanceof PhaseTableError)) throw e;
      out.report(
        [diag(tablePath, DIE.badPhaseTable, e.reason, "regenerate the phase table with optinc compile", e.line ?? 1, e.col ?? 1)],
        text,
      );
      out.fail(EXIT.usage);
      return undefined;
    }
  }
  return { loaded: chosen, name, table, tablePath: table ? tablePath : null, index: files.indexOf(chosen.netlistPath) };
}

/** Just the circuit name a measurement file claims, to pick the circuit of a cascade. */
export async function dieCircuitName(ctx: CommandContext, file: string): Promise<string | undefined> {
  return circuitNamed(ctx, file, MAX_DIE_BYTES);
}

/**
 * Read and check a measurement file for the circuit as the simulator's Die; diagnostics at
 * file:line:col, exit 2 on any problem. A fabricated die (optinc.die/2) is driven at the codes of
 * `<name>.drive.json` beside the netlist (what `calibrate` wrote for it), else at the nominal codes
 * of the programmed phases (an uncalibrated chip).
 */
export async function loadDie(ctx: CommandContext, out: CommandOutput, file: string, t: Target): Promise<Die | undefined> {
  const any = await loadAnyDie(ctx, out, file, t);
  if (!any) return undefined;
  if (any.version === 1) return any.die;
  const drivePath = t.loaded.netlistPath.replace(/\.netlist\.json$/, ".drive.json");
  if (!existsSync(drivePath)) return dieAtCodes(any.die, nominalCodes(t.loaded.circuit, any.die));
  const driveText = await readInputOrReport(ctx, out, drivePath, {
    maxBytes: MAX_DIE_BYTES,
    code: FAB.staleDrive,
    what: "drive file",
    hint: "calibrate the design for this die again (optinc calibrate --measured)",
  });
  if (driveText === undefined) return undefined;
  const r = readDriveFile(driveText, any.die);
  if ("error" in r) {
    out.report([
      diag(
        drivePath,
        FAB.staleDrive,
        r.syntax ? `the drive file is not readable: ${r.error}` : `the drive codes do not fit die "${any.die.id}": ${r.error}`,
        r.syntax
          ? "write it again with optinc calibrate --measured, or remove it (the die is then driven at its nominal codes)"
          : "calibrate the design for this die (optinc calibrate --measured) or remove the stale drive file",
        r.line,
        r.col,
      ),
    ]);
    out.fail(EXIT.usage);
    return undefined;
  }
  return dieAtCodes(any.die, r.codes);
}

/** Either die file version, checked against the circuit (diagnostics and exit 2 as loadDie). */
export async function loadAnyDie(
  ctx: CommandContext,
  out: CommandOutput,
  file: string,
  t: Target,
): Promise<{ version: 1; die: Die } | { version: 2; die: FabDie } | undefined> {
  const text = await readInputOrReport(ctx, out, file, {
    maxBytes: MAX_DIE_BYTES,
    code: DIE.unreadable,
    what: "measurement file",
    hint: "check the path of the measurement file (optinc die writes one)",
  });
  if (text === undefined) return undefined;
  try {
    return readAnyDieFile(text, file, t.loaded.circuit);
  } catch (e) {
    if (!(e instanceof DieFileError)) throw e;
    out.report(
      e.diagnostics.map((d) => diag(d.file, d.code, d.message, d.hint, d.line, d.column)),
      text,
    );
    out.fail(EXIT.usage);
    return undefined;
  }
}
