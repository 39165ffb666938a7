// paper-4x8's and cluster-16's cell designs as `optinc compile` emits them (0.1 dB per MZI in their bias amplitudes),
// for the fabricated-die tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitFiles } from "../../cli/files/commit.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { phaseTableToCsv, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { planCascade } from "../../aggregate/cascade.ts";
import { flatUnit, type UnitFunction } from "../../aggregate/unit.ts";
import { writeCellInfo } from "../../aggregate/circuit-info.ts";
import { CELL_HEADROOM, chipCircuits } from "../../compiler/cells/chip-circuits.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { writeMonitorInfo } from "../../netlist/lab/monitors.ts";
import { calibrationMonitorSites } from "../../compiler/calibrate/lab/structure.ts";

export function paperCell(name: string, mziLossDb = 0.1): { circuit: Circuit; table: PhaseTable } {
  return cellOf(flatUnit(4, 8, 4, "nearest-even"), "paper_4x8", name, mziLossDb);
}

/** A cell design of cluster-16's cascade (radix 4) at `level`, as `optinc compile` emits it ("cluster_16.L2.add2"). */
export function clusterCell(level: number, name: string, mziLossDb = 0.1): { circuit: Circuit; table: PhaseTable } {
  const plan = planCascade(16, 4, 8, 4, "nearest-even").levels.find((l) => l.level === level);
  if (!plan) throw new Error(`no cascade level ${level}`);
  return cellOf(plan.fn, `cluster_16.L${level}`, name, mziLossDb);
}

function cellOf(fn: UnitFunction, spec: string, name: string, mziLossDb: number): { circuit: Circuit; table: PhaseTable } {
  const chip = planDigitChip(fn);
  const d = chipCircuits(chip, { levels: 4, headroom: CELL_HEADROOM, mziLossDb }).find((x) => x.name === name);
  if (!d) throw new Error(`no cell design ${name}`);
  const stem = `${spec}.${d.name}`;
  const c = circuitFromPhaseTable(d.table, stem);
  c.info = {
    ...c.info,
    spec_name: spec.split(".")[0]!,
    rounding: "nearest-even",
    route: "closed-form",
    ...writeCellInfo(d, chip),
    cell_instances: d.instances.length,
  };
  // The monitors `optinc compile` places by default (calibration { monitors = auto }).
  c.info = { ...c.info, ...writeMonitorInfo(calibrationMonitorSites(c)) };
  return { circuit: readNetlistJson(writeNetlistJson(c)), table: d.table };
}

/** A compile directory holding one cell design's files (what `optinc compile` writes for it). */
export function cellDir(prefix: string, circuit: Circuit, table: PhaseTable, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  commitFiles(
    dir,
    new Map<string, string>([
      [`${name}.phases.json`, phaseTableToJson(table)],
      [`${name}.phases.csv`, phaseTableToCsv(table)],
      ...emitCircuit(circuit, name),
    ]),
  );
  return dir;
}
