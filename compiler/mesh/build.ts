// RawMesh → IR elements: schedule columns, order by (column, mode), attach each MZI's
// explicit 2×2 matrix from the convention module.
import type { MziElement } from "../../netlist/ir.ts";
import type { Matrix2 } from "../../math/complex.ts";
import { wrapPhase } from "../../netlist/mzi.ts";
import type { RawMesh } from "./raw.ts";
import { asapColumns, columnOrder } from "./schedule.ts";

export interface MeshElements {
  elements: MziElement[];
  /** Number of columns used (0 for an empty mesh). */
  depth: number;
}

/** MZI elements of a raw mesh, with indices starting at `indexBase` and columns at `columnBase`. */
export function meshElements(raw: RawMesh, indexBase = 0, columnBase = 0): MeshElements {
  const width = new Uint8Array(raw.count).fill(2);
  const col = asapColumns(raw.n, raw.top, width, raw.count);
  const order = columnOrder(col, raw.top, raw.count);
  const elements: MziElement[] = [];
  // One frozen [m, m+1] per mode, shared by all MZIs on it: fewer objects for the GC.
  const modePairs = Array.from({ length: Math.max(0, raw.n - 1) }, (_, m) => Object.freeze([m, m + 1]) as [number, number]);
  let depth = 0;
  for (let t = 0; t < raw.count; t++) {
    const i = order[t];
    const theta = wrapPhase(raw.theta[i]);
    const phi = wrapPhase(raw.phi[i]);
    const m = raw.top[i];
    depth = Math.max(depth, col[i] + 1);
    elements.push({
      kind: "mzi",
      index: indexBase + t,
      column: columnBase + col[i],
      modes: modePairs[m],
      theta,
      phi,
      matrix: mziMatrixFast(theta, phi),
    });
  }
  return { elements, depth };
}

/** Number of columns of a stage (max column + 1 over its elements). */
export function stageDepth(elements: readonly { column: number }[]): number {
  let d = 0;
  for (const e of elements) d = Math.max(d, e.column + 1);
  return d;
}

/**
 * mziMatrix (mzi.ts) without intermediate objects: builds are allocation-bound at large N.
 * tests/mesh checks it against mziMatrix entry by entry.
 */
export function mziMatrixFast(theta: number, phi: number): Matrix2 {
  const s = Math.sin(theta / 2);
  const c = Math.cos(theta / 2);
  const gr = -s;
  const gi = c;
  const er = Math.cos(phi);
  const ei = Math.sin(phi);
  const ger = gr * er - gi * ei;
  const gei = gr * ei + gi * er;
  return [
    [
      [ger * s, gei * s],
      [gr * c, gi * c],
    ],
    [
      [ger * c, gei * c],
      [-gr * s, -gi * s],
    ],
  ];
}
