// A picture of the chip for the HTML summary and the compile report: the die, every design copy and
// sub-circuit as a box with its name, every route as a thin line (at most 8 points each). Plain SVG
// text, deterministic; large chips (over 20,000 routes) keep the boxes only. Its styles apply under
// its class only, so it can sit inline in a page with other charts.
import type { LayoutCell } from "./cell.ts";
import { unpack } from "./route-shape.ts";

const MAX_ROUTES = 20_000;

/** Text for SVG and HTML: &, < and > escaped. */
export const esc = (t: string): string => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** `standalone`: a file of its own (with the SVG namespace); otherwise inline in HTML, without a URL. */
export function chipSvg(top: LayoutCell, widthPx = 1200, standalone = true): string {
  const b = top.bbox;
  const w = b.x1 - b.x0;
  const h = b.y1 - b.y0;
  const s = widthPx / w;
  const X = (x: number): string => ((x - b.x0) * s).toFixed(1);
  const Y = (y: number): string => ((b.y1 - y) * s).toFixed(1);
  const out: string[] = [];
  let routes = 0;
  const count = (c: LayoutCell, k: number): void => {
    routes += k * c.shapes.filter((x) => x.kind === "path" || x.kind === "route").length;
    if (routes <= MAX_ROUTES) for (const r of c.refs) if (r.cell.kind === "netlist") count(r.cell, k);
  };
  for (const r of top.refs) count(r.cell, 1);
  const draw = (c: LayoutCell, ox: number, oy: number, depth: number, label: string): void => {
    const cb = c.bbox;
    out.push(
      `<rect x="${X(ox + cb.x0)}" y="${Y(oy + cb.y1)}" width="${((cb.x1 - cb.x0) * s).toFixed(1)}" height="${((cb.y1 - cb.y0) * s).toFixed(1)}" class="d${depth}"><title>${esc(label)}</title></rect>`,
    );
    if (routes <= MAX_ROUTES) {
      for (const p of c.shapes) {
        if (p.kind !== "path" && p.kind !== "route") continue;
        const points = p.kind === "path" ? p.points : unpack(p.nm);
        const step = Math.max(1, Math.ceil(points.length / 8));
        const pts = points.filter((_, i) => i % step === 0 || i === points.length - 1);
        out.push(`<polyline points="${pts.map(([x, y]) => `${X(ox + x)},${Y(oy + y)}`).join(" ")}"/>`);
      }
    }
    for (const r of c.refs)
      if (r.cell.kind === "netlist" && depth < 2) draw(r.cell, ox + r.at[0], oy + r.at[1], depth + 1, `${label}/${r.name}`);
  };
  for (const r of top.refs) draw(r.cell, r.at[0], r.at[1], 0, r.name);
  const height = Math.ceil(h * s);
  return [
    `<svg${standalone ? ' xmlns="http://www.w3.org/2000/svg"' : ""} class="chip" viewBox="0 0 ${widthPx} ${height}" width="${widthPx}" height="${height}">`,
    `<style>.chip rect{fill:none;stroke-width:1}.chip .d0{stroke:#1f4e9c}.chip .d1{stroke:#9c6b1f}.chip .d2{stroke:#999}.chip polyline{fill:none;stroke:#d0423c;stroke-width:0.4}</style>`,
    `<rect x="0" y="0" width="${widthPx}" height="${height}" style="fill:#fbfaf5;stroke:#333"/>`,
    ...out,
    `</svg>`,
  ].join("\n");
}
