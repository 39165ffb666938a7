// The chip as drawn, at the spec's technology (docs/design/layout.md §8): the quick start's drawn
// netlists with every loss they carry (each route's propagation loss at ROUTE_LOSS_DB_PER_CM,
// crossings and loss-matched junctions at CROSSING_LOSS_DB each) show the same Monte-Carlo yield as
// its compiled ones, because every track of a channel meets the same number of junctions. Without
// the junctions' loss (each junction lossless, everything else lossy) the same chips fail.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compiledExample, laidOutExample } from "../helpers/examples.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { readChipJson } from "../../aggregate/chip-file.ts";
import { loadSpec } from "../../dsl/load.ts";
import { chipPassCount } from "../../verify/cells/chip-pool.ts";
import { cellOf } from "../../verify/cells/cell-verify.ts";
import { tier } from "../helpers/tier.ts";
import { CROSSING_LOSS_DB } from "../../layout/cells.ts";

const CHIPS = tier(30, 299);

/** The drawn circuit as written (every route, crossing and junction lossy), or with lossless junctions. */
function withJunctions(c: Circuit, lossy: boolean, db = CROSSING_LOSS_DB): Circuit {
  const x = structuredClone(c);
  for (const nl of Object.values(x.netlists))
    for (const i of Object.values(nl.instances)) {
      if (i.component === "crossing") i.settings = { loss_db: db };
      if (i.component === "junction") i.settings = { loss_db: lossy ? db : 0 };
    }
  return x;
}

describe("the drawn quick start at its calibrated technology", () => {
  it(
    `${CHIPS} of ${CHIPS} chips exact with its routes', crossings' and junctions' loss (and at 0.5 dB); the junctions lossless at 0.5 dB, not`,
    () => {
      const r = compiledExample("paper-4x8");
      const chip = readChipJson(r.files.get("paper_4x8.chip.json")!, "paper_4x8.chip.json");
      const copies = (stem: string): number => chip.designs.filter((d) => d === stem).length;
      // the drawn netlists `optinc layout` writes (<file>.<design>.drawn-netlist.json)
      const drawn = [...laidOutExample("paper-4x8").drawn].map(([stem, text]) => ({ stem, circuit: readNetlistJson(text) }));
      const tech = loadSpec("examples/paper-4x8.optinc", readFileSync("examples/paper-4x8.optinc", "utf8")).checked!.spec.technology;
      // the routes carry their loss: every drawn segment is a lossy route<k> waveguide
      const routes = drawn.flatMap((d) => Object.values(d.circuit.netlists).flatMap((nl) => Object.entries(nl.instances)));
      expect(routes.filter(([k, i]) => /^route\d+$/.test(k) && (i.settings?.loss_db as number) > 0).length).toBeGreaterThan(1000);
      const run = (lossyJunctions: boolean, db?: number, trials = CHIPS): number =>
        chipPassCount({
          designs: drawn.map((d) => {
            const circuit = withJunctions(d.circuit, lossyJunctions, db);
            return { name: d.stem, circuit, cell: cellOf(circuit), copies: copies(d.stem) };
          }),
          o: tech,
          seed: 1,
          trials,
        });
      expect(drawn.reduce((a, d) => a + copies(d.stem), 0)).toBe(9);
      expect(run(true)).toBe(CHIPS);
      // The ordered channels are shallow and the binary cells' decisions wide, so at 0.043 dB the
      // paths' crossing counts differ by too little for lossless junctions to break a chip: the
      // planted fault runs at 0.5 dB a crossing, where the chips with their junctions stay exact
      // (npm test: 10 chips each; the lossless junctions fail all 10).
      const few = tier(10, CHIPS);
      expect(run(true, 0.5, few)).toBe(few);
      expect(run(false, 0.5, few)).toBeLessThan(few);
    },
    tier(120_000, 900_000),
  ); // three runs of 299 chips under test:full
});
