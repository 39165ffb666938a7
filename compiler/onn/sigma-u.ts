// Segmented Σ·U approximation. A layer matrix W (out × in, bias column included) is tiled into
// s×s segments (zero-padded); each segment is approximated by D·U with D real diagonal and U real
// orthogonal — exactly what one Clements mesh plus one attenuator column realizes.
// Projection: min ‖W_s − D U‖_F by alternation — U = polar(D W_s) (orthogonal Procrustes),
// then D_ii = (W_s Uᵀ)_ii — each step never increases the error.
import { Matrix, SVD } from "ml-matrix";

export interface TilePlan {
  rows: number; // out
  cols: number; // in + 1
  s: number;
  R: number; // row groups
  C: number; // column groups
}

export function tilePlan(rows: number, cols: number, s: number): TilePlan {
  return { rows, cols, s, R: Math.ceil(rows / s), C: Math.ceil(cols / s) };
}

/** A segment's factors: d (s), u (s×s row-major, orthogonal). */
export interface Tile {
  d: Float64Array;
  u: Float64Array;
}

function polar(a: Float64Array, s: number): Float64Array {
  const m = new Matrix(s, s);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) m.set(i, j, a[i * s + j]);
  const svd = new SVD(m, { autoTranspose: false });
  const p = svd.leftSingularVectors;
  const q = svd.rightSingularVectors;
  const out = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      let v = 0;
      for (let k = 0; k < s; k++) v += p.get(i, k) * q.get(j, k);
      out[i * s + j] = v;
    }
  return out;
}

/** Extract tile (r, c) of W (row-major rows × cols) into an s×s buffer, zero-padded. */
export function readTile(w: Float64Array, plan: TilePlan, r: number, c: number, out = new Float64Array(plan.s * plan.s)): Float64Array {
  const { s, rows, cols } = plan;
  out.fill(0);
  for (let i = 0; i < s; i++) {
    const gi = r * s + i;
    if (gi >= rows) break;
    for (let j = 0; j < s; j++) {
      const gj = c * s + j;
      if (gj >= cols) break;
      out[i * s + j] = w[gi * cols + gj];
    }
  }
  return out;
}

/**
 * Best D·U for one s×s segment, warm-started from `init` when given. Only the leading
 * validRows × validCols block is fitted: padded rows are dumped outputs and padded columns are
 * dark inputs, so their entries are free (filled in with the current D·U before each step).
 */
export function projectTile(a0: Float64Array, s: number, iterations = 30, init?: Tile, validRows = s, validCols = s): Tile {
  const a = Float64Array.from(a0);
  const d = new Float64Array(s);
  if (init) d.set(init.d);
  else
    for (let i = 0; i < s; i++) {
      let n = 0;
      for (let j = 0; j < s; j++) n += a[i * s + j] ** 2;
      d[i] = Math.sqrt(n);
    }
  let u = init ? init.u : new Float64Array(s * s);
  const da = new Float64Array(s * s);
  const padded = validRows < s || validCols < s;
  for (let it = 0; it < iterations; it++) {
    if (padded && (init || it > 0))
      for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) if (i >= validRows || j >= validCols) a[i * s + j] = d[i] * u[i * s + j];
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) da[i * s + j] = d[i] * a[i * s + j];
    // If every row scale is zero the segment is zero; any orthogonal U works.
    if (d.every((x) => x === 0)) {
      u = new Float64Array(s * s);
      for (let i = 0; i < s; i++) u[i * s + i] = 1;
    } else u = polar(da, s);
    for (let i = 0; i < s; i++) {
      let v = 0;
      for (let j = 0; j < s; j++) v += a[i * s + j] * u[i * s + j];
      d[i] = v;
    }
  }
  return { d, u };
}

/** Project a whole layer; returns the tiles (row-major over (r, c)). */
export function projectLayer(w: Float64Array, plan: TilePlan, iterations = 30, warm?: Tile[]): Tile[] {
  const tiles: Tile[] = [];
  const buf = new Float64Array(plan.s * plan.s);
  for (let r = 0; r < plan.R; r++)
    for (let c = 0; c < plan.C; c++) {
      readTile(w, plan, r, c, buf);
      const vr = Math.min(plan.s, plan.rows - r * plan.s);
      const vc = Math.min(plan.s, plan.cols - c * plan.s);
      tiles.push(projectTile(buf, plan.s, iterations, warm?.[r * plan.C + c], vr, vc));
    }
  return tiles;
}

/** Write D·U of every tile back into W (entries of padding rows/cols are dropped). */
export function writeLayer(w: Float64Array, plan: TilePlan, tiles: Tile[]): void {
  const { s, rows, cols } = plan;
  for (let r = 0; r < plan.R; r++)
    for (let c = 0; c < plan.C; c++) {
      const t = tiles[r * plan.C + c];
      for (let i = 0; i < s; i++) {
        const gi = r * s + i;
        if (gi >= rows) break;
        for (let j = 0; j < s; j++) {
          const gj = c * s + j;
          if (gj >= cols) break;
          w[gi * cols + gj] = t.d[i] * t.u[i * s + j];
        }
      }
    }
}
