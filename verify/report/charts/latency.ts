// Per-iteration latency breakdown, normalized to the ring all-reduce total of each preset.
import type { LatencySection } from "../types.ts";
import { plotArea, svgOpen, xAxis } from "../svg/axes.ts";
import { el, esc } from "../svg/escape.ts";
import { legend } from "../svg/legend.ts";
import { linearScale } from "../svg/scale.ts";

export function latencyChart(l: LatencySection): string {
  const rowH = 26;
  const gap = 18;
  const p = plotArea(640, 70 + l.presets.length * (2 * rowH + gap), { left: 190, right: 110, top: 30, bottom: 40 });
  const x = linearScale(0, 1, p.left, p.width - p.right, 5);
  const parts = [svgOpen(p, "latency breakdown"), xAxis(p, x, "time per iteration ÷ ring all-reduce total")];
  parts.push(
    legend(p.left, 16, [
      { label: "compute", color: "#56B4E9" },
      { label: "communication", color: "#E69F00" },
    ]),
  );
  l.presets.forEach((preset, i) => {
    const total = preset.ring.compute + preset.ring.communication;
    const rows: Array<[string, typeof preset.ring]> = [
      ["ring all-reduce", preset.ring],
      ["OptINC", preset.optinc],
    ];
    const y0 = p.top + i * (2 * rowH + gap);
    parts.push(el("text", { x: 8, y: y0 + rowH + 4, class: "label-strong" }, esc(preset.name)));
    rows.forEach(([name, bar], j) => {
      const y = y0 + j * rowH;
      const c = bar.compute / total;
      const m = bar.communication / total;
      parts.push(el("text", { x: p.left - 8, y: y + rowH * 0.62, class: "tick", "text-anchor": "end" }, esc(name)));
      parts.push(
        el("rect", { x: x(0), y: y + 3, width: x(c) - x(0), height: rowH - 6, fill: "#56B4E9" }, `<title>compute ${c.toFixed(3)}</title>`),
      );
      parts.push(
        el(
          "rect",
          { x: x(c), y: y + 3, width: x(c + m) - x(c), height: rowH - 6, fill: "#E69F00" },
          `<title>communication ${m.toFixed(3)}</title>`,
        ),
      );
      const note = j === 1 && preset.paper !== undefined ? ` (paper ≈ ${preset.paper.toFixed(2)})` : "";
      parts.push(el("text", { x: x(c + m) + 6, y: y + rowH * 0.62, class: "value" }, esc(`${(c + m).toFixed(2)}${note}`)));
    });
  });
  parts.push("</svg>");
  return parts.join("");
}
