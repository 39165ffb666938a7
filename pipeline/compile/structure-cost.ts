// What a closed-form structure costs, counted on its cell circuits (as built: what is emitted) times their physical
// copies: the figures the structure search ranks by and the --explain table prints.
import { cellDepths } from "../../aggregate/digit-chip.ts";
import { cellNetwork, widestTheta } from "../../compiler/cells/cell-network.ts";
import type { ConversionCost } from "../../aggregate/narrow-base.ts";
import type { PhaseTable } from "../../netlist/ir.ts";
import { designHardware, OEO_HOP_SECONDS } from "../report/closed-form-report.ts";
import type { ChipStep, StructureCost } from "../types.ts";
import { cellCaseCount } from "../../aggregate/cell-cases.ts";
import { cellOf } from "../../verify/cells/cell-verify.ts";
import { P_PI_WATTS } from "../../netlist/heater.ts";

/** Heater power of one copy of a cell: each programmed phase, wrapped to [0, 2π), at P_PI_WATTS per π. */
export function heaterWatts(table: PhaseTable): number {
  const wrap = (x: number): number => ((x % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  let phase = 0;
  for (const stage of table.pipeline) {
    if (!("elements" in stage)) continue;
    for (const e of stage.elements) {
      if (e.kind === "mzi" || e.kind === "attenuator") phase += wrap(e.theta) + wrap(e.phi);
      else if (e.kind === "phase") phase += wrap(e.phi);
    }
    for (const p of stage.outputPhases) phase += wrap(p);
  }
  return (phase / Math.PI) * P_PI_WATTS;
}

/**
 * The cost of a structure's cells, plus its link conversion when the cells compute in a narrower
 * base (aggregate/narrow-base.ts conversionCost): its O-E-O stages on the critical path, its
 * receivers and modulators.
 */
export function structureCost(steps: ChipStep[], conversion: ConversionCost | null = null): StructureCost {
  let mzi = 0;
  let fixedCouplers = 0;
  let phaseShifters = 0;
  let heater = 0;
  let checkCases = 0;
  for (const step of steps)
    for (const d of step.designs) {
      const circuit = step.built!.get(`${step.stem}.${d.name}`)!;
      const h = designHardware(circuit);
      const copies = d.instances.length * step.count;
      mzi += h.mzi * copies;
      fixedCouplers += h.fixedCouplers * copies;
      phaseShifters += h.phaseShifters * copies;
      heater += heaterWatts(d.table) * copies;
      checkCases += cellCaseCount(cellOf(circuit)) * copies;
    }
  const cells = steps.reduce((n, s) => n + Math.max(0, ...cellDepths(s.chip)), 0);
  let widest = { cell: "", theta: 0 };
  for (const step of steps)
    for (const c of step.chip.cells) {
      const theta = widestTheta(cellNetwork(c));
      if (theta > widest.theta) widest = { cell: `${step.stem}.${c.name}`, theta };
    }
  const oeo = Math.max(0, cells - 1) + (conversion?.oeoHops ?? 0);
  return {
    mzi,
    fixedCouplers,
    phaseShifters,
    cellsOnCriticalPath: cells,
    oeoOnCriticalPath: oeo,
    latencySeconds: oeo * OEO_HOP_SECONDS,
    conversion: conversion && {
      linkLevels: conversion.linkLevels,
      innerLevels: conversion.innerLevels,
      receivers: conversion.ingressReceivers,
      modulators: conversion.ingressModulators + conversion.egressModulators,
    },
    heaterWatts: heater,
    widestDecision: widest,
    checkCases,
  };
}
