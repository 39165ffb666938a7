// Monte-Carlo yield: the exact-match fraction of every trial against the threshold line.
import type { YieldSection } from "../types.ts";
import { plotArea, svgOpen, xAxis, yAxis } from "../svg/axes.ts";
import { el, esc, pct } from "../svg/escape.ts";
import { linearScale, withTicks } from "../svg/scale.ts";

export function yieldSummary(y: YieldSection): { passing: number; yield: number; worst: number; best: number } {
  const passing = y.exactPerTrial.filter((e) => e >= y.minExact).length;
  const worst = y.exactPerTrial.length ? Math.min(...y.exactPerTrial) : NaN;
  const best = y.exactPerTrial.length ? Math.max(...y.exactPerTrial) : NaN;
  return { passing, yield: y.trials ? passing / y.trials : NaN, worst, best };
}

export function yieldChart(y: YieldSection): string {
  const s = yieldSummary(y);
  const p = plotArea(560, 250, { left: 64, top: 22 });
  const lo = Math.max(0, Math.min(s.worst, y.minExact) - 0.02 * Math.max(0.05, 1 - Math.min(s.worst, y.minExact)));
  const ys = linearScale(lo, 1, p.height - p.bottom, p.top, 4);
  const step = ys.ticks.length > 1 ? ys.ticks[1]! - ys.ticks[0]! : 0.1;
  const decimals = Math.max(0, Math.min(4, Math.ceil(-Math.log10(step * 100) - 1e-9)));
  const xs = linearScale(0.5, Math.max(1, y.trials) + 0.5, p.left, p.width - p.right, Math.min(8, y.trials));
  const xsTicks = withTicks(
    xs,
    xs.ticks.filter((t) => Number.isInteger(t) && t >= 1 && t <= y.trials),
  );
  const parts = [
    svgOpen(p, "Monte-Carlo yield"),
    yAxis(p, ys, "exact match", (v) => pct(v, decimals)),
    xAxis(p, xsTicks, "Monte-Carlo trial"),
  ];
  const w = Math.max(1, ((p.width - p.left - p.right) / Math.max(1, y.trials)) * 0.7);
  y.exactPerTrial.forEach((e, i) => {
    const top = ys(Math.max(e, ys.domain[0]));
    parts.push(
      el(
        "rect",
        {
          x: xs(i + 1) - w / 2,
          y: top,
          width: w,
          height: Math.max(1.5, p.height - p.bottom - top),
          class: e >= y.minExact ? "bar ok" : "bar bad",
        },
        `<title>trial ${i + 1}: ${esc(pct(e, 3))}</title>`,
      ),
    );
  });
  const ty = ys(y.minExact);
  parts.push(el("line", { x1: p.left, x2: p.width - p.right, y1: ty, y2: ty, class: "threshold" }));
  parts.push(el("line", { x1: p.width - p.right - 150, x2: p.width - p.right - 126, y1: p.top - 12, y2: p.top - 12, class: "threshold" }));
  parts.push(el("text", { x: p.width - p.right - 120, y: p.top - 8, class: "value" }, `threshold ${esc(pct(y.minExact, 2))}`));
  parts.push("</svg>");
  return parts.join("");
}
