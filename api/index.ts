// optinc as a library: one function per command, each taking an options object (the command's
// flags, camelCase) and resolving to the result `optinc --json <command>` prints. A command that
// does not succeed rejects with an OptincError carrying the diagnostic code the CLI prints; no
// function exits the process or prints. Reference: docs/reference/api.md.
//
//   import { compile } from "optinc";
//   const { report } = await compile({ spec: "examples/paper-4x8.optinc", out: "out" });
import { runCommand } from "./run.ts";
import type * as L from "./lab-types.ts";
import type * as T from "./types.ts";

export { OptincError, type Diagnostic } from "./errors.ts";
export type * from "./types.ts";
export type * from "./lab-types.ts";

/** The package version (`optinc --version`). */
export const version = "0.1.0";

/** `optinc init [dir]`: write a commented starter spec that compiles as written. */
export const init = (options: T.InitOptions = {}): Promise<T.InitResult> => runCommand("init", options);

/** `optinc check <spec...>`: parse and check spec files; a spec with errors rejects (exit 1). */
export const check = (options: T.CheckOptions): Promise<T.CheckResult> => runCommand("check", options);

/** `optinc fmt <spec>`: the spec in canonical form (`write` rewrites it, `check` fails when it differs). */
export const fmt = (options: T.FmtOptions): Promise<T.FmtResult> => runCommand("fmt", options);

/** `optinc grammar`: railroad diagrams of the spec grammar as one HTML page. */
export const grammar = (options: T.GrammarOptions = {}): Promise<T.GrammarResult> => runCommand("grammar", options);

/** `optinc compile <spec>`: netlists, phase tables and a report, verified on the emitted files. */
export const compile = (options: T.CompileOptions): Promise<T.CompileResult> => runCommand("compile", options);

/** `optinc verify <target>`: re-simulate a compile's emitted files; below a threshold rejects (exit 1). */
export const verify = (options: T.VerifyOptions): Promise<T.VerifyResult> => runCommand("verify", options);

/** `optinc allreduce`: ring all-reduce executed and modelled, with or without the optical aggregator. */
export const allreduce = (options: T.AllreduceOptions = {}): Promise<T.AllreduceResult> => runCommand("allreduce", options);

/** `optinc decompose <matrix>`: a matrix as an MZI mesh (Clements or Reck). */
export const decompose = (options: T.DecomposeOptions): Promise<T.DecomposeResult> => runCommand("decompose", options);

/** `optinc export <dir>`: one netlist backend of a compiled circuit. */
export const exportCircuit = (options: T.ExportOptions): Promise<T.ExportResult> => runCommand("export", options);

/** `optinc die <dir>`: draw a synthetic die of a compiled circuit and write its measurement file. */
export const die = (options: L.DieOptions): Promise<L.DieResult> => runCommand("die", options);

/** `optinc protocol <dir>`: the next round of a lab calibration protocol. */
export const protocol = (options: L.ProtocolOptions): Promise<L.ProtocolResult> => runCommand("protocol", options);

/** `optinc measure <dir>`: a protocol's rounds read on a simulated lab bench. */
export const measure = (options: L.MeasureOptions): Promise<L.MeasureResult> => runCommand("measure", options);

/** `optinc calibrate <dir>`: re-program a compiled circuit for a measured die or from lab readings. */
export const calibrate = (options: L.CalibrateOptions): Promise<L.CalibrateResult> => runCommand("calibrate", options);

/** `optinc layout <dir>`: the chip's mask layout (GDSII), pad map and summary. */
export const layout = (options: T.LayoutOptions): Promise<T.LayoutResult> => runCommand("layout", options);
