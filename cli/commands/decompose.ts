// optinc decompose <matrix.json|matrix.csv>: a matrix → MZI mesh phase table (JSON + CSV).
// Unitary input gets a bare Clements/Reck mesh; anything else goes through the SVD stage.
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { basename, extname, join, relative, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Diagnostic } from "../../dsl/diagnostics.ts";
import { type CMat, frobenius, maxAbsDiff, sub, unitarityError } from "../../math/cmat.ts";
import { MATRIX_CODES, MatrixInputError, parseMatrixText } from "../../math/matrix-io.ts";
import { stageDepth } from "../../compiler/mesh/build.ts";
import { decomposeMatrix, decomposeUnitary, type MeshKind } from "../../compiler/mesh/decompose.ts";
import { MAX_DAC_BITS, quantizeStage } from "../../compiler/mesh/quantize.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { PhaseStage } from "../../netlist/ir.ts";
import { buildPhaseTable, phaseTableJsonChunks } from "../../netlist/phase-table.ts";
import { phaseTableCsvChunks } from "../../netlist/phase-table-csv.ts";
import { readPhaseTableFile, writeChunks } from "../../netlist/phase-table-stream.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";

interface DecomposeFlags {
  mesh: MeshKind;
  dacBits?: number;
  outDir?: string;
  unitary?: boolean;
  svd?: boolean;
  tol: number;
}

function parseBits(v: string): number {
  const x = Number(v);
  if (!/^\d+$/.test(v.trim()) || x < 1 || x > MAX_DAC_BITS) throw new InvalidArgumentError(`--dac-bits must be an integer in 1..${MAX_DAC_BITS}, got "${v}"`);
  return x;
}

function parseTol(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`--tol must be a positive number, got "${v}"`);
  return x;
}

function diag(file: string, code: keyof typeof MATRIX_CODES, message: string, hint?: string, line = 1, column = 1, length = 1): Diagnostic {
  const d: Diagnostic = { code, severity: "error", message, file, line, column, length };
  if (hint) d.hint = hint;
  return d;
}

/**
 * Write files into dir atomically: a temp dir next to the targets, each file streamed from its
 * chunk generator (a 2000×2000 mesh is gigabytes of text, more than one string can hold), then
 * `check` on the written temp files, then one rename each. File-system errors are NodeJS errors.
 */
async function writeAtomically<T>(dir: string, files: Record<string, () => Iterable<string>>, check: (tmp: string) => T): Promise<T> {
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(join(dir, ".optinc-decompose-"));
  try {
    for (const [name, chunks] of Object.entries(files)) writeChunks(join(tmp, name), chunks());
    const r = check(tmp);
    for (const name of Object.keys(files)) await rename(join(tmp, name), join(dir, name));
    return r;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const fmtE = (x: number): string => x.toExponential(2);

export const registerDecompose: RegisterCommand = (program: Command, ctx) => {
  program
    .command("decompose")
    .description("decompose a matrix into an MZI mesh and write its phase table (.phases.json, .phases.csv)")
    .argument("<matrix>", "matrix file: .json ({\"re\": [[…]], \"im\": [[…]]} or [[…]]) or .csv (reals or a+bj entries)")
    .addOption(new Option("--mesh <kind>", "mesh topology").choices(["clements", "reck"]).default("clements"))
    .option("--dac-bits <B>", `quantize every phase to a B-bit DAC (1..${MAX_DAC_BITS}) and report the error`, parseBits)
    .option("-o, --out-dir <dir>", "directory for the phase table files (default: the current directory)")
    .option("--unitary", "require a unitary mesh: reject non-square or non-unitary input instead of using SVD")
    .addOption(new Option("--svd", "always use the SVD stage (U·Σ·V† with attenuators and a gain), even for unitary input").conflicts("unitary"))
    .option("--tol <x>", "unitarity tolerance: max |U†U − I| accepted as unitary", parseTol, 1e-10)
    .addHelpText(
      "after",
      `
Examples:
  $ optinc decompose haar8.json                     # writes haar8.phases.json and haar8.phases.csv
  $ optinc decompose weights.csv --mesh reck -o out # non-unitary → SVD stage with attenuators and gain
  $ optinc decompose u.json --dac-bits 10           # also quantize phases, report the error

Exit codes: 0 ok, 1 bad matrix content (or not unitary with --unitary), 2 usage or unreadable file.`,
    )
    .action(async (file: string, flags: DecomposeFlags) => {
      const out = new CommandOutput(ctx, "decompose");
      const result = await run(file, flags, out);
      out.finish(result ? { result } : {});
    });

  async function run(file: string, flags: DecomposeFlags, out: CommandOutput): Promise<Record<string, unknown> | undefined> {
    const ext = extname(file).toLowerCase();
    if (ext !== ".json" && ext !== ".csv") {
      out.report([diag(file, "OPT3002", `cannot tell the format of '${file}'`, "matrix files end in .json or .csv")]);
      out.fail(EXIT.usage);
      return undefined;
    }
    let text: string;
    try {
      text = await readFile(resolve(ctx.io.cwd, file), "utf8");
    } catch (e) {
      out.report([diag(file, "OPT3001", `cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "check the path")]);
      out.fail(EXIT.usage);
      return undefined;
    }
    let w: CMat;
    try {
      w = parseMatrixText(text, ext === ".json" ? "json" : "csv");
    } catch (e) {
      if (!(e instanceof MatrixInputError)) throw e;
      out.report([diag(file, e.code, e.message, e.hint, e.line, e.col, e.length)], text);
      return undefined;
    }
    const square = w.rows === w.cols;
    const uErr = square ? unitarityError(w) : Number.POSITIVE_INFINITY;
    const isUnitary = uErr <= flags.tol;
    if (flags.unitary && !square) {
      out.report([diag(file, "OPT3006", `a unitary mesh needs a square matrix, got ${w.rows}×${w.cols}`, "drop --unitary to realise it as an SVD stage (U·Σ·V† with attenuators), which handles any shape")]);
      return undefined;
    }
    if (flags.unitary && !isUnitary) {
      out.report([diag(file, "OPT3007", `matrix is not unitary: max |U†U − I| = ${fmtE(uErr)} exceeds --tol ${flags.tol}`, "drop --unitary to use the SVD stage, or raise --tol if the entries were rounded")]);
      return undefined;
    }
    const path = isUnitary && !flags.svd ? "unitary" : "svd";
    const name = basename(file, extname(file));
    const ideal: PhaseStage = path === "unitary" ? decomposeUnitary(w, { mesh: flags.mesh, name, unitaryTol: Math.max(flags.tol, 1e-9) }) : decomposeMatrix(w, { mesh: flags.mesh, name });
    const q = flags.dacBits !== undefined ? quantizeStage(ideal, flags.dacBits) : undefined;
    const table = buildPhaseTable([q ? q.stage : ideal]);
    const idealM = stageMatrix(ideal);
    const scaleW = frobenius(w) || 1;
    const outDir = resolve(ctx.io.cwd, flags.outDir ?? ".");
    const names = { json: `${name}.phases.json`, csv: `${name}.phases.csv` };
    let emitted: CMat;
    try {
      // Errors are measured on the emitted file, read back, not on in-memory objects.
      emitted = await writeAtomically(
        outDir,
        { [names.json]: () => phaseTableJsonChunks(table), [names.csv]: () => phaseTableCsvChunks(table) },
        (tmp) => stageMatrix(readPhaseTableFile(join(tmp, names.json), `${name}.phases.json`).pipeline[0] as PhaseStage),
      );
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (typeof err.code !== "string" || !err.syscall) throw e;
      out.report([diag(file, "OPT3009", `cannot write ${names.json} and ${names.csv} to '${flags.outDir ?? "."}': ${err.code ?? err.message}`, "pass a writable directory with -o")]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const shown = (n: string): string => relative(ctx.io.cwd, join(outDir, n)) || n;
    const mzis = ideal.elements.filter((e) => e.kind === "mzi").length;
    const attenuators = ideal.elements.filter((e) => e.kind === "attenuator").length;
    const result = {
      input: file,
      shape: [w.rows, w.cols],
      path,
      mesh: flags.mesh,
      modes: ideal.modes,
      mzis,
      attenuators,
      depth: stageDepth(ideal.elements),
      gain: ideal.gain,
      unitarityError: Number.isFinite(uErr) ? uErr : null,
      reconstruction: { maxAbsError: maxAbsDiff(idealM, w), relativeError: frobenius(sub(idealM, w)) / scaleW },
      emitted: { maxAbsError: maxAbsDiff(emitted, w), relativeError: frobenius(sub(emitted, w)) / scaleW },
      quantization: q ? { bits: flags.dacBits, maxPhaseError: q.maxPhaseError, matrixError: q.matrixError } : null,
      files: [shown(names.json), shown(names.csv)],
    };
    const lines = [
      `${file}: ${w.rows}×${w.cols} ${path === "unitary" ? "unitary" : isUnitary ? "unitary (forced SVD)" : "matrix"} → ${path === "unitary" ? `${flags.mesh} mesh` : `SVD stage (${flags.mesh} meshes, gain ${ideal.gain.toPrecision(6)})`}`,
      `  MZIs ${mzis}${attenuators ? ` + ${attenuators} attenuators` : ""}, depth ${result.depth} columns, ${ideal.modes} modes`,
      `  reconstruction error: max|ΔW| ${fmtE(result.reconstruction.maxAbsError)}, relative (Frobenius) ${fmtE(result.reconstruction.relativeError)}`,
    ];
    if (q) {
      lines.push(`  quantization (${flags.dacBits} bits): max phase error ${q.maxPhaseError.toExponential(3)} rad, max|ΔW| ${fmtE(q.matrixError)}, emitted table vs target ${fmtE(result.emitted.maxAbsError)}`);
    }
    lines.push(`  wrote ${result.files.join(", ")}`);
    out.print(`${lines.join("\n")}\n`);
    return result;
  }
};
