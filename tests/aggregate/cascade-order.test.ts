// A cascade's chip files are read in level order (aggregate/chip-file.ts inCascadeOrder): verify
// composes the levels in the order it lists them, so a plain name sort, which puts L10 between L1 and
// L2, fed a 10-level cascade's level-2 chip with the top's 17 inner digits (cluster-1024: OPT0007,
// "17 inner digits do not fill whole PAM-4 symbols"). Planted fault: the plain sort, checked to
// misorder the same list. End to end under the full tier: tests/cli/terse-summary.test.ts verifies
// examples/cluster-1024 (10 levels).
import { describe, expect, it } from "vitest";
import { inCascadeOrder } from "../../aggregate/chip-file.ts";

describe("chip files in cascade order", () => {
  const levels = Array.from({ length: 12 }, (_, k) => `c.L${k + 1}.chip.json`);
  const shuffled = [...levels].sort();

  it("orders a cascade's levels by number, L10 after L9; stems alike; a flat chip first", () => {
    expect(inCascadeOrder(shuffled)).toEqual(levels);
    expect(inCascadeOrder(shuffled.map((f) => f.replace(/\.chip\.json$/, "")))).toEqual(levels.map((f) => f.replace(/\.chip\.json$/, "")));
    expect(inCascadeOrder(["b.chip.json", "a.chip.json"])).toEqual(["a.chip.json", "b.chip.json"]);
    expect(inCascadeOrder(["x.L2.chip.json", "x.chip.json", "x.L1.chip.json"])).toEqual([
      "x.chip.json",
      "x.L1.chip.json",
      "x.L2.chip.json",
    ]);
  });

  it("planted fault: a plain sort puts L10, L11 and L12 between L1 and L2", () => {
    expect(shuffled.slice(0, 4)).toEqual(["c.L1.chip.json", "c.L10.chip.json", "c.L11.chip.json", "c.L12.chip.json"]);
    expect(shuffled).not.toEqual(levels);
  });
});
