// The compile's light pass: the power budget of the emitted cells (verify/power/) at the light of
// the spec's technology preset, when the preset has one. It judges the preset's lasers, finds the
// modulator tap 1e-12 errors per aggregated value needs, and prices the chip per input bit with
// thermo-optic shifters; the summary gives it one line (pipeline/report/closed-form-summary.ts),
// report.json the section `light`.
import type { Spec } from "../../dsl/spec.ts";
import { lightBudgetOf } from "../../dsl/technology-presets.ts";
import type { Circuit } from "../../netlist/ir.ts";
import type { LightBudget } from "../../dsl/technology.ts";
import { readCellInfo, writeCellInfo } from "../../aggregate/circuit-info.ts";
import { cellCaseCount } from "../../aggregate/cell-cases.ts";
import type { Cell, DigitChip } from "../../aggregate/digit-chip.ts";
import { describeDecision, powerBudget } from "../../verify/power/analyze.ts";
import { readCellLight } from "../../verify/power/budget.ts";
import { chipRate, chipRateFloor } from "../../verify/power/decisions.ts";
import { designLoMw } from "../../verify/power/lasers.ts";
import { afterLossMw } from "../../netlist/devices/receiver.ts";
import type { ChipStep, LightSection, StructureRow } from "../types.ts";

export type { LightSection } from "../types.ts";

/** The target a compile judges its light against: 1e-12 errors per aggregated value. */
export const COMPILE_ERROR_TARGET = 1e-12;

/** The light budget of the spec's preset, or null when it has none (`ideal`). */
export function lightBudgetOfSpec(spec: Spec): LightBudget | null {
  const preset = spec.technology.preset;
  return (preset ? lightBudgetOf(preset) : undefined) ?? null;
}

/**
 * Whether a cell takes its regenerated form: it does when, with it, one laser's light per
 * modulator tap meets 1e-12 errors per use (the error rate falls as the tap grows, so this is its
 * tap against one laser's without solving for the tap). Each cell's light is its own (cells meet
 * only through detected digits), so each is chosen alone; the passive form, its scales balanced
 * for component errors, needs more light for every cell measured (docs/studies/power-budget.md).
 * A cell wider than LIGHT_MAX_CASES keeps its passive form.
 */
export function takesRegenerated(light: LightBudget, mziLossDb: number, regenerated: Circuit): boolean {
  const op = { tapMw: afterLossMw(light.laser.powerMw, light.facetLossDb), loMw: designLoMw(light) };
  if (!budgetable(regenerated)) return false;
  const cells = [{ ...readCellLight(regenerated, regenerated.name, mziLossDb), copies: 1 }];
  // The floor first: most wide cells miss by far, and it spares finding their blocked reads.
  return chipRateFloor(cells, light, op) <= COMPILE_ERROR_TARGET && chipRate(cells, light, op) <= COMPILE_ERROR_TARGET;
}

// The verdict depends on the cell's table, the light and the loss alone; the structure search asks
// again for every structure that shares the cell (compiler/cells/chip-circuits.ts shares tables).
const verdicts = new WeakMap<object, Map<string, boolean>>();

/** takesRegenerated of a cell's regenerated table, once per table, light and loss. */
export function regeneratedCloses(light: LightBudget, mziLossDb: number, table: object, circuit: () => Circuit): boolean {
  let byLight = verdicts.get(table);
  if (!byLight) verdicts.set(table, (byLight = new Map()));
  const key = `${mziLossDb}\u0000${JSON.stringify(light)}`;
  let v = byLight.get(key);
  if (v === undefined) byLight.set(key, (v = takesRegenerated(light, mziLossDb, circuit())));
  return v;
}

/**
 * Cells the search and the form choice budget: at most LIGHT_MAX_CASES inputs each. Their walk, the
 * noise weights and the kink entries grow with inputs × modes², and a wider cell's threshold fan-out
 * needs far more light than a laser gives anyway (docs/studies/power-budget.md).
 */
export const LIGHT_MAX_CASES = 4096;

function budgetable(circuit: Circuit): boolean {
  const f = readCellInfo(circuit.info);
  return !!f && cellCaseCount(f) <= LIGHT_MAX_CASES;
}

/** Whether a planned cell is one the light budgets, before its circuit is built. */
export function budgetableCell(cell: Cell, chip: DigitChip): boolean {
  return cellCaseCount(readCellInfo(writeCellInfo({ name: cell.name, instances: [0], cell }, chip))!) <= LIGHT_MAX_CASES;
}

/** The power budget of a structure's cells at the preset's lasers and the compile's target (verify/power/). */
function budgetOf(
  spec: Spec,
  light: LightBudget,
  steps: ChipStep[],
  circuitsOf: (s: ChipStep) => Map<string, Circuit>,
  withEnergy: boolean,
) {
  const circuits = steps.flatMap((s) => [...circuitsOf(s)].map(([stem, circuit]) => ({ circuit, netlist: `${stem}.netlist.json` })));
  const first = steps[0]!.chip;
  const last = steps.at(-1)!.chip;
  return powerBudget(circuits, {
    light,
    lightSource: spec.technology.preset,
    mziLossDb: spec.technology.mziLossDb,
    laserMw: light.laser.powerMw,
    target: COMPILE_ERROR_TARGET,
    ...(withEnergy ? { chip: { levels: first.levels, inDigits: first.inDigits, outDigits: last.outDigits } } : {}),
    reads: false,
  });
}

/**
 * Whether a structure's built cells close the light budget, the modulator tap they need, and, when
 * they close it, what the chip costs to run at the preset's lasers: pJ per input bit with
 * thermo-optic shifters (what the compile summary prints) and the lasers' total optical power.
 * null: no light budget, or a cell too wide to budget.
 */
export function structureLight(spec: Spec, steps: ChipStep[], circuitsOf: (s: ChipStep) => Map<string, Circuit>): StructureRow["light"] {
  const light = lightBudgetOfSpec(spec);
  if (!light) return null;
  if (!steps.every((s) => [...circuitsOf(s).values()].every(budgetable))) return null;
  const r = budgetOf(spec, light, steps, circuitsOf, true);
  const to = r.energy!.technologies.find((t) => t.shifter === "thermo-optic")!;
  return {
    closes: r.pass,
    tapMw: r.needed.tapMw,
    pjPerBit: r.pass ? to.atLaser.pjPerBit : null,
    laserW: r.pass ? (r.needed.plan.sources * r.laserMw) / 1000 : null,
  };
}

/** The light of a compiled chip, or null when its preset has no light budget (`ideal`). */
export function lightSection(spec: Spec, steps: ChipStep[]): LightSection | null {
  const preset = spec.technology.preset;
  const light = lightBudgetOfSpec(spec);
  if (!light || !preset) return null;
  const r = budgetOf(spec, light, steps, (s) => s.circuits!, true);
  const to = r.energy!.technologies.find((t) => t.shifter === "thermo-optic")!;
  return {
    preset,
    laserMw: r.laserMw,
    sources: r.needed.plan.sources,
    ratePerValue: r.ratePerValue,
    target: r.target,
    pass: r.pass,
    neededTapMw: r.needed.tapMw,
    loMw: r.needed.plan.design.loMw,
    binding: describeDecision(r.binding),
    smallestStepMw: r.smallestStep.mw,
    pjPerBit: to.atLaser.pjPerBit,
    pjPerBitNeeded: to.atNeeded?.pjPerBit ?? null,
  };
}
