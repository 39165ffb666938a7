// partProbe (netlist/lab/probe.ts) pushes light sparsely and a leaf's change only downstream of
// it. Its powers must equal a dense pass through the whole part (propagatePart) with the same leaf
// swapped, for every stage input and every leaf of a cell, on random heater phases; and a probe
// that misses a leaf's change is seen.
import { describe, expect, it } from "vitest";
import { labCircuit } from "../../netlist/lab/optics.ts";
import { partTransfers, propagatePart } from "../../netlist/lab/propagate.ts";
import { partProbe, type Reached } from "../../netlist/lab/probe.ts";
import { heaterSites } from "../../netlist/die/heaters.ts";
import { createRng } from "../../math/rng.ts";
import { phaseDie } from "../../compiler/calibrate/lab/structure.ts";
import type { CMat } from "../../math/cmat.ts";
import { paperCell } from "../calibrate/fab-fixtures.ts";

/** Dense powers of every output and monitor, with sparse [index, power] pairs laid over a base. */
const overlay = (base: number[], pairs: [number, number][]): number[] => {
  const out = [...base];
  for (const [q, p] of pairs) out[q] = p;
  return out;
};
const dense = (n: number, r: Reached["out"]): number[] => overlay(new Array<number>(n).fill(0), r);

describe("partProbe", () => {
  const { circuit } = paperCell("divide0");
  const lc = labCircuit(circuit);
  const heaters = heaterSites(circuit);
  const rng = createRng(5);
  const phases = heaters.map(() => 2 * Math.PI * rng.next());
  const t = partTransfers(
    lc,
    phaseDie(heaters, (i) => phases[i]!),
  );
  const parts = lc.nodes.flatMap((n) => (n.kind === "part" ? [n] : []));
  const powers = (y: { out: [number, number][]; mon: number[] }) => ({ out: y.out.map(([a, b]) => a * a + b * b), mon: y.mon });

  it("lights one input as a dense pass does, and changes one leaf as a dense pass with it swapped", () => {
    let compared = 0;
    for (const n of parts) {
      const tr = t.get(n.name)!;
      const probe = partProbe(lc, n.name, t);
      for (let j = 0; j < n.plan.inputs.length; j++) {
        const xin = n.plan.inputs.map((_, k): [number, number] => (k === j ? [1, 0] : [0, 0]));
        const want = powers(propagatePart(lc, n.name, t, xin));
        const lit = probe.light(j);
        const base = { out: dense(want.out.length, lit.out), mon: dense(want.mon.length, lit.mon) };
        for (let q = 0; q < want.out.length; q++) expect(base.out[q]!).toBeCloseTo(want.out[q]!, 12);
        for (let q = 0; q < want.mon.length; q++) expect(base.mon[q]!).toBeCloseTo(want.mon[q]!, 12);
        for (let li = 0; li < tr.length; li += 3) {
          const keep = tr[li]!;
          const swapped: CMat = { ...keep, re: keep.re.map(() => rng.normal()), im: keep.im.map(() => rng.normal()) };
          tr[li] = swapped;
          const after = powers(propagatePart(lc, n.name, t, xin));
          tr[li] = keep;
          const change = probe.withLeaf(li, swapped);
          const got = { out: overlay(base.out, change.out), mon: overlay(base.mon, change.mon) };
          for (let q = 0; q < after.out.length; q++) expect(got.out[q]!).toBeCloseTo(after.out[q]!, 9);
          for (let q = 0; q < after.mon.length; q++) expect(got.mon[q]!).toBeCloseTo(after.mon[q]!, 9);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("the comparison can fail: a change applied to the wrong leaf differs", () => {
    const n = parts.find((p) => p.plan.inputs.length > 1)!;
    const tr = t.get(n.name)!;
    const probe = partProbe(lc, n.name, t);
    const xin = n.plan.inputs.map((_, k): [number, number] => (k === 0 ? [1, 0] : [0, 0]));
    const base = probe.light(0);
    // Swap the last leaf that light reaches in a dense pass, but ask the probe about the first.
    const li = tr.length - 1;
    const keep = tr[li]!;
    const swapped: CMat = { ...keep, re: keep.re.map(() => 0), im: keep.im.map(() => 0) };
    tr[li] = swapped;
    const after = powers(propagatePart(lc, n.name, t, xin));
    tr[li] = keep;
    const wrong = probe.withLeaf(0, tr[0]!); // no change at all
    const got = overlay(dense(after.mon.length, base.mon), wrong.mon);
    const diff =
      after.mon.reduce((s, p, q) => s + Math.abs(p - got[q]!), 0) +
      after.out.reduce((s, p, q) => s + Math.abs(p - (dense(after.out.length, base.out)[q] ?? 0)), 0);
    expect(diff).toBeGreaterThan(1e-6);
  });
});
