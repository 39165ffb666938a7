// Yield against error level: one step line per non-ideality (the share of Monte-Carlo dies still
// exact at each level), every level divided by the reference technology's, so 1 is "this fab".
// A diamond on the top line marks the certified level (every die in the box provably exact).
import type { ToleranceSection } from "../types.ts";
import { plotArea, svgOpen, xAxis, yAxis } from "../svg/axes.ts";
import { el, esc, n, pct } from "../svg/escape.ts";
import { legend, PALETTE } from "../svg/legend.ts";
import { linearScale, logRangeScale } from "../svg/scale.ts";

const DASHES = [undefined, "6 4", "2 3", "8 3 2 3", "4 2", "1 3"];

export function toleranceChart(t: ToleranceSection): string {
  const p = plotArea(600, 300, { top: 38, left: 60, bottom: 46 });
  const xs = t.series
    .flatMap((s) => [...s.points.map((q) => q.x), ...(s.certified ? [s.certified] : [])])
    .filter((x) => x > 0 && Number.isFinite(x));
  const lo = Math.min(1, ...xs) / 2;
  const hi = Math.max(1, ...xs) * 2;
  const x = logRangeScale(lo, hi, p.left, p.width - p.right);
  const y = linearScale(0, 1, p.height - p.bottom, p.top, 5);
  const parts = [
    svgOpen(p, "yield against error level"),
    yAxis(p, y, "yield (share of dies exact)", (v) => pct(v, 0)),
    xAxis(p, x, `error level ÷ ${t.technology} level (log scale)`, (v) => (v >= 1 ? `${v}×` : `${Number(v.toPrecision(1))}×`)),
  ];
  const x1 = x(1);
  parts.push(el("line", { x1, x2: x1, y1: p.top, y2: p.height - p.bottom, class: "threshold" }));
  parts.push(el("text", { x: x1 + 4, y: p.top + 10, class: "value" }, esc(t.technology)));
  t.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    // Yield is 1 below the smallest critical level and steps down at each one.
    const pts = s.points.filter((q) => q.x > 0 && Number.isFinite(q.x));
    if (pts.length) {
      const path: string[] = [`${n(p.left)},${n(y(1))}`];
      let prev = 1;
      for (const q of pts) {
        const xx = Math.max(p.left, Math.min(p.width - p.right, x(q.x)));
        path.push(`${n(xx)},${n(y(prev))}`, `${n(xx)},${n(y(q.yield))}`);
        prev = q.yield;
        // Past the largest critical level no die is exact any more.
      }
      const last = Math.max(p.left, Math.min(p.width - p.right, x(pts[pts.length - 1]!.x)));
      path.push(`${n(last)},${n(y(0))}`, `${n(p.width - p.right)},${n(y(0))}`);
      parts.push(
        el(
          "polyline",
          { points: path.join(" "), fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": DASHES[i % DASHES.length] },
          `<title>${esc(s.label)}</title>`,
        ),
      );
    }
    if (s.certified && s.certified > 0) {
      const cx = Math.max(p.left, Math.min(p.width - p.right, x(s.certified)));
      const cy = y(1);
      parts.push(
        el(
          "path",
          { d: `M${n(cx)} ${n(cy - 6)}L${n(cx + 5)} ${n(cy)}L${n(cx)} ${n(cy + 6)}L${n(cx - 5)} ${n(cy)}Z`, fill: color },
          `<title>${esc(s.label)}: certified below ${esc(String(Number(s.certified.toPrecision(3))))}×</title>`,
        ),
      );
    }
  });
  parts.push(
    legend(
      p.left,
      16,
      t.series.map((s, i) => ({ label: s.label, color: PALETTE[i % PALETTE.length]!, line: true, dash: DASHES[i % DASHES.length] })),
    ),
  );
  parts.push("</svg>");
  return parts.join("");
}
