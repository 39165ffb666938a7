// A bump field beside a mesh (docs/layout.md, "Bumps"): the leads leaving the mesh on one side
// (layout/leads.ts) are taken, in their x order, to bump sites in the same order, so no two cross
// on the one metal layer. Sites sit every half pitch along the field, alternately in a first and a
// second row (each row at the full pitch, the second offset by half of it); a lead to the second
// row passes between two bumps of the first. Each lead goes straight out, turns once onto a jog
// track, and straight out again to its bump; a lead whose jog spans where a neighbour leaves the
// mesh jogs further out than that neighbour, which is all it takes for no two jogs to meet.
import type { Shape } from "./cell.ts";
import type { LeadEnd } from "./leads.ts";
import { snap, type Pt } from "./geometry.ts";
import { RULES } from "./layers.ts";

export interface BumpField {
  shapes: Shape[];
  /** Net (LeadEnd.net) → its bump's centre. */
  bumps: Map<string, Pt>;
  /** Sites along the field, used or not. */
  sites: number;
}

const W = RULES.metalWidth;
const B = RULES.bump / 2;
const STEP = RULES.bumpPitch / 2;
/** Where the field starts, out from the mesh's outermost shape. */
const CLEAR = 10;

/** Nondecreasing least-squares fit of v (pool adjacent violators). */
function isotonic(v: number[]): number[] {
  const blocks: { sum: number; n: number }[] = [];
  for (const x of v) {
    blocks.push({ sum: x, n: 1 });
    while (blocks.length > 1 && blocks.at(-2)!.sum / blocks.at(-2)!.n > blocks.at(-1)!.sum / blocks.at(-1)!.n) {
      const b = blocks.pop()!;
      blocks.at(-1)!.sum += b.sum;
      blocks.at(-1)!.n += b.n;
    }
  }
  return blocks.flatMap((b) => Array.from({ length: b.n }, () => b.sum / b.n));
}

/**
 * The field on the side `side` (1: above the mesh, whose top is `edge`; −1: below, `edge` its
 * bottom) for the leads `ends`, sites from x0 on; x1 is where the mesh ends (the field runs past it
 * only when the leads need more sites).
 */
export function bumpField(ends: LeadEnd[], side: 1 | -1, edge: number, x0: number, x1: number): BumpField {
  const shapes: Shape[] = [];
  const bumps = new Map<string, Pt>();
  const leads = [...ends].sort((a, b) => a.x - b.x);
  const n = leads.length;
  const s0 = x0 + B;
  const fit = isotonic(leads.map((l, i) => (l.x - s0) / STEP - i));
  const slot = fit.map((c, i) => Math.max(0, Math.round(c)) + i);
  const sx = (j: number): number => snap(s0 + j * STEP);
  const a = leads.map((l) => l.x);
  const b = slot.map(sx);
  // jog depth: a lead whose jog covers where a neighbour leaves the mesh jogs further out
  const depth = leads.map(() => 0);
  const near = RULES.leadPitch;
  for (let i = n - 1; i >= 0; i--)
    if (b[i]! > a[i]!) for (let j = i + 1; j < n && a[j]! <= b[i]! + near; j++) depth[i] = Math.max(depth[i]!, depth[j]! + 1);
  for (let i = 0; i < n; i++)
    if (b[i]! < a[i]!) for (let j = i - 1; j >= 0 && a[j]! >= b[i]! - near; j--) depth[i] = Math.max(depth[i]!, depth[j]! + 1);
  const movers = leads.filter((_, i) => b[i] !== a[i]);
  const tracks = movers.length ? Math.max(...depth) + 1 : 0;
  const Y = (u: number): number => snap(edge + side * u);
  const jog = (t: number): number => CLEAR + W / 2 + t * RULES.leadPitch;
  // the outermost jog track's edge is 8 µm (the M2 space) short of the first row's bumps
  const row0 = CLEAR + tracks * RULES.leadPitch + B;
  const rowU = (j: number): number => row0 + (j % 2) * RULES.bumpRowPitch;
  const box = (xa: number, ua: number, xb: number, ub: number): Shape => ({
    kind: "box",
    layer: "metal",
    x0: snap(Math.min(xa, xb)),
    y0: Math.min(Y(ua), Y(ub)),
    x1: snap(Math.max(xa, xb)),
    y1: Math.max(Y(ua), Y(ub)),
  });
  leads.forEach((l, i) => {
    const start = side * (l.y - edge); // inside the mesh: negative
    const ub = rowU(slot[i]!);
    if (a[i] === b[i]) shapes.push(box(a[i]! - W / 2, start, a[i]! + W / 2, ub));
    else {
      const uj = jog(depth[i]!);
      shapes.push(
        box(a[i]! - W / 2, start, a[i]! + W / 2, uj + W / 2),
        box(a[i]! - W / 2, uj - W / 2, b[i]! + W / 2, uj + W / 2),
        box(b[i]! - W / 2, uj - W / 2, b[i]! + W / 2, ub),
      );
    }
    const open = B - RULES.padOpenInset;
    shapes.push(box(b[i]! - B, ub - B, b[i]! + B, ub + B), {
      ...box(b[i]! - open, ub - open, b[i]! + open, ub + open),
      layer: "padopen",
    });
    bumps.set(l.net, [b[i]!, Y(ub)]);
  });
  const sites = Math.max(Math.floor((x1 - B - s0) / STEP) + 1, n ? slot.at(-1)! + 1 : 0);
  return { shapes, bumps, sites: n ? sites : 0 };
}
