// Column (layer) assignment: each element goes into the earliest column after every
// element it shares a mode with (as-soon-as-possible scheduling of the light-order DAG).
// For Clements meshes this reproduces the N-column rectangle, for Reck the 2N−3 triangle.

/** Columns for elements given by their first mode and width (1 or 2 modes), in light order. */
export function asapColumns(modes: number, top: ArrayLike<number>, width: ArrayLike<number>, count: number): Int32Array {
  const next = new Int32Array(modes); // first free column per mode
  const col = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const m = top[i];
    const c = width[i] === 2 ? Math.max(next[m], next[m + 1]) : next[m];
    col[i] = c;
    next[m] = c + 1;
    if (width[i] === 2) next[m + 1] = c + 1;
  }
  return col;
}

/**
 * The permutation that lists elements by (column, top mode). It is still a light order:
 * an element only depends on elements in earlier columns.
 */
export function columnOrder(col: Int32Array, top: ArrayLike<number>, count: number): Int32Array {
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) idx[i] = i;
  return idx.sort((a, b) => col[a] - col[b] || top[a] - top[b] || a - b);
}
