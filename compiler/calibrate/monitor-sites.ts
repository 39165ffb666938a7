// Design for calibration (issue #23 item 5): the monitor photodiodes `optinc compile` places on a
// closed-form cell — exactly the sites the lab calibration reads, `monitorSites(cellStructure(c))`
// of compiler/calibrate/lab/structure.ts: every attenuator's dump and, per meta-MZI pair of a row,
// the fan-in dump where the pair first meets. The same probes, computed faster: cellStructure
// recomputes every leaf transfer of the whole cell for each attenuator it probes (quadratic: 15 s
// for a PAM-16 cell of 615 attenuators), where this computes the dark and the θ = π transfers once
// and swaps one θ leaf per probe. tests/netlist/monitors.test.ts checks that both give the same sites.
import type { Circuit } from "../../netlist/ir.ts";
import { circuitLookup } from "../../netlist/die.ts";
import { heaterSites } from "../../netlist/die-fab.ts";
import { labCircuit, partTransfers } from "../../netlist/lab-optics.ts";
import { indexedNetlist } from "../../netlist/propagate.ts";
import { partAlone, phaseDie } from "./lab/structure.ts";

interface Probe {
  dump: number;
  input: number;
  row: number;
  tree: number[];
  /** The stage input it is lit from is a bias source. */
  bias: boolean;
}

/** The monitor site names ("<part>/<terminator>") calibration reads on a closed-form cell, in site order. */
export function calibrationMonitorSites(circuit: Circuit): string[] {
  const lc = labCircuit(circuit);
  const heaters = heaterSites(circuit);
  const isTheta = (i: number): boolean => heaters[i]!.name.endsWith(".theta");
  const dark = partTransfers(
    lc,
    phaseDie(heaters, () => 0),
  );
  const lit = partTransfers(
    lc,
    phaseDie(heaters, (i) => (isTheta(i) ? Math.PI : 0)),
  );
  const lookup = circuitLookup(circuit);
  const used = new Set<number>();
  for (const node of lc.nodes) {
    if (node.kind !== "part") continue;
    const part = node.name;
    const plan = node.plan;
    const { ix, order } = indexedNetlist(plan.part.flat, lookup);
    const leafIndex = new Map(order.map((i, li) => [ix.names[i]!, li]));
    const t = dark.get(part)!;
    const tPi = lit.get(part)!;
    const probes: (Probe & { leaf: number })[] = [];
    heaters.forEach((h, i) => {
      if (!h.name.startsWith(`${part}/`) || !isTheta(i)) return;
      const leaf = h.name.slice(part.length + 1, -".theta".length);
      const dump = lc.sites.findIndex((s) => s.name === `${part}/${leaf}_dump`);
      if (dump < 0) return;
      const li = leafIndex.get(h.path.slice(part.length + 1));
      if (li === undefined || order.length !== t.length) throw new Error(`calibrationMonitorSites: ${h.path} is not a leaf of ${part}`);
      probes.push({ dump, input: -1, row: -1, tree: [], bias: false, leaf: li });
    });
    if (probes.length === 0) continue;
    // Each entry's input: light each stage input alone with every attenuator dark.
    plan.inputs.forEach((_, j) => {
      const f = partAlone(lc, dark, part, j);
      for (const p of probes) if (f.power[p.dump]! > 1e-9) p.input = j;
    });
    const one = new Map([[part, t]]);
    for (const p of probes) {
      const keep = t[p.leaf]!;
      t[p.leaf] = tPi[p.leaf]!;
      const f = partAlone(lc, one, part, p.input);
      t[p.leaf] = keep;
      p.row = f.outPower.findIndex((x) => x > 1e-9);
      p.tree = plan.siteIndex.filter((s) => lc.sites[s]!.kind === "tree" && f.power[s]! > 1e-12);
      const from = p.input < 0 ? undefined : lc.wires.get(`${part},${plan.inputs[p.input]}`);
      p.bias = lc.nodes.find((n) => n.name === from?.split(",")[0])?.kind === "bias";
      used.add(p.dump);
    }
    // Per row, the meta-MZI pairs: each entry against the reference (the bias entry when the row has
    // one), the reference against its first partner; each is read where the two first meet.
    plan.outputs.forEach((_, r) => {
      const es = probes.filter((p) => p.row === r);
      const ref = es.find((p) => p.bias) ?? es[0];
      if (!ref) return;
      const pairs: [Probe, Probe][] = es.filter((p) => p !== ref).map((p) => [p, ref]);
      if (pairs.length > 0) pairs.push([ref, pairs[0]![0]]);
      for (const [a, b] of pairs) {
        const m = a.tree.find((s) => b.tree.includes(s));
        if (m !== undefined) used.add(m);
      }
    });
  }
  return [...used].sort((x, y) => x - y).map((i) => lc.sites[i]!.name);
}
