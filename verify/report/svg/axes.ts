// Axes: a frame with ticks, tick labels, axis titles and light grid lines.
import { el, esc, n } from "./escape.ts";
import { tickLabel, type Scale } from "./scale.ts";

export interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function plotArea(width: number, height: number, margins: Partial<Omit<Plot, "width" | "height">> = {}): Plot {
  return { width, height, left: margins.left ?? 56, right: margins.right ?? 16, top: margins.top ?? 16, bottom: margins.bottom ?? 44 };
}

export function svgOpen(p: Pick<Plot, "width" | "height">, title: string): string {
  return `<svg viewBox="0 0 ${n(p.width)} ${n(p.height)}" width="${n(p.width)}" height="${n(p.height)}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}

export function yAxis(p: Plot, y: Scale, title: string, format: (v: number) => string = tickLabel): string {
  const parts: string[] = [];
  for (const t of y.ticks) {
    const yy = y(t);
    parts.push(el("line", { x1: p.left, x2: p.width - p.right, y1: yy, y2: yy, class: "grid" }));
    parts.push(el("text", { x: p.left - 6, y: yy + 4, class: "tick", "text-anchor": "end" }, esc(format(t))));
  }
  parts.push(el("line", { x1: p.left, x2: p.left, y1: p.top, y2: p.height - p.bottom, class: "axis" }));
  const cy = (p.top + p.height - p.bottom) / 2;
  parts.push(el("text", { x: 14, y: cy, class: "axis-title", "text-anchor": "middle", transform: `rotate(-90 14 ${n(cy)})` }, esc(title)));
  return parts.join("");
}

export function xAxis(p: Plot, x: Scale, title: string, format: (v: number) => string = tickLabel): string {
  const parts: string[] = [];
  const base = p.height - p.bottom;
  for (const t of x.ticks) {
    const xx = x(t);
    parts.push(el("line", { x1: xx, x2: xx, y1: base, y2: base + 4, class: "axis" }));
    parts.push(el("text", { x: xx, y: base + 17, class: "tick", "text-anchor": "middle" }, esc(format(t))));
  }
  parts.push(el("line", { x1: p.left, x2: p.width - p.right, y1: base, y2: base, class: "axis" }));
  parts.push(
    el("text", { x: (p.left + p.width - p.right) / 2, y: p.height - 6, class: "axis-title", "text-anchor": "middle" }, esc(title)),
  );
  return parts.join("");
}

/** Category labels under evenly spaced bands. */
export function xCategories(p: Plot, labels: string[], title: string): { center: (i: number) => number; band: number; markup: string } {
  const band = (p.width - p.left - p.right) / Math.max(1, labels.length);
  const center = (i: number) => p.left + band * (i + 0.5);
  const base = p.height - p.bottom;
  const parts = labels.map((l, i) => el("text", { x: center(i), y: base + 17, class: "tick", "text-anchor": "middle" }, esc(l)));
  parts.push(el("line", { x1: p.left, x2: p.width - p.right, y1: base, y2: base, class: "axis" }));
  parts.push(
    el("text", { x: (p.left + p.width - p.right) / 2, y: p.height - 6, class: "axis-title", "text-anchor": "middle" }, esc(title)),
  );
  return { center, band, markup: parts.join("") };
}
