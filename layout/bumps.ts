// A bump field beside a mesh (docs/design/layout.md §6): the leads leaving the mesh on one side
// (layout/leads.ts) are taken, in their x order, to bumps in the same order, so no two cross on the
// one metal layer. Consecutive bumps are at least half a pitch apart, alternately in a first and a
// second row (so each row keeps the full pitch and every bump is a pitch from its neighbours); a
// lead to the second row passes between two bumps of the first. Each lead goes straight out, turns
// once onto a jog track, and straight out again to its bump; a lead whose jog spans where a
// neighbour leaves the mesh jogs further out than that neighbour, which is all it takes for no two
// jogs to meet. Where the leads are few, one row at the full pitch, when it is lower.
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
  /** From the field's edge to its outermost bump's far edge (0 without leads). */
  height: number;
  /** The rightmost bump's right edge (x0 without leads). */
  right: number;
}

const W = RULES.metalWidth;
const B = RULES.bump / 2;
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
 * bottom) for the leads `ends`, bumps from x0 on; x1 is where the mesh ends (the field runs past it
 * only when the leads need more room; its sites, the bumps a field that wide holds, count to x1).
 */
export function bumpField(ends: LeadEnd[], side: 1 | -1, edge: number, x0: number, x1: number): BumpField {
  // one row of sites when it holds every lead within the mesh's width and needs less height
  // than two rows, else two
  const two = fieldPlan(ends, x0, 2);
  const fits = (ends.length - 1) * RULES.bumpPitch + 2 * B <= x1 - x0;
  const one = fits ? fieldPlan(ends, x0, 1) : two;
  const p = one.rows === 1 && one.last <= x1 && one.height <= two.height ? one : two;
  return drawField(p, side, edge, x1);
}

/** Jog depth of each lead: a lead whose jog covers where a neighbour leaves the mesh jogs further out. */
function jogDepths(a: number[], b: number[]): number[] {
  const n = a.length;
  const depth = a.map(() => 0);
  const near = RULES.leadPitch;
  for (let i = n - 1; i >= 0; i--)
    if (b[i]! > a[i]!) for (let j = i + 1; j < n && a[j]! <= b[i]! + near; j++) depth[i] = Math.max(depth[i]!, depth[j]! + 1);
  for (let i = 0; i < n; i++)
    if (b[i]! < a[i]!) for (let j = i - 1; j >= 0 && a[j]! >= b[i]! - near; j--) depth[i] = Math.max(depth[i]!, depth[j]! + 1);
  return depth;
}

/** Most leads in a field whose sites are settled for fewer jog tracks (settle is quadratic per pass). */
const SETTLE_MAX = 400;

/**
 * Fewer jog tracks: the least-squares bumps of a run of leads one site apart (a column's lanes,
 * 13 µm apart, and any lone lead pulled in) need not put any lead straight above its exit, and
 * then the leads either side of the middle all move, one jog above the next. Shift each such run
 * of bumps so that one of its leads goes straight (room allowing), keeping the shift that makes
 * the field's deepest jog (then the number of leads that deep, then the sum of depths) least.
 */
function settle(a: number[], b: number[], s0: number, step: number): void {
  const n = a.length;
  const score = (): [number, number, number] => {
    const d = jogDepths(a, b);
    const m = Math.max(-1, ...d);
    return [m, d.filter((x) => x === m).length, d.reduce((u, v) => u + v, 0)];
  };
  const less = (u: [number, number, number], v: [number, number, number]): boolean =>
    u[0] < v[0] || (u[0] === v[0] && (u[1] < v[1] || (u[1] === v[1] && u[2] < v[2])));
  let best = score();
  for (let pass = 0, improved = true; improved && pass < 20; pass++) {
    improved = false;
    for (let i = 0; i < n; ) {
      let j = i;
      while (j + 1 < n && b[j + 1]! - b[j]! < step + 1e-6) j++;
      const lo = i > 0 ? b[i - 1]! + step : s0;
      const hi = j + 1 < n ? b[j + 1]! - step : Number.POSITIVE_INFINITY;
      const old = b.slice(i, j + 1);
      for (let k = i; k <= j; k++) {
        const d = a[k]! - old[k - i]!;
        if (d === 0 || old[0]! + d < lo - 1e-9 || old.at(-1)! + d > hi + 1e-9) continue;
        for (let m = i; m <= j; m++) b[m] = m === k ? a[k]! : snap(old[m - i]! + d);
        const s = score();
        if (less(s, best)) {
          best = s;
          improved = true;
          old.splice(0, old.length, ...b.slice(i, j + 1));
        } else for (let m = i; m <= j; m++) b[m] = old[m - i]!;
      }
      i = j + 1;
    }
  }
}

interface FieldPlan {
  leads: LeadEnd[];
  rows: 1 | 2;
  s0: number;
  step: number;
  depth: number[];
  a: number[];
  b: number[];
  tracks: number;
  /** Outermost bump edge from the field's edge, and the last bump's right edge. */
  height: number;
  last: number;
}

function fieldPlan(ends: LeadEnd[], x0: number, rows: 1 | 2): FieldPlan {
  const step = RULES.bumpPitch / rows;
  const leads = [...ends].sort((a, b) => a.x - b.x);
  const n = leads.length;
  const s0 = x0 + B;
  const fit = isotonic(leads.map((l, i) => (l.x - s0) / step - i));
  const a = leads.map((l) => l.x);
  // bumps at least a site apart, each as near its lead as that allows: a lead already there goes straight
  const b = fit.map((c, i) => {
    const x = snap(s0 + (Math.max(0, c) + i) * step);
    return Math.abs(x - a[i]!) < 0.002 ? a[i]! : x;
  });
  if (n <= SETTLE_MAX) settle(a, b, s0, step);
  const depth = jogDepths(a, b);
  const movers = leads.filter((_, i) => b[i] !== a[i]);
  const tracks = movers.length ? Math.max(...depth) + 1 : 0;
  const height = CLEAR + tracks * RULES.leadPitch + 2 * B + (rows - 1) * RULES.bumpRowPitch;
  return { leads, rows, s0, step, depth, a, b, tracks, height, last: n ? b.at(-1)! + B : x0 };
}

function drawField(p: FieldPlan, side: 1 | -1, edge: number, x1: number): BumpField {
  const { leads, depth, a, b, tracks, s0, step } = p;
  const n = leads.length;
  const shapes: Shape[] = [];
  const bumps = new Map<string, Pt>();
  const Y = (u: number): number => snap(edge + side * u);
  const jog = (t: number): number => CLEAR + W / 2 + t * RULES.leadPitch;
  // the outermost jog track's edge is 8 µm (the M2 space) short of the first row's bumps
  const row0 = CLEAR + tracks * RULES.leadPitch + B;
  const rowU = (j: number): number => row0 + (j % p.rows) * RULES.bumpRowPitch;
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
    const ub = rowU(i);
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
  const sites = Math.max(Math.floor((x1 - B - s0) / step) + 1, n ? Math.floor((b.at(-1)! - s0) / step + 1e-9) + 1 : 0);
  return { shapes, bumps, sites: n ? sites : 0, height: n ? p.height : 0, right: p.last };
}
