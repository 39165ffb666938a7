// The structure search as a chart: every structure tried, MZIs (cost) against its yield at the
// declared technology, with the 95 % interval as a whisker and the target as a dashed line. The
// front a designer picks from is the lower-left edge of the points above the line.
import type { StructuresSection } from "../types.ts";
import { plotArea, svgOpen, xAxis, yAxis } from "../svg/axes.ts";
import { el, esc, n, pct } from "../svg/escape.ts";
import { linearScale } from "../svg/scale.ts";

export function structuresChart(s: StructuresSection): string {
  const p = plotArea(560, 300, { top: 24, left: 60, bottom: 46, right: 24 });
  const tried = s.rows.filter((r) => r.yield);
  const mzis = s.rows.map((r) => r.mzi);
  const x = linearScale(0, Math.max(...mzis) * 1.1, p.left, p.width - p.right, 5);
  const lo = Math.min(s.target, ...tried.map((r) => r.yield!.lower));
  const y = linearScale(Math.max(0, Math.floor(lo * 10) / 10 - 0.05), 1, p.height - p.bottom, p.top, 5);
  const parts = [
    svgOpen(p, "structures: MZIs against yield"),
    yAxis(p, y, "yield at the declared technology", (v) => pct(v, 0)),
    xAxis(p, x, "tunable MZIs on the whole aggregator"),
  ];
  const ty = y(s.target);
  parts.push(el("line", { x1: p.left, x2: p.width - p.right, y1: ty, y2: ty, class: "threshold", "stroke-dasharray": "6 4" }));
  parts.push(el("text", { x: p.width - p.right - 4, y: ty - 4, class: "value", "text-anchor": "end" }, esc(`target ${pct(s.target, 0)}`)));
  for (const r of tried) {
    const cx = x(r.mzi);
    const yv = r.yield!;
    const color = r.chosen ? "#009E73" : "#0072B2";
    parts.push(el("line", { x1: cx, x2: cx, y1: y(yv.lower), y2: y(yv.upper), stroke: color, "stroke-width": 2 }));
    parts.push(
      el(
        "circle",
        { cx, cy: y(yv.passing / yv.trials), r: r.chosen ? 6 : 4, fill: color },
        `<title>${esc(`${r.label}: ${r.mzi} MZIs, ${yv.passing}/${yv.trials} chips exact`)}</title>`,
      ),
    );
    parts.push(el("text", { x: n(cx + 8), y: y(yv.passing / yv.trials) + 4, class: "value" }, esc(r.label)));
  }
  parts.push("</svg>");
  return parts.join("");
}
