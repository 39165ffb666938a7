// The per-MZI closed form (compiler/calibrate/mzi-solve.ts) against independent references: the
// cell matrix against the MZ-in convention, exact re-solving when the target is reachable, and the
// reachable set of a lossless cell against sin²(α−β) … cos²(α+β) in the coupler angles.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cabs, cmul, type Complex, type Matrix2 } from "../../math/complex.ts";
import { cellMatrix, solveCell, type CellHardware } from "../../compiler/calibrate/mzi-solve.ts";
import { programPhase } from "../../compiler/calibrate/program.ts";
import { mziMatrix, TWO_PI } from "../../netlist/mzi.ts";

const ideal: CellHardware = {
  kA: 0.5,
  kB: 0.5,
  phi: { gain: 1, offset: 0, amp: 1 },
  theta: { gain: 1, offset: 0, amp: 1 },
  ref: { amp: 1, phase: 0 },
};
/** Coupler angle π/4 + α of power coupling k: k = sin²(π/4 + α). */
const angle = (k: number): number => Math.asin(Math.sqrt(k)) - Math.PI / 4;

/** max over used rows of |realized row · f − q · designed row|, q fitted per row. */
function rowError(m: Matrix2, t: Matrix2, f: [Complex, Complex]): number {
  let worst = 0;
  for (let j = 0; j < 2; j++) {
    const r0 = cmul(m[j]![0], f[0]);
    const r1 = cmul(m[j]![1], f[1]);
    const k = cabs(t[j]![0]) > cabs(t[j]![1]) ? 0 : 1;
    const tk = t[j]![k]!;
    const rk = k === 0 ? r0 : r1;
    const d = tk[0] * tk[0] + tk[1] * tk[1];
    const q: Complex = [(rk[0] * tk[0] + rk[1] * tk[1]) / d, (rk[1] * tk[0] - rk[0] * tk[1]) / d];
    for (const [r, tt] of [
      [r0, t[j]![0]],
      [r1, t[j]![1]],
    ] as [Complex, Complex][]) {
      const x = cmul(q, tt);
      worst = Math.max(worst, Math.hypot(r[0] - x[0], r[1] - x[1]));
    }
  }
  return worst;
}

describe("per-MZI closed form", () => {
  it("ideal hardware is the MZ-in convention", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: TWO_PI, noNaN: true }), fc.double({ min: 0, max: TWO_PI, noNaN: true }), (t, p) => {
        const m = cellMatrix(ideal, t, p);
        const d = mziMatrix(t, p);
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++) expect(cabs([m[i]![j]![0] - d[i]![j]![0], m[i]![j]![1] - d[i]![j]![1]])).toBeLessThan(1e-14);
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it("re-solves a mesh cell exactly for measured couplers, offsets and equal-arm loss when the split is reachable", () => {
    let solved = 0;
    fc.assert(
      fc.property(
        // Splits in [0.01, 0.99]: reachable for couplers within ±0.04 (sin²(0.08) < 0.01).
        fc.double({ min: 0.2, max: Math.PI - 0.2, noNaN: true }),
        fc.double({ min: 0, max: TWO_PI, noNaN: true }),
        fc.double({ min: -0.04, max: 0.04, noNaN: true }),
        fc.double({ min: -0.04, max: 0.04, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        (theta, phi, dA, dB, p0, p1) => {
          const hw: CellHardware = {
            kA: 0.5 + dA,
            kB: 0.5 + dB,
            phi: { gain: 1, offset: 0, amp: 1 },
            theta: { gain: 1, offset: 0, amp: 0.97 },
            ref: { amp: 0.97, phase: 0 },
          };
          const f: [Complex, Complex] = [
            [Math.cos(p0), Math.sin(p0)],
            [Math.cos(p1), Math.sin(p1)],
          ];
          const t = mziMatrix(theta, phi);
          const s = solveCell({
            hw,
            design: t,
            f,
            used: [true, true],
            target: [
              { amp: 1, phase: null },
              { amp: 1, phase: null },
            ],
            keepPhi: phi,
            designTheta: theta,
          });
          expect(s.reach!.miss).toBe(0);
          solved++;
          expect(rowError(cellMatrix(hw, s.thetaR, s.phiR), t, f)).toBeLessThan(1e-12);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
    expect(solved).toBe(300);
  });

  it("the reachable split of a lossless cell with one input is [sin²(α−β), cos²(α+β)] (cross power)", () => {
    fc.assert(
      fc.property(fc.double({ min: -0.2, max: 0.2, noNaN: true }), fc.double({ min: -0.2, max: 0.2, noNaN: true }), (dA, dB) => {
        const hw: CellHardware = { ...ideal, kA: 0.5 + dA, kB: 0.5 + dB };
        const a = angle(hw.kA);
        const b = angle(hw.kB);
        // Ask for full bar from the top input (all light stays on top: cross power 0).
        const s = solveCell({
          hw,
          design: mziMatrix(Math.PI, 0),
          f: [[1, 0], null],
          used: [true, true],
          target: [
            { amp: 1, phase: null },
            { amp: 1, phase: null },
          ],
          keepPhi: 0,
          designTheta: Math.PI,
        });
        // The solver reports the top-output share; the cross share is its complement.
        expect(1 - s.reach!.hi).toBeCloseTo(Math.sin(a - b) ** 2, 12);
        expect(1 - s.reach!.lo).toBeCloseTo(Math.cos(a + b) ** 2, 12);
        expect(s.reach!.miss).toBeCloseTo(Math.sin(a - b) ** 2, 12);
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it("a coupler at 90:10 leaves a plain MZI only splits in [0.2, 0.8]: a 95:5 target misses by 0.15", () => {
    const hw: CellHardware = { ...ideal, kA: 0.9 };
    const theta = 2 * Math.asin(Math.sqrt(0.95)); // top→top power 0.95
    const s = solveCell({
      hw,
      design: mziMatrix(theta, 0),
      f: [[1, 0], null],
      used: [true, true],
      target: [
        { amp: 1, phase: null },
        { amp: 1, phase: null },
      ],
      keepPhi: 0,
      designTheta: theta,
    });
    expect(s.reach!.lo).toBeCloseTo(0.2, 12);
    expect(s.reach!.hi).toBeCloseTo(0.8, 12);
    expect(s.reach!.needed).toBeCloseTo(0.95, 12);
    expect(s.reach!.miss).toBeCloseTo(0.15, 12);
  });

  it("keeps cells near bar and cross exact (the half-angle form loses no digits)", () => {
    for (const theta of [1e-6, 3e-4, Math.PI - 3e-4, Math.PI - 1e-6]) {
      const hw: CellHardware = {
        ...ideal,
        kA: 0.52,
        kB: theta > 1 ? 0.52 : 0.48,
        theta: { gain: 1, offset: 0.01, amp: 1 },
        phi: { gain: 1, offset: -0.02, amp: 1 },
      };
      const t = mziMatrix(theta, 1.3);
      const f: [Complex, Complex] = [
        [1, 0],
        [Math.cos(0.4), Math.sin(0.4)],
      ];
      const s = solveCell({
        hw,
        design: t,
        f,
        used: [true, true],
        target: [
          { amp: 1, phase: null },
          { amp: 1, phase: null },
        ],
        keepPhi: 1.3,
        designTheta: theta,
      });
      expect(s.reach!.miss).toBe(0);
      expect(rowError(cellMatrix(hw, s.thetaR, s.phiR), t, f)).toBeLessThan(1e-14);
    }
  });
});

describe("programming a phase through gain, offset and DAC", () => {
  it("inverts gain and offset, and snaps to the DAC code with the nearest realized phase", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: TWO_PI, noNaN: true }),
        fc.double({ min: 1, max: 1.5, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (target, gain, offset) => {
          const p = programPhase(target, gain, offset, null);
          expect(p.gap).toBeLessThan(1e-12);
          expect(p.value).toBeGreaterThanOrEqual(0);
          expect(p.value).toBeLessThan(TWO_PI);
          const q = programPhase(target, gain, offset, 10);
          const step = TWO_PI / 1024;
          expect(q.value).toBe((q.code! * TWO_PI) / 1024);
          // Nearest realized: no neighbouring code does better.
          const dist = (code: number) => {
            const d = Math.abs(gain * ((code * TWO_PI) / 1024) + offset - target) % TWO_PI;
            return Math.min(d, TWO_PI - d);
          };
          expect(q.miss).toBeCloseTo(dist(q.code!), 12);
          for (const c of [q.code! - 1, q.code! + 1]) if (c >= 0 && c < 1024) expect(dist(c)).toBeGreaterThanOrEqual(q.miss - 1e-12);
          expect(q.miss).toBeLessThanOrEqual((gain * step) / 2 + 1e-12);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it("answers a target or offset that is not a number with an infinite gap at once (it used to search forever)", () => {
    for (const [t, o] of [
      [Number.NaN, 0],
      [1, Number.NaN],
      [Number.POSITIVE_INFINITY, 0],
    ] as const) {
      expect(programPhase(t, 1, o, null).gap).toBe(Number.POSITIVE_INFINITY);
      expect(programPhase(t, 1, o, 10).miss).toBe(Number.POSITIVE_INFINITY);
    }
  });

  it("reports the gap a gain below 1 leaves", () => {
    const p = programPhase(6.2, 0.9, 0, null); // reachable: [0, 0.9·2π) = [0, 5.655)
    expect(p.gap).toBeCloseTo(Math.min(6.2 - 0.9 * (TWO_PI - 1e-12), TWO_PI - 6.2), 9);
  });
});
