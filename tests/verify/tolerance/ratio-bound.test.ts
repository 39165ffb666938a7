// The ratio rule of the certified bounds (verify/tolerance/certify/walk.ts ratioBound): a
// ratiometric detector decodes ℓ·y/r, so a bound on |y − y₀| and on |r − r₀| must bound the decoded
// value for every y and r in their boxes. The rule is checked on the boxes' corners (where a ratio
// of two boxed values takes its extremes) and shown to be tight enough to fail when halved.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ratioBound } from "../../../verify/tolerance/certify/walk.ts";

const box = fc.record({
  y0: fc.double({ min: -2, max: 2, noNaN: true }),
  r0: fc.double({ min: 1e-3, max: 2, noNaN: true }),
  // No subnormal box widths: their products underflow, which no readout reaches.
  ey: fc.oneof(fc.constant(0), fc.double({ min: 1e-9, max: 0.5, noNaN: true })),
  erFraction: fc.oneof(fc.constant(0), fc.double({ min: 1e-9, max: 0.95, noNaN: true })),
  level: fc.double({ min: 1e-4, max: 3, noNaN: true }),
});

describe("certified bound of a ratiometric readout", () => {
  it("bounds ℓ·y/r for every y, r in the boxes (corners, and random interior points)", () => {
    fc.assert(
      fc.property(box, fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (b, sy, sr) => {
        const er = b.erFraction * b.r0;
        const { re, err } = ratioBound(b.y0, b.ey, b.r0, er, b.level);
        expect(re).toBe(b.y0 * (b.level / b.r0));
        for (const [ty, tr] of [
          [sy, sr],
          [-1, -1],
          [-1, 1],
          [1, -1],
          [1, 1],
        ] as const) {
          const v = (b.level * (b.y0 + ty * b.ey)) / (b.r0 + tr * er);
          // Rounding of the two quotients: a few ulps of their size (and subnormal underflow).
          expect(Math.abs(v - re)).toBeLessThanOrEqual(err * (1 + 1e-9) + 1e-13 * (Math.abs(v) + Math.abs(re)) + 1e-300);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("gives no bound when the reference may reach zero", () => {
    expect(ratioBound(1, 0.1, 0.5, 0.5, 1).err).toBe(Number.POSITIVE_INFINITY);
    expect(ratioBound(1, 0.1, 0.5, 0.7, 1).err).toBe(Number.POSITIVE_INFINITY);
  });

  it("is tight: half of it is exceeded at a corner (the check can fail)", () => {
    const y0 = 1,
      r0 = 1,
      ey = 0.1,
      er = 0.2,
      level = 1;
    const { re, err } = ratioBound(y0, ey, r0, er, level);
    const corner = Math.abs((level * (y0 + ey)) / (r0 - er) - re);
    expect(corner).toBeGreaterThan(err / 2);
    expect(corner).toBeLessThanOrEqual(err * (1 + 1e-12));
  });
});
