// `optinc verify --power`: the power budget of a closed-form chip's emitted cells at a laser power,
// the laser power its target needs, and the result as --json and as text (budget.ts has the model).
import type { LightBudget } from "../../dsl/technology.ts";
import type { Circuit } from "../../netlist/ir.ts";
import {
  cellRates,
  chipRate,
  decisionOf,
  laserElectricalMw,
  laserForTarget,
  readCellLight,
  smallestStepDb,
  sourcesAt,
  type CellLight,
  type Decision,
} from "./budget.ts";
import { chipEnergy, pj, type EnergyResult } from "./energy.ts";

export interface PowerOptions {
  light: LightBudget;
  /** Where the light budget comes from (a preset's name), for the report. */
  lightSource: string;
  /** MZI insertion loss of the propagation, dB (the technology's). */
  mziLossDb: number;
  /** Laser power per source to judge, mW (emitted, before the facet). */
  laserMw: number;
  /** Target error rate per aggregated value. */
  target: number;
  /** The chip's digits per worker in and out (its chip files): with them the result has an energy block. */
  chip?: { levels: number; inDigits: number; outDigits: number };
}

export interface PowerStage {
  instance: string;
  component: string;
  kind: string;
  /** Largest power on one of its inputs, mW. */
  maxMw: number;
  /** Weakest lit |Re field|² on its inputs as power, mW (an activation's sign decision). */
  weakestMw: number;
}

export interface PowerCell {
  cell: string;
  netlist: string;
  copies: number;
  cases: number;
  worstPerUse: number;
  meanPerUse: number;
  worstPerDigit: Record<string, number>;
  smallestStepDb: number;
  stages: PowerStage[];
}

export interface PowerResult {
  light: LightBudget & { source: string };
  mziLossDb: number;
  decision: "direct detection, thresholds at the received levels' power midpoints";
  bound: "union over every copy of every cell, each at its worst input";
  target: number;
  laserMw: number;
  ratePerValue: number;
  pass: boolean;
  binding: Decision;
  largestWaveguideMw: number;
  smallestStep: { cell: string; output: string; db: number };
  /** The laser power the target needs (null: no power up to 10 GW meets it) and the chip's sources at it. */
  needed: { laserMw: number | null; sources: number; largestSourceMw: number | null; totalMw: number | null; wallPlugMw: number | null };
  cells: PowerCell[];
  /** Energy per aggregated bit by shifter technology, beside the electrical alternatives (energy.ts). */
  energy?: EnergyResult;
}

function stagesAt(cell: CellLight, o: PowerOptions): PowerStage[] {
  const kappa = (o.laserMw * 10 ** (-o.light.facetLossDb / 10)) / cell.light.topField ** 2;
  return cell.light.stages.map((s) => ({
    instance: s.instance,
    component: s.component,
    kind: s.kind,
    maxMw: s.maxField2 * kappa,
    weakestMw: s.minLitRe2 * kappa,
  }));
}

/** The budget of the cells of one chip (every closed-form cell netlist of the output directory). */
export function powerBudget(circuits: { circuit: Circuit; netlist: string }[], o: PowerOptions): PowerResult {
  const cells = circuits.map((c) => readCellLight(c.circuit, c.netlist, o.mziLossDb));
  const ratePerValue = chipRate(cells, o.light, o.laserMw);
  let binding: Decision | null = null;
  const out: PowerCell[] = cells.map((cell) => {
    const r = cellRates(cell, o.light, o.laserMw);
    const d = decisionOf(cell, o.light, o.laserMw, r.binding.k, r.binding.c);
    if (!binding || d.rate > binding.rate || (d.rate === binding.rate && d.q < binding.q)) binding = d;
    return {
      cell: cell.name,
      netlist: cell.netlist,
      copies: cell.copies,
      cases: cell.cases,
      worstPerUse: r.worstPerUse,
      meanPerUse: r.meanPerUse,
      worstPerDigit: Object.fromEntries(cell.outputs.map((name, k) => [name, r.worstPerDigit[k]!])),
      smallestStepDb: smallestStepDb(cell).db,
      stages: stagesAt(cell, o),
    };
  });
  const steps = cells.map((c) => ({ cell: c.name, ...smallestStepDb(c) }));
  const smallestStep = steps.reduce((a, b) => (b.db < a.db ? b : a));
  const neededMw = laserForTarget(cells, o.light, o.target);
  const at = neededMw === null ? null : sourcesAt(cells, neededMw);
  const largestWaveguideMw = Math.max(...out.flatMap((c) => c.stages.map((s) => s.maxMw)));
  return {
    light: { source: o.lightSource, ...o.light },
    mziLossDb: o.mziLossDb,
    decision: "direct detection, thresholds at the received levels' power midpoints",
    bound: "union over every copy of every cell, each at its worst input",
    target: o.target,
    laserMw: o.laserMw,
    ratePerValue,
    pass: ratePerValue <= o.target,
    binding: binding!,
    largestWaveguideMw,
    smallestStep,
    needed: {
      laserMw: neededMw,
      sources: sourcesAt(cells, 1).count,
      largestSourceMw: at?.largestMw ?? null,
      totalMw: at?.totalMw ?? null,
      wallPlugMw: at ? laserElectricalMw(o.light.laser, at.totalMw) : null,
    },
    cells: out,
    ...(o.chip
      ? {
          energy: chipEnergy(
            circuits.map((c, i) => ({ circuit: c.circuit, light: cells[i]! })),
            o.chip,
            o.light,
            neededMw,
          ),
        }
      : {}),
  };
}

/** A power in engineering units: 25 mW, 1.73 kW, 4.2 µW. */
export function watts(mw: number): string {
  const w = mw * 1e-3;
  const units: [number, string][] = [
    [1e9, "GW"],
    [1e6, "MW"],
    [1e3, "kW"],
    [1, "W"],
    [1e-3, "mW"],
    [1e-6, "µW"],
    [1e-9, "nW"],
  ];
  for (const [scale, unit] of units) if (Math.abs(w) >= scale) return `${(w / scale).toPrecision(3)} ${unit}`;
  return `${w.toExponential(2)} W`;
}

const rate = (x: number): string => (x === 0 ? "0" : x.toExponential(1));
const qText = (q: number): string => (q >= 0.01 && q < 1e4 ? q.toPrecision(3) : q.toExponential(1));

/** The binding decision in a few words: cell, output, level, inputs, Q. */
export function describeDecision(d: Decision): string {
  return `${d.cell} ${d.output} at level ${d.level}, inputs ${d.inputs.join(",")}: Q ${qText(d.q)}`;
}

/** Two lines by default (the laser judged, and what the target needs); the power map per stage with verbose. */
export function formatPower(r: PowerResult, verbose = false): string[] {
  const n = r.needed;
  const lines = [
    `  power: ${watts(r.laserMw)} per source, ${r.light.source} light: ${rate(r.ratePerValue)} errors per value ${r.pass ? "≤" : ">"} ${rate(r.target)} (${r.binding.cell} ${r.binding.output}, Q ${qText(r.binding.q)})`,
    n.laserMw === null
      ? `  no laser up to 10 GW per source meets ${rate(r.target)}; smallest step ${r.smallestStep.db.toFixed(1)} dB (${r.smallestStep.cell} ${r.smallestStep.output})`
      : `  needs ${watts(n.laserMw)} per source for ${rate(r.target)} (${n.sources} sources, ${watts(n.wallPlugMw!)} wall-plug); smallest step ${r.smallestStep.db.toFixed(1)} dB`,
  ];
  if (r.energy) lines.push(energyLine(r.energy));
  if (!verbose) return lines;
  if (r.energy) lines.push(...energyLines(r.energy));
  const rx = r.light.receiver;
  lines.push(
    `    light: ${r.light.symbolRateGBd} GBd; laser RIN ${r.light.laser.rinDbHz} dB/Hz, wall-plug ${r.light.laser.wallPlugEfficiency * 100} %; facet ${r.light.facetLossDb} dB; ${r.mziLossDb} dB per MZI; receiver ${rx.responsivityAW} A/W, ${rx.darkCurrentNa} nA dark, ${rx.noiseDensityPaRtHz} pA/√Hz over ${rx.bandwidthFraction} × baud`,
    `    decision: ${r.decision}; per value: ${r.bound}`,
    `    binding decision: ${describeDecision(r.binding)}; ${(r.binding.powerMw * 1e3).toPrecision(3)} µW on the photodiode, σ ${(r.binding.sigmaA * 1e6).toPrecision(3)} µA, rate ${rate(r.binding.rate)}`,
    `    largest power in one waveguide ${watts(r.largestWaveguideMw)} (ceiling ${watts(r.light.maxWaveguideMw)})${n.laserMw !== null ? `; at the power needed: largest source ${watts(n.largestSourceMw!)}, ${watts(n.totalMw!)} of light in all` : ""}`,
  );
  for (const c of r.cells) {
    lines.push(
      `    cell ${c.cell} ×${c.copies}: worst ${rate(c.worstPerUse)} per use (mean ${rate(c.meanPerUse)}) over ${c.cases} inputs; per digit ${Object.entries(
        c.worstPerDigit,
      )
        .map(([k, v]) => `${k} ${rate(v)}`)
        .join(", ")}; smallest step ${c.smallestStepDb.toFixed(1)} dB`,
    );
    for (const s of c.stages)
      lines.push(
        `      ${s.instance} (${s.component}): largest input ${watts(s.maxMw)}${s.kind === "activation" ? `, weakest lit ${watts(s.weakestMw)}` : ""}`,
      );
  }
  return lines;
}

/** The summary's energy line: pJ per input bit at the light budget's laser, per shifter technology. */
export function energyLine(e: EnergyResult): string {
  const t = e.technologies;
  return `  energy per input bit at ${watts(t[0]!.atLaser.laserMw)}/source: ${t.map((x) => `${x.shifter} ${pj(x.atLaser.pjPerBit)}`).join(", ")} pJ`;
}

/** --verbose: every term of every technology, at both laser powers, and the alternatives. */
export function energyLines(e: EnergyResult): string[] {
  const p = e.parts;
  const lines = [
    `    energy: ${e.rule}; ${(e.inputBitsPerSecond / 1e9).toPrecision(4)} Gb/s in, ${(e.outputBitsPerSecond / 1e9).toPrecision(4)} Gb/s out; ${p.workers} workers, ${p.shifters} shifters, ${p.activations} activations, ${p.ingressLanes} ingress, ${p.regenerations} regenerated, ${p.egressLanes} egress lanes`,
  ];
  for (const t of e.technologies)
    for (const b of [t.atLaser, t.atNeeded]) {
      if (!b) continue;
      lines.push(
        `      ${t.shifter} at ${watts(b.laserMw)}/source: ${pj(b.pjPerBit)} pJ/bit (${watts(b.watts * 1e3)}): ${b.terms.map((x) => `${x.term} ${pj(x.pjPerBit)}`).join(", ")}`,
      );
    }
  lines.push(`      alternatives, pJ per input bit: ${e.alternatives.map((a) => `${a.name} ${pj(a.pjPerBit)}`).join("; ")}`);
  return lines;
}
