// The closed-form compile of a bundled example (examples/<name>.optinc, skipEvaluation, 2,000
// composed cases), shared by the test files that read its emitted files. An example left to
// route = auto is compiled as the structure the search chose for it, as docs/figures/examples.json
// records (tests/docs/examples-table.test.ts checks that record against the search). Test files of one worker
// share the module cache (vitest.config.ts: isolate false), so each example is compiled once per
// worker instead of once per file; tests that check the compile itself still run it. Treat the
// result as read-only: structuredClone it before editing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import type { CheckedSpec } from "../../dsl/spec.ts";
import { type ClosedFormResult, compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { candidateStructures, structureLabel } from "../../pipeline/compile/structure-search.ts";
import { specFor } from "../../pipeline/compile/candidate-price.ts";
import { type LayoutOutput, layoutCompiled } from "../../pipeline/layout/layout.ts";

const cache = new Map<string, ClosedFormResult>();

export function compiledExample(name: string): ClosedFormResult {
  let r = cache.get(name);
  if (!r) {
    r = compileClosedForm(exampleSpec(name), { skipEvaluation: true, maxComposeCases: 2000 });
    cache.set(name, r);
  }
  return r;
}

/**
 * Cascade radix of an example's trained form where it differs from the spec's: cluster-16's closed-form
 * cells use radix-2 units, whose four trained levels the estimate puts at over an hour; the trained
 * study (npm run bench -- compile) keeps its radix-4 units.
 */
export const TRAINED_RADIX: Record<string, number> = { "examples/cluster-16.optinc": 4 };

const variants = new Map<string, ClosedFormResult>();

/**
 * An example's text edited (`edit`) and compiled as compiledExample compiles: for tests of
 * mechanics that a design other than the shipped one shows (the quick start's flat PAM-4 cells:
 * `route = closed-form` in place of auto).
 */
export function compiledVariant(name: string, edit: (text: string) => string): ClosedFormResult {
  const text = edit(readFileSync(`examples/${name}.optinc`, "utf8"));
  let r = variants.get(text);
  if (!r) {
    r = compileClosedForm(loadSpec(`${name}-variant.optinc`, text).checked!, { skipEvaluation: true, maxComposeCases: 2000 });
    variants.set(text, r);
  }
  return r;
}

/** The quick start with flat PAM-4 cells: its spec with route = closed-form. */
export const flatPam4 = (text: string): string => text.replace(/^( *route *)= auto/m, "$1= closed-form");

/** An example without its binary cells inside: its spec with the inner_levels line removed. */
export const linkBase = (text: string): string => text.replace(/^ *inner_levels *=.*\n/m, "");

/**
 * The example's checked spec, as `optinc compile` builds it: route = auto becomes the closed-form
 * spec of the structure the search chose (docs/figures/examples.json, "built"). Compiled as it is
 * written, an auto spec builds flat cells: cluster-64's 64-port cells, which the chip check refuses,
 * and cluster-256's, which ran for most of an hour.
 */
export function exampleSpec(name: string): CheckedSpec {
  const file = `examples/${name}.optinc`;
  const checked = loadSpec(file, readFileSync(file, "utf8")).checked!;
  return checked.spec.route === "auto" ? chosenSpec(checked, recordedStructure(name), name) : checked;
}

/** The rows of docs/figures/examples.json: each example and what `optinc compile` built of it. */
export function recordedRows(): { example: string; built: string }[] {
  return JSON.parse(readFileSync("docs/figures/examples.json", "utf8")) as { example: string; built: string }[];
}

/** The structure docs/figures/examples.json records as built for an example ("radix-4 cascade"; "(chosen)" dropped). */
export function recordedStructure(name: string): string {
  return (recordedRows().find((r) => r.example === name)?.built ?? "").replace(/ \(chosen\)$/, "");
}

/** An auto spec as the closed-form spec of the structure `label` names ("radix-4 cascade"). */
export function chosenSpec(checked: CheckedSpec, label: string, name: string): CheckedSpec {
  const s = candidateStructures(checked.spec.workers, checked.spec.levels).find((c) => structureLabel(c) === label);
  if (!s) throw new Error(`examples/${name}: docs/figures/examples.json names no structure the search builds ("${label}")`);
  return { ...checked, spec: specFor(checked.spec, s) };
}

/** Write the example's netlists and chip files (what `optinc layout` reads) into a new directory `dir`. */
export function writeLayoutInputs(r: ClosedFormResult, dir: string): void {
  mkdirSync(dir);
  for (const [name, text] of r.files)
    if (name.endsWith(".netlist.json") || name.endsWith(".chip.json")) writeFileSync(join(dir, name), text);
}

const laid = new Map<string, LayoutOutput>();

/** LayoutOutput as JSON: Maps as entry lists, the GDS bytes as base64. */
const toJson = (l: LayoutOutput): string =>
  JSON.stringify({ ...l, gds: Buffer.from(l.gds).toString("base64"), padsByDesign: [...l.padsByDesign], drawn: [...l.drawn] });
function fromJson(text: string): LayoutOutput {
  const o = JSON.parse(text);
  if (o.failed) throw new Error(`the worker that drew it failed: ${o.failed}`);
  return { ...o, gds: new Uint8Array(Buffer.from(o.gds, "base64")), padsByDesign: new Map(o.padsByDesign), drawn: new Map(o.drawn) };
}

/** Whether a process runs (signal 0 tests it; EPERM: it runs under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The example's whole chip as `optinc layout` draws it (EBeam layer map), once per run: the worker
 * that asks first draws it and leaves it (as JSON) under the run's own directory
 * (tests/global-setup.ts), removed at the run's end; a worker that asks while it is being drawn
 * waits for it (never longer than drawing it itself would take), and fails at once if that worker
 * died without leaving a result. Read-only, as the compile. */
export function laidOutExample(name: string): LayoutOutput {
  let l = laid.get(name);
  if (!l) {
    const root = inject("hostileCompiles");
    const done = join(root, `laid-${name}.json`);
    const claim = join(root, `laid-${name}.claim`);
    let mine = false;
    try {
      writeFileSync(claim, String(process.pid), { flag: "wx" }); // atomic: one worker draws
      mine = true;
    } catch {
      while (!existsSync(done)) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        const drawer = Number(readFileSync(claim, "utf8")); // 0 while the claim's pid is being written
        if (drawer > 0 && !existsSync(done) && !alive(drawer))
          throw new Error(`the worker drawing ${name} (pid ${drawer}) died without a result`);
      }
    }
    if (mine) {
      let text: string;
      try {
        const dir = join(mkdtempSync(join(root, `laid-${name}-`)), "out");
        writeLayoutInputs(compiledExample(name), dir);
        l = layoutCompiled(dir, { pdk: "ebeam" });
        text = toJson(l);
      } catch (e) {
        text = JSON.stringify({ failed: String(e) }); // the waiting worker fails too, at once
        throw e;
      } finally {
        writeFileSync(`${done}.part`, text!);
        renameSync(`${done}.part`, done); // whole or absent
      }
    } else l = fromJson(readFileSync(done, "utf8"));
    laid.set(name, l);
  }
  return l;
}
