// report.json (+ the compile result) → the self-contained report.html sections.
import type { Spec } from "../../dsl/spec.ts";
import { latencyBreakdown } from "../../system/latency.ts";
import { systemsSection } from "./systems-section.ts";
import { renderReportHtml } from "../../verify/report/index.ts";
import type { LayoutSection, ReportData } from "../../verify/report/types.ts";
import { verifyReportSections } from "../../verify/circuit/format.ts";
import { toTrainingSection } from "./training-section.ts";
import { toleranceSection } from "../../verify/tolerance/report-section.ts";
import type { CellPortSource, Circuit, PhaseStage, PortMapCell, PortMapInput } from "../../netlist/ir.ts";
import { portMap } from "../../netlist/formats/port-map.ts";
import type { CompileResult } from "../compile/trained.ts";
import type { Report } from "./report.ts";

/** Largest stage (in modes) drawn in the mesh section. */
const MAX_DRAWN_MODES = 320;

/** The paper's normalised iteration latencies (Fig. 7b), shown next to ours. */
const PAPER_LATENCY: Record<string, number> = { "resnet50-cifar100": 0.74, "llama-8l-384": 0.83 };

/** The key facts under the report's title: the number format, one route-specific fact, the seed. */
export function specFacts(spec: Spec, seed: number, route: { label: string; value: string }): NonNullable<ReportData["facts"]> {
  return [
    { label: "workers", value: spec.workers },
    { label: "precision", value: `${spec.precision} bit` },
    { label: "levels", value: spec.innerLevels ? `PAM-${spec.levels} link, PAM-${spec.innerLevels} cells` : `PAM-${spec.levels}` },
    { label: "rounding", value: spec.rounding },
    route,
    { label: "seed", value: seed },
  ];
}

/** The latency breakdown of the spec's own workload (its `workload` block or preset) on its own link. */
export function latencySection(spec: Spec): ReportData["latency"] {
  const b = latencyBreakdown(spec, spec.workers);
  const ring = b.rows.find((r) => r.model === "ring")!;
  const opt = b.rows.find((r) => r.model === "optinc")!;
  const name = spec.workload.preset ?? "spec workload";
  return {
    presets: [
      {
        name,
        ring: { compute: ring.compute, communication: ring.comm },
        optinc: { compute: opt.compute, communication: opt.comm },
        paper: PAPER_LATENCY[name],
      },
    ],
  };
}

/** The port map of every emitted circuit (the same content as its `<name>.ports.json`). */
export function portMapSection(circuits: { name: string; circuit: Circuit; cell?: PortMapCell }[]): ReportData["portMap"] {
  const notes = new Set<string>();
  const units = circuits.map((u) => {
    const m = portMap(u.circuit, { cell: u.cell });
    const rows: NonNullable<ReportData["portMap"]>["units"][number]["rows"] = [];
    for (const i of m.inputs) {
      if (i.kind === "worker-digit")
        rows.push({
          port: i.port,
          kind: "input",
          meaning: `worker ${i.worker}, digit ${i.digit} (×${i.weight})`,
          value: `symbol d → amplitude d × ${fmt(i.amplitudePerLevel)}`,
          connects: i.drives,
        });
      else if (i.kind === "cell-port")
        rows.push({
          port: i.port,
          kind: "input",
          meaning: cellPortMeaning(i),
          value: `symbol d → amplitude d × ${fmt(i.amplitudePerLevel)}`,
          connects: i.drives,
        });
      else if (i.kind === "bias")
        rows.push({
          port: i.instance,
          kind: "bias source",
          meaning: "constant optical input",
          value: `amplitude ${fmt(i.amplitude)}`,
          connects: i.drives,
        });
      else if (i.kind === "regenerated")
        rows.push({
          port: i.drives,
          kind: "regenerated",
          meaning: `digit re-sent from ${i.from}`,
          value: `symbol d → amplitude d × ${fmt(i.amplitudePerLevel)}`,
          connects: i.drives,
        });
      else rows.push({ port: i.port, kind: "optical input", meaning: "field amplitude", value: "", connects: i.drives });
    }
    const det = new Map(m.detectors.map((d) => [d.instance, d]));
    for (const o of m.outputs) {
      const d = det.get(o.from.split(",")[0]!);
      rows.push(
        o.kind === "digit" || o.kind === "cell-output"
          ? {
              port: o.port,
              kind: "output",
              meaning:
                o.kind === "digit"
                  ? `result digit ${o.digit} (×${o.weight})`
                  : `cell output ${o.cellOutput}${o.carries ? `: ${o.carries.map((c) => `${c.copy}.${c.output}`).join(", ")}` : ""}`,
              value: d ? `step ${fmtEach(d.step)}, offset ${fmtEach(d.offset)}` : "",
              connects: `detector reads ${o.reads}`,
            }
          : { port: o.port, kind: "optical output", meaning: "field", value: "", connects: o.from },
      );
    }
    for (const mon of m.monitors ?? [])
      rows.push({
        port: mon.name,
        kind: "monitor",
        meaning: `photodiode on ${mon.kind === "dump" ? "an attenuator dump" : "a fan-in dump"}, read for the ${mon.reads}`,
        value: "0 dB added loss",
        connects: `${mon.netlist},${mon.terminator}`,
      });
    if (m.monitors) notes.add("Monitors: photodiodes on terminators (light the cell discards), read only by the lab calibration.");
    for (const d of m.detectors) notes.add(`Detector decision: ${d.rule}.`);
    notes.add(`Broadcast: ${m.broadcast.note}.`);
    return { name: u.name, rows };
  });
  return units.length ? { units, notes: [...notes] } : undefined;
}

/** A cell port in words: its index and weight in v, and what it carries on each copy. */
function cellPortMeaning(i: Extract<PortMapInput, { kind: "cell-port" }>): string {
  const src = (c: CellPortSource): string => ("worker" in c ? `worker ${c.worker} digit ${c.position}` : `${c.cell}.${c.output}`);
  return `cell port ${i.cellPort}${i.weight !== undefined ? ` (×${i.weight} in v)` : ""}${i.carries ? `: ${i.carries.map((c) => `${c.copy} ← ${src(c)}`).join(", ")}` : ""}`;
}

function fmtEach(x: number | number[]): string {
  return Array.isArray(x) ? `[${x.map(fmt).join(", ")}]` : fmt(x);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/** Yield trials of the first unit (the technology block), when the spec has non-idealities. */
function yieldSections(result: CompileResult): Pick<ReportData, "yield"> {
  const y = result.units[0]?.yield;
  if (!y) return {};
  const sec = verifyReportSections(y).yield;
  return sec ? { yield: sec } : {};
}

export function reportHtml(report: Report, result: CompileResult, layout?: LayoutSection): string {
  const h = report.hardware;
  const firstUnit = result.units[0];
  // Draw at most two layer stages, the smallest: a 1,000-mode stage is unreadable as a picture
  // (the netlists carry every stage in full).
  const layerStages = (firstUnit?.table.pipeline ?? [])
    .filter((s): s is PhaseStage => "elements" in s && s.role !== "preprocess" && s.modes <= MAX_DRAWN_MODES)
    .sort((a, b) => a.modes - b.modes || a.name.localeCompare(b.name))
    .slice(0, 2);
  const data: ReportData = {
    name: report.name,
    facts: specFacts(report.spec, report.seed, { label: "mesh", value: report.spec.mesh }),
    verdict: {
      yield: result.units[0]?.yield?.trials?.yield,
      minExact: 1,
      minYield: 0.9,
      exactMatch: report.onn.exactMatch,
      cases: report.onn.casesChecked,
      spaceSize: report.onn.units.reduce((a, u) => a + u.dataset.spaceSize, 0),
      areaRatio: h.areaRatio,
    },
    mesh: layerStages.length ? { stages: layerStages } : undefined,
    errorHistogram: {
      bins: Object.entries(report.onn.errorHistogram)
        .map(([k, v]) => ({ steps: Number(k), count: v }))
        .sort((a, b) => a.steps - b.steps),
      condition: "ideal components, emitted netlist",
    },
    hardware: {
      rows: [
        { item: "tunable MZIs", value: h.mzi, note: "mesh MZIs + attenuator MZIs; every count here is taken on the emitted netlists" },
        { item: "MZIs without approximation", value: h.mziUnapproximated, note: "full SVD mapping of every layer" },
        { item: "area ratio", value: h.areaRatio.toFixed(3), note: "paper: 0.393 (4×8-bit), 0.493 (4×16-bit)" },
        ...(h.treeMzi
          ? [
              {
                item: "tree MZIs",
                value: h.treeMzi,
                note: `trees = mzi: area ratio ${h.areaRatioWithTrees.toFixed(3)} with them (docs/design/calibration.md §5)`,
              },
            ]
          : []),
        { item: "fixed couplers (segments)", value: h.fixedCouplers },
        { item: "preprocessing couplers", value: h.preprocessCouplers, note: "digit-sum chains and the bias split" },
        {
          item: "broadcast couplers",
          value: h.broadcastCouplers,
          note: h.broadcastCouplers ? "" : "the splitting unit is not part of the emitted circuit",
        },
        { item: "optical activations", value: h.activations },
        { item: "bias sources", value: h.biasSources },
        { item: "detectors", value: h.detectors, note: "one decoded digit each" },
        ...(report.cascade
          ? [
              {
                item: "cascade units",
                value: report.cascade.units,
                note: `+${(100 * report.cascade.overheadVsBaseUnits).toFixed(1)}% vs base units (paper ≈ +10.5%)`,
              },
            ]
          : []),
      ],
    },
    portMap: portMapSection(result.units.flatMap((u) => (u.emitted ? [{ name: u.file, circuit: u.emitted }] : []))),
    ...yieldSections(result),
    training: result.units[0]?.training ? toTrainingSection(result.units[0].training) : undefined,
    tolerance: result.tolerance ? toleranceSection(result.tolerance) : undefined,
    latency: latencySection(report.spec),
    systems: systemsSection(report.spec),
    volume: { points: [2, 4, 8, 16, 32, 64].map((n) => ({ workers: n, ring: (2 * (n - 1)) / n, optinc: 1 })) },
  };
  return renderReportHtml(layout ? { ...data, layout } : data);
}
