// route = auto: the structures the compiler can build for a spec, each costed on its emitted cell
// circuits and tried against the technology block's yield target by a Monte-Carlo of whole chips
// (verify/cells/staged-yield.ts); the cheapest that meets the target is built. Like a synthesis
// tool with a timing constraint: meet the target, or say which structure came closest and what
// technology it would need (docs/design/structures.md).
import type { CheckedSpec, Spec } from "../../dsl/spec.ts";
import { isIdeal, technologyOf } from "../../dsl/technology.ts";
import { narrowerBases } from "../../aggregate/narrow-base.ts";
import { chipDesigns, closedFormStructure, type BuiltStructure } from "./closed-form.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { toleranceOfCellChip } from "./evaluate.ts";
import type { DecisionBound, Structure, StructureCost, StructureRow, StructureSearch } from "../types.ts";
import type { ChipTrials } from "../../verify/cells/chip-yield.ts";
import { stagedChipPasses } from "../../verify/cells/staged-yield.ts";
import { verifyCellAtLosses } from "../../verify/cells/cell-verify.ts";
import { checkTarget, percent as pct, STATED_CONFIDENCE, toleranceConfidence, yieldText } from "../../verify/tolerance/statistics.ts";
import { clopperPearson } from "../../math/binomial.ts";
import { jointTechnology } from "../../verify/tolerance/technology.ts";
import { decisionBound } from "./decision-bound.ts";
import { specFor } from "./candidate-price.ts";
import { priceCandidates } from "../pools/candidate-pool.ts";
import { leastText, searchOrder } from "./search-order.ts";
import { tapText } from "./structure-table.ts";
import { pastTheWall } from "./shape-bound.ts";

/** Largest cascade radix tried: wider units only approach the flat unit. */
export const MAX_CASCADE_RADIX = 8;
/**
 * First-stage chips of a candidate: a failing candidate is stated as k of these; one with all
 * exact goes on to the chips that can show the target (299 at 99 %/95 %).
 */
export const SEARCH_FIRST_STAGE = 30;
/** Dies of the technology-scale tolerance (--explain, and the refused design's "would need"). */
export const SEARCH_TOLERANCE_DIES = 20;
/**
 * Cell cases per Monte-Carlo chip (StructureCost.checkCases) above which the search tries a
 * structure only after every structure within it: about 0.25 s of one thread per chip, so the 299
 * chips of a 99 %/95 % claim take under a minute on two cores. A costlier check is a compile-time
 * trade, not an accuracy one: 64 × 8 × PAM-4's radix-6 cascade simulates 1,057,176 cases per chip,
 * its radix-4 cascade 2.5 % more MZIs and 76,936 (docs/design/structures.md §1).
 */
export const SEARCH_CHECK_BUDGET = 300_000;

/**
 * Candidates of at most this many MZIs keep the cells the search built them with; larger ones are
 * built again when tried. 33 × 16 bit × PAM-16 holding all of its 24 (10,000–37,000 MZIs each) took
 * 138 s and a 2.0 GB peak against 54 s and 0.9 GB; a small spec's search builds its tried candidate
 * once (docs/design/performance.md §5).
 */
export const SEARCH_HOLD_MZIS = 5000;

export interface SearchOutcome {
  search: StructureSearch;
  /** The chosen structure's spec (route = closed-form, its cascade) and its chips, for the compile. */
  chosen: { spec: Spec; trials: ChipTrials | null; netlists: Map<string, string> } | null;
}

/**
 * Flat cells and cascades of radix 2 … min(N − 1, MAX_CASCADE_RADIX), in the link's base and, for a
 * PAM-8 or PAM-16 link, in each narrower base inside (aggregate/narrow-base.ts).
 */
export function candidateStructures(workers: number, levels = 4): Structure[] {
  const out: Structure[] = [];
  for (const inner of [levels, ...narrowerBases(levels)]) {
    const at = inner === levels ? {} : { innerLevels: inner };
    out.push({ kind: "flat", ...at });
    for (let r = 2; r <= Math.min(workers - 1, MAX_CASCADE_RADIX); r++) out.push({ kind: "cascade", radix: r, ...at });
  }
  return out;
}

export function structureLabel(s: Structure): string {
  const shape = s.kind === "flat" ? "flat cells" : `radix-${s.radix} cascade`;
  return s.innerLevels === undefined ? shape : `${shape}, PAM-${s.innerLevels} inside`;
}

interface Candidate {
  structure: Structure;
  spec: Spec;
  /**
   * The structure's cells: held when small (SEARCH_HOLD_MZIS), else built again when it is tried.
   * A search holds two dozen candidates, and keeping every large one's cells alive costs more in
   * garbage collection than building the few it tries twice (closedFormStructure is a pure
   * function of the spec).
   */
  built: () => BuiltStructure;
  cost: StructureCost;
  trials: ChipTrials | null;
  light: StructureRow["light"];
}

export interface SearchOptions {
  seed: number;
  /** Try every candidate and compute every row's tolerance (optinc compile --explain). */
  explain?: boolean;
  /** Structures the compile found not exact on their emitted files (label → why): never chosen. */
  exclude?: Map<string, string>;
  /** Threads for pricing candidates and for the Monte-Carlo chips (default: the core count; results do not depend on it). */
  jobs?: number | undefined;
  /** Cell cases per chip above which a structure is tried last (default SEARCH_CHECK_BUDGET). */
  checkBudget?: number | undefined;
}

/** The chosen row's light in the search's reason: closed (and its tap), or that no structure closes it. */
function lightReason(r: StructureRow, rows: StructureRow[]): string {
  if (!r.light) return "";
  if (r.light.closes) return `that closes its light budget (${tapText(r.light.tapMw!)} per modulator) and `;
  return rows.some((x) => x.light?.closes) ? "" : "; none closes its light budget";
}

export function searchStructures(checked: CheckedSpec, o: SearchOptions): SearchOutcome {
  const spec = checked.spec;
  const tech = technologyOf(spec.technology);
  const ideal = isIdeal(tech, { detector: "include" });
  // "spec" when the block overrides its preset, as the tolerance section names it.
  const techName = ideal ? spec.technology.preset : jointTechnology(spec.technology, spec.technology.preset).name;
  // The technology's decision bound for each cell base, measured when first needed (explain: all).
  const bounds = new Map<number, DecisionBound>();
  const boundOf = (L: number): DecisionBound => {
    if (!bounds.has(L)) bounds.set(L, decisionBound(tech, L, o.seed, !!o.explain));
    return bounds.get(L)!;
  };
  const { structures, unbuilt } = ideal
    ? { structures: candidateStructures(spec.workers, spec.levels), unbuilt: [] }
    : pastTheWall(candidateStructures(spec.workers, spec.levels), spec, boundOf, structureLabel);
  // Candidates are built and priced on the pool's threads; the calling thread holds the small ones
  // it built (a large one, or one priced elsewhere, is built again when tried).
  const held = new Map<number, BuiltStructure>();
  const prices = priceCandidates(spec, structures, {
    jobs: o.jobs,
    keep: (i, built, price) => {
      if (price.cost.mzi <= SEARCH_HOLD_MZIS) held.set(i, built);
    },
  });
  const candidates: Candidate[] = structures
    .map((structure, i) => {
      const s = specFor(spec, structure);
      let kept: BuiltStructure | null = held.get(i) ?? null;
      const { cost, light } = prices[i]!;
      return { structure, spec: s, built: () => (kept ??= closedFormStructure(s)), cost, trials: null, light };
    })
    // Under a light budget the structures that close it come first, each group in the order of
    // what the spec minimizes.
    .sort(searchOrder(spec.optimize));
  const budget = o.checkBudget ?? SEARCH_CHECK_BUDGET;
  const over = (c: Candidate): boolean => !ideal && c.cost.checkCases > budget;
  // A candidate that decides at or past its base's wall (where every die of the probe cell fails)
  // is tried after every other; each base's bound is measured when a candidate of it is first reached.
  const baseOf = (c: Candidate): number => c.structure.innerLevels ?? spec.levels;
  if (o.explain && !ideal) for (const L of new Set(candidates.map(baseOf))) boundOf(L);
  const beyond = (c: Candidate): boolean => {
    if (ideal) return false;
    const wall = boundOf(baseOf(c)).wall;
    return wall !== null && c.cost.widestDecision.theta >= wall;
  };
  const deferred = new Set<number>();
  const rows: StructureRow[] = candidates.map((c) => ({
    structure: c.structure,
    label: structureLabel(c.structure),
    cost: c.cost,
    yield: null,
    tolerance: null,
    light: c.light,
    note: "",
  }));
  // Within the check budget first, each group in cost order: the chosen is the cheapest within it
  // that meets the target, or, when none does, the cheapest beyond it.
  let chosen: number | null = null;
  // Past the wall matters only until a structure is chosen (a plain search tries nothing after).
  const order = tryOrder(
    candidates.length,
    (i) => over(candidates[i]!),
    (i) => (chosen === null || !!o.explain) && beyond(candidates[i]!) && !!deferred.add(i),
  );
  for (const i of order) {
    const c = candidates[i]!;
    const row = rows[i]!;
    const tried = ideal ? chosen === null : chosen === null || o.explain;
    // Exactness over every input at every loss of the band costs more than a failing first stage
    // of chips (25 s against 1 s for 64 workers' flat PAM-8 cells): a plain search checks it only
    // on a candidate whose chips meet the target; --explain and an ideal technology check first.
    const checkFirst = ideal || o.explain;
    const excluded = o.exclude?.get(row.label) ?? (tried && checkFirst ? inexactCandidate(c, spec.technology.mziLossDb) : null);
    if (excluded) {
      row.note = `not built: ${excluded}`;
      continue;
    }
    if (ideal) {
      row.note = chosen === null ? "cheapest; the technology is ideal, so every chip is its verified netlist" : "costlier than the chosen";
      chosen ??= i;
      continue;
    }
    if (chosen !== null && !o.explain) {
      row.note =
        deferred.has(i) && i < chosen
          ? beyondWallNote(c, bounds.get(baseOf(c))!)
          : over(c) && i < chosen
            ? overBudgetNote(c, budget)
            : "not tried: costlier than the chosen";
      continue;
    }
    const built = c.built();
    built.emitted(); // the chips are drawn on the read-back netlists
    const designs = chipDesigns(built.steps);
    const run = stagedChipPasses({ designs, o: tech, target: spec.target, seed: o.seed, firstStage: SEARCH_FIRST_STAGE }, { jobs: o.jobs });
    c.trials = run.all;
    const ci = clopperPearson(run.passing, run.trials, STATED_CONFIDENCE);
    const verdict = checkTarget(run.passing, run.trials, spec.target).verdict;
    row.yield = { passing: run.passing, trials: run.trials, lower: ci.lower, upper: ci.upper, verdict };
    const inexact = !checkFirst && verdict === "met" ? inexactCandidate(c, spec.technology.mziLossDb) : null;
    if (inexact) {
      row.note = `not built: ${inexact}`;
      row.yield = null;
      continue;
    }
    if (o.explain) row.tolerance = scaleTolerance(c, spec, o.seed);
    if (verdict === "met" && chosen === null) {
      chosen = i;
      row.note = `chosen: ${leastText(spec.optimize, row).note} that meets the target`;
    } else if (verdict === "met" && (deferred.has(i) || over(c)) && i < chosen!)
      row.note = `meets the target; ${(deferred.has(i) ? beyondWallNote(c, bounds.get(baseOf(c))!) : overBudgetNote(c, budget)).replace(/^not tried: /, "")}`;
    else
      row.note =
        verdict === "met"
          ? "meets the target, costlier than the chosen"
          : `${verdict === "missed" ? "misses" : "does not show"} the target`;
  }
  const target = `${pct(spec.target.yield)} yield at ${pct(spec.target.confidence)} confidence`;
  // A refusal names what failed: a plain search has not checked its failing candidates' cells,
  // so it does now (a cell that is not exact with ideal parts is a bug, and the refusal says so).
  if (chosen === null && !ideal && !o.explain)
    rows.forEach((r, i) => {
      if (!r.yield) return;
      const inexact = inexactCandidate(candidates[i]!, spec.technology.mziLossDb);
      if (inexact) [r.note, r.yield] = [`not built: ${inexact}`, null];
    });
  let reason: string;
  if (chosen !== null) {
    const r = rows[chosen]!;
    const least = leastText(spec.optimize, r);
    const skipped = ideal ? "" : skippedText(rows, chosen, candidates.map(over));
    const past = ideal ? "" : pastWallText(rows, chosen, deferred);
    if (skipped) r.note = `chosen: ${least.note} within the check budget that meets the target`;
    reason = ideal
      ? `${r.label}: ${least.reason}; the technology is ideal`
      : `${r.label}: ${least.reason} ${skipped ? "within the check budget " : ""}${r.light?.closes ? lightReason(r, rows) : ""}that shows ${target} at ${techName}: ${yieldText(r.yield!.passing, r.yield!.trials)}${skipped}${past}${r.light?.closes ? "" : lightReason(r, rows)}`;
  } else if (rows.every((r) => !r.yield)) {
    reason = `no structure is exact on its emitted cells (${rows[0]!.label}: ${rows[0]!.note.replace(/^not built: /, "")})`;
  } else {
    // Among the rows with the best yield, the technology each would need tells them apart.
    const top = Math.max(...rows.map(yieldKey));
    rows.forEach((r, i) => {
      if (yieldKey(r) === top) r.tolerance ??= scaleTolerance(candidates[i]!, spec, o.seed);
    });
    const r = rows[bestRow(rows)]!;
    reason = `no structure shows ${target} at ${techName}; the best, ${r.label}, has ${yieldText(r.yield!.passing, r.yield!.trials)}`;
  }
  const search: StructureSearch = {
    requested: "auto",
    optimize: spec.optimize,
    technology: techName,
    target: spec.target,
    // A refusal prints every bound it measured with what limits it.
    decisionBounds: [...bounds.keys()]
      .sort((a, b) => b - a)
      .map((L) => (chosen === null ? decisionBound(tech, L, o.seed) : bounds.get(L)!)),
    rows,
    unbuilt,
    chosen,
    reason,
  };
  const c = chosen === null ? null : candidates[chosen]!;
  return {
    search,
    chosen: c && {
      spec: c.spec,
      trials: c.trials,
      netlists: new Map([...c.built().emitted()].filter(([f]) => f.endsWith(".netlist.json"))),
    },
  };
}

function overBudgetNote(c: Candidate, budget: number): string {
  return `not tried: each chip simulates ${c.cost.checkCases.toLocaleString("en-US")} cell cases, over the search's check budget of ${budget.toLocaleString("en-US")} (--check-budget)`;
}

/**
 * The order candidates (in cost order) are tried in: those within the check budget and short of
 * the technology's decision wall first, then those over the budget, then those deciding at or past
 * the wall; cost order within each group. Lazy: `beyond` is asked only as a candidate is reached.
 */
export function* tryOrder(n: number, over: (i: number) => boolean, beyond: (i: number) => boolean): Generator<number> {
  const later: number[] = [];
  for (const group of [false, true])
    for (let i = 0; i < n; i++) {
      if (over(i) !== group) continue;
      if (beyond(i)) later.push(i);
      else yield i;
    }
  yield* later;
}

function beyondWallNote(c: Candidate, b: DecisionBound): string {
  const w = c.cost.widestDecision;
  return `not tried: its widest decision, θ = ${w.theta} in ${w.cell}, is at or past θ = ${b.wall}, where every one of the ${b.ladder.at(-1)!.dies} dies of the technology's PAM-${b.levels} probe cell fails`;
}

/** The cheaper structures passed over because they decide past the technology's wall, for the search's reason. */
function pastWallText(rows: StructureRow[], chosen: number, deferred: Set<number>): string {
  const past = rows.slice(0, chosen).filter((r, i) => deferred.has(i) && r.note.startsWith("not tried"));
  if (past.length === 0) return "";
  return `; cheaper but deciding past the technology's wall (not tried): ${past.map((r) => `${r.label} (θ = ${r.cost.widestDecision.theta})`).join(", ")}`;
}

/** The cheaper structures the budget passed over, for the search's reason: what --check-budget would try. */
function skippedText(rows: StructureRow[], chosen: number, over: boolean[]): string {
  const skipped = rows
    .slice(0, chosen)
    .filter((r, i) => over[i] && !r.note.startsWith("not built") && !/misses|does not show/.test(r.note));
  if (skipped.length === 0) return "";
  const most = Math.max(...skipped.map((r) => r.cost.checkCases));
  const names = skipped
    .map((r) => `${r.label} (${r.cost.mzi} MZIs, ${r.cost.checkCases.toLocaleString("en-US")} cell cases per chip)`)
    .join(", ");
  return `; cheaper but over the search's check budget: ${names}; --check-budget ${most} tries ${skipped.length > 1 ? "them" : "it"}`;
}

/**
 * Why a candidate is not exact, or null: its cells as emitted (netlist.json) and read back, what
 * the files hold. (Checking them as built first only repeated the work: a built cell that fails
 * fails the same way in its files.)
 */
function inexactCandidate(c: Candidate, mziLossDb: number): string | null {
  const built = c.built();
  built.emitted();
  return inexactCell(
    built.steps.map((s) => s.circuits!),
    mziLossDb,
  );
}

/**
 * Why a set of cell circuits is not exact, or null: each cell over all its inputs with ideal
 * parts and at the MZI loss its biases are set for (what the compile's verify pass checks).
 */
function inexactCell(cells: Map<string, Circuit>[], mziLossDb: number): string | null {
  for (const m of cells)
    for (const [name, circuit] of m) {
      const { ideal, atLoss, band } = verifyCellAtLosses(circuit, mziLossDb);
      if (ideal.exact < ideal.cases) return `not exact: ${name} decodes ${ideal.exact}/${ideal.cases} inputs with ideal parts`;
      if (atLoss && atLoss.exact < atLoss.cases)
        return `not exact: ${name} decodes ${atLoss.exact}/${atLoss.cases} inputs at the nominal ${mziLossDb} dB per MZI`;
      if (band.exact < ideal.cases) return `not exact: ${name} decodes ${band.exact}/${ideal.cases} inputs at ${band.worstDb} dB per MZI`;
    }
  return null;
}

const yieldKey = (r: StructureRow): number => (r.yield ? r.yield.passing / r.yield.trials : -1);

/** The row with the highest yield, then the largest technology scale tolerated; the cheapest on ties. */
export function bestRow(rows: StructureRow[]): number {
  let best = 0;
  rows.forEach((r, i) => {
    const b = rows[best]!;
    const dy = yieldKey(r) - yieldKey(b);
    if (dy > 0 || (dy === 0 && (r.tolerance?.scale ?? 0) > (b.tolerance?.scale ?? 0))) best = i;
  });
  return best;
}

/** The technology-scale tolerance of a candidate (Monte-Carlo, no certified bound). */
function scaleTolerance(c: Candidate, spec: Spec, seed: number): StructureRow["tolerance"] {
  const t = toleranceOfCellChip(
    chipDesigns(c.built().steps).map((d) => ({ name: d.name, circuit: d.circuit, copies: d.copies })),
    spec,
    seed,
    { trials: SEARCH_TOLERANCE_DIES, receiver: "fitted", axes: ["technology"], certify: false },
  );
  const mc = t.axes.find((a) => a.axis === "technology")?.monteCarlo;
  if (!mc) return null;
  const conf = toleranceConfidence(mc.lowerBound, mc.trials, t.yieldTarget);
  return { scale: mc.deterministic ? mc.tolerance : mc.lowerBound.value, dies: mc.trials, confidence: conf.confidence };
}
