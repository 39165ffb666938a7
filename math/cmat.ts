// Dense complex matrices stored as split real/imaginary Float64Arrays, row-major.
// Split storage keeps hot loops on plain typed arrays (no per-entry objects), which V8
// compiles to tight scalar code; see ts-ecosystem.md §2.3. One entry read out is a Complex
// (math/complex.ts), the project's one scalar complex type.
import type { Complex } from "./complex.ts";

export interface CMat {
  readonly rows: number;
  readonly cols: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export function zeros(rows: number, cols: number): CMat {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`bad matrix shape ${rows}×${cols}`);
  }
  return { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
}

export function identity(n: number, cols = n): CMat {
  const m = zeros(n, cols);
  for (let i = 0; i < Math.min(n, cols); i++) m.re[i * cols + i] = 1;
  return m;
}

/** Build from nested arrays of real parts and (optionally) imaginary parts. */
export function fromReal(re: readonly (readonly number[])[], im?: readonly (readonly number[])[]): CMat {
  const rows = re.length;
  const cols = rows === 0 ? 0 : re[0].length;
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    if (re[i].length !== cols) throw new RangeError(`row ${i} has ${re[i].length} entries, expected ${cols}`);
    if (im && im[i].length !== cols) throw new RangeError(`imaginary row ${i} has ${im[i].length} entries, expected ${cols}`);
    for (let j = 0; j < cols; j++) {
      m.re[i * cols + j] = re[i][j];
      if (im) m.im[i * cols + j] = im[i][j];
    }
  }
  return m;
}

/** Nested arrays { re, im } (JSON-friendly). */
export function toArrays(a: CMat): { re: number[][]; im: number[][] } {
  const re: number[][] = [];
  const im: number[][] = [];
  for (let i = 0; i < a.rows; i++) {
    re.push(Array.from(a.re.subarray(i * a.cols, (i + 1) * a.cols)));
    im.push(Array.from(a.im.subarray(i * a.cols, (i + 1) * a.cols)));
  }
  return { re, im };
}

export function clone(a: CMat): CMat {
  return { rows: a.rows, cols: a.cols, re: a.re.slice(), im: a.im.slice() };
}

export function get(a: CMat, i: number, j: number): Complex {
  const k = i * a.cols + j;
  return [a.re[k], a.im[k]];
}

export function set(a: CMat, i: number, j: number, re: number, im = 0): void {
  const k = i * a.cols + j;
  a.re[k] = re;
  a.im[k] = im;
}

/** C = A·B with the i-k-j loop (streams rows of B and C). `out` must not alias A or B. */
export function matmul(a: CMat, b: CMat, out?: CMat): CMat {
  if (a.cols !== b.rows) throw new RangeError(`matmul shape mismatch ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const n = a.rows;
  const p = a.cols;
  const m = b.cols;
  const c = out ?? zeros(n, m);
  if (c.rows !== n || c.cols !== m) throw new RangeError("matmul: bad output shape");
  const ar = a.re,
    ai = a.im,
    br = b.re,
    bi = b.im,
    cr = c.re,
    ci = c.im;
  cr.fill(0);
  ci.fill(0);
  for (let i = 0; i < n; i++) {
    const ci0 = i * m;
    for (let k = 0; k < p; k++) {
      const xr = ar[i * p + k];
      const xi = ai[i * p + k];
      if (xr === 0 && xi === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) {
        const yr = br[bk + j];
        const yi = bi[bk + j];
        cr[ci0 + j] += xr * yr - xi * yi;
        ci[ci0 + j] += xr * yi + xi * yr;
      }
    }
  }
  return c;
}

/** Conjugate transpose A†. */
export function adjoint(a: CMat): CMat {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      t.re[j * a.rows + i] = a.re[i * a.cols + j];
      t.im[j * a.rows + i] = -a.im[i * a.cols + j];
    }
  }
  return t;
}

function sameShape(a: CMat, b: CMat, what: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${what}: shape mismatch ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  }
}

export function sub(a: CMat, b: CMat): CMat {
  sameShape(a, b, "sub");
  const c = zeros(a.rows, a.cols);
  for (let k = 0; k < a.re.length; k++) {
    c.re[k] = a.re[k] - b.re[k];
    c.im[k] = a.im[k] - b.im[k];
  }
  return c;
}

export function scale(a: CMat, sr: number, si = 0): CMat {
  const c = zeros(a.rows, a.cols);
  for (let k = 0; k < a.re.length; k++) {
    c.re[k] = a.re[k] * sr - a.im[k] * si;
    c.im[k] = a.re[k] * si + a.im[k] * sr;
  }
  return c;
}

/** Frobenius norm, scaled to avoid overflow/underflow. */
export function frobenius(a: CMat): number {
  let scaleF = 0;
  for (let k = 0; k < a.re.length; k++) scaleF = Math.max(scaleF, Math.abs(a.re[k]), Math.abs(a.im[k]));
  if (scaleF === 0) return 0;
  let s = 0;
  for (let k = 0; k < a.re.length; k++) {
    const x = a.re[k] / scaleF;
    const y = a.im[k] / scaleF;
    s += x * x + y * y;
  }
  return scaleF * Math.sqrt(s);
}

/** max |A_ij| (modulus). */
export function maxAbs(a: CMat): number {
  let m = 0;
  for (let k = 0; k < a.re.length; k++) m = Math.max(m, Math.hypot(a.re[k], a.im[k]));
  return m;
}

/** max_ij |A_ij − B_ij| (modulus). */
export function maxAbsDiff(a: CMat, b: CMat): number {
  sameShape(a, b, "maxAbsDiff");
  let m = 0;
  for (let k = 0; k < a.re.length; k++) {
    const d = Math.hypot(a.re[k] - b.re[k], a.im[k] - b.im[k]);
    if (d > m || Number.isNaN(d)) m = d;
  }
  return m;
}

/** max |U†U − I| entrywise: 0 for an exactly unitary (or, if tall, isometric) matrix. */
export function unitarityError(u: CMat): number {
  const g = matmul(adjoint(u), u);
  let m = 0;
  for (let i = 0; i < g.rows; i++) {
    for (let j = 0; j < g.cols; j++) {
      const k = i * g.cols + j;
      const d = Math.hypot(g.re[k] - (i === j ? 1 : 0), g.im[k]);
      if (d > m || Number.isNaN(d)) m = d;
    }
  }
  return m;
}

/** Rows × cols sub-block starting at (r0, c0). */
export function block(a: CMat, r0: number, c0: number, rows: number, cols: number): CMat {
  const b = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      b.re[i * cols + j] = a.re[(r0 + i) * a.cols + c0 + j];
      b.im[i * cols + j] = a.im[(r0 + i) * a.cols + c0 + j];
    }
  }
  return b;
}
