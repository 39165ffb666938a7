// Spec loading: dispatch on the file extension, parse, check. `loadSpec` is pure; `loadSpecFile` reads.
import { outsideSpans, type MalformedSpan } from "./malformed-number.ts";
import { checkSpec } from "./check.ts";
import { diagnosticAt, fileDiagnostic, hasErrors, positionAt, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { parseOptinc } from "./parse.ts";
import type { CheckedSpec } from "./spec.ts";
import { parseYamlSpec } from "./yaml.ts";
import { IO } from "../codes/catalogue.ts";

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
    return {
      diagnostics: [
        fileDiagnostic(file, IO.extension, `cannot tell the format of '${file}'`, { hint: "spec files end in .optinc, .yaml or .yml" }),
      ],
    };
  }
  const parsed = format === "optinc" ? parseOptinc(file, text) : parseYamlSpec(file, text);
  if (!parsed.ast) return { diagnostics: sortDiagnostics(parsed.diagnostics) };
  // Semantic problems are reported even when there were syntax errors (recovery kept the rest).
  const checked = checkSpec(file, parsed.ast);
  const spans = (parsed as { malformed?: MalformedSpan[] }).malformed ?? [];
  const semantic = outsideSpans(checked.diagnostics, spans);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...semantic]);
  return hasErrors(diagnostics) ? { diagnostics } : { checked: checked.checked, diagnostics };
}

/**
 * Offset of the first control character when the file looks binary (at least 1 % of its first
 * 8 KB are NUL or other C0 controls besides tab and line ends), else -1. A stray control byte in a
 * text spec is left to the lexer (OPT1001).
 */
function binaryAt(text: string): number {
  const n = Math.min(text.length, 8192);
  let controls = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) {
      controls++;
      if (first < 0) first = i;
    }
  }
  return controls >= 8 && controls * 100 >= n ? first : -1;
}

/**
 * Load a spec file's text (read by the caller through the one input reader: a regular file of
 * bounded size, strict UTF-8); diagnostics name the file `display` (the path as the user typed it).
 * A file full of control bytes is not a spec at all (IO.notText).
 */
export function loadSpecText(display: string, text: string): LoadResult & { text: string } {
  const binary = binaryAt(text);
  if (binary >= 0) {
    const { line, column } = positionAt(text, binary);
    return {
      diagnostics: [
        diagnosticAt({ file: display, line, column }, IO.notText, "this is not a text file (it is full of control bytes)", {
          hint: "pass a .optinc or .yaml spec written as text",
        }),
      ],
      text,
    };
  }
  return { ...loadSpec(display, text), text };
}
