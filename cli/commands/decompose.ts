// optinc decompose <matrix.json|matrix.csv>: a matrix → MZI mesh phase table (JSON + CSV).
// Unitary input gets a bare Clements/Reck mesh; anything else goes through the SVD stage.
import { basename, extname, join, relative, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Diagnostic } from "../../dsl/diagnostics.ts";
import { type CMat, frobenius, maxAbsDiff, scale, sub, unitarityError } from "../../math/cmat.ts";
import { MatrixInputError, parseMatrixText, type MatrixCode } from "../../math/matrix-io.ts";
import { DECOMPOSE } from "../../codes/catalogue.ts";
import { stageDepth } from "../../compiler/mesh/build.ts";
import { decomposeMatrix, decomposeUnitary, type MeshKind } from "../../compiler/mesh/decompose.ts";
import { quantizeStage } from "../../compiler/mesh/quantize.ts";
import { DAC_BITS } from "../../dsl/limits.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { PhaseStage } from "../../netlist/ir.ts";
import { buildPhaseTable, parsePhaseTable, phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { readInputOrReport } from "../input-file.ts";

interface DecomposeFlags {
  mesh: MeshKind;
  dacBits?: number;
  outDir?: string;
  unitary?: boolean;
  svd?: boolean;
  tol: number;
  maxError: number;
}

/** Largest matrix side decomposed (the SVD and nulling are O(n³); 256 takes seconds). */
export const MAX_MATRIX_SIDE = 256;
/** Largest matrix file read: 256×256 complex entries at full precision fit in about 3 MB. */
const MAX_MATRIX_BYTES = 4 * 1024 * 1024;

function parseBits(v: string): number {
  const x = Number(v);
  if (!/^\d+$/.test(v.trim()) || x < DAC_BITS.min || x > DAC_BITS.max)
    throw new InvalidArgumentError(`--dac-bits must be an integer in ${DAC_BITS.min}..${DAC_BITS.max}, got "${v}"`);
  return x;
}

function parseTol(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`--tol must be a positive number, got "${v}"`);
  return x;
}

function diag(file: string, code: MatrixCode, message: string, hint?: string, line = 1, column = 1, length = 1): Diagnostic {
  const d: Diagnostic = { code, severity: "error", message, file, line, column, length };
  if (hint) d.hint = hint;
  return d;
}

/** x·2^e in two steps, so that |e| up to ~2100 neither overflows nor underflows the factor. */
function pow2(x: number, e: number): number {
  const a = Math.trunc(e / 2);
  return x * 2 ** a * 2 ** (e - a);
}

/** max |entry| over real and imaginary parts. */
function maxAbs(w: CMat): number {
  let m = 0;
  for (let i = 0; i < w.re.length; i++) m = Math.max(m, Math.abs(w.re[i]!), Math.abs(w.im[i]!));
  return m;
}

const fmtE = (x: number): string => x.toExponential(2);

export const registerDecompose: RegisterCommand = (program: Command, ctx) => {
  program
    .command("decompose")
    .description("decompose a matrix into an MZI mesh and write its phase table (.phases.json, .phases.csv)")
    .argument("<matrix>", 'matrix file: .json ({"re": [[…]], "im": [[…]]} or [[…]]) or .csv (reals or a+bj entries)')
    .addOption(new Option("--mesh <kind>", "mesh topology").choices(["clements", "reck"]).default("clements"))
    .option("--dac-bits <B>", `quantize every phase to a B-bit DAC (${DAC_BITS.min}..${DAC_BITS.max}) and report the error`, parseBits)
    .option("-o, --out-dir <dir>", "directory for the phase table files (default: the current directory)")
    .option("--unitary", "require a unitary mesh: reject non-square or non-unitary input instead of using SVD")
    .addOption(
      new Option("--svd", "always use the SVD stage (U·Σ·V† with attenuators and a gain), even for unitary input").conflicts("unitary"),
    )
    .option("--tol <x>", "unitarity tolerance: max |U†U − I| accepted as unitary", parseTol, 1e-10)
    .option("--max-error <x>", "largest relative (Frobenius) error of the decomposition accepted as success", parseTol, 1e-9)
    .addHelpText(
      "after",
      `
Examples:
  $ optinc decompose haar8.json                     # writes haar8.phases.json and haar8.phases.csv
  $ optinc decompose weights.csv --mesh reck -o out # non-unitary → SVD stage with attenuators and gain
  $ optinc decompose u.json --dac-bits 10           # also quantize phases, report the error

Entries of any magnitude are rescaled by a power of two before the decomposition (the gain takes
the scale back); a result whose relative error exceeds --max-error is an error, never a success.
Matrices up to ${MAX_MATRIX_SIDE}×${MAX_MATRIX_SIDE}.

Exit codes: 0 ok, 1 bad matrix content, not unitary with --unitary, or not representable within
--max-error, 2 usage, unreadable file or unusable output directory.`,
    )
    .action(async (file: string, flags: DecomposeFlags) => {
      const out = new CommandOutput(ctx, "decompose");
      const result = await run(file, flags, out);
      out.finish(result ?? null);
    });

  async function run(file: string, flags: DecomposeFlags, out: CommandOutput): Promise<Record<string, unknown> | undefined> {
    const ext = extname(file).toLowerCase();
    if (ext !== ".json" && ext !== ".csv") {
      out.report([diag(file, DECOMPOSE.extension, `cannot tell the format of '${file}'`, "matrix files end in .json or .csv")]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const outDir = resolve(ctx.io.cwd, flags.outDir ?? ".");
    out.reads(file, "matrix file");
    if (!(await out.checkOutput("dir", outDir, flags.outDir ?? "."))) return undefined;
    const text = await readInputOrReport(ctx, out, file, {
      maxBytes: MAX_MATRIX_BYTES,
      code: DECOMPOSE.unreadable,
      what: "matrix file",
      hint: "check the path",
    });
    if (text === undefined) return undefined;
    let w: CMat;
    try {
      w = parseMatrixText(text, ext === ".json" ? "json" : "csv");
    } catch (e) {
      if (!(e instanceof MatrixInputError)) throw e;
      out.report([diag(file, e.code, e.message, e.hint, e.line, e.col, e.length)], text);
      return undefined;
    }
    if (w.rows > MAX_MATRIX_SIDE || w.cols > MAX_MATRIX_SIDE) {
      out.report([
        diag(
          file,
          DECOMPOSE.tooLarge,
          `the matrix is ${w.rows}×${w.cols}; optinc decompose handles at most ${MAX_MATRIX_SIDE}×${MAX_MATRIX_SIDE}`,
          "decompose it in blocks, or compile the network that uses it",
        ),
      ]);
      return undefined;
    }
    // Exact power-of-two rescaling: entries like 1e200 or 1e-320 would overflow or underflow in
    // the SVD (|w|² is computed); the scale goes back into the stage gain at the end.
    const peak = maxAbs(w);
    const exponent = peak > 0 ? -Math.round(Math.log2(peak)) : 0;
    const ws = exponent === 0 ? w : scale(scale(w, 2 ** Math.trunc(exponent / 2)), 2 ** (exponent - Math.trunc(exponent / 2)));
    const square = ws.rows === ws.cols;
    const uErr = square ? unitarityError(w) : Number.POSITIVE_INFINITY;
    const isUnitary = Number.isFinite(uErr) && uErr <= flags.tol;
    if (flags.unitary && !square) {
      out.report([
        diag(
          file,
          DECOMPOSE.notSquare,
          `a unitary mesh needs a square matrix, got ${w.rows}×${w.cols}`,
          "drop --unitary to realise it as an SVD stage (U·Σ·V† with attenuators), which handles any shape",
        ),
      ]);
      return undefined;
    }
    if (flags.unitary && !isUnitary) {
      out.report([
        diag(
          file,
          DECOMPOSE.notUnitary,
          `matrix is not unitary: max |U†U − I| = ${fmtE(uErr)} exceeds --tol ${flags.tol}`,
          "drop --unitary to use the SVD stage, or raise --tol if the entries were rounded",
        ),
      ]);
      return undefined;
    }
    const path = isUnitary && !flags.svd ? "unitary" : "svd";
    const name = basename(file, extname(file));
    // The decomposition of the rescaled matrix; `ideal` is the same stage with the true gain.
    const scaled: PhaseStage =
      path === "unitary"
        ? decomposeUnitary(w, { mesh: flags.mesh, name, unitaryTol: Math.max(flags.tol, 1e-9) })
        : decomposeMatrix(ws, { mesh: flags.mesh, name });
    const e = path === "unitary" ? 0 : exponent;
    const ideal: PhaseStage = { ...scaled, gain: pow2(scaled.gain, -e) };
    if (!Number.isFinite(ideal.gain) || (scaled.gain > 0 && ideal.gain === 0)) {
      out.report([
        diag(
          file,
          DECOMPOSE.overflow,
          `the matrix's largest singular value (${fmtE(scaled.gain)} × 2^${-e}) is not representable as a double`,
          "scale the matrix into the double range (about 1e-300 to 1e300) and apply the factor outside the mesh",
        ),
      ]);
      return undefined;
    }
    const q = flags.dacBits !== undefined ? quantizeStage(ideal, flags.dacBits) : undefined;
    const table = buildPhaseTable([q ? q.stage : ideal]);
    const json = phaseTableToJson(table);
    const csv = phaseTableToCsv(table);
    // Errors are measured on the emitted text, re-read, not on in-memory objects, in the rescaled
    // units (relative errors do not depend on the scale; absolute ones are scaled back).
    const reread = parsePhaseTable(json, `${name}.phases.json`).pipeline[0] as PhaseStage;
    const target = path === "unitary" ? w : ws;
    const emitted = stageMatrix({ ...reread, gain: pow2(reread.gain, e) });
    const idealM = stageMatrix(scaled);
    const scaleW = frobenius(target) || 1;
    const names = { json: `${name}.phases.json`, csv: `${name}.phases.csv` };
    const reconstruction = { maxAbsError: pow2(maxAbsDiff(idealM, target), -e), relativeError: frobenius(sub(idealM, target)) / scaleW };
    const emittedErr = { maxAbsError: pow2(maxAbsDiff(emitted, target), -e), relativeError: frobenius(sub(emitted, target)) / scaleW };
    // Never a success when the result is not the matrix: NaN fails every comparison, so test ≤.
    const bad = [
      ["reconstruction", reconstruction.relativeError],
      ...(q ? [] : [["emitted phase table", emittedErr.relativeError]]),
    ].filter(([, e]) => !((e as number) <= flags.maxError));
    if (bad.length) {
      out.report([
        diag(
          file,
          DECOMPOSE.inaccurate,
          `the decomposition is not accurate: relative error of the ${bad.map(([k, e]) => `${k as string} ${fmtE(e as number)}`).join(" and ")} exceeds --max-error ${flags.maxError}; nothing was written`,
          "check the matrix for entries of very different magnitudes, or raise --max-error if this accuracy is enough",
        ),
      ]);
      return undefined;
    }
    if (
      !(await out.commit(
        outDir,
        new Map([
          [names.json, json],
          [names.csv, csv],
        ]),
        flags.outDir ?? ".",
      ))
    )
      return undefined;
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
      reconstruction,
      emitted: emittedErr,
      quantization: q ? { bits: flags.dacBits, maxPhaseError: q.maxPhaseError, matrixError: q.matrixError } : null,
      files: [shown(names.json), shown(names.csv)],
    };
    const lines = [
      `${file}: ${w.rows}×${w.cols} ${path === "unitary" ? "unitary" : isUnitary ? "unitary (forced SVD)" : "matrix"} → ${path === "unitary" ? `${flags.mesh} mesh` : `SVD stage (${flags.mesh} meshes, gain ${ideal.gain.toPrecision(6)})`}`,
      `  MZIs ${mzis}${attenuators ? ` + ${attenuators} attenuators` : ""}, depth ${result.depth} columns, ${ideal.modes} modes`,
      `  reconstruction error: max|ΔW| ${fmtE(result.reconstruction.maxAbsError)}, relative (Frobenius) ${fmtE(result.reconstruction.relativeError)}`,
    ];
    if (q) {
      lines.push(
        `  quantization (${flags.dacBits} bits): max phase error ${q.maxPhaseError.toExponential(3)} rad, max|ΔW| ${fmtE(q.matrixError)}, emitted table vs target ${fmtE(result.emitted.maxAbsError)}`,
      );
    }
    lines.push(`  wrote ${result.files.join(", ")}`);
    out.summaryOut(`${lines.join("\n")}\n`);
    return result;
  }
};
