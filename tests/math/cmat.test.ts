import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  adjoint,
  block,
  clone,
  fromReal,
  frobenius,
  get,
  identity,
  matmul,
  maxAbs,
  maxAbsDiff,
  scale,
  set,
  sub,
  toArrays,
  unitarityError,
  zeros,
} from "../../math/cmat.ts";
import { createRng } from "../../math/rng.ts";

/** Naive triple loop written from the definition C_ij = Σ_k A_ik B_kj. */
function naiveMul(a: number[][][], b: number[][][]): number[][][] {
  return a.map((row) =>
    b[0].map((_, j) =>
      row.reduce(
        (acc, [xr, xi], k) => {
          const [yr, yi] = b[k][j];
          return [acc[0] + xr * yr - xi * yi, acc[1] + xr * yi + xi * yr];
        },
        [0, 0],
      ),
    ),
  );
}

const entry = fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }));
const mat = (r: number, c: number) => fc.array(fc.array(entry, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });
const toC = (a: number[][][]) =>
  fromReal(
    a.map((r) => r.map((x) => x[0])),
    a.map((r) => r.map((x) => x[1])),
  );

describe("CMat basics", () => {
  it("hand-computed 2×2 product, adjoint, norms", () => {
    const a = fromReal(
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 1],
        [-1, 0],
      ],
    ); // [[1, 2+i], [3−i, 4]]
    const b = fromReal(
      [
        [0, 1],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 0],
      ],
    ); // [[i, 1], [1, 0]]
    const c = matmul(a, b);
    // row 0: [1·i + (2+i)·1, 1·1] = [2+2i, 1]; row 1: [(3−i)i + 4, 3−i] = [5+3i, 3−i]
    expect(toArrays(c)).toEqual({
      re: [
        [2, 1],
        [5, 3],
      ],
      im: [
        [2, 0],
        [3, -1],
      ],
    });
    expect(get(adjoint(a), 0, 1)).toEqual([3, 1]);
    expect(frobenius(a)).toBeCloseTo(Math.sqrt(1 + 5 + 10 + 16), 14);
    expect(maxAbs(a)).toBe(4);
    const d = clone(a);
    set(d, 1, 1, 4, 2);
    expect(maxAbsDiff(d, a)).toBe(2);
    expect(maxAbsDiff(sub(d, a), zeros(2, 2))).toBe(2);
    expect(toArrays(scale(a, 0, 1)).re[0]).toEqual([0, -1]);
    expect(toArrays(block(a, 1, 0, 1, 2))).toEqual({ re: [[3, 4]], im: [[-1, 0]] });
    expect(unitarityError(identity(5))).toBe(0);
    expect(
      unitarityError(
        fromReal([
          [1, 0],
          [0, 2],
        ]),
      ),
    ).toBe(3);
  });

  it("matmul agrees with the definition on random shapes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (n, p, m, seed) => {
          const rng = createRng(seed);
          const gen = (r: number, c: number) =>
            Array.from({ length: r }, () => Array.from({ length: c }, () => [rng.normal(), rng.normal()]));
          const a = gen(n, p),
            b = gen(p, m);
          const want = naiveMul(a, b);
          expect(maxAbsDiff(matmul(toC(a), toC(b)), toC(want))).toBeLessThan(1e-12);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it("(AB)† = B†A† and ‖A‖_F² = Σ|a|²", () => {
    fc.assert(
      fc.property(mat(3, 4), mat(4, 2), (a, b) => {
        const A = toC(a),
          B = toC(b);
        expect(maxAbsDiff(adjoint(matmul(A, B)), matmul(adjoint(B), adjoint(A)))).toBeLessThan(1e-10);
        const s = a.flat().reduce((acc, [x, y]) => acc + x * x + y * y, 0);
        expect(frobenius(A) ** 2).toBeCloseTo(s, 8);
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it("rejects mismatched shapes", () => {
    expect(() => matmul(zeros(2, 3), zeros(2, 3))).toThrow(/shape mismatch/);
    expect(() => fromReal([[1, 2], [3]])).toThrow(/row 1/);
  });
});

describe("rng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = createRng(7),
      b = createRng(7),
      c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
  it("uniform, normal and int have the right moments and ranges", () => {
    const r = createRng(123);
    const n = 20000;
    let s = 0,
      s2 = 0,
      z = 0,
      z2 = 0,
      z4 = 0;
    const counts = new Array(7).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
      const g = r.normal();
      z += g;
      z2 += g * g;
      z4 += g ** 4;
      counts[r.int(7)]++;
    }
    expect(s / n).toBeCloseTo(0.5, 1);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
    expect(Math.abs(z / n)).toBeLessThan(0.03);
    expect(z2 / n).toBeCloseTo(1, 1);
    expect(z4 / n).toBeGreaterThan(2.7); // Gaussian kurtosis 3
    expect(z4 / n).toBeLessThan(3.3);
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(200);
    expect(() => r.int(0)).toThrow();
  });
});
