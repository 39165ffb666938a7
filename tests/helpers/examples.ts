// The closed-form compile of a bundled example (examples/<name>.optinc, skipEvaluation, 2,000
// composed cases), shared by the test files that read its emitted files. Test files of one worker
// share the module cache (vitest.config.ts: isolate false), so each example is compiled once per
// worker instead of once per file; tests that check the compile itself still run it. Treat the
// result as read-only: structuredClone it before editing.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { type ClosedFormResult, compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { type LayoutOutput, layoutCompiled } from "../../pipeline/layout/layout.ts";

const cache = new Map<string, ClosedFormResult>();

export function compiledExample(name: string): ClosedFormResult {
  let r = cache.get(name);
  if (!r) {
    const file = `examples/${name}.optinc`;
    r = compileClosedForm(loadSpec(file, readFileSync(file, "utf8")).checked!, { skipEvaluation: true, maxComposeCases: 2000 });
    cache.set(name, r);
  }
  return r;
}

/** Write the example's netlists and chip files (what `optinc layout` reads) into a new directory `dir`. */
export function writeLayoutInputs(r: ClosedFormResult, dir: string): void {
  mkdirSync(dir);
  for (const [name, text] of r.files)
    if (name.endsWith(".netlist.json") || name.endsWith(".chip.json")) writeFileSync(join(dir, name), text);
}

const laid = new Map<string, LayoutOutput>();

/** The example's whole chip as `optinc layout` draws it (EBeam layer map), once per worker like
 * `compiledExample`. Read-only, as the compile. */
export function laidOutExample(name: string): LayoutOutput {
  let l = laid.get(name);
  if (!l) {
    // drawn from files under the run's own directory (tests/global-setup.ts), removed at its end
    const dir = join(mkdtempSync(join(inject("hostileCompiles"), `laid-${name}-`)), "out");
    writeLayoutInputs(compiledExample(name), dir);
    l = layoutCompiled(dir, { pdk: "ebeam" });
    laid.set(name, l);
  }
  return l;
}
