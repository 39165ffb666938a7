// `optinc verify` for a closed-form aggregator (a compile output directory, or one cell netlist):
//  1. identity: the chip files and every cell's function agree with a chip planned afresh from the
//     spec in report.json (aggregate/digit-chip.ts), so a stray or edited file cannot pass;
//  2. every cell design exact over its whole input space, simulated from its emitted netlist, with
//     ideal parts and at the spec's MZI loss alone (the loss its biases are set for);
//  3. the aggregator end to end, from the chip files and netlists, against the golden average;
//  4. with non-idealities: Monte-Carlo chips, every physical cell copy its own die.
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { planCascade } from "../../aggregate/cascade.ts";
import { type ChipFile, inCascadeOrder } from "../../aggregate/chip-file.ts";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { chipOptionsFor } from "../../aggregate/chip-options.ts";
import type { Cell } from "../../aggregate/digit-chip.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { yieldInterval, yieldText } from "../tolerance/statistics.ts";
import type { Rounding } from "../../dsl/spec.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { isIdeal, type Technology } from "../../dsl/technology.ts";
import { readChipFile, readEmittedFile, type LoadedCircuit } from "../circuit/load.ts";
import { describeNonIdealities } from "../circuit/format.ts";
import { cellOf, verifyCellAtLosses, type CellCheck, type LossBandCheck } from "./cell-verify.ts";
import { composeCascade, composeChip, type ComposeResult } from "./chip-compose.ts";
import { chipYield } from "./chip-pool.ts";
import type { ChipTrials } from "./chip-yield.ts";

export interface ClosedFormVerifyOptions {
  nonIdealities: Partial<Technology>;
  trials: number;
  seed: number;
  minYield: number;
  maxCases: number;
  /** Threads for the Monte-Carlo chips (default: the core count; results do not depend on it). */
  jobs?: number | undefined;
}

export interface ClosedFormVerifyResult {
  target: string;
  spec: { workers: number; precision: number; levels: number; innerLevels: number; rounding: Rounding } | null;
  identity: string[];
  /** `atLoss`: the same cases at the spec's MZI loss alone (null when it is 0 or unknown). */
  cells: (CellCheck & { design: string; copies: number; atLoss: { mziLossDb: number; exact: number } | null; band: LossBandCheck })[];
  composed: ComposeResult[];
  trials: (ChipTrials & { nonIdealities: Partial<Technology>; seed: number }) | null;
  failures: string[];
  pass: boolean;
}

/** Whether the loaded circuits are closed-form cells. */
export function isClosedForm(loaded: LoadedCircuit[]): boolean {
  return loaded.length > 0 && loaded.every((l) => l.circuit.info.cell !== undefined);
}

interface SpecLike {
  name: string;
  workers: number;
  precision: number;
  levels: number;
  rounding: Rounding;
  radix: number | null;
  /** Base of the cells: `levels`, or the spec's narrower inner_levels (aggregate/narrow-base.ts). */
  innerLevels: number;
  /** The technology block's nominal MZI loss (dB), which the cells' biases are set for. */
  mziLossDb: number;
  /** The technology block's preset, which sets the chip's options (aggregate/chip-options.ts). */
  preset: string | undefined;
}

/** The flat chip a spec plans, with its technology's options. */
function flatChip(spec: SpecLike) {
  const fn = flatUnit(spec.workers, spec.precision, spec.innerLevels, spec.rounding);
  return planDigitChip(fn, chipOptionsFor(spec.preset, fn));
}

function specOf(reportPath: string | null): SpecLike | null {
  if (!reportPath) return null;
  const r = JSON.parse(readEmittedFile(reportPath)) as { spec?: Record<string, unknown> };
  const s = r.spec;
  if (!s) return null;
  const cascade = s.cascade as { radix?: number } | null;
  const technology = s.technology as { mziLossDb?: unknown; preset?: unknown } | undefined;
  const loss = Number(technology?.mziLossDb ?? 0);
  return {
    name: String(s.name),
    workers: Number(s.workers),
    precision: Number(s.precision),
    levels: Number(s.levels),
    rounding: s.rounding as Rounding,
    radix: cascade?.radix ?? null,
    innerLevels: typeof s.innerLevels === "number" ? s.innerLevels : Number(s.levels),
    mziLossDb: Number.isFinite(loss) && loss > 0 ? loss : 0,
    preset: typeof technology?.preset === "string" ? technology.preset : undefined,
  };
}

/** The same cell, up to the names of the cells it reads: ports (kind, weight, range), groups, bias and tables. */
function sameFunction(a: Cell, b: Cell): boolean {
  const key = (c: Cell): string =>
    JSON.stringify([c.ports.map((p) => [p.source.kind, p.weight, p.max]), c.groups, c.bias, c.vmax, c.outputs]);
  return key(a) === key(b);
}

export function verifyClosedForm(target: string, loaded: LoadedCircuit[], opts: ClosedFormVerifyOptions): ClosedFormVerifyResult {
  const failures: string[] = [];
  const identity: string[] = [];
  const byStem = new Map<string, Circuit>(loaded.map((l) => [basename(l.netlistPath).replace(/\.netlist\.json$/, ""), l.circuit]));
  const spec = specOf(loaded.find((l) => l.reportPath)?.reportPath ?? null);
  const dir = loaded.length ? dirname(loaded[0]!.netlistPath) : target;
  const chipFiles =
    loaded.length > 1 || existsSync(join(dir, `${spec?.name ?? ""}.chip.json`))
      ? inCascadeOrder(readdirSync(dir).filter((f) => f.endsWith(".chip.json")))
      : [];
  const chips: ChipFile[] = chipFiles.map((f) => readChipFile(join(dir, f)));
  // 1. Identity against a fresh plan.
  if (chips.length) {
    if (!spec) failures.push(`no report.json beside ${chipFiles[0]}: cannot check what the chip should compute`);
    else {
      const planned =
        spec.radix !== null && spec.workers > spec.radix
          ? planCascade(spec.workers, spec.radix, spec.precision, spec.innerLevels, spec.rounding).levels.map((l) => ({
              stem: `${spec.name}.L${l.level}`,
              chip: planDigitChip(l.fn, chipOptionsFor(spec.preset, l.fn)),
            }))
          : [
              {
                stem: spec.name,
                chip: flatChip(spec),
              },
            ];
      const link = spec.innerLevels === spec.levels ? undefined : spec.levels;
      for (const p of planned) {
        const f = chips.find((c) => c.name === p.stem);
        if (!f) {
          failures.push(`${p.stem}.chip.json is missing (the spec in report.json plans it)`);
          continue;
        }
        if (f.linkLevels !== link)
          failures.push(
            `${p.stem}.chip.json: linkLevels ${f.linkLevels ?? "absent"}, but report.json's spec has a PAM-${spec.levels} link and PAM-${spec.innerLevels} cells`,
          );
        if (
          f.chip.levels !== spec.innerLevels ||
          f.chip.cells.length !== p.chip.cells.length ||
          f.chip.cells.some((c, i) => !sameFunction(c, p.chip.cells[i]!))
        )
          failures.push(
            `${p.stem}.chip.json does not compute what report.json's spec asks (${spec.workers} workers × ${spec.precision} bits, PAM-${spec.levels}, ${spec.rounding})`,
          );
        f.chip.cells.forEach((c, i) => {
          const circuit = byStem.get(f.designs[i]!);
          if (!circuit) return void failures.push(`${f.name}: cell ${c.name} names design ${f.designs[i]}, which has no netlist here`);
          const fn = cellOf(circuit);
          const tables = fn.outputs.map((o) => o.table);
          if (
            JSON.stringify(tables) !== JSON.stringify(c.outputs.map((o) => o.table)) ||
            fn.bias !== c.bias ||
            JSON.stringify(fn.ports.map((q) => q.weight)) !== JSON.stringify(c.ports.map((q) => q.weight))
          )
            failures.push(`${f.designs[i]}.netlist.json does not realize cell ${c.name} of ${f.name}.chip.json`);
        });
        identity.push(`${p.stem}.chip.json: ${p.chip.cells.length} cells as planned from the spec`);
      }
    }
  }
  // 2. Every design over its whole input space, ideal parts and at the design loss.
  const loss = spec?.mziLossDb ?? 0;
  const cells = loaded.map((l) => {
    const f = cellOf(l.circuit);
    const { ideal: check, atLoss: lossy, band } = verifyCellAtLosses(l.circuit, loss);
    if (band.exact !== check.cases)
      failures.push(
        `cell ${basename(l.netlistPath)}: ${check.cases - band.exact} of ${check.cases} inputs decode wrongly at ${band.worstDb} dB per MZI, inside the ${band.fromDb}–${band.toDb} dB loss band its biases track`,
      );
    if (check.exact !== check.cases)
      failures.push(
        `cell ${basename(l.netlistPath)}: ${check.cases - check.exact} of ${check.cases} inputs decode wrongly with ideal parts`,
      );
    if (lossy && lossy.exact !== lossy.cases)
      failures.push(
        `cell ${basename(l.netlistPath)}: ${lossy.cases - lossy.exact} of ${lossy.cases} inputs decode wrongly at the ${loss} dB nominal MZI loss`,
      );
    return {
      ...check,
      design: basename(l.netlistPath).replace(/\.netlist\.json$/, ""),
      copies: f.instances,
      atLoss: lossy ? { mziLossDb: loss, exact: lossy.exact } : null,
      band,
    };
  });
  // 3. End to end (only on files that passed the identity check: others would not even connect).
  const composed: ComposeResult[] = [];
  if (chips.length && spec && failures.length === 0) {
    if (chips.length === 1) composed.push(composeChip(chips[0]!, byStem, { maxCases: opts.maxCases, seed: opts.seed }));
    else if (spec.radix !== null) {
      const plan = planCascade(spec.workers, spec.radix, spec.precision, spec.innerLevels, spec.rounding);
      composed.push(
        composeCascade(chips, byStem, plan, spec, { maxCases: Math.min(opts.maxCases, 200_000), seed: opts.seed, jobs: opts.jobs }),
      );
    }
    for (const c of composed)
      if (c.exact !== c.cases) failures.push(`end to end: ${c.cases - c.exact} of ${c.cases} cases differ from the golden average`);
  }
  // 4. Monte-Carlo chips.
  let trials: ClosedFormVerifyResult["trials"] = null;
  if (!isIdeal(opts.nonIdealities, { detector: "include" }) && opts.trials > 0) {
    const designs = loaded.map((l) => ({
      name: basename(l.netlistPath).replace(/\.netlist\.json$/, ""),
      circuit: l.circuit,
      cell: cellOf(l.circuit),
      copies: cellOf(l.circuit).instances,
    }));
    const y = chipYield({ designs, o: opts.nonIdealities, trials: opts.trials, seed: opts.seed }, { jobs: opts.jobs });
    trials = { ...y, nonIdealities: opts.nonIdealities, seed: opts.seed };
    if (y.yield < opts.minYield)
      failures.push(
        `yield ${(100 * y.yield).toFixed(1)}% (${y.passing}/${y.trials} chips with every cell copy exact, 95% CI ${yieldInterval(y.passing, y.trials)}) is below --min-yield ${(100 * opts.minYield).toFixed(1)}%`,
      );
  }
  return {
    target,
    spec: spec
      ? { workers: spec.workers, precision: spec.precision, levels: spec.levels, innerLevels: spec.innerLevels, rounding: spec.rounding }
      : null,
    identity,
    cells,
    composed,
    trials,
    failures,
    pass: failures.length === 0,
  };
}

const pct = (x: number, d = 2): string => `${(100 * x).toFixed(d)}%`;

/** The text report: by default a few lines (the verdict, what it rests on); `verbose`: every cell and setting. */
export function formatClosedForm(r: ClosedFormVerifyResult, rel: (p: string) => string, verbose = false): string {
  if (!verbose) return closedFormBrief(r, rel);
  const lines: string[] = [];
  const s = r.spec;
  lines.push(
    `verify ${rel(r.target)}: closed-form aggregator${s ? ` — ${s.workers} workers × ${s.precision} bits, PAM-${s.levels}${s.innerLevels !== s.levels ? ` (PAM-${s.innerLevels} cells inside)` : ""}, rounding ${s.rounding}` : ""}`,
  );
  for (const i of r.identity) lines.push(`  identity: ${i}`);
  for (const c of r.cells)
    lines.push(
      `  cell ${c.design} ×${c.copies}: exact ${c.exact}/${c.cases} ${c.raw ? "(every raw input)" : "(digit sums, two worker fills each)"} with ideal parts${c.atLoss ? `, ${c.atLoss.exact}/${c.cases} at the ${c.atLoss.mziLossDb} dB nominal MZI loss` : ""}, ${c.band.exact}/${c.cases} across ${c.band.fromDb}–${c.band.toDb} dB per MZI`,
    );
  for (const c of r.composed) lines.push(`  end to end: exact ${pct(c.exact / c.cases)} (${c.exact}/${c.cases}) — ${c.description}`);
  if (r.trials) {
    const t = r.trials;
    lines.push(
      `  ${t.trials} Monte-Carlo chips (seed ${t.seed}): ${describeNonIdealities(t.nonIdealities)}; every cell copy a die, raw detector thresholds`,
    );
    lines.push(
      `    yield ${pct(t.yield, 1)}, ${yieldText(t.passing, t.trials)}; per design: ${t.perDesign.map((d) => `${d.name} ${d.passing}/${t.trials}`).join(", ")}`,
    );
  }
  for (const f of r.failures) lines.push(`  FAIL: ${f}`);
  lines.push(r.pass ? "  PASS" : "  FAIL");
  return lines.join("\n") + "\n";
}

function closedFormBrief(r: ClosedFormVerifyResult, rel: (p: string) => string): string {
  const s = r.spec;
  const copies = r.cells.reduce((a, c) => a + c.copies, 0);
  const exact = r.cells.filter((c) => c.exact === c.cases && (c.atLoss?.exact ?? c.cases) === c.cases && c.band.exact === c.cases);
  const band = r.cells[0]?.band;
  const inputs = r.cells.every((c) => c.raw) ? "every raw input" : "every digit sum";
  const cells = `  exact: ${exact.length}/${r.cells.length}${s && s.innerLevels !== s.levels ? ` PAM-${s.innerLevels}` : ""} designs (${copies} copies) on ${inputs}${band ? ` at ${band.fromDb}–${band.toDb} dB/MZI` : ""}`;
  const ends = r.composed.map((c) => `end to end ${c.exact}/${c.cases}`).join("; ");
  // One line for what the verdict rests on, the cells on their whole input and the chip end to end;
  // two when one would pass the terminal summary's 100 characters (docs/reference/cli.md §1).
  const joined = ends ? `${cells}; ${ends}` : cells;
  const rests = [...joined].length <= 100 ? [joined] : [cells, `  ${ends}`];
  const lines = [
    `verify ${rel(r.target)}: ${s ? `${s.workers} workers × ${s.precision} bits, PAM-${s.levels}, rounding ${s.rounding}` : "closed-form aggregator"}`,
    ...rests,
    ...(r.trials
      ? [`  ${r.trials.trials} Monte-Carlo chips (seed ${r.trials.seed}): ${yieldText(r.trials.passing, r.trials.trials)}`]
      : []),
    ...r.failures.map((f) => `  FAIL: ${f}`),
    r.pass ? "  PASS" : "  FAIL (optinc verify --verbose shows every cell)",
  ];
  return lines.join("\n") + "\n";
}
