// A cell on a die whose heaters are set per call (LabEngine): the passive leaves' transfers are
// computed once, each heater leaf's 1×1 transfer (loss · e^{iφ}) is patched in place from the
// realized phases, and a part is propagated again only where its heaters or inputs moved
// (propagate.ts labFields).
import type { CMat } from "../../math/cmat.ts";
import { num } from "../models.ts";
import { applyDie, circuitLookup, perturbLeaf, type Die, type LeafError } from "../die/die.ts";
import { resolveInstance } from "../sim/propagate.ts";
import type { LabCircuit } from "./optics.ts";
import { labFields, partEngine, partTransfers, type LabFields, type PartCache } from "./propagate.ts";
import { nodesFor, type Only } from "./reach.ts";

export interface LabEngine {
  /**
   * The fields at heater phases and lit inputs. With `only`, the cell is propagated just as far as
   * those readouts (monitor sites, then detector modes) or that top-level pin need; the rest reads
   * dark. A fit that reads one stage's monitors need not push light through the stages after it.
   */
  fields(phases: ArrayLike<number>, powers: ArrayLike<number>, only?: Only): LabFields;
  /** Change one passive leaf's error (a coupler's coupling, a section's loss) in place. */
  setLeaf(path: string, error: LeafError): void;
}

/** A heater leaf: which heater sets it, its drawn loss (dB) and where it sits. */
interface HeaterLeaf {
  heater: number;
  loss: number;
  part: string;
  leaf: number;
  /** Its 1×1 transfer in the part's list, patched in place. */
  m: CMat;
}

export function labEngine(lc: LabCircuit, passive: Die | null, heaterPaths: string[]): LabEngine {
  const transfers = partTransfers(lc, passive);
  const lookup = circuitLookup(lc.circuit);
  const byPath = new Map(heaterPaths.map((p, i) => [p, i]));
  const patches: HeaterLeaf[] = [];
  const amps: number[] = [];
  const patchOf = new Map<string, number>();
  const leaves = new Map<string, { part: string; index: number; name: string }>();
  for (const n of lc.nodes) {
    if (n.kind !== "part") continue;
    const net = applyDie(n.plan.part, passive, null);
    partEngine(n.plan, lc.circuit).leaves.forEach((l, li) => {
      const path = `${n.name}/${l.name}`;
      leaves.set(path, { part: n.name, index: li, name: l.name });
      const h = byPath.get(path);
      if (h === undefined) return;
      patchOf.set(path, patches.length);
      const loss = num(n.plan.part.flat.instances[l.name]!.settings, "loss_db", 0);
      patches.push({ heater: h, loss, part: n.name, leaf: li, m: transfers.get(n.name)![li]! });
      amps.push(10 ** (-num(net.instances[l.name]!.settings, "loss_db", 0) / 20));
    });
  }
  // Per heater leaf as flat arrays (every pass scans them all): its heater, amplitude and last phase.
  const heaterOf = Int32Array.from(patches, (p) => p.heater);
  const amp = Float64Array.from(amps);
  const lastPhi = new Float64Array(patches.length).fill(Number.NaN);
  // The heater leaves part by part (they were listed in node order): a pass looks each part's
  // cache up once, not once per heater (with a crosstalk floor every heater moves at every step).
  const parts = [...new Set(patches.map((p) => p.part))];
  const partStart = Int32Array.from([...parts.map((q) => patches.findIndex((p) => p.part === q)), patches.length]);
  const leafOf = Int32Array.from(patches, (p) => p.leaf);
  const cache: PartCache = new Map();
  // A leaf's transfer changed: its part is propagated again from that leaf on (labFields).
  const moved = (part: string, leaf: number): void => {
    const c = cache.get(part);
    if (c) {
      c.stale = true;
      if (c.pins) c.pins.need[leaf] = 1;
    }
  };
  return {
    fields(phases, powers, only) {
      // One element kind at this load (callers pass typed arrays and plain ones alike; a load that
      // sees several kinds is several times slower, and this loop runs on every pass).
      const ph = phases instanceof Float64Array ? phases : Float64Array.from(phases);
      // Only parts whose heaters moved are propagated again (a sweep moves one part's, and its
      // crosstalk reaches its neighbours only).
      for (let q = 0; q < parts.length; q++) {
        const c = cache.get(parts[q]!);
        const need = c?.pins?.need;
        for (let k = partStart[q]!; k < partStart[q + 1]!; k++) {
          const phi = ph[heaterOf[k]!]!;
          if (phi === lastPhi[k]) continue;
          lastPhi[k] = phi;
          const m = patches[k]!.m;
          m.re[0] = amp[k]! * Math.cos(phi);
          m.im[0] = amp[k]! * Math.sin(phi);
          if (c) c.stale = true;
          if (need) need[leafOf[k]!] = 1;
        }
      }
      return labFields(lc, transfers, powers, cache, only ? nodesFor(lc, only) : lc.nodes.length);
    },
    setLeaf(path, error) {
      const k = patchOf.get(path);
      if (k !== undefined) {
        amp[k] = 10 ** (-(patches[k]!.loss + (error.lossDb ?? 0)) / 20);
        lastPhi[k] = Number.NaN;
        moved(patches[k]!.part, patches[k]!.leaf);
        return;
      }
      const at = leaves.get(path);
      if (!at) throw new Error(`labEngine: no leaf "${path}"`);
      const node = lc.nodes.find((x) => x.name === at.part);
      if (node?.kind !== "part") return;
      const inst = perturbLeaf(node.plan.part.flat.instances[at.name]!, error, null);
      const r = resolveInstance(at.name, inst, lookup);
      if (!r.model?.transfer) throw new Error(`labEngine: leaf "${path}" has no transfer model`);
      transfers.get(at.part)![at.index] = r.model.transfer(inst.settings);
      moved(at.part, at.index);
    },
  };
}
