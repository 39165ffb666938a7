// Spec loading: dispatch on the file extension, parse, check. `loadSpec` is pure; `loadSpecFile` reads.
import { readFile } from "node:fs/promises";
import { checkSpec } from "./check.ts";
import { fileDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { parseOptinc } from "./parse.ts";
import type { CheckedSpec } from "./spec.ts";
import { parseYamlSpec } from "./yaml.ts";

export interface LoadResult {
  /** Present iff there are no errors. */
  checked?: CheckedSpec;
  diagnostics: Diagnostic[];
}

export type SpecFormat = "optinc" | "yaml";

export function specFormat(file: string): SpecFormat | undefined {
  const f = file.toLowerCase();
  if (f.endsWith(".optinc")) return "optinc";
  if (f.endsWith(".yaml") || f.endsWith(".yml")) return "yaml";
  return undefined;
}

export function loadSpec(file: string, text: string): LoadResult {
  const format = specFormat(file);
  if (!format) {
    return { diagnostics: [fileDiagnostic(file, "OPT0002", `cannot tell the format of '${file}'`, { hint: "spec files end in .optinc, .yaml or .yml" })] };
  }
  const parsed = format === "optinc" ? parseOptinc(file, text) : parseYamlSpec(file, text);
  if (!parsed.ast) return { diagnostics: sortDiagnostics(parsed.diagnostics) };
  // Semantic problems are reported even when there were syntax errors (recovery kept the rest).
  const checked = checkSpec(file, parsed.ast);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]);
  return hasErrors(diagnostics) ? { diagnostics } : { checked: checked.checked, diagnostics };
}

/** Read and load `path`; diagnostics name the file `display` (e.g. the path as the user typed it). */
export async function loadSpecFile(path: string, display = path): Promise<LoadResult & { text?: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (e as Error).message;
    return { diagnostics: [fileDiagnostic(display, "OPT0001", `cannot read '${display}': ${why}`)] };
  }
  return { ...loadSpec(display, text), text };
}
