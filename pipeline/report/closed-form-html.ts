// report.json of a closed-form compile → the self-contained report.html (the shared section kit in
// verify/report/). Cell stages are small, so the first cell design's stages are drawn.
import { renderReportHtml } from "../../verify/report/index.ts";
import type { LayoutSection, ReportData } from "../../verify/report/types.ts";
import type { PhaseStage } from "../../netlist/ir.ts";
import type { ClosedFormResult } from "../compile/closed-form.ts";
import type { ClosedFormReport } from "./closed-form-report.ts";
import { toleranceSection } from "../../verify/tolerance/report-section.ts";
import { targetText } from "../../verify/tolerance/statistics.ts";
import { toleranceOmittedText } from "./closed-form-summary.ts";
import { latencySection, portMapSection, specFacts } from "./report-html.ts";
import { systemsSection } from "./systems-section.ts";
import { readChipJson } from "../../aggregate/chip-file.ts";
import { cellPortMap } from "../compile/cell-ports.ts";
import { structureColumns } from "../compile/structure-table.ts";
import { unbuiltLines } from "../compile/shape-bound.ts";
import { boundText } from "../compile/decision-bound.ts";
import { SEARCH_FIRST_STAGE } from "../compile/structure-search.ts";
import { P_PI_WATTS } from "../../netlist/heater.ts";
import type { StructureSearch } from "../types.ts";

function structuresSection(s: StructureSearch): NonNullable<ReportData["structures"]> {
  const { head, rows } = structureColumns(s);
  return {
    technology: s.technology,
    target: s.target.yield,
    head,
    rows: s.rows.map((r, i) => ({ label: r.label, mzi: r.cost.mzi, chosen: i === s.chosen, yield: r.yield, cells: rows[i]! })),
    caption: `route = auto: every structure the compiler can build, in the order tried (those that close the light budget first, least ${s.optimize === "area" ? "MZIs" : s.optimize} first); each tried is a Monte-Carlo of whole chips at ${s.technology} (${SEARCH_FIRST_STAGE} chips, then on to the chips that show the target when all are exact). ${s.reason}. Heater power at ${1000 * P_PI_WATTS} mW per π; pJ/bit per input bit with thermo-optic shifters at the preset's lasers; tolerance: the ${s.technology} errors scaled as a whole, rank 1 of the dies (--explain).${s.unbuilt?.length ? ` ${unbuiltLines(s.unbuilt).join("; ")}.` : ""}`,
  };
}

export function closedFormHtml(report: ClosedFormReport, result: ClosedFormResult, layout?: LayoutSection): string {
  const h = report.hardware;
  const first = result.steps[0]?.designs.find((d) => d.cell.role === "add") ?? result.steps[0]?.designs[0];
  const stages = (first?.table.pipeline ?? []).filter((s): s is PhaseStage => "elements" in s);
  const yieldData = report.yield;
  const data: ReportData = {
    name: report.name,
    facts: specFacts(report.spec, report.seed, { label: "route", value: "closed-form digit cells" }),
    verdict: {
      yield: yieldData?.yield,
      minExact: 1,
      minYield: 0.9,
      exactMatch: report.onn.exactMatch,
      cases: report.onn.casesChecked,
      pass: report.ok && (!yieldData || yieldData.yield >= 0.9),
    },
    mesh: stages.length ? { stages } : undefined,
    errorHistogram: {
      bins: Object.entries(report.onn.errorHistogram)
        .map(([k, v]) => ({ steps: Number(k), count: v }))
        .sort((a, b) => a.steps - b.steps),
      condition: "ideal components, emitted netlists, end to end",
    },
    ...(yieldData
      ? {
          yield: {
            trials: yieldData.trials,
            exactPerTrial: yieldData.exactCopies,
            minExact: 1,
            condition: `the spec's technology block; per trial the fraction of exact cell copies. ${targetText(yieldData.passing, yieldData.trials, yieldData.target)}`,
          },
        }
      : {}),
    hardware: {
      rows: [
        {
          item: "cell designs",
          value: report.cells.length,
          note: report.cells.map((c) => `${c.design} ×${c.copies} (v ≤ ${c.vmax})`).join(", "),
        },
        ...(report.decisionBound
          ? [
              {
                item: "widest decision θ (technology's bound)",
                value: Math.max(0, ...report.cells.map((c) => c.widestTheta)),
                note: `decision bound at the spec's technology, ${boundText(report.decisionBound)}; per cell: ${report.cells.map((c) => `${c.design} ${c.widestTheta}`).join(", ")}`,
              },
            ]
          : []),
        { item: "tunable MZIs (attenuators)", value: h.mzi, note: "one per matrix entry; every optical path meets exactly one" },
        { item: "fixed couplers", value: h.fixedCouplers, note: "fan-out and fan-in trees" },
        {
          item: "phase shifters",
          value: h.phaseShifters,
          note: "two per MZI plus every non-zero phase; every count here is taken on the emitted netlists",
        },
        { item: "optical activations", value: h.activations },
        { item: "bias sources", value: h.biasSources },
        { item: "detectors", value: h.detectors },
        {
          item: "monitor photodiodes",
          value: h.monitors,
          note: `for calibration, on light the cells discard (0 dB added loss): ${report.cells.map((c) => `${c.design}: ${c.monitors.summary}`).join("; ")}`,
        },
        { item: "modulators", value: h.modulators, note: `${h.regeneratedDigits} driven by regenerated digits` },
        {
          item: "cells on the critical path",
          value: h.cellsOnCriticalPath,
          note: `${h.oeoOnCriticalPath} O-E-O regenerations ≈ ${(h.oeoLatencySeconds * 1e9).toFixed(0)} ns at an assumed 1 ns each${report.conversion ? ` (${report.conversion.oeoHops} of them the link conversion)` : ""}`,
        },
        ...(report.conversion
          ? [
              {
                item: `link conversion (PAM-${report.conversion.linkLevels} link, PAM-${report.conversion.innerLevels} cells)`,
                value: report.conversion.ingressModulators + report.conversion.egressModulators,
                note: `modulators: ingress ${report.conversion.ingressReceivers} PAM-${report.conversion.linkLevels} receivers re-sent as ${report.conversion.subDigits} PAM-${report.conversion.innerLevels} symbols each (${report.conversion.ingressModulators}); egress ${report.conversion.egressModulators} PAM-${report.conversion.linkLevels} re-modulations of ${report.conversion.subDigits} result digits each`,
              },
            ]
          : []),
      ],
    },
    ...(report.tolerance
      ? { tolerance: toleranceSection(report.tolerance) }
      : report.toleranceOmitted
        ? {
            tolerance: {
              technology: report.spec.technology.preset,
              series: [],
              rows: [],
              caption: `Tolerance ${toleranceOmittedText(report.toleranceOmitted)}.`,
            },
          }
        : {}),
    ...(report.structure ? { structures: structuresSection(report.structure) } : {}),
    portMap: portMapSection(
      result.steps.flatMap((s) => {
        const chip = readChipJson(result.files.get(`${s.stem}.chip.json`)!, `${s.stem}.chip.json`);
        return [...(s.circuits ?? new Map())].map(([name, circuit]) => ({ name, circuit, cell: cellPortMap(chip, name) }));
      }),
    ),
    latency: latencySection(report.spec),
    systems: systemsSection(report.spec),
    volume: { points: [2, 4, 8, 16, 32, 64].map((n) => ({ workers: n, ring: (2 * (n - 1)) / n, optinc: 1 })) },
  };
  return renderReportHtml(layout ? { ...data, layout } : data);
}
