// Shared helpers for DSL tests.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSpec } from "../../dsl/load.ts";
import type { Diagnostic } from "../../dsl/diagnostics.ts";

export const EXAMPLES_DIR = join(import.meta.dirname, "../../examples");

export function exampleFiles(ext?: string): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => /\.(optinc|ya?ml)$/.test(f) && (!ext || f.endsWith(ext)))
    .sort();
}

export function readExample(name: string): string {
  return readFileSync(join(EXAMPLES_DIR, name), "utf8");
}

/** Wrap settings in an aggregator block. */
export function spec(body: string, name = "t"): string {
  return `aggregator ${name} {\n${body}\n}\n`;
}

export function codes(text: string, file = "t.optinc"): string[] {
  return loadSpec(file, text).diagnostics.map((d) => d.code);
}

export function diag(text: string, code: string, file = "t.optinc"): Diagnostic {
  const d = loadSpec(file, text).diagnostics.find((x) => x.code === code);
  if (!d) throw new Error(`no ${code} in ${JSON.stringify(loadSpec(file, text).diagnostics)}`);
  return d;
}
