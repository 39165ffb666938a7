// Output-error histogram in quantization steps; log-scaled counts so rare errors stay visible
// next to the (usually dominant) exact bin.
import type { ErrorHistogramSection } from "../types.ts";
import { plotArea, svgOpen, xCategories, yAxis } from "../svg/axes.ts";
import { el, esc, label } from "../svg/escape.ts";
import { logScale } from "../svg/scale.ts";

export function errorHistogramChart(h: ErrorHistogramSection): string {
  const lo = Math.min(-1, ...h.bins.map((b) => b.steps));
  const hi = Math.max(1, ...h.bins.map((b) => b.steps));
  const span = Math.min(hi - lo + 1, 41);
  const start = Math.max(lo, -20);
  const steps = Array.from({ length: span }, (_, i) => start + i);
  const counts = new Map(h.bins.map((b) => [b.steps, b.count]));
  const p = plotArea(Math.max(360, Math.min(560, 60 + steps.length * 40)), 250, { left: 64, top: 22 });
  const y = logScale(Math.max(1, ...h.bins.map((b) => b.count)), p.height - p.bottom, p.top);
  const cats = xCategories(
    p,
    steps.map((s) => (s > 0 ? `+${s}` : String(s))),
    "output error (quantization steps)",
  );
  const parts = [svgOpen(p, "output error histogram"), yAxis(p, y, "cases (log scale)", (v) => label(v, 0)), cats.markup];
  steps.forEach((s, i) => {
    const c = counts.get(s) ?? 0;
    if (c === 0) return;
    const x = cats.center(i) - cats.band * 0.35;
    const top = y(c);
    const height = Math.max(1.5, p.height - p.bottom - top);
    parts.push(
      el(
        "rect",
        {
          x,
          y: p.height - p.bottom - height,
          width: cats.band * 0.7,
          height,
          class: s === 0 ? "bar ok" : Math.abs(s) === 1 ? "bar warn" : "bar bad",
        },
        `<title>${esc(s)} steps: ${c}</title>`,
      ),
    );
    parts.push(
      el("text", { x: cats.center(i), y: p.height - p.bottom - height - 4, class: "value", "text-anchor": "middle" }, esc(label(c, 0))),
    );
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Share of the non-zero errors that are ±1 step (the paper's Table II reports ~90%). */
export function plusMinusOneShare(h: ErrorHistogramSection): number | null {
  let wrong = 0;
  let ones = 0;
  for (const b of h.bins) {
    if (b.steps === 0) continue;
    wrong += b.count;
    if (Math.abs(b.steps) === 1) ones += b.count;
  }
  return wrong === 0 ? null : ones / wrong;
}
