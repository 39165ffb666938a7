// All-reduce time of every cost model against one swept input (log–log), with the points where
// two models swap order marked as small rings (their names in the tooltip).
import type { SystemsPanel } from "../types.ts";
import { plotArea, svgOpen, xAxis, yAxis } from "../svg/axes.ts";
import { el, esc, n } from "../svg/escape.ts";
import { PALETTE } from "../svg/legend.ts";
import { logRangeScale } from "../svg/scale.ts";

const DASHES = [undefined, "6 3", "2 3"];

export function systemsChart(panel: SystemsPanel): string {
  const p = plotArea(640, 380, { left: 64, right: 150, top: 20, bottom: 44 });
  const xs = panel.series.flatMap((s) => s.points.map((q) => q.x));
  const ys = panel.series.flatMap((s) => s.points.map((q) => q.y)).filter((y) => y > 0 && Number.isFinite(y));
  const x = logRangeScale(Math.min(...xs), Math.max(...xs), p.left, p.width - p.right);
  const y = logRangeScale(Math.min(...ys), Math.max(...ys), p.height - p.bottom, p.top);
  const parts = [
    svgOpen(p, `all-reduce time against ${panel.xTitle}`),
    yAxis(p, y, "all-reduce time, s"),
    xAxis(p, x, `${panel.xTitle} (${panel.fixed})`),
  ];
  const style = (i: number) => ({ color: PALETTE[i % PALETTE.length]!, dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] });
  panel.series.forEach((s, i) => {
    const { color, dash } = style(i);
    const d = s.points
      .filter((q) => q.y > 0 && Number.isFinite(q.y))
      .map((q, j) => `${j ? "L" : "M"}${n(x(q.x))},${n(y(q.y))}`)
      .join("");
    parts.push(
      el("path", { d, fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": dash }, `<title>${esc(s.name)}</title>`),
    );
    const ly = p.top + 8 + i * 15;
    parts.push(
      el("line", {
        x1: p.width - p.right + 10,
        x2: p.width - p.right + 30,
        y1: ly - 4,
        y2: ly - 4,
        stroke: color,
        "stroke-width": 2.5,
        "stroke-dasharray": dash,
      }),
    );
    parts.push(el("text", { x: p.width - p.right + 36, y: ly, class: "legend" }, esc(s.name)));
  });
  for (const c of panel.crossovers) {
    const a = panel.series.find((s) => s.name === c.a)!;
    // The crossing's height: interpolate series a on log axes.
    const k = a.points.findIndex((q) => q.x >= c.x);
    const q0 = a.points[Math.max(0, k - 1)]!;
    const q1 = a.points[Math.max(0, k)]!;
    const f = q1.x === q0.x ? 0 : (Math.log(c.x) - Math.log(q0.x)) / (Math.log(q1.x) - Math.log(q0.x));
    const yy = Math.exp(Math.log(q0.y) + f * (Math.log(q1.y) - Math.log(q0.y)));
    parts.push(
      el(
        "circle",
        { cx: x(c.x), cy: y(yy), r: 4, fill: "none", stroke: "#000", "stroke-width": 1.2 },
        `<title>${esc(`${c.a} = ${c.b} at ${c.x.toPrecision(3)}`)}</title>`,
      ),
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
