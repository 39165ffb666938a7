// The SVG chart `optinc allreduce --models … --chart file.svg` writes: one horizontal bar per
// model and worker count, split into compute and the communication left exposed, labelled with
// the iteration time (and the time to train, when --iterations was given), and beside it the
// energy of the iteration's all-reduces (system/models/energy.ts). Plain SVG 1.1, no
// scripts or external resources, so any browser renders it as written.
import type { WorkloadComparison } from "../../system/comparison.ts";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Seconds in the unit that suits them. */
export function formatTime(s: number): string {
  if (s >= 86400) return `${(s / 86400).toFixed(2)} d`;
  if (s >= 3600) return `${(s / 3600).toFixed(2)} h`;
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(2)} µs`;
}

/** Joules in the unit that suits them. */
export function formatEnergy(j: number): string {
  if (j >= 1e3) return `${(j / 1e3).toFixed(2)} kJ`;
  if (j >= 1) return `${j.toFixed(3)} J`;
  if (j >= 1e-3) return `${(j * 1e3).toFixed(2)} mJ`;
  return `${(j * 1e6).toFixed(2)} µJ`;
}

const ROW = 22;
const LABEL = 170;
const PLOT = 560;
const RIGHT = 250;
/** The energy panel: its bars' full width and the room for their labels. */
const EPLOT = 220;
const ERIGHT = 90;

export function iterationChartSvg(cmp: WorkloadComparison, title: string): string {
  const rows = cmp.rows.flatMap((r) => Object.values(r.models).map((m) => ({ n: r.workers, m })));
  const longest = Math.max(...rows.map((r) => r.m.time), 1e-12);
  const most = Math.max(...rows.map((r) => r.m.energy), 1e-30);
  const E0 = LABEL + PLOT + RIGHT;
  const groups = cmp.rows.length;
  const height = 70 + rows.length * ROW + groups * 18 + 40;
  const width = E0 + EPLOT + ERIGHT;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="42" fill="#555">${esc(`iteration time = compute + communication not hidden behind backward${cmp.iterations !== undefined ? `; time to train ${cmp.iterations} iterations on the right` : ""}`)}</text>`,
    `<text x="${E0}" y="42" fill="#555">energy of the all-reduces per iteration</text>`,
  );
  let y = 60;
  for (const r of cmp.rows) {
    out.push(`<text x="10" y="${y + 12}" font-weight="bold">N = ${r.workers}</text>`);
    y += 18;
    const fastest = Math.min(...Object.values(r.models).map((m) => m.time));
    const frugal = Math.min(...Object.values(r.models).map((m) => m.energy));
    for (const m of Object.values(r.models)) {
      const computeW = (PLOT * Math.min(cmp.compute, m.time)) / longest;
      const commW = (PLOT * m.exposed) / longest;
      const best = m.time === fastest;
      out.push(
        `<text x="${LABEL - 8}" y="${y + 15}" text-anchor="end"${best ? ' font-weight="bold"' : ""}>${esc(m.name + (m.derived ? " †" : ""))}</text>`,
        `<rect x="${LABEL}" y="${y + 4}" width="${computeW.toFixed(2)}" height="${ROW - 8}" fill="#9aa5b1"><title>compute ${esc(formatTime(cmp.compute))}</title></rect>`,
        `<rect x="${(LABEL + computeW).toFixed(2)}" y="${y + 4}" width="${commW.toFixed(2)}" height="${ROW - 8}" fill="${best ? "#1b7f3b" : "#d9822b"}"><title>exposed communication ${esc(formatTime(m.exposed))}</title></rect>`,
        `<text x="${(LABEL + computeW + commW + 6).toFixed(2)}" y="${y + 15}">${esc(formatTime(m.time))}${m.train !== undefined ? esc(`  ·  ${formatTime(m.train)} to train`) : ""}</text>`,
        `<rect x="${E0}" y="${y + 4}" width="${((EPLOT * m.energy) / most).toFixed(2)}" height="${ROW - 8}" fill="${m.energy === frugal ? "#1f4e8c" : "#7fa7d9"}"><title>${esc(`${m.name}: ${formatEnergy(m.energy)} per iteration`)}</title></rect>`,
        `<text x="${(E0 + (EPLOT * m.energy) / most + 6).toFixed(2)}" y="${y + 15}">${esc(formatEnergy(m.energy))}</text>`,
      );
      y += ROW;
    }
  }
  y += 12;
  out.push(
    `<rect x="${LABEL}" y="${y}" width="14" height="10" fill="#9aa5b1"/><text x="${LABEL + 20}" y="${y + 9}">compute</text>`,
    `<rect x="${LABEL + 100}" y="${y}" width="14" height="10" fill="#d9822b"/><text x="${LABEL + 120}" y="${y + 9}">exposed communication</text>`,
    `<rect x="${LABEL + 290}" y="${y}" width="14" height="10" fill="#1b7f3b"/><text x="${LABEL + 310}" y="${y + 9}">fastest at this N</text>`,
    `<text x="${LABEL + 440}" y="${y + 9}" fill="#555">† derived model</text>`,
    `<rect x="${E0}" y="${y}" width="14" height="10" fill="#1f4e8c"/><text x="${E0 + 20}" y="${y + 9}">least energy at this N</text>`,
    "</svg>",
  );
  return `${out.join("\n")}\n`;
}
