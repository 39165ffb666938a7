// A one-row legend of coloured swatches.
import { el, esc } from "./escape.ts";

export function legend(x: number, y: number, items: Array<{ label: string; color: string; line?: boolean; dash?: string }>): string {
  let at = x;
  return items
    .map((it) => {
      const sw = it.line
        ? el("line", { x1: at, x2: at + 22, y1: y - 4, y2: y - 4, stroke: it.color, "stroke-width": 2.5, "stroke-dasharray": it.dash })
        : el("rect", { x: at, y: y - 10, width: 18, height: 10, fill: it.color, rx: 2 });
      const txt = el("text", { x: at + 28, y, class: "legend" }, esc(it.label));
      at += 28 + it.label.length * 6.6 + 18;
      return sw + txt;
    })
    .join("");
}

/** Series colours (colour-blind-safe, Okabe–Ito). */
export const PALETTE = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
