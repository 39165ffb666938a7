// The Si outline of a drawn waveguide, computed once by the writer on the 1 nm grid: every reader
// of the GDSII file sees this polygon, not its own conversion of a path. A GDSII PATH leaves the
// outline to the reader, and readers differ: KLayout's conversion of a cosine S-bend leaves a
// 1–8 nm spike, under 1 nm thick, at a vertex next to a segment at exactly ±45°, which the EBeam
// Si width (60 nm) and space (70 nm) rules flag (docs/reference/drc-rules.md).
//
// The outline of a flush-ended path (GDSII PATHTYPE 0) of width w along the spine p0 … pn−1: the
// left side p_i + m_i, then the right side p_i − m_i backwards, where m_i is the mitre offset at
// p_i, the point where the two neighbouring segments' sides, w/2 off the spine, meet
// (n_{i−1} + n_i)·(w/2)/(1 + n_{i−1}·n_i), and at an end the end segment's normal times w/2. Each
// offset is rounded on its own to the nearest nm, halves away from zero, so mirrored spines give
// mirrored outlines, and a horizontal or vertical end on the grid keeps its corners exact: two
// outlines that abut at a pin, or at a cut in a horizontal stretch (route-shape.ts), share their
// end edge exactly and join without a sliver.

import { MAX_XY_POINTS } from "./gds-write.ts";

/** Round to the nearest integer, halves away from zero (symmetric under mirroring). */
function roundAway(v: number): number {
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return r === 0 ? 0 : r;
}

/** Largest spine of one polygon, 2047: its 2n outline points and the closing point fit one XY record. */
export const MAX_SPINE_POINTS = (MAX_XY_POINTS - 1) / 2;

/**
 * The closed outline (x0, y0, …, x0, y0 in nm: 2n + 1 points) of a flush-ended waveguide of
 * `widthNm` along the spine `nm` (x0, y0, x1, y1, … in nm, n ≥ 2 distinct consecutive points).
 * Throws where a side folds back on itself (a segment shorter than its corners' mitres take from
 * it), which no drawn bend comes near: the tightest, 5 µm radius at 1–2 µm samples, turns by
 * about 17° and takes under 40 nm of a segment.
 */
export function outline(nm: Int32Array, widthNm: number): Int32Array {
  const n = nm.length / 2;
  if (n < 2 || !Number.isInteger(n)) throw new Error(`a waveguide spine needs at least 2 points, got ${nm.length / 2}`);
  const h = widthNm / 2;
  // unit normals (left of the direction of travel) of the n − 1 segments
  const nx = new Float64Array(n - 1);
  const ny = new Float64Array(n - 1);
  for (let i = 0; i + 1 < n; i++) {
    const dx = nm[2 * i + 2]! - nm[2 * i]!;
    const dy = nm[2 * i + 3]! - nm[2 * i + 1]!;
    const len = Math.hypot(dx, dy);
    if (len === 0) throw new Error(`a waveguide spine repeats the point (${nm[2 * i]}, ${nm[2 * i + 1]}) nm`);
    nx[i] = -dy / len;
    ny[i] = dx / len;
  }
  // rounded offsets m_i
  const mx = new Float64Array(n);
  const my = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ox: number;
    let oy: number;
    if (i === 0 || i === n - 1) {
      const s = i === 0 ? 0 : n - 2;
      ox = nx[s]! * h;
      oy = ny[s]! * h;
    } else {
      const c = nx[i - 1]! * nx[i]! + ny[i - 1]! * ny[i]!;
      if (c <= -0.5) throw new Error(`a waveguide spine turns by more than 120° at (${nm[2 * i]}, ${nm[2 * i + 1]}) nm`);
      const k = h / (1 + c);
      ox = (nx[i - 1]! + nx[i]!) * k;
      oy = (ny[i - 1]! + ny[i]!) * k;
    }
    mx[i] = roundAway(ox);
    my[i] = roundAway(oy);
  }
  // each side's edge must run the way its segment does
  for (let i = 0; i + 1 < n; i++) {
    const dx = nm[2 * i + 2]! - nm[2 * i]!;
    const dy = nm[2 * i + 3]! - nm[2 * i + 1]!;
    for (const s of [1, -1]) {
      const ex = dx + s * (mx[i + 1]! - mx[i]!);
      const ey = dy + s * (my[i + 1]! - my[i]!);
      if (ex * dx + ey * dy <= 0)
        throw new Error(
          `a waveguide side folds back at (${nm[2 * i]}, ${nm[2 * i + 1]}) nm: a segment of ${Math.hypot(dx, dy)} nm between two bends`,
        );
    }
  }
  const out = new Int32Array(2 * (2 * n + 1));
  for (let i = 0; i < n; i++) {
    out[2 * i] = nm[2 * i]! + mx[i]!;
    out[2 * i + 1] = nm[2 * i + 1]! + my[i]!;
    const j = 2 * n - 1 - i;
    out[2 * j] = nm[2 * i]! - mx[i]!;
    out[2 * j + 1] = nm[2 * i + 1]! - my[i]!;
  }
  out[4 * n] = out[0]!;
  out[4 * n + 1] = out[1]!;
  return out;
}
