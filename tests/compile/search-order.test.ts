// What route = auto minimizes (spec `optimize`, pipeline/compile/search-order.ts):
// among the structures that close the light budget, the least energy per input bit, laser power,
// latency or MZIs comes first. Planted fault: order by MZIs whatever `optimize` says (`byCost`
// alone) and the planted structure with fewer MZIs but more energy comes first; the quick
// start's spec with optimize = energy then builds its flat cells (436 MZIs, 31.8 pJ/bit) instead
// of the radix-2 cascade (708 MZIs, 30.8 pJ/bit).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadSpec } from "../../dsl/load.ts";
import { searchStructures } from "../../pipeline/compile/structure-search.ts";
import { searchOrder, type Ranked } from "../../pipeline/compile/search-order.ts";
import type { StructureCost } from "../../pipeline/types.ts";

const cost = (mzi: number, latencySeconds: number): StructureCost => ({
  mzi,
  fixedCouplers: 0,
  phaseShifters: 0,
  cellsOnCriticalPath: 1,
  oeoOnCriticalPath: 1,
  latencySeconds,
  conversion: null,
  heaterWatts: 0,
  widestDecision: { cell: "add0", theta: 1 },
  checkCases: 1,
});
const row = (name: string, mzi: number, lat: number, light: Ranked["light"]) => ({ name, cost: cost(mzi, lat), light });

// The planted structure: fewer MZIs, more energy and more laser power.
const planted = row("planted", 400, 3e-9, { closes: true, tapMw: 10, pjPerBit: 40, laserW: 6 });
const frugal = row("frugal", 700, 5e-9, { closes: true, tapMw: 2, pjPerBit: 30, laserW: 4 });
const dark = row("dark", 300, 1e-9, { closes: false, tapMw: 1e5, pjPerBit: null, laserW: null });
const order = (o: Parameters<typeof searchOrder>[0]) => [dark, planted, frugal].sort(searchOrder(o)).map((r) => r.name);

describe("the search's order", () => {
  it("puts the structures that close the light first, least of what the spec minimizes first", () => {
    expect(order("energy")).toEqual(["frugal", "planted", "dark"]);
    expect(order("laser")).toEqual(["frugal", "planted", "dark"]);
    expect(order("latency")).toEqual(["planted", "frugal", "dark"]);
    expect(order("area")).toEqual(["planted", "frugal", "dark"]);
  });

  it("optimize = energy builds the quick start's least-energy structure, not its fewest MZIs", () => {
    const text = readFileSync("examples/paper-4x8.optinc", "utf8").replace(/^(\s*)optimize(\s*)=\s*area/m, "$1optimize$2= energy");
    const checked = loadSpec("paper-4x8.optinc", text).checked!;
    expect(checked.spec.optimize).toBe("energy");
    const { search } = searchStructures(checked, { seed: 1 });
    const chosen = search.rows[search.chosen!]!;
    const closing = search.rows.filter((r) => r.light?.closes);
    expect(chosen.light!.pjPerBit).toBe(Math.min(...closing.map((r) => r.light!.pjPerBit!)));
    // A closing structure with fewer MZIs needs more energy: the search does not pick it.
    const fewer = closing.filter((r) => r.cost.mzi < chosen.cost.mzi);
    expect(fewer.length).toBeGreaterThan(0);
    for (const r of fewer) expect(r.light!.pjPerBit!).toBeGreaterThan(chosen.light!.pjPerBit!);
    expect(search.optimize).toBe("energy");
    expect(search.reason).toContain("the structure with the least energy per bit");
  }, 120_000);
});
