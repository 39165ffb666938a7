// `optinc verify --power`'s energy block: what a closed-form chip costs per aggregated bit, term by
// term, for each phase-shifter technology, at the laser power the target needs and at the light
// budget's laser, beside the electrical alternatives (netlist/devices/energy.ts has the devices;
// docs/design/energy.md the model).
import type { LightBudget } from "../../dsl/technology.ts";
import type { Circuit } from "../../netlist/ir.ts";
import {
  ACTIVATION_PJ,
  DRIVE_SOURCE,
  CPO_PJ,
  electricalIncPj,
  heldPhases,
  laneBitRate,
  pjPerBit,
  PLUGGABLE_PJ,
  ringAllReducePj,
  RX_PJ_PER_BIT,
  SHIFTER_NAMES,
  SHIFTERS,
  shifterHoldMw,
  shifterMeanLossDb,
  SWITCH_ASIC_PJ,
  totalWatts,
  TX_PJ_PER_BIT,
  type EnergyTerm,
  type ShifterName,
} from "../../netlist/devices/energy.ts";
import { broadcastPlan } from "../../netlist/devices/link.ts";
import type { CellLight } from "./budget.ts";

/** What a chip's energy is counted on, summed over every physical copy of every cell. */
export interface EnergyParts {
  workers: number;
  levels: number;
  /** Worker digit lanes into the chip (N · digits in). */
  ingressLanes: number;
  /** Cell inputs fed by another cell (inside a cascade level or between levels): detector + modulator each. */
  regenerations: number;
  /** Result digit lanes (digits out); each is detected once and sent to every worker. */
  egressLanes: number;
  /** Transmitters per result lane: one per worker, or one per split the broadcast closes (netlist/devices/link.ts). */
  egressTransmitters: number;
  /** Activation modes (one event per symbol each). */
  activations: number;
  shifters: number;
}

export interface EnergyBreakdown {
  laserMw: number;
  terms: EnergyTerm[];
  watts: number;
  pjPerBit: number;
  pjPerOutputBit: number;
}

export interface EnergyTechnology {
  shifter: ShifterName;
  source: string;
  settleS: number;
  meanLossDb: number | null;
  /** At the laser power the target needs (null: none meets it). */
  atNeeded: EnergyBreakdown | null;
  /** At the light budget's laser per source. */
  atLaser: EnergyBreakdown;
}

export interface EnergyResult {
  rule: string;
  inputBitsPerSecond: number;
  outputBitsPerSecond: number;
  parts: EnergyParts;
  technologies: EnergyTechnology[];
  alternatives: { name: string; pjPerBit: number; source: string }[];
}

/** A cell circuit's counts, one copy. */
function circuitCounts(circuit: Circuit): { activations: number; workerPorts: number; digitPorts: number; level: number } {
  const top = circuit.netlists[circuit.top]!;
  let activations = 0;
  for (const inst of Object.values(top.instances)) if (inst.component === "activation") activations += Number(inst.settings.modes ?? 0);
  const kinds = String(circuit.info.cell_port_kinds ?? "").split(",");
  return {
    activations,
    workerPorts: kinds.filter((k) => k === "worker").length,
    digitPorts: kinds.filter((k) => k === "digit").length,
    level: Number(circuit.info.cascade_level ?? 1),
  };
}

/** The parts of a chip: its cells (with copies) and the digits a worker sends and receives. */
export function energyParts(
  cells: { circuit: Circuit; light: CellLight }[],
  chip: { levels: number; inDigits: number; outDigits: number },
  light: LightBudget,
): { parts: EnergyParts; phases: { phase: number; copies: number }[] } {
  let ingress = 0;
  let regenerations = 0;
  let activations = 0;
  let shifters = 0;
  const phases: { phase: number; copies: number }[] = [];
  const first = Math.min(...cells.map((c) => circuitCounts(c.circuit).level));
  for (const { circuit, light } of cells) {
    const k = circuitCounts(circuit);
    const n = light.copies;
    if (k.level === first) ingress += k.workerPorts * n;
    else regenerations += k.workerPorts * n;
    regenerations += k.digitPorts * n;
    activations += k.activations * n;
    const ph = heldPhases(circuit);
    shifters += ph.length * n;
    for (const p of ph) phases.push({ phase: p, copies: n });
  }
  const workers = ingress / chip.inDigits;
  return {
    parts: {
      workers,
      levels: chip.levels,
      ingressLanes: ingress,
      regenerations,
      egressLanes: chip.outDigits,
      egressTransmitters: broadcastPlan(light.link, light.regenerator.splitExcessDb, workers).transmitters,
      activations,
      shifters,
    },
    phases,
  };
}

/** One breakdown: every term in W and pJ per input bit, the total recomputed from them. */
export function energyBreakdown(
  parts: EnergyParts,
  phases: { phase: number; copies: number }[],
  lasers: { sources: number; laserMw: number },
  light: LightBudget,
  shifter: ShifterName,
): EnergyBreakdown {
  const laserMw = lasers.laserMw;
  const t = SHIFTERS[shifter];
  const lane = laneBitRate(light.symbolRateGBd, parts.levels);
  const inRate = parts.ingressLanes * lane;
  const oeo = RX_PJ_PER_BIT.value + TX_PJ_PER_BIT.value;
  const eta = light.laser.wallPlugEfficiency;
  let holdMw = 0;
  for (const p of phases) holdMw += shifterHoldMw(t, [p.phase]) * p.copies;
  const w: [string, number, string][] = [
    [
      "lasers",
      ((lasers.sources * laserMw) / eta) * 1e-3,
      `${lasers.sources} sources of ${laserMw.toPrecision(3)} mW feeding every modulator's and LO's tap, wall-plug ${eta * 100} % (ASSUMPTION: usual modelling constant)`,
    ],
    ["shifters", holdMw * 1e-3, `${parts.shifters} shifters held: ${t.source}`],
    ["drive", t.driveMw * parts.shifters * 1e-3, t.driveMw > 0 ? DRIVE_SOURCE : "non-volatile: no drive held"],
    [
      "activations",
      parts.activations * light.symbolRateGBd * 1e9 * ACTIVATION_PJ.value * 1e-12,
      `${parts.activations} regenerating activations (balanced pair, TIA, MZM driver) × one event per symbol: ${ACTIVATION_PJ.source}`,
    ],
    [
      "regenerations",
      parts.regenerations * lane * oeo * 1e-12,
      `${parts.regenerations} O-E-O lanes: ${RX_PJ_PER_BIT.source}; ${TX_PJ_PER_BIT.source}`,
    ],
    [
      "ingress",
      parts.ingressLanes * lane * oeo * 1e-12,
      `${parts.ingressLanes} worker lanes received and re-modulated onto the chip's sources (Rx + Tx)`,
    ],
    [
      "egress",
      parts.egressLanes * lane * (RX_PJ_PER_BIT.value + parts.egressTransmitters * TX_PJ_PER_BIT.value) * 1e-12,
      `${parts.egressLanes} result lanes detected once and sent to ${parts.workers} workers by ${parts.egressTransmitters} transmitters each (Rx + ${parts.egressTransmitters} Tx; the broadcast's split, netlist/devices/link.ts)`,
    ],
  ];
  const terms: EnergyTerm[] = w.map(([term, watts, source]) => ({ term, watts, pjPerBit: pjPerBit(watts, inRate), source }));
  const watts = totalWatts(terms);
  return { laserMw, terms, watts, pjPerBit: pjPerBit(watts, inRate), pjPerOutputBit: pjPerBit(watts, parts.egressLanes * lane) };
}

/**
 * The energy block of a chip: every shifter technology with the lasers judged (`atLaser`) and with
 * the lasers the target needs (`needed`, null when no tap power meets it), and the alternatives.
 */
export function chipEnergy(
  cells: { circuit: Circuit; light: CellLight }[],
  chip: { levels: number; inDigits: number; outDigits: number },
  light: LightBudget,
  lasers: { sources: number; laserMw: number },
  needed: { sources: number; laserMw: number } | null,
): EnergyResult {
  const { parts, phases } = energyParts(cells, chip, light);
  const lane = laneBitRate(light.symbolRateGBd, parts.levels);
  const n = parts.workers;
  return {
    rule: "pJ per input bit: total W / (N workers × digits in × symbol rate × log2 levels)",
    inputBitsPerSecond: parts.ingressLanes * lane,
    outputBitsPerSecond: parts.egressLanes * lane,
    parts,
    technologies: SHIFTER_NAMES.map((s) => ({
      shifter: s,
      source: SHIFTERS[s].source,
      settleS: SHIFTERS[s].settleS,
      meanLossDb: shifterMeanLossDb(
        SHIFTERS[s],
        phases.map((p) => p.phase),
      ),
      atNeeded: needed === null ? null : energyBreakdown(parts, phases, needed, light, s),
      atLaser: energyBreakdown(parts, phases, lasers, light, s),
    })),
    alternatives: [
      { name: "switch ASIC pass", pjPerBit: SWITCH_ASIC_PJ.value, source: SWITCH_ASIC_PJ.source },
      {
        name: "electrical INC, pluggable",
        pjPerBit: electricalIncPj(PLUGGABLE_PJ.value),
        source: `2 traversals × ${PLUGGABLE_PJ.source} + ASIC`,
      },
      { name: "electrical INC, CPO", pjPerBit: electricalIncPj(CPO_PJ.value), source: `2 traversals × ${CPO_PJ.source} + ASIC` },
      {
        name: "ring all-reduce, pluggable",
        pjPerBit: ringAllReducePj(n, PLUGGABLE_PJ.value),
        source: `2(N−1)/N traversals × ${PLUGGABLE_PJ.source}`,
      },
      { name: "ring all-reduce, CPO", pjPerBit: ringAllReducePj(n, CPO_PJ.value), source: `2(N−1)/N traversals × ${CPO_PJ.source}` },
    ],
  };
}

/** pJ in a few digits. */
export const pj = (x: number): string => (x >= 100 ? x.toExponential(2) : x.toPrecision(3));
