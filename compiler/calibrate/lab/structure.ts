// What a lab can reach in a closed-form cell (docs/design/calibration.md §7.1): every sparse stage's entries
// (one attenuator each, lit from one stage input and summed into one row), the photodiode on each
// entry's dump, the fan-in dumps on its way to the row, and what reads each row — the next stage's
// dump photodiodes (through the ReLU when one sits between: a gate) or the homodyne output detector.
// Found by propagating light through the design with probe settings, so it follows the netlist.
import type { Circuit } from "../../../netlist/ir.ts";
import type { Die, LeafError } from "../../../netlist/die/die.ts";
import { heaterSites } from "../../../netlist/die/heaters.ts";
import { labCircuit, type LabCircuit } from "../../../netlist/lab/optics.ts";
import { leafIndex, partTransfers } from "../../../netlist/lab/propagate.ts";
import { partProbe } from "../../../netlist/lab/probe.ts";

export interface HeaterSite {
  name: string;
  path: string;
  x: number;
  y: number;
  /** An unheated section (netlist/die/heaters.ts siteLeaves): no heater, so always parked at code 0. */
  unheated?: true;
}

export interface Entry {
  /** Attenuator element name: "threshold/e4". */
  name: string;
  part: string;
  theta: number;
  phi: number;
  /** Monitor site index of its dump. */
  dump: number;
  /** Stage input index and row (stage output index). */
  input: number;
  row: number;
  /** Fan-in dump sites its light reaches on the way to its row. */
  tree: number[];
}

export type StageInput = { kind: "lab"; lab: number } | { kind: "row"; part: string; row: number; gated: boolean };

export type RowSink =
  | { kind: "detector"; readout: number }
  | { kind: "stage"; part: string; input: number; gated: boolean }
  | { kind: "none" };

export interface Row {
  part: string;
  index: number;
  entries: number[];
  /** The entry every other entry's phase is measured against: the bias entry when the row has one. */
  ref: number;
  sink: RowSink;
  /** The output-phase heater on the row's mode, if any. */
  po: number | null;
  /** The activation mode between the row and its sink, as the device it is (netlist/lab/optics.ts); null: none. */
  act: RowActivation | null;
}

/** A row's activation mode: it writes gain · min(Re z, limit) (limit 0: none) where Re z > 0, gain · slope · Re z elsewhere; Im too unless homodyne. */
export interface RowActivation {
  gain: number;
  /** 0 for relu, the leaky-relu's slope. */
  slope: number;
  limit: number;
  homodyne: boolean;
  /** The top-level pin it writes ("threshold_relu,out0"). */
  out: string;
}

/** What a row's activation mode writes for the row's field z (netlist/models.ts activationFn, relu). */
export function rowRead(act: RowActivation, [re, im]: [number, number]): [number, number] {
  const k = !(re > 0) ? act.slope : act.limit > 0 && re > act.limit ? act.limit / re : 1;
  return [act.gain * re * k, act.homodyne ? 0 : act.gain * im * k];
}

export interface Stage {
  part: string;
  inputs: StageInput[];
  entries: number[];
  rows: Row[];
}

export interface CellStructure {
  lc: LabCircuit;
  heaters: HeaterSite[];
  stages: Stage[];
  entries: Entry[];
  /**
   * Readout index of site i is i; of detector mode m is sites.length + m; of detector mode m's local
   * oscillator photocurrent ("lo:<detector>[m]", the receiver's responsivity) sites.length +
   * detectors.length + m (read only by the acceptance round).
   */
  readouts: string[];
  /** Heaters no measurement identifies: kept at code 0 (their phase is a gauge the next stage absorbs). */
  parked: Set<number>;
}

/** The stage part a heater belongs to, from its die-file name ("threshold/e28.theta" → "threshold"). */
export const heaterPart = (h: { name: string }): string => h.name.slice(0, h.name.indexOf("/"));

/** A die with every heater at a fixed phase and everything else ideal. */
export function phaseDie(heaters: HeaterSite[], phase: (i: number) => number): Die {
  const leaves = new Map<string, LeafError>();
  heaters.forEach((h, i) => leaves.set(h.path, { phaseGain: 0, dPhi: phase(i) }));
  return { id: "probe", leaves };
}

export function cellStructure(circuit: Circuit): CellStructure {
  const lc = labCircuit(circuit);
  const heaters: HeaterSite[] = heaterSites(circuit).map(({ name, path, x, y, unheated }) => ({
    name,
    path,
    x,
    y,
    ...(unheated ? { unheated } : {}),
  }));
  const byName = new Map(heaters.map((h, i) => [h.name, i]));
  const partNodes = lc.nodes.filter((n) => n.kind === "part");
  const stages: Stage[] = [];
  const entries: Entry[] = [];
  const readouts = [...lc.sites.map((s) => s.name), ...lc.detectors, ...lc.detectors.map((d) => `lo:${d}`)];
  // Drivers of each top input pin and sinks of each top output pin.
  const driver = (part: string, port: string): StageInput => {
    const from = lc.wires.get(`${part},${port}`) ?? "";
    const [inst, out] = from.split(",") as [string, string];
    const node = lc.nodes.find((n) => n.name === inst);
    if (node?.kind === "source") return { kind: "lab", lab: Number(out.slice(3)) };
    if (node?.kind === "bias") return { kind: "lab", lab: node.input };
    if (node?.kind === "activation") {
      const up = (lc.wires.get(`${inst},in${out.slice(3)}`) ?? "").split(",") as [string, string];
      return { kind: "row", part: up[0], row: Number(up[1].slice(3)), gated: true };
    }
    if (node?.kind === "part") return { kind: "row", part: inst, row: Number(out.slice(3)), gated: false };
    throw new Error(`cellStructure: input ${part},${port} is driven by nothing a lab can light`);
  };
  const sink = (part: string, port: string): RowSink => {
    const to = lc.wires.get(`${part},${port}`);
    if (!to) return { kind: "none" };
    const [inst, pin] = to.split(",") as [string, string];
    const node = lc.nodes.find((n) => n.name === inst)!;
    if (node.kind === "detector") return { kind: "detector", readout: lc.sites.length + node.first + Number(pin.slice(2)) };
    if (node.kind === "part") return { kind: "stage", part: inst, input: node.plan.inputs.indexOf(pin), gated: false };
    if (node.kind === "activation") {
      const next = lc.wires.get(`${inst},out${pin.slice(2)}`);
      if (!next) return { kind: "none" };
      const [i2, p2] = next.split(",") as [string, string];
      const n2 = lc.nodes.find((n) => n.name === i2)!;
      if (n2.kind === "detector") return { kind: "detector", readout: lc.sites.length + n2.first + Number(p2.slice(2)) };
      if (n2.kind === "part") return { kind: "stage", part: i2, input: n2.plan.inputs.indexOf(p2), gated: true };
    }
    return { kind: "none" };
  };
  const activation = (part: string, port: string): RowActivation | null => {
    const [inst, pin] = (lc.wires.get(`${part},${port}`) ?? "").split(",") as [string, string];
    const node = lc.nodes.find((n) => n.name === inst);
    if (node?.kind !== "activation") return null;
    const m = Number(pin.slice(2));
    return { gain: node.gains[m]!, slope: node.slope, limit: node.limits[m]!, homodyne: node.homodyne, out: `${inst},out${m}` };
  };
  // Probes: every θ dark (θ = 0: an attenuator passes nothing), or every θ at π; other phases 0.
  const isTheta = (i: number): boolean => heaters[i]!.name.endsWith(".theta");
  const dark = partTransfers(
    lc,
    phaseDie(heaters, () => 0),
  );
  const lit = partTransfers(
    lc,
    phaseDie(heaters, (i) => (isTheta(i) ? Math.PI : 0)),
  );
  const siteOf = new Map<string, number>();
  lc.sites.forEach((s, i) => siteOf.has(s.name) || siteOf.set(s.name, i));
  for (const node of partNodes) {
    if (node.kind !== "part") continue;
    const part = node.name;
    const plan = node.plan;
    const stageEntries: number[] = [];
    for (const h of heaters) {
      if (!h.name.startsWith(`${part}/`) || !h.name.endsWith(".theta")) continue;
      const el = h.name.slice(0, -".theta".length);
      const leaf = el.slice(part.length + 1);
      const dump = siteOf.get(`${part}/${leaf}_dump`) ?? -1;
      if (dump < 0) continue;
      entries.push({ name: el, part, theta: byName.get(h.name)!, phi: byName.get(`${el}.phi`)!, dump, input: -1, row: -1, tree: [] });
      stageEntries.push(entries.length - 1);
    }
    if (stageEntries.length === 0) continue;
    const inputs = plan.inputs.map((p) => driver(part, p));
    // Input of each entry: light each stage input alone with every attenuator dark. Then its row
    // and fan-in path: it alone fully transmitting (its θ leaf swapped for the θ = π one), found
    // by pushing the change downstream of that leaf only (partProbe).
    const siteAt = new Map(plan.siteIndex.map((s, q) => [s, q]));
    const byDump = new Map<number, number[]>();
    for (const e of stageEntries) {
      const q = siteAt.get(entries[e]!.dump);
      if (q === undefined) continue;
      if (!byDump.has(q)) byDump.set(q, []);
      byDump.get(q)!.push(e);
    }
    const probe = partProbe(lc, part, dark);
    plan.inputs.forEach((_, j) => {
      for (const [q, p] of probe.light(j).mon) if (p > 1e-9) for (const e of byDump.get(q) ?? []) entries[e]!.input = j;
    });
    const isTree = (q: number): boolean => lc.sites[plan.siteIndex[q]!]!.kind === "tree";
    const above = (rs: [number, number][], floor: number, keep: (q: number) => boolean = () => true): number[] =>
      rs.flatMap(([q, p]) => (p > floor && keep(q) ? [q] : []));
    plan.inputs.forEach((_, j) => {
      const mine = stageEntries.filter((e) => entries[e]!.input === j);
      if (mine.length === 0) return;
      const dim = probe.light(j);
      for (const e of mine) {
        const en = entries[e]!;
        const li = leafIndex(lc, part, heaters[en.theta]!.path);
        const change = probe.withLeaf(li, lit.get(part)![li]!);
        const outs = new Set(change.out.map(([q]) => q));
        const mons = new Set(change.mon.map(([q]) => q));
        const rows = [...above(dim.out, 1e-9, (q) => !outs.has(q)), ...above(change.out, 1e-9)];
        en.row = rows.length > 0 ? Math.min(...rows) : -1;
        const tree = [...above(dim.mon, 1e-12, (q) => !mons.has(q) && isTree(q)), ...above(change.mon, 1e-12, isTree)];
        en.tree = tree.sort((a, b) => a - b).map((q) => plan.siteIndex[q]!);
      }
    });
    const byRow = new Map<number, number[]>();
    for (const e of stageEntries) {
      const r = entries[e]!.row;
      if (!byRow.has(r)) byRow.set(r, []);
      byRow.get(r)!.push(e);
    }
    const rows: Row[] = plan.outputs.map((port, r) => {
      const es = byRow.get(r) ?? [];
      const biasEntry = es.find((e) => {
        const d = inputs[entries[e]!.input]!;
        return d.kind === "lab" && lc.inputs[d.lab]!.name.startsWith("bias:");
      });
      const po = byName.get(`${part}/po${r}`) ?? null;
      return { part, index: r, entries: es, ref: biasEntry ?? es[0] ?? -1, sink: sink(part, port), po, act: activation(part, port) };
    });
    stages.push({ part, inputs, entries: stageEntries, rows });
  }
  // Parked: output-phase heaters, and the φ of a single-entry row whose phase nothing reads.
  const parked = new Set<number>();
  heaters.forEach((h, i) => {
    if (h.unheated || (!isTheta(i) && !h.name.endsWith(".phi"))) parked.add(i);
  });
  for (const s of stages)
    for (const r of s.rows) if (r.entries.length === 1 && r.sink.kind === "stage" && !r.sink.gated) parked.add(entries[r.entries[0]!]!.phi);
  return { lc, heaters, stages, entries, readouts, parked };
}

/** The meta-MZI pairs of a row: each entry against the reference, the reference against its first partner. */
export function metaPairs(row: Row): [number, number][] {
  const pairs: [number, number][] = row.entries.filter((e) => e !== row.ref).map((e) => [e, row.ref]);
  if (pairs.length > 0) pairs.push([row.ref, pairs[0]![0]]);
  return pairs;
}

/** The fan-in dump where two entries of a row interfere: the first their paths share. */
export function meetingSite(struct: CellStructure, a: number, b: number): number | undefined {
  const pb = struct.entries[b]!.tree;
  return struct.entries[a]!.tree.find((t) => pb.includes(t));
}

/**
 * The monitor photodiodes calibration reads (design for calibration): every
 * attenuator's dump (θ fringes, and the next stage's row meters) and, per meta-MZI pair, the fan-in
 * dump where the pair meets. All are on light the design discards: none adds loss.
 */
export function monitorSites(struct: CellStructure): number[] {
  const used = new Set<number>();
  for (const e of struct.entries) used.add(e.dump);
  for (const st of struct.stages)
    for (const row of st.rows)
      for (const [a, b] of metaPairs(row)) {
        const m = meetingSite(struct, a, b);
        if (m !== undefined) used.add(m);
      }
  return [...used].sort((x, y) => x - y);
}

/** The monitor site names ("<part>/<terminator>") of a cell: what `optinc compile` lists. */
export function calibrationMonitorSites(circuit: Circuit): string[] {
  const struct = cellStructure(circuit);
  return monitorSites(struct).map((i) => struct.lc.sites[i]!.name);
}
