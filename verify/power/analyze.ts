// `optinc verify --power`: the power budget of a closed-form chip's emitted cells at a laser power,
// the laser power its target needs, and the result as --json and as text (budget.ts has the model).
import type { LightBudget } from "../../dsl/technology.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { readCellLight, type CellLight, type Operating } from "./budget.ts";
import { cellRates, chipRate, decisionOf, type Decision } from "./decisions.ts";
import { designLoMw, largestStageMw, lightPlan, operatingAt, smallestStep, tapForTarget, type LightPlan } from "./lasers.ts";
import { chipEnergy, pj, type EnergyResult } from "./energy.ts";
import { broadcastPlan, hopBudget, type BroadcastPlan, type HopBudget } from "../../netlist/devices/link.ts";
import { afterLossMw } from "../../netlist/devices/receiver.ts";

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
  /** Solve each kind of read's tap alone (`reads`); on by default. */
  reads?: boolean;
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
  /** Modulators and LOs of one copy, each a tap of the lasers' split trees. */
  modulators: number;
  los: number;
  worstPerUse: number;
  meanPerUse: number;
  worstPerDigit: Record<string, number>;
  smallestStep: { output: string; mw: number; db: number };
  stages: PowerStage[];
}

export const DECISION_RULE =
  "every activation and every output read homodyne against an LO from the chip's laser; every activation layer regenerated on fresh light";

export interface PowerResult {
  light: LightBudget & { source: string };
  mziLossDb: number;
  decision: typeof DECISION_RULE;
  bound: "union over every copy of every cell, each at its worst input";
  target: number;
  /** The lasers judged: `laserMw` per source, with the design's taps per source. */
  laserMw: number;
  /** The taps every modulator and every LO get from those lasers, mW. */
  operating: Operating;
  ratePerValue: number;
  pass: boolean;
  binding: Decision;
  largestWaveguideMw: number;
  smallestStep: { cell: string; output: string; mw: number; db: number };
  /** The least modulator tap the target needs (null: none up to 10 kW) at the design LO, and the lasers that give it with the design margin (capped at one laser per tap). */
  needed: { tapMw: number | null; plan: LightPlan };
  cells: PowerCell[];
  /** Per kind of read (each activation layer's instance name, and the output detector), the tap the target needs were it the only noise. */
  reads: { read: string; tapMw: number | null }[];
  /** Energy per aggregated bit by shifter technology, beside the electrical alternatives (energy.ts). */
  energy?: EnergyResult;
  /** The chip's edges on the network with the link's optics (netlist/devices/link.ts); with `chip`. */
  edges?: { ingress: HopBudget; broadcast: BroadcastPlan };
}

function stagesAt(cell: CellLight, light: LightBudget, tapMw: number): PowerStage[] {
  const fs = tapMw * 10 ** (-light.regenerator.modulatorLossDb / 10);
  return cell.light.stages.map((s) => {
    const kappa = fs * cell.segments[cell.segmentOf.get(s.instance) ?? 0]!;
    return { instance: s.instance, component: s.component, kind: s.kind, maxMw: s.maxField2 * kappa, weakestMw: s.minLitRe2 * kappa };
  });
}

/**
 * The lasers of the budget's power the design's taps need: the plan's when a tap comes from one
 * laser's tree, else enough lasers combined for every modulator's tap (and the LOs' trees).
 */
function neededSources(plan: LightPlan, designTap: number, inChipMw: number): number {
  if (designTap <= inChipMw) return plan.sources;
  return plan.modulators * Math.ceil(designTap / inChipMw) + Math.ceil(plan.los / Math.max(1, plan.losPerSource));
}

/** The budget of the cells of one chip (every closed-form cell netlist of the output directory). */
export function powerBudget(circuits: { circuit: Circuit; netlist: string }[], o: PowerOptions): PowerResult {
  const cells = circuits.map((c) => readCellLight(c.circuit, c.netlist, o.mziLossDb));
  const loMw = designLoMw(o.light);
  const neededTap = tapForTarget(cells, o.light, o.target, loMw);
  // The design: the target's tap plus the margin; without one, every modulator gets a whole laser.
  const inChip = afterLossMw(o.light.laser.powerMw, o.light.facetLossDb);
  const designTap = neededTap === null ? inChip : neededTap * 10 ** (o.light.regenerator.designMarginDb / 10);
  const plan = lightPlan(cells, o.light, { tapMw: Math.min(inChip, designTap), loMw });
  const op = operatingAt(o.light, plan, o.laserMw);
  const ratePerValue = chipRate(cells, o.light, op);
  let binding: Decision | null = null;
  const out: PowerCell[] = cells.map((cell) => {
    const r = cellRates(cell, o.light, op);
    const d = decisionOf(cell, o.light, op, r.binding.k, r.binding.c);
    if (!binding || d.rate > binding.rate || (d.rate === binding.rate && d.q < binding.q)) binding = d;
    const step = smallestStep(cell, o.light, op.tapMw);
    return {
      cell: cell.name,
      netlist: cell.netlist,
      copies: cell.copies,
      cases: cell.cases,
      modulators: cell.modulators,
      los: cell.los,
      worstPerUse: r.worstPerUse,
      meanPerUse: r.meanPerUse,
      worstPerDigit: Object.fromEntries(cell.outputs.map((name, k) => [name, r.worstPerDigit[k]!])),
      smallestStep: { output: step.output, mw: step.mw, db: step.db },
      stages: stagesAt(cell, o.light, op.tapMw),
    };
  });
  const smallest = out.map((c) => ({ cell: c.cell, ...c.smallestStep })).reduce((a, b) => (b.mw < a.mw ? b : a));
  // The laser's own waveguide before its first split carries all of its light.
  const largestWaveguideMw = Math.max(
    afterLossMw(o.laserMw, o.light.facetLossDb),
    ...cells.map((c) => largestStageMw(c, o.light, op.tapMw)),
  );
  const lasers = { sources: plan.sources, laserMw: o.laserMw };
  const names = [...new Set(cells.flatMap((c) => [...c.layers.map((l) => l.instance), c.light.detector.instance]))];
  const reads = o.reads === false ? [] : names.map((read) => ({ read, tapMw: tapForTarget(cells, o.light, o.target, loMw, read) }));
  const energy = o.chip
    ? chipEnergy(
        circuits.map((c, i) => ({ circuit: c.circuit, light: cells[i]! })),
        o.chip,
        o.light,
        lasers,
        neededTap === null ? null : { sources: neededSources(plan, designTap, inChip), laserMw: plan.laserMw },
      )
    : undefined;
  const edges = energy
    ? { ingress: hopBudget(o.light.link), broadcast: broadcastPlan(o.light.link, o.light.regenerator.splitExcessDb, energy.parts.workers) }
    : undefined;
  const edgesClose = !edges || (edges.ingress.closes && edges.broadcast.closes);
  const pass = ratePerValue <= o.target && largestWaveguideMw <= o.light.maxWaveguideMw && edgesClose;
  return {
    light: { source: o.lightSource, ...o.light },
    mziLossDb: o.mziLossDb,
    decision: DECISION_RULE,
    bound: "union over every copy of every cell, each at its worst input",
    target: o.target,
    laserMw: o.laserMw,
    operating: op,
    ratePerValue,
    pass,
    binding: binding!,
    largestWaveguideMw,
    smallestStep: smallest,
    needed: { tapMw: neededTap, plan },
    cells: out,
    reads,
    ...(energy ? { energy } : {}),
    ...(edges ? { edges } : {}),
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

/** The margin the judged taps leave over the tap the target needs, dB (negative: short). */
export const marginDb = (r: PowerResult): number | null =>
  r.needed.tapMw === null ? null : 10 * Math.log10(r.operating.tapMw / r.needed.tapMw);

/** The margin in words, against the design margin the light budget asks for. */
function marginText(r: PowerResult): string {
  const m = marginDb(r)!;
  const asked = r.light.regenerator.designMarginDb;
  return m >= 0 ? `${m.toFixed(1)} dB of margin (${asked} dB asked)` : `short by ${(-m).toFixed(1)} dB`;
}

/** The binding decision in a few words: cell, output, level, inputs, Q, and where its noise comes from. */
export function describeDecision(d: Decision): string {
  const top = [...d.shares].sort((a, b) => b.share - a.share)[0];
  const from = top ? `; ${(top.share * 100).toFixed(0)} % of its noise from ${top.source}` : "";
  return `${d.cell} ${d.output} at level ${d.level}, inputs ${d.inputs.join(",")}: Q ${qText(d.q)}${from}`;
}

/** Two lines by default (the lasers judged, and what the target needs); the power map per stage with verbose. */
export function formatPower(r: PowerResult, verbose = false): string[] {
  const n = r.needed;
  const p = n.plan;
  const lines = [
    `  power: ${watts(r.laserMw)} per source × ${p.sources}, ${r.light.source} light: ${rate(r.ratePerValue)} errors per value ${r.ratePerValue <= r.target ? "≤" : ">"} ${rate(r.target)} (${r.binding.cell} ${r.binding.output}, Q ${qText(r.binding.q)})`,
    n.tapMw === null
      ? `  no modulator tap up to 10 kW meets ${rate(r.target)}`
      : `  needs ${watts(n.tapMw)} per modulator for ${rate(r.target)} (${watts(p.design.loMw)} LOs); the lasers give ${watts(r.operating.tapMw)}: ${marginText(r)}`,
  ];
  // The edges are standard optics: a line by default only when one does not close.
  if (r.edges && (verbose || !r.edges.ingress.closes || !r.edges.broadcast.closes)) lines.push(edgesLine(r.edges));
  if (r.energy) lines.push(energyLine(r.energy));
  if (!verbose) return lines;
  if (r.energy) lines.push(...energyLines(r.energy));
  const rx = r.light.receiver;
  const rg = r.light.regenerator;
  lines.push(
    `    light: ${r.light.symbolRateGBd} GBd; laser ${watts(r.light.laser.powerMw)} per source, RIN ${r.light.laser.rinDbHz} dB/Hz, wall-plug ${r.light.laser.wallPlugEfficiency * 100} %; facet ${r.light.facetLossDb} dB; ${r.mziLossDb} dB per MZI; receiver ${rx.responsivityAW} A/W, ${rx.darkCurrentNa} nA dark, ${rx.noiseDensityPaRtHz} pA/√Hz over ${rx.bandwidthFraction} × baud`,
    `    regenerator: MZM ${rg.modulatorLossDb} dB, balanced pair CMRR ${rg.cmrrDb} dB, ${rg.splitExcessDb} dB per split level, design margin ${rg.designMarginDb} dB; taps judged ${watts(r.operating.tapMw)} per modulator, ${watts(r.operating.loMw)} per LO`,
    `    decision: ${r.decision}; per value: ${r.bound}`,
    `    binding decision: ${describeDecision(r.binding)}; ${watts(r.binding.powerMw)} at its detector, σ ${r.binding.sigma.toExponential(2)} √mW, rate ${rate(r.binding.rate)}`,
    `    the target's tap with one kind of read's noise alone: ${r.reads.map((x) => `${x.read} ${x.tapMw === null ? "none ≤ 10 kW" : watts(x.tapMw)}`).join(", ")}`,
    `    lasers: ${p.sources} × ${watts(p.laserMw)} (${watts(p.totalMw)} of light, ${watts(p.wallPlugMw)} wall-plug): ${p.modulators} modulators ${watts(p.design.tapMw)} each (${p.modulatorsPerSource} per source), ${p.los} LOs ${watts(p.design.loMw)} (${p.losPerSource} per source); smallest output step ${watts(r.smallestStep.mw)}; largest power in one waveguide ${watts(r.largestWaveguideMw)} (ceiling ${watts(r.light.maxWaveguideMw)})`,
  );
  for (const c of r.cells) {
    lines.push(
      `    cell ${c.cell} ×${c.copies}: ${c.modulators} modulators, ${c.los} LOs; worst ${rate(c.worstPerUse)} per use (mean ${rate(c.meanPerUse)}) over ${c.cases} inputs; per digit ${Object.entries(
        c.worstPerDigit,
      )
        .map(([k, v]) => `${k} ${rate(v)}`)
        .join(", ")}; smallest output step ${watts(c.smallestStep.mw)} (${c.smallestStep.db.toFixed(1)} dB below the tap)`,
    );
    for (const s of c.stages)
      lines.push(
        `      ${s.instance} (${s.component}): largest input ${watts(s.maxMw)}${s.kind === "activation" ? `, weakest lit ${watts(s.weakestMw)}` : ""}`,
      );
  }
  return lines;
}

const dbmText = (x: number): string => `${x.toFixed(1)} dBm`;

/** The edges' line: each hop's received OMA against the receivers' sensitivity, and the broadcast's split. */
export function edgesLine(e: { ingress: HopBudget; broadcast: BroadcastPlan }): string {
  const hop = (h: HopBudget): string =>
    `${dbmText(h.receivedOmaDbm)} OMA at each receiver, ${h.closes ? `${h.marginDb.toFixed(1)} dB over` : `${(-h.marginDb).toFixed(1)} dB short of`} ${dbmText(h.sensitivityOmaDbm)}`;
  const b = e.broadcast;
  const split =
    b.fanout === 1
      ? `no split closes, so ${b.transmitters} transmitters per result lane (electrical fan-out)`
      : `1:${b.fanout} splits, ${b.transmitters} transmitters per result lane`;
  return `  edges: ingress ${hop(e.ingress)}; broadcast ${hop(b)}: ${split}`;
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
    for (const [b, which] of [
      [t.atLaser, "the lasers judged"],
      [t.atNeeded, "the lasers the target needs"],
    ] as const) {
      // The lasers the target needs are often the ones judged: one line then.
      if (!b || (b === t.atNeeded && b.watts === t.atLaser.watts)) continue;
      lines.push(
        `      ${t.shifter}, ${which} (${watts(b.laserMw)}/source): ${pj(b.pjPerBit)} pJ/bit (${watts(b.watts * 1e3)}): ${b.terms.map((x) => `${x.term} ${pj(x.pjPerBit)}`).join(", ")}`,
      );
    }
  lines.push(`      alternatives, pJ per input bit: ${e.alternatives.map((a) => `${a.name} ${pj(a.pjPerBit)}`).join("; ")}`);
  return lines;
}
