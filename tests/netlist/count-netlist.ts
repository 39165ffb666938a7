// Hardware counted straight from a `.netlist.json` text (plain JSON walking, none of netlist/'s
// helpers), to check report.json against: couplers, MZIs (one internal arm with arm = "top"
// each, two couplers each), fixed couplers (the rest), stage shapes, activations, detectors, bias
// sources.
import { expect } from "vitest";

interface Json {
  top: string;
  netlists: Record<
    string,
    { instances: Record<string, { component: string; settings: Record<string, unknown> }>; ports: Record<string, string> }
  >;
}

export interface StageCount {
  role: string;
  inputs: number;
  outputs: number;
  couplers: number;
  mzis: number;
  /** Of the MZIs, those of splitter/combiner trees (trees = mzi): their top arm has `tree`. */
  treeMzis: number;
  fixed: number;
}

export interface NetlistCount {
  stages: StageCount[];
  activations: number;
  detectors: number;
  biasSources: number;
}

export function countNetlist(text: string): NetlistCount {
  const doc = JSON.parse(text) as Json;
  const top = doc.netlists[doc.top]!;
  const out: NetlistCount = { stages: [], activations: 0, detectors: 0, biasSources: 0 };
  for (const inst of Object.values(top.instances)) {
    if (inst.component === "activation") out.activations += Number(inst.settings.modes);
    else if (inst.component === "detector") out.detectors += Number(inst.settings.modes);
    else if (inst.component === "bias_source") out.biasSources++;
    else if (doc.netlists[inst.component]) {
      const nl = doc.netlists[inst.component]!;
      const leaves = Object.values(nl.instances);
      const couplers = leaves.filter((l) => l.component === "coupler").length;
      const mzis = leaves.filter((l) => l.settings.arm === "top").length;
      const treeMzis = leaves.filter((l) => l.settings.arm === "top" && l.settings.tree).length;
      out.stages.push({
        role: String(inst.settings.role),
        inputs: Object.keys(nl.ports).filter((p) => p.startsWith("in")).length,
        outputs: Object.keys(nl.ports).filter((p) => p.startsWith("out")).length,
        couplers,
        mzis,
        treeMzis,
        fixed: couplers - 2 * mzis,
      });
    }
  }
  return out;
}

const svd = (m: number, n: number): number => (m * (m - 1)) / 2 + (n * (n - 1)) / 2 + Math.min(m, n);

/** The hardware section of one unit, as report.json must state it. */
export function expectedUnitHardware(c: NetlistCount): Record<string, number> {
  const layers = c.stages.filter((s) => s.role !== "preprocess" && s.role !== "broadcast");
  const sum = (f: (s: StageCount) => number, of = layers): number => of.reduce((a, s) => a + f(s), 0);
  return {
    mzi: sum((s) => s.mzis - s.treeMzis),
    treeMzi: sum((s) => s.treeMzis, c.stages),
    mziUnapproximated: sum((s) => svd(s.outputs, s.inputs)),
    segmentCouplers: sum((s) => s.fixed),
    preprocessCouplers: sum(
      (s) => s.couplers - 2 * s.treeMzis,
      c.stages.filter((s) => s.role === "preprocess"),
    ),
    broadcastCouplers: sum(
      (s) => s.couplers - 2 * s.treeMzis,
      c.stages.filter((s) => s.role === "broadcast"),
    ),
    activations: c.activations,
    biasSources: c.biasSources,
    detectors: c.detectors,
  };
}

interface ReportLike {
  hardware: Record<string, number>;
  onn: {
    units: {
      file: string;
      count: number;
      hardware: Record<string, unknown> & { layers: { rows: number; cols: number; mzi: number; mziSvd: number; couplers: number }[] };
    }[];
  };
}

/** Every count in report.json's hardware sections equals the count taken on the emitted netlists. */
export function expectReportCountsNetlists(report: ReportLike, netlistText: (file: string) => string): void {
  const total: Record<string, number> = {};
  for (const u of report.onn.units) {
    const c = countNetlist(netlistText(u.file));
    const want = expectedUnitHardware(c);
    for (const [k, v] of Object.entries(want)) {
      expect(u.hardware[k], `${u.file}: hardware.${k}`).toBe(v);
      total[k] = (total[k] ?? 0) + u.count * v;
    }
    const layers = c.stages.filter((s) => s.role !== "preprocess" && s.role !== "broadcast");
    expect(
      u.hardware.layers.map((l) => [l.rows, l.cols, l.mzi, l.mziSvd, l.couplers]),
      `${u.file}: layers`,
    ).toEqual(layers.map((s) => [s.outputs, s.inputs, s.mzis - s.treeMzis, svd(s.outputs, s.inputs), s.fixed]));
  }
  const h = report.hardware;
  expect(h.mzi).toBe(total.mzi);
  expect(h.mziUnapproximated).toBe(total.mziUnapproximated);
  expect(h.areaRatio).toBeCloseTo(total.mzi! / total.mziUnapproximated!, 15);
  expect(h.fixedCouplers).toBe(total.segmentCouplers);
  expect(h.treeMzi).toBe(total.treeMzi);
  expect(h.areaRatioWithTrees).toBeCloseTo((total.mzi! + total.treeMzi!) / total.mziUnapproximated!, 15);
  for (const k of ["preprocessCouplers", "broadcastCouplers", "activations", "biasSources", "detectors"])
    expect(h[k], `hardware.${k}`).toBe(total[k]);
  // No hardware field goes unchecked.
  expect(Object.keys(h).sort()).toEqual([
    "activations",
    "areaRatio",
    "areaRatioWithTrees",
    "biasSources",
    "broadcastCouplers",
    "detectors",
    "fixedCouplers",
    "mzi",
    "mziUnapproximated",
    "preprocessCouplers",
    "treeMzi",
  ]);
}

/** A closed-form cell's hardware, counted on its `.netlist.json` (plain JSON). */
export function cellCounts(text: string): Record<string, number> {
  const doc = JSON.parse(text) as Json & {
    netlists: Record<string, { connections: Record<string, string> }>;
    info: Record<string, unknown>;
  };
  const top = doc.netlists[doc.top]!;
  const out = {
    mzi: 0,
    fixedCouplers: 0,
    phaseShifters: 0,
    activations: 0,
    detectors: 0,
    modulators: 0,
    biasSources: 0,
    monitors: 0,
    stages: 0,
  };
  // Monitor photodiodes: the info's monitored terminators, each one a terminator of its top instance's netlist.
  const sites = typeof doc.info.monitor_sites === "string" ? doc.info.monitor_sites.split(",") : [];
  for (const site of sites) {
    const [part, leaf] = site.split("/") as [string, string];
    if (doc.netlists[top.instances[part]?.component ?? ""]?.instances[leaf]?.component === "terminator") out.monitors++;
  }
  for (const inst of Object.values(top.instances)) {
    const s = inst.settings;
    if (inst.component === "activation") out.activations += Number(s.modes);
    else if (inst.component === "detector") out.detectors += Number(s.modes);
    else if (inst.component === "pam_source") out.modulators += Number(s.workers) * Number(s.digits);
    else if (inst.component === "bias_source") out.biasSources += s.amplitude !== 0 ? 1 : 0;
    else if (doc.netlists[inst.component]) {
      out.stages++;
      const nl = doc.netlists[inst.component]!;
      const arms = new Set(
        Object.entries(nl.instances)
          .filter(([, l]) => l.settings.arm !== undefined)
          .map(([n]) => n),
      );
      const mziCouplers = new Set<string>();
      for (const [a, b] of Object.entries(nl.connections)) {
        if (arms.has(a.split(",")[0]!)) mziCouplers.add(b.split(",")[0]!);
        if (arms.has(b.split(",")[0]!)) mziCouplers.add(a.split(",")[0]!);
      }
      for (const [n, l] of Object.entries(nl.instances)) {
        if (l.settings.arm === "top") out.mzi++;
        if (l.component === "coupler" && !mziCouplers.has(n)) out.fixedCouplers++;
        // Every phase primitive is a heater, whatever its setting (the layout draws each one).
        if (l.component === "phase") out.phaseShifters++;
      }
    }
  }
  return out;
}
