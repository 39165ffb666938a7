// renderReportHtml: one self-contained HTML page (inline CSS and SVG, no scripts, no URLs).
// Output is deterministic: the same ReportData gives the same bytes.
import type { ReportData } from "./types.ts";
import { REPORT_CSS } from "./styles.ts";
import { esc, label, pct } from "./svg/escape.ts";
import { verdictHtml, verdictLine } from "./verdict.ts";
import { meshDiagram, phaseKey, stageSummary } from "./charts/mesh.ts";
import { errorHistogramChart, plusMinusOneShare } from "./charts/histogram.ts";
import { yieldChart, yieldSummary } from "./charts/yield.ts";
import { latencyChart } from "./charts/latency.ts";
import { systemsChart } from "./charts/systems.ts";
import { volumeChart } from "./charts/volume.ts";
import { trainingCharts } from "./charts/training.ts";
import { toleranceChart } from "./charts/tolerance.ts";
import { structuresChart } from "./charts/structures.ts";
import { yieldInterval } from "../tolerance/statistics.ts";

const MAX_MESH_STAGES = 6;

function section(title: string, body: string): string {
  return `<section><h2>${esc(title)}</h2>${body}</section>`;
}

/** A figure as wide as its (first) chart, so captions wrap under it and figures sit side by side. */
function figure(svg: string, caption: string): string {
  const w = /^<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1];
  return `<figure${w ? ` style="max-width: ${w}px"` : ""}>${svg}<figcaption>${caption}</figcaption></figure>`;
}

function meshSection(d: NonNullable<ReportData["mesh"]>): string {
  const shown = d.stages.slice(0, MAX_MESH_STAGES);
  const body = shown.map((s) => `<div class="stage-title">${stageSummary(s)}</div>${meshDiagram(s)}`).join("");
  const more = d.stages.length > shown.length ? ` ${d.stages.length - shown.length} further stage(s) are not drawn.` : "";
  return section(
    "Mesh layout",
    body +
      `<figure>${phaseKey()}<figcaption>` +
      `Each box is one MZI across its two waveguides (rows = modes, numbered on the left), placed in its column in light order (left → right) and coloured by its internal phase θ; small squares are attenuators (Σ entries), dots are single-mode phase shifters, grey boxes fixed couplers. Dashed rows carry no input light.${more}` +
      `</figcaption></figure>`,
  );
}

function histogramSection(d: NonNullable<ReportData["errorHistogram"]>): string {
  const total = d.bins.reduce((a, b) => a + b.count, 0);
  const exact = d.bins.find((b) => b.steps === 0)?.count ?? 0;
  const share = plusMinusOneShare(d);
  const note =
    share === null
      ? "No output differs from the golden average."
      : `${label(total - exact, 0)} wrong outputs; ±1-step errors are ${pct(share, 1)} of them (the paper's Table II reports about 90%).`;
  return figure(
    errorHistogramChart(d),
    `Output error = decoded output value − golden quantized average, in quantization steps, over ${label(total, 0)} simulated cases${d.condition ? ` (${esc(d.condition)})` : ""}. ${esc(note)}`,
  );
}

function yieldFigure(d: NonNullable<ReportData["yield"]>): string {
  const s = yieldSummary(d);
  return figure(
    yieldChart(d),
    `${s.passing} of ${d.trials} Monte-Carlo trials reach exact match ≥ ${esc(pct(d.minExact, 2))}: yield ${esc(pct(s.yield, 1))} (95% CI ${esc(yieldInterval(s.passing, d.trials))}); worst trial ${esc(pct(s.worst, 3))}${d.condition ? `. Non-idealities: ${esc(d.condition)}` : ""}.`,
  );
}

function hardwareSection(d: NonNullable<ReportData["hardware"]>): string {
  const rows = d.rows
    .map(
      (r) =>
        `<tr><td>${esc(r.item)}</td><td class="num">${esc(typeof r.value === "number" ? label(r.value, Number.isInteger(r.value) ? 0 : 3) : r.value)}</td><td>${esc(r.unit ?? "")}</td><td>${esc(r.note ?? "")}</td></tr>`,
    )
    .join("");
  return section(
    "Hardware",
    `<table><thead><tr><th>item</th><th>value</th><th>unit</th><th>note</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

function portMapSection(d: NonNullable<ReportData["portMap"]>): string {
  const tables = d.units
    .map((u) => {
      const rows = u.rows
        .map(
          (r) =>
            `<tr><td>${esc(r.port)}</td><td>${esc(r.kind)}</td><td>${esc(r.meaning)}</td><td class="num">${esc(r.value)}</td><td>${esc(r.connects)}</td></tr>`,
        )
        .join("");
      return `<div class="stage-title">${esc(u.name)}</div><table><thead><tr><th>port</th><th>kind</th><th>meaning</th><th>value</th><th>connects to</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join("");
  return section("Port map", tables + d.notes.map((n) => `<p>${esc(n)}</p>`).join(""));
}

function trainingSection(d: NonNullable<ReportData["training"]>): string {
  const base = d.runs[0];
  const rows = d.runs
    .map((r, i) => {
      const da = i === 0 || !base ? "—" : `${(100 * (r.finalAccuracy - base.finalAccuracy)).toFixed(2)} pp`;
      const dl = i === 0 || !base ? "—" : (r.finalLoss - base.finalLoss).toFixed(4);
      return `<tr><td>${esc(r.name)}</td><td class="num">${esc(pct(r.finalAccuracy, 2))}</td><td class="num">${esc(r.finalLoss.toFixed(4))}</td><td class="num">${esc(da)}</td><td class="num">${esc(dl)}</td></tr>`;
    })
    .join("");
  const table = `<table><thead><tr><th>aggregator</th><th>final test accuracy</th><th>final test loss</th><th>Δ accuracy vs ring</th><th>Δ loss vs ring</th></tr></thead><tbody>${rows}</tbody></table>`;
  return section(
    "Training emulation",
    `<div class="row">${trainingCharts(d)}</div><figcaption>${esc(d.description ?? "Data-parallel training with gradients aggregated by ring all-reduce (fp32) and by the OptINC path.")} The paper reports −0.03% accuracy without and −0.55% with injected errors for ResNet50 on CIFAR-100.</figcaption>${table}`,
  );
}

function toleranceSection(d: NonNullable<ReportData["tolerance"]>): string {
  const rows = d.rows
    .map(
      (r) =>
        `<tr><td>${esc(r.nonIdeality)}</td><td class="num">${esc(r.tolerance)}</td><td class="num">${esc(r.lowerBound)}</td><td class="num">${esc(r.certified)}</td><td class="num">${esc(r.technology)}</td><td>${r.meets === null ? "" : r.meets ? "meets" : "<b>fails</b>"}</td></tr>`,
    )
    .join("");
  const table = !d.rows.length
    ? ""
    : `<table><thead><tr><th>non-ideality</th><th>99%-yield estimate</th><th>lower bound (confidence)</th><th>certified</th><th>${esc(d.technology)}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
  const chart = d.series.length ? figure(toleranceChart(d), esc(d.caption)) : `<p>${esc(d.caption)}</p>`;
  return section("Tolerance", `<div class="row">${chart}</div>${table}`);
}

function structuresSection(d: NonNullable<ReportData["structures"]>): string {
  const rows = d.rows
    .map(
      (r) =>
        `<tr${r.chosen ? ' class="chosen"' : ""}>${r.cells.map((c, i) => `<td${i > 0 && i < 5 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`,
    )
    .join("");
  const table = `<table><thead><tr>${d.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>`;
  const chart = d.rows.some((r) => r.yield)
    ? `<div class="row">${figure(structuresChart(d), esc(d.caption))}</div>`
    : `<p>${esc(d.caption)}</p>`;
  return section("Structures considered", chart + table);
}

function layoutSection(d: NonNullable<ReportData["layout"]>): string {
  const rows = d.rows.map((r) => `<tr><td>${esc(r.item)}</td><td class="num">${esc(r.value)}</td></tr>`).join("");
  return section("Layout", `<div class="row">${figure(d.svg, esc(d.caption))}</div><table><tbody>${rows}</tbody></table>`);
}

export function renderReportHtml(d: ReportData): string {
  const title = d.title ?? `OptINC aggregator${d.name ? ` ${d.name}` : ""}`;
  const facts = d.facts?.length
    ? `<p class="facts">${d.facts.map((f) => `<span>${esc(f.label)}: <b>${esc(String(f.value))}</b></span>`).join("")}</p>`
    : "";
  const body: string[] = [];
  if (d.mesh?.stages.length) body.push(meshSection(d.mesh));
  if (d.errorHistogram || d.yield) {
    const figs = [d.errorHistogram ? histogramSection(d.errorHistogram) : "", d.yield ? yieldFigure(d.yield) : ""].join("");
    body.push(section("Functional verification", `<div class="row">${figs}</div>`));
  }
  if (d.structures) body.push(structuresSection(d.structures));
  if (d.hardware?.rows.length) body.push(hardwareSection(d.hardware));
  if (d.portMap?.units.length) body.push(portMapSection(d.portMap));
  if (d.layout) body.push(layoutSection(d.layout));
  if (d.latency?.presets.length || d.volume?.points.length) {
    const figs = [
      d.latency?.presets.length
        ? figure(
            latencyChart(d.latency),
            "Time of one training iteration, compute vs communication, divided by the ring all-reduce total of the same workload.",
          )
        : "",
      d.volume?.points.length
        ? figure(
            volumeChart(d.volume),
            "Bytes every worker sends per all-reduce divided by the gradient size: ring sends 2(N−1)/N, OptINC sends each gradient once.",
          )
        : "",
    ].join("");
    body.push(section("Communication and latency", `<div class="row">${figs}</div>`));
  }
  if (d.systems?.panels.length) {
    const figs = d.systems.panels
      .map((panel) =>
        figure(
          systemsChart(panel),
          `All-reduce time of every cost model against ${panel.xTitle} (${panel.fixed}); rings mark where two models swap order (${panel.crossovers.length} crossovers).`,
        ),
      )
      .join("");
    body.push(section("Cost models compared", `<div class="row">${figs}</div>`));
  }
  if (d.tolerance) body.push(toleranceSection(d.tolerance));
  if (d.training?.runs.length) body.push(trainingSection(d.training));
  if (!body.length) body.push(section("Nothing to show", "<p>This report has no sections yet.</p>"));
  return [
    "<!DOCTYPE html>",
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${esc(title)}</title><meta name="description" content="${esc(verdictLine(d))}"><style>${REPORT_CSS}</style></head>`,
    `<body><header><h1>${esc(title)}</h1>${facts}${verdictHtml(d)}</header>`,
    body.join("\n"),
    `<footer>Generated by optinc. Self-contained: no scripts, no external resources.</footer></body></html>`,
    "",
  ].join("\n");
}
