// Real orthogonal matrices as products of adjacent-pair Givens rotations — the hardware
// parameterization of a Σ·U segment (every angle is one MZI's setting in a triangular mesh).
//
//   U = D' · G_K ⋯ G_2 G_1,   G_k acts on rows (a, a+1):  row_a ← c·row_a + s·row_b
//                                                          row_b ← −s·row_a + c·row_b
// with (c, s) = (cos θ_k, sin θ_k) and D' = diag(1, …, 1, det U). The pair order is the order in
// which right-multiplied column rotations null U to a diagonal (row r = 0.., column n−1 down to r+1),
// so every orthogonal matrix has angles (decompose) and gradients cost O(n³) (angleGradient).

/** Adjacent pairs (a, a+1) of the K = n(n−1)/2 rotations, G_1 first. */
export function givensPairs(n: number): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < n - 1; r++) for (let c = n - 1; c > r; c--) out.push(c - 1);
  return Int32Array.from(out);
}

function rotateRows(m: Float64Array, n: number, a: number, c: number, s: number): void {
  const ra = a * n;
  const rb = ra + n;
  for (let j = 0; j < n; j++) {
    const x = m[ra + j];
    const y = m[rb + j];
    m[ra + j] = c * x + s * y;
    m[rb + j] = -s * x + c * y;
  }
}

/** U0 = G_K ⋯ G_1 (without the sign D'), row-major n×n into `out`. */
export function buildRotations(
  n: number,
  pairs: Int32Array,
  theta: Float64Array,
  out: Float64Array = new Float64Array(n * n),
  trig?: Trig,
): Float64Array {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  for (let k = 0; k < pairs.length; k++) {
    const c = Math.cos(theta[k]);
    const s = Math.sin(theta[k]);
    if (trig) {
      trig.cos[k] = c;
      trig.sin[k] = s;
    }
    rotateRows(out, n, pairs[k], c, s);
  }
  return out;
}

/** cos θ_k and sin θ_k as buildRotations computed them, for angleGradient to reuse. */
export interface Trig {
  cos: Float64Array;
  sin: Float64Array;
}

/** Scratch of angleGradient (two n×n buffers), so a training step allocates nothing. */
export interface GivensWork {
  p: Float64Array;
  b: Float64Array;
}

/**
 * Angles of an orthogonal U: U = diag(1, …, 1, sign) · buildRotations(θ).
 * Nulls U from the right with column rotations R_k; G_k = R_kᵀ.
 */
export function decomposeOrthogonal(u: Float64Array, n: number, pairs = givensPairs(n)): { theta: Float64Array; sign: number } {
  const m = Float64Array.from(u);
  const theta = new Float64Array(pairs.length);
  let k = 0;
  for (let r = 0; r < n - 1; r++)
    for (let col = n - 1; col > r; col--, k++) {
      const a = col - 1;
      const t = Math.atan2(m[r * n + col], m[r * n + a]);
      const c = Math.cos(t);
      const s = Math.sin(t);
      // Columns (a, col) ← (c·a + s·col, −s·a + c·col): zeroes entry (r, col).
      for (let i = 0; i < n; i++) {
        const x = m[i * n + a];
        const y = m[i * n + col];
        m[i * n + a] = c * x + s * y;
        m[i * n + col] = -s * x + c * y;
      }
      theta[k] = t;
    }
  return { theta, sign: n > 0 && m[n * n - 1] < 0 ? -1 : 1 };
}

/**
 * dL/dθ from dL/dU0 (`gU`, n×n) given U0 = buildRotations(θ): a backward sweep that peels one
 * rotation at a time off both U0 and the back-propagated gradient. Overwrites nothing it is given.
 */
export function angleGradient(
  n: number,
  pairs: Int32Array,
  theta: Float64Array,
  u0: Float64Array,
  gU: Float64Array,
  out: Float64Array = new Float64Array(pairs.length),
  work?: GivensWork,
  trig?: Trig,
): Float64Array {
  const p = work ? work.p : new Float64Array(n * n);
  const b = work ? work.b : new Float64Array(n * n);
  p.set(u0);
  b.set(gU);
  for (let k = pairs.length - 1; k >= 0; k--) {
    const a = pairs[k];
    const c = trig ? trig.cos[k] : Math.cos(theta[k]);
    const s = trig ? trig.sin[k] : Math.sin(theta[k]);
    const ra = a * n;
    const rb = ra + n;
    // Undo G_k on P (P_{k−1} = G_kᵀ P_k) and on B (B_{k−1} = G_kᵀ B_k), then
    // dL/dθ_k = ⟨B_k, (dG_k/dθ) P_{k−1}⟩ on rows a, b.
    let g = 0;
    for (let j = 0; j < n; j++) {
      const pa = p[ra + j];
      const pb = p[rb + j];
      const qa = c * pa - s * pb;
      const qb = s * pa + c * pb;
      p[ra + j] = qa;
      p[rb + j] = qb;
      const ba = b[ra + j];
      const bb = b[rb + j];
      g += ba * (-s * qa + c * qb) + bb * (-c * qa - s * qb);
      b[ra + j] = c * ba - s * bb;
      b[rb + j] = s * ba + c * bb;
    }
    out[k] = g;
  }
  return out;
}
