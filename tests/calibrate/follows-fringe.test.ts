// The gates on a φ victim's slope readings (compiler/calibrate/lab/pairs.ts): a pair's couplings are
// taken only where the three slope readings (setting, below, above) follow the estimated fringe
// (followsFringe) and the setting read again moves by at most a tenth of the slope step's change
// (quietEnough). The readings below are add0's, crosstalk-flip die 2 (docs/design/calibration.md §8.3).
import { describe, expect, it } from "vitest";
import { followsFringe, quietEnough } from "../../compiler/calibrate/lab/pairs.ts";

describe("a φ pair's slope readings follow the estimated fringe", () => {
  it("takes a bright meta-MZI read on its slope, negative slopes included", () => {
    // threshold/e24.phi: 4.4 µA against a predicted 4.8 µW, −30 % over the step either way.
    expect(followsFringe([4.392e-6, 5.059e-6, 3.737e-6], [4.787e-3, 5.502e-3, 4.085e-3])).toBe(true);
    expect(followsFringe([1.022e-5, 9.514e-6, 1.094e-5], [1.219e-2, 1.136e-2, 1.304e-2])).toBe(true);
  });

  it("refuses readings at the noise: the setting not between its neighbours, or a slope off the prediction's", () => {
    // digits/e16.phi at 10⁻¹⁰ A: the setting reads below both neighbours.
    expect(followsFringe([7.937e-11, 1.33e-10, 1.121e-10], [1.461e-7, 1.639e-7, 1.28e-7])).toBe(false);
    // digits/e10.phi: monotone, but −15 % where the estimate predicts −36 %.
    expect(followsFringe([4.485e-10, 5.106e-10, 4.426e-10], [5.598e-7, 6.594e-7, 4.598e-7])).toBe(false);
    // digits/e15.phi: −56 % where the estimate predicts −36 %.
    expect(followsFringe([2.366e-10, 2.926e-10, 1.602e-10], [2.784e-7, 3.285e-7, 2.281e-7])).toBe(false);
    // A slope of the other sign than predicted.
    expect(followsFringe([1.0e-5, 1.05e-5, 0.95e-5], [1.0e-2, 0.95e-2, 1.05e-2])).toBe(false);
  });

  it("takes a group whose setting reads the same twice, and refuses one whose second reading moved", () => {
    // setting, below, above, two aggressors, the setting again: the step's change is 1.34e-6 either way.
    expect(quietEnough([1.0e-5, 8.66e-6, 1.134e-5, 1.01e-5, 0.99e-5, 1.005e-5])).toBe(true);
    expect(quietEnough([1.0e-5, 8.66e-6, 1.134e-5, 1.01e-5, 0.99e-5, 1.02e-5])).toBe(false);
    // Noise at the digits' 10⁻¹⁰ A: the slope readings follow, the repeat does not.
    expect(quietEnough([1.378e-9, 1.277e-9, 1.522e-9, 1.4e-9, 1.3e-9, 1.31e-9])).toBe(false);
  });
});
