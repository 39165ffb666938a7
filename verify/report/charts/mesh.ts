// Mesh layout: one picture per linear stage. Waveguides run left to right (light order);
// each MZI is a box over its two modes in its column, coloured by its internal phase θ.
import type { LinearElement, PhaseStage } from "../../../netlist/ir.ts";
import { el, esc, n } from "../svg/escape.ts";
import { phaseColor } from "../svg/colormap.ts";
import { svgOpen } from "../svg/axes.ts";

const MAX_WIDTH = 1120;

function columnsOf(stage: PhaseStage): number {
  return stage.elements.reduce((m, e) => Math.max(m, e.column + 1), 0);
}

/** Hover titles only on small stages: they would double the page size of a 64-mode mesh. */
const MAX_TITLED_ELEMENTS = 600;

function elementShape(e: LinearElement, x: number, cw: number, rowY: (m: number) => number, rh: number, titled: boolean): string {
  const top = rowY(e.modes[0]);
  const t = (s: string) => (titled ? `<title>${s}</title>` : "");
  switch (e.kind) {
    case "mzi":
      return el(
        "rect",
        {
          x: x + cw * 0.1,
          y: top - rh * 0.35,
          width: cw * 0.8,
          height: rh * 1.7,
          rx: Math.min(3, cw * 0.15),
          fill: phaseColor(e.theta),
          class: "mzi",
        },
        t(`MZI ${e.index}: θ=${e.theta.toFixed(3)} φ=${e.phi.toFixed(3)}`),
      );
    case "attenuator":
      return el(
        "rect",
        { x: x + cw * 0.25, y: top - rh * 0.35, width: cw * 0.5, height: rh * 0.7, fill: phaseColor(e.theta), class: "atten" },
        t(`attenuator ${e.index}: |σ|=${Math.hypot(e.sigma[0], e.sigma[1]).toFixed(3)}`),
      );
    case "phase":
      return el("circle", { cx: x + cw / 2, cy: top, r: Math.max(1.2, Math.min(cw, rh) * 0.25), fill: phaseColor(e.phi), class: "phase" });
    case "coupler": {
      // Couplers may join non-adjacent modes (combiner/splitter trees): span both rows.
      const span = rowY(Math.max(e.modes[0], e.modes[1])) - rowY(Math.min(e.modes[0], e.modes[1]));
      const y0 = rowY(Math.min(e.modes[0], e.modes[1]));
      return el(
        "rect",
        { x: x + cw * 0.3, y: y0 - rh * 0.2, width: cw * 0.4, height: span + rh * 0.4, fill: "#9aa0a6", class: "coupler" },
        t(`coupler ${e.index}: modes ${e.modes[0]}–${e.modes[1]}, κ²=${e.coupling.toFixed(3)}`),
      );
    }
  }
}

export function meshDiagram(stage: PhaseStage): string {
  const cols = Math.max(1, columnsOf(stage));
  const left = 44;
  const cw = Math.max(2, Math.min(26, (MAX_WIDTH - left - 12) / cols));
  const rh = Math.max(3, Math.min(18, 420 / Math.max(1, stage.modes)));
  const top = 10;
  const width = left + cw * cols + 12;
  const height = top * 2 + rh * Math.max(1, stage.modes);
  const rowY = (m: number) => top + rh * (m + 0.5);
  const parts: string[] = [svgOpen({ width, height }, `mesh layout of stage ${stage.name}`)];
  const labelEvery = Math.ceil(11 / rh);
  for (let m = 0; m < stage.modes; m++) {
    const dark = m >= stage.inputs && stage.biasInput === undefined;
    parts.push(el("line", { x1: left - 6, x2: width - 6, y1: rowY(m), y2: rowY(m), class: dark ? "wg dark" : "wg" }));
    if (m % labelEvery === 0) parts.push(el("text", { x: left - 10, y: rowY(m) + 3.5, class: "tick", "text-anchor": "end" }, String(m)));
  }
  const sorted = [...stage.elements].sort((a, b) => a.column - b.column || a.modes[0] - b.modes[0]);
  const titled = stage.elements.length <= MAX_TITLED_ELEMENTS;
  for (const e of sorted) parts.push(elementShape(e, left + e.column * cw, cw, rowY, rh, titled));
  parts.push("</svg>");
  return parts.join("");
}

/** The θ colour key: 0 … 2π. */
export function phaseKey(): string {
  const w = 260;
  const steps = 48;
  const parts = [svgOpen({ width: w + 80, height: 30 }, "phase colour key")];
  for (let i = 0; i < steps; i++) {
    parts.push(
      el("rect", {
        x: 30 + (i * w) / steps,
        y: 4,
        width: w / steps + 0.5,
        height: 12,
        fill: phaseColor(((i + 0.5) / steps) * 2 * Math.PI),
      }),
    );
  }
  parts.push(el("text", { x: 24, y: 14, class: "tick", "text-anchor": "end" }, "θ = 0"));
  parts.push(el("text", { x: 30 + w / 2, y: 28, class: "tick", "text-anchor": "middle" }, "π"));
  parts.push(el("text", { x: 36 + w, y: 14, class: "tick" }, "2π"));
  parts.push("</svg>");
  return parts.join("");
}

export function stageSummary(stage: PhaseStage): string {
  const count = (k: LinearElement["kind"]) => stage.elements.filter((e) => e.kind === k).length;
  const bits = [
    `${stage.role}`,
    `${stage.mesh} mesh`,
    `${stage.modes} modes`,
    `${stage.inputs} in → ${stage.outputs} out`,
    `${count("mzi")} MZIs`,
  ];
  if (count("attenuator")) bits.push(`${count("attenuator")} attenuators`);
  if (count("coupler")) bits.push(`${count("coupler")} couplers`);
  if (count("phase")) bits.push(`${count("phase")} phase shifters`);
  bits.push(`${columnsOf(stage)} columns`);
  return `${esc(stage.name)}: ${esc(bits.join(" · "))}${stage.gain !== 1 ? ` · gain ${esc(n(stage.gain))}` : ""}`;
}
