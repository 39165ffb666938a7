// Bytes each worker sends per all-reduce, normalized to the gradient size, against N.
import type { VolumeSection } from "../types.ts";
import { plotArea, svgOpen, xCategories, yAxis } from "../svg/axes.ts";
import { el, esc } from "../svg/escape.ts";
import { legend } from "../svg/legend.ts";
import { linearScale } from "../svg/scale.ts";

export function volumeChart(v: VolumeSection): string {
  const p = plotArea(Math.max(380, 120 + v.points.length * 110), 260, { top: 30 });
  const top = Math.max(2, ...v.points.map((q) => Math.max(q.ring, q.optinc)));
  const y = linearScale(0, top, p.height - p.bottom, p.top, 4);
  const cats = xCategories(
    p,
    v.points.map((q) => `N = ${q.workers}`),
    "workers",
  );
  const parts = [svgOpen(p, "communication volume"), yAxis(p, y, "bytes sent ÷ gradient size"), cats.markup];
  parts.push(
    legend(p.left + 8, 16, [
      { label: "ring all-reduce", color: "#0072B2" },
      { label: "OptINC", color: "#009E73" },
    ]),
  );
  v.points.forEach((q, i) => {
    const w = cats.band * 0.3;
    (
      [
        ["ring", q.ring, "#0072B2", -1],
        ["optinc", q.optinc, "#009E73", 0],
      ] as const
    ).forEach(([, val, color, off]) => {
      const x = cats.center(i) + off * w + (off === 0 ? 2 : -2);
      const yy = y(val);
      parts.push(el("rect", { x, y: yy, width: w, height: p.height - p.bottom - yy, fill: color }));
      parts.push(el("text", { x: x + w / 2, y: yy - 4, class: "value", "text-anchor": "middle" }, esc(String(Number(val.toFixed(3))))));
    });
  });
  parts.push("</svg>");
  return parts.join("");
}
