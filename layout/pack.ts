// Packing the design copies on the die (docs/design/layout.md §5): copies are boxes of very different
// widths and heights (a cascade's levels, a small divider beside large adders), so rows of copies
// left wide gaps. Within a strip of a trial width, either each copy goes in turn where the skyline
// of what is placed leaves it lowest (then leftmost), or the skyline's lowest gap takes the copy
// that fits it best (best fit); of all trial widths, orders and ranks the smallest bounding box no
// more than twice as long as wide wins (ties: the squarer one, then the earlier trial). The trial
// widths include those two or three copies fill exactly side by side: a uniform grid of widths
// misses them (cluster-16: 308.2 mm² on the grid alone, 290.2 mm² with them). Pure arithmetic, so
// the same boxes give the same places.

export interface PackBox {
  w: number;
  h: number;
}

/** Lower-left corners, one per box in input order, and the bounding box they fill. */
export interface Packing {
  at: [number, number][];
  width: number;
  height: number;
}

/** Trial strip widths per order: enough to find the narrow optima of a few dozen boxes. */
const TRIALS = 240;
/** Longest side over shortest side of the die at most this (a die of one long row dices and mounts badly). */
const MAX_ASPECT = 2;

/** A skyline segment: [x, x + w) at height y. */
interface Level {
  x: number;
  w: number;
  y: number;
}

/** Neighbouring segments (sorted by x) at one height merged into one. */
function mergeLevels(sky: Level[]): Level[] {
  const out: Level[] = [];
  for (const s of sky) {
    const last = out.at(-1);
    if (last && Math.abs(last.y - s.y) < 1e-9 && Math.abs(last.x + last.w - s.x) < 1e-9) last.w += s.w;
    else out.push({ ...s });
  }
  return out;
}

/** Bottom-left skyline packing of `boxes` (each already grown by the gap) in `order` into a strip `W` wide. */
function skyline(boxes: PackBox[], order: number[], W: number): Packing {
  // the skyline: consecutive segments [x, x + w) at height y, covering [0, W)
  let sky: Level[] = [{ x: 0, w: W, y: 0 }];
  const at: [number, number][] = boxes.map(() => [0, 0]);
  let width = 0;
  let height = 0;
  for (const i of order) {
    const b = boxes[i]!;
    let best: { x: number; y: number; waste: number } | null = null;
    // candidate places: a box's left edge at a segment's start, or its right edge at a segment's end
    const xs = sky.flatMap((s) => [s.x, s.x + s.w - b.w]).filter((x) => x >= -1e-9 && x + b.w <= W + 1e-9);
    for (const x of xs) {
      let y = 0;
      for (const t of sky) if (t.x < x + b.w - 1e-9 && t.x + t.w > x + 1e-9) y = Math.max(y, t.y);
      // the area left empty under the box
      let waste = 0;
      for (const t of sky) {
        const o = Math.min(t.x + t.w, x + b.w) - Math.max(t.x, x);
        if (o > 1e-9) waste += o * (y - t.y);
      }
      // lowest, then least area left empty under it, then leftmost
      const tie = best && Math.abs(y - best.y) < 1e-9;
      const better =
        !best || y < best.y - 1e-9 || (tie && (waste < best.waste - 1e-9 || (Math.abs(waste - best.waste) < 1e-9 && x < best.x)));
      if (better) best = { x, y, waste };
    }
    // a box wider than the strip (never a trial's choice: W ≥ the widest box) goes on top
    const p = best ?? { x: 0, y: Math.max(...sky.map((s) => s.y)) };
    at[i] = [p.x, p.y];
    width = Math.max(width, p.x + b.w);
    height = Math.max(height, p.y + b.h);
    // raise the skyline under the box
    const next: typeof sky = [];
    for (const s of sky) {
      const [a0, a1] = [s.x, s.x + s.w];
      const [c0, c1] = [p.x, p.x + b.w];
      if (a1 <= c0 + 1e-9 || a0 >= c1 - 1e-9) next.push(s);
      else {
        if (a0 < c0 - 1e-9) next.push({ x: a0, w: c0 - a0, y: s.y });
        if (a1 > c1 + 1e-9) next.push({ x: c1, w: a1 - c1, y: s.y });
      }
    }
    next.push({ x: p.x, w: b.w, y: p.y + b.h });
    next.sort((u, v) => u.x - v.x);
    sky = mergeLevels(next);
  }
  return { at, width, height };
}

/**
 * Best-fit skyline: fill the lowest gap of the skyline with the box that fits it best (by `rank`), or
 * raise the gap to its lower neighbour when none fits.
 */
function bestFit(boxes: PackBox[], W: number, rank: (a: PackBox, b: PackBox) => number): Packing {
  let sky: Level[] = [{ x: 0, w: W, y: 0 }];
  const at: [number, number][] = boxes.map(() => [0, 0]);
  const left = new Set(boxes.map((_, i) => i));
  let width = 0;
  let height = 0;
  while (left.size) {
    let k = 0;
    for (let j = 1; j < sky.length; j++) if (sky[j]!.y < sky[k]!.y - 1e-9) k = j;
    const s = sky[k]!;
    let pick = -1;
    for (const i of left) if (boxes[i]!.w <= s.w + 1e-9 && (pick < 0 || rank(boxes[i]!, boxes[pick]!) < 0)) pick = i;
    if (pick < 0) {
      // nothing fits: the gap is wasted up to its lower neighbour
      const ny = Math.min(sky[k - 1]?.y ?? Infinity, sky[k + 1]?.y ?? Infinity);
      if (!Number.isFinite(ny)) {
        // a box wider than the strip: on top of everything
        const i = left.values().next().value!;
        at[i] = [0, height];
        height += boxes[i]!.h;
        width = Math.max(width, boxes[i]!.w);
        left.delete(i);
        sky = [{ x: 0, w: Math.max(W, width), y: height }];
        continue;
      }
      s.y = ny;
    } else {
      const b = boxes[pick]!;
      left.delete(pick);
      // against the taller neighbour
      const right = (sky[k + 1]?.y ?? Infinity) > (sky[k - 1]?.y ?? Infinity);
      const x = right ? s.x + s.w - b.w : s.x;
      at[pick] = [x, s.y];
      width = Math.max(width, x + b.w);
      height = Math.max(height, s.y + b.h);
      const parts = [
        { x: s.x, w: x - s.x, y: s.y },
        { x, w: b.w, y: s.y + b.h },
        { x: x + b.w, w: s.x + s.w - x - b.w, y: s.y },
      ].filter((t) => t.w > 1e-9);
      sky.splice(k, 1, ...parts);
    }
    sky = mergeLevels(sky);
  }
  return { at, width, height };
}

/** Most exact trial widths tried (evenly chosen from the sorted ones when there are more). */
const EXACT = 400;

/**
 * Every width two or three boxes fill exactly side by side, within [lo, hi]: a uniform grid
 * misses them. Distinct widths only, so many copies of a few designs stay cheap.
 */
function exactWidths(boxes: PackBox[], lo: number, hi: number): number[] {
  const ws = [...new Set(boxes.map((b) => b.w))].sort((a, b) => a - b);
  const out = new Set<number>();
  const add = (w: number): void => {
    if (w >= lo - 1e-9 && w <= hi + 1e-9) out.add(w);
  };
  for (let i = 0; i < ws.length; i++)
    for (let j = i; j < ws.length; j++) {
      add(ws[i]! + ws[j]!);
      for (let k = j; k < ws.length && ws[i]! + ws[j]! + ws[k]! <= hi + 1e-9; k++) add(ws[i]! + ws[j]! + ws[k]!);
    }
  const all = [...out].sort((a, b) => a - b);
  if (all.length <= EXACT) return all;
  return Array.from({ length: EXACT }, (_, k) => all[Math.floor((k * all.length) / EXACT)]!);
}

/** Place `boxes` (already grown by the gap between copies) in the smallest bounding box found. */
export function packBoxes(boxes: PackBox[]): Packing {
  if (!boxes.length) return { at: [], width: 0, height: 0 };
  const idx = boxes.map((_, i) => i);
  const orders = [
    idx.slice().sort((a, b) => boxes[b]!.h - boxes[a]!.h || boxes[b]!.w - boxes[a]!.w || a - b),
    idx.slice().sort((a, b) => boxes[b]!.w - boxes[a]!.w || boxes[b]!.h - boxes[a]!.h || a - b),
    idx.slice().sort((a, b) => boxes[b]!.w * boxes[b]!.h - boxes[a]!.w * boxes[a]!.h || a - b),
  ];
  const wMin = Math.max(...boxes.map((b) => b.w));
  const wSum = boxes.reduce((a, b) => a + b.w, 0);
  let best: Packing | null = null;
  const score = (p: Packing): [number, number] => [p.width * p.height, Math.max(p.width / p.height, p.height / p.width)];
  const grid = Array.from({ length: TRIALS + 1 }, (_, k) => wMin + ((wSum - wMin) * k) / TRIALS);
  const consider = (p: Packing): void => {
    if (Math.max(p.width / p.height, p.height / p.width) > MAX_ASPECT) return;
    if (!best) best = p;
    else {
      const [a, r] = score(p);
      const [a0, r0] = score(best);
      if (a < a0 * (1 - 1e-9) || (a <= a0 * (1 + 1e-9) && r < r0 - 1e-9)) best = p;
    }
  };
  const ranks: ((a: PackBox, b: PackBox) => number)[] = [
    (a, b) => b.w - a.w || b.h - a.h,
    (a, b) => b.h - a.h || b.w - a.w,
    (a, b) => b.w * b.h - a.w * a.h,
  ];
  const trial = (widths: number[]): void => {
    for (const order of orders) for (const W of widths) consider(skyline(boxes, order, W));
    for (const rank of ranks) for (const W of widths) consider(bestFit(boxes, W, rank));
  };
  trial(grid);
  // a box within 2:1 holding the boxes' area is at least √(area / 2) wide, and one W wide covers at
  // least W² / 2: a box filling an exact width over √(2 · best) cannot win, so none is tried
  const area = boxes.reduce((a, b) => a + b.w * b.h, 0);
  const found = best as Packing | null;
  const hi = found ? Math.sqrt(2 * found.width * found.height) : wSum;
  trial(exactWidths(boxes, Math.max(wMin, Math.sqrt(area / 2)), Math.min(wSum, hi)));
  return best ?? skyline(boxes, orders[0]!, wMin);
}
