// A tiny closed-form compile (2 workers, 2 bits, PAM-4: cells add0 and divide0) and broken copies of
// it, for the hostile-input tests of the commands that read a compiled directory (layout, export).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../helpers/io.ts";

export interface Diagnostic {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** `optinc --json <command> …` in process: its exit code and diagnostics. */
export async function runJson(command: string, args: string[]): Promise<{ code: number; diagnostics: Diagnostic[]; err: string }> {
  const io = memoryIo();
  const code = await main(["--json", command, ...args], io);
  return { code, diagnostics: JSON.parse(io.out()).diagnostics, err: io.err() };
}

export const NETLIST = "cf.divide0.netlist.json";
export const PHASES = "cf.divide0.phases.json";

export interface CompiledVariants {
  /** A path under the scratch root. */
  at(...p: string[]): string;
  /** The compiled directory. */
  out: string;
  /** A copy of it with one file rewritten (or removed, when `edit` returns null). */
  variant(name: string, file: string, edit: (text: string) => string | null): string;
}

export async function compiledVariants(prefix: string): Promise<CompiledVariants> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const at = (...p: string[]): string => join(root, ...p);
  writeFileSync(at("cf.optinc"), "aggregator cf {\n  workers = 2\n  precision = 2 bits\n  levels = 4\n  route = closed-form\n}\n");
  const io = memoryIo();
  expect(await main(["compile", at("cf.optinc"), "-o", at("out")], io), io.err()).toBe(0);
  return {
    at,
    out: at("out"),
    variant(name, file, edit) {
      const dir = at(name);
      cpSync(at("out"), dir, { recursive: true });
      const text = edit(readFileSync(join(dir, file), "utf8"));
      if (text === null) rmSync(join(dir, file));
      else writeFileSync(join(dir, file), text);
      return dir;
    },
  };
}

/** divide0's netlist with a feedback loop: the second step row feeds the threshold stage back. */
export function withFeedbackLoop(text: string): string {
  const c = JSON.parse(text);
  const top = c.netlists[c.top].connections;
  // Whatever feeds the threshold stage's bias input (a replica row, or a bias source) is replaced by
  // a later stage's output.
  for (const [from, to] of Object.entries(top)) if (to === "threshold,in1") delete top[from];
  top["step_relu,out2"] = "threshold,in1";
  return JSON.stringify(c, null, 1);
}

/** A refused run: its exit code, and its diagnostic of `code` at `file` (and `line`), with `message`. */
export function expectRefused(
  r: { code: number; diagnostics: Diagnostic[]; err: string },
  c: { exit: number; code: string; file: string; message: RegExp; line?: number },
): Diagnostic {
  expect(r.code, r.err).toBe(c.exit);
  const d = r.diagnostics.find((x) => x.code === c.code);
  expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
  expect(d!.file).toBe(c.file);
  expect(d!.message).toMatch(c.message);
  if (c.line !== undefined) expect(d!.line).toBe(c.line);
  return d!;
}
