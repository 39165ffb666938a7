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
  // Two stable counting sorts (by mode, then by column): O(count), no comparator calls.
  let maxCol = 0;
  let maxTop = 0;
  for (let i = 0; i < count; i++) {
    if (col[i] > maxCol) maxCol = col[i];
    if (top[i] > maxTop) maxTop = top[i];
  }
  const ident = new Int32Array(count);
  for (let i = 0; i < count; i++) ident[i] = i;
  const byTop = countingSort(ident, (i) => top[i], maxTop + 1);
  return countingSort(byTop, (i) => col[i], maxCol + 1);
}

function countingSort(items: Int32Array, key: (i: number) => number, buckets: number): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (let t = 0; t < items.length; t++) start[key(items[t]) + 1]++;
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  const out = new Int32Array(items.length);
  for (let t = 0; t < items.length; t++) out[start[key(items[t])]++] = items[t];
  return out;
}
