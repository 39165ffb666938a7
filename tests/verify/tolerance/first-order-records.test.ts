// First-order records (verify/tolerance/certify/first-order-record.ts) reused across the boxes of a
// search give the same bounds as the pass that recomputes every leaf term per box
// (first-order-reference.ts) with the records' Q classes (each leaf's remainder δ the largest of
// its class), on designs whose activations do and do not flip; and a record with a scaled-down
// remainder is caught by that comparison. The classes only loosen the exact pass (every leaf its
// own δ), and a class taking its smallest δ instead is caught undercutting it.
import { describe, expect, it } from "vitest";
import { tier } from "../../helpers/tier.ts";
import { loadSpec } from "../../../dsl/load.ts";
import { readNetlistJson } from "../../../netlist/formats/json-io.ts";
import { compileAggregator } from "../../../pipeline/compile/route.ts";
import { certifyContext, type CertifyContext } from "../../../verify/tolerance/certify/certify.ts";
import { firstOrderBounds, firstOrderCache, type FirstOrderCache } from "../../../verify/tolerance/certify/first-order.ts";
import { qClasses } from "../../../verify/tolerance/certify/first-order-record.ts";
import type { ErrorBox } from "../../../verify/tolerance/certify/leaf-bounds.ts";
import { stageBounds, walk, type WalkResult } from "../../../verify/tolerance/certify/walk.ts";
import { prepareCellDesign, type Design } from "../../../verify/tolerance/design.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";
import * as reference from "./first-order-reference.ts";
import { threeWorkerCircuit, tinyDesign } from "./helpers.ts";

const SPEC = `aggregator cf {
  workers   = 3
  precision = 4 bits
  levels    = 4
  technology { preset = optimistic }
}
`;

function cellDesign(): Design {
  const c = compileAggregator(loadSpec("cf.optinc", SPEC).checked!, { skipEvaluation: true });
  const cells = [...c.result.files.keys()].filter((f) => f.endsWith(".netlist.json")).sort();
  return prepareCellDesign(
    cells.map((f) => ({ name: f, circuit: readNetlistJson(c.result.files.get(f)!, f) })),
    1,
  );
}

// A search's sequence of boxes: up, down, back to a level seen before, and every axis at once.
const LEVELS = [1e-5, 1.6e-4, 2.6e-3, 4e-2, 0.3, 1e-3, 1.6e-4, 4e-2];
const FAMILIES: ((s: number) => ErrorBox)[] = [
  (s) => ({ coupler: s, phase: 0, loss: 0 }),
  (s) => ({ coupler: 0, phase: 10 * s, loss: 0 }),
  (s) => ({ coupler: 0, phase: 0, loss: 20 * s }),
  (s) => ({ coupler: s / 2, phase: 3 * s, loss: 5 * s + 0.01 }),
];
const CHUNK = 7;

/** The records' remainder: each leaf's δ the `pick` (largest: the records' rule) of its Q class's. */
const byClass =
  (pick: (a: number, b: number) => number): reference.RemainderRule =>
  (ops, delta) => {
    const cls = qClasses(ops);
    const of = new Map<number, number>();
    cls.forEach((c, i) => of.set(c, of.has(c) ? pick(of.get(c)!, delta[i]!) : delta[i]!));
    return Float64Array.from(cls, (c) => of.get(c)!);
  };
const CLASSES = byClass(Math.max);

/** Record-based bounds of every case of unit `ui` in `box`, chunked like certify.ts, and the reference's. */
const first = new Map<string, WalkResult>();

function bothBounds(
  cx: CertifyContext,
  ui: number,
  box: ErrorBox,
  store: FirstOrderCache | null,
  rule: reference.RemainderRule | null = CLASSES,
) {
  const design = cx.design;
  const u = design.units[ui]!;
  const plan = cx.plans[ui]!;
  const g = stageBounds(plan, box);
  const n = u.set.cases;
  const inWidth = u.format.workers * u.format.digits;
  const ref = reference.firstOrderPlan(plan, rule ?? undefined);
  const mine: number[] = [];
  const theirs: number[] = [];
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    const inputs = Float64Array.from(u.set.digits.subarray(start * inWidth, (start + m) * inWidth));
    const r = walk(plan, g, inputs, m);
    // A walk reusing the ideal fields of one in another box is the same walk.
    const key = `${ui}/${start}`;
    const again = walk(plan, g, inputs, m, first.get(key));
    if (!first.has(key)) first.set(key, r);
    expect(again.re).toEqual(r.re);
    expect(again.err).toEqual(r.err);
    mine.push(...firstOrderBounds(cx.firstOrder[ui]!, box, again, m, store ? { store, start } : undefined));
    theirs.push(...reference.firstOrderBounds(ref, box, g, r, m));
  }
  return { mine, theirs };
}

function expectSame(mine: number[], theirs: number[], what: string): void {
  expect(mine.length).toBe(theirs.length);
  for (let i = 0; i < mine.length; i++) {
    expect(Math.abs(mine[i]! - theirs[i]!), `${what} decision ${i}: ${mine[i]} vs ${theirs[i]}`).toBeLessThanOrEqual(
      1e-12 * Math.abs(theirs[i]!) + 1e-300,
    );
  }
}

// The closed-form cells (7 s for every family) take the mixed family alone under npm test, which
// moves coupler, phase and loss together; the full tier runs each family on them too.
const designs: [string, () => Design, number[]][] = [
  ["tiny", () => tinyDesign(tinyCircuit()), [0, 1, 2, 3]],
  ["three-worker", () => tinyDesign(threeWorkerCircuit()), [0, 1, 2, 3]],
  ["closed-form cells", cellDesign, tier([3], [0, 1, 2, 3])],
];

describe("first-order records reused across boxes equal the per-box pass", () => {
  for (const [name, make, families] of designs) {
    it(`${name}: ${families.length === FAMILIES.length ? "every family" : "the mixed family"}, levels up and down`, () => {
      const design = make();
      const cx = certifyContext(design, "thresholds");
      first.clear();
      let perBox = 0;
      design.units.forEach((_, ui) => {
        for (const fi of families) {
          const fam = FAMILIES[fi]!;
          const store = firstOrderCache();
          for (const s of LEVELS) {
            const { mine, theirs } = bothBounds(cx, ui, fam(s), store);
            expectSame(mine, theirs, `${name} unit ${ui} family ${fi} level ${s}`);
          }
          expect(store.records.size).toBeGreaterThan(0);
          perBox += store.perBox;
        }
      });
      // Some activation's branch is not proven at the larger boxes: those records are per box.
      expect(perBox).toBeGreaterThan(0);
    });
  }

  it("a full cache stops storing and still gives the same bounds", () => {
    const cx = certifyContext(tinyDesign(threeWorkerCircuit()), "thresholds");
    first.clear();
    const store = firstOrderCache(1);
    for (const s of LEVELS) {
      const { mine, theirs } = bothBounds(cx, 0, FAMILIES[3]!(s), store);
      expectSame(mine, theirs, `level ${s}`);
    }
    expect(store.records.size).toBe(0);
  });

  it("a record with its remainder (the Q part) scaled down is caught", () => {
    const cx = certifyContext(tinyDesign(threeWorkerCircuit()), "thresholds");
    first.clear();
    const lay = cx.firstOrder[0]!.layout;
    const store = firstOrderCache();
    const box = FAMILIES[3]!(0.3);
    bothBounds(cx, 0, box, store);
    const G = lay.groups;
    const C = lay.classes;
    for (const rec of store.records.values()) for (let k = 2 * G; k < 2 * G + C * C; k++) rec[k]! *= 0.5;
    const { mine, theirs } = bothBounds(cx, 0, box, store);
    const low = mine.filter((v, i) => v < theirs[i]! * (1 - 1e-9)).length;
    expect(low).toBeGreaterThan(0);
  });

  it("the Q classes only loosen the exact pass, and a class taking its smallest δ undercuts it", () => {
    const cx = certifyContext(cellDesign(), "thresholds");
    const fo = cx.firstOrder[0]!;
    // The closed-form cells' amplitude shares put several coupler ratios into one class.
    expect(fo.layout.classes).toBeLessThan(fo.layout.groups);
    first.clear();
    let looser = 0;
    let under = 0;
    for (const s of [1e-4, 4e-3]) {
      const box = FAMILIES[3]!(s);
      const exact = bothBounds(cx, 0, box, null, null).theirs;
      const classes = bothBounds(cx, 0, box, null).theirs;
      const smallest = bothBounds(cx, 0, box, null, byClass(Math.min)).theirs;
      classes.forEach((v, i) => {
        expect(v, `decision ${i} at ${s}`).toBeGreaterThanOrEqual(exact[i]! * (1 - 1e-12));
        if (v > exact[i]! * (1 + 1e-12)) looser++;
        if (smallest[i]! < exact[i]! * (1 - 1e-12)) under++;
      });
    }
    expect(looser).toBeGreaterThan(0);
    expect(under).toBeGreaterThan(0);
  });
});
