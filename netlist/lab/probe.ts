// Sparse probes of one linear part of a cell (netlist/lab/propagate.ts compiles the part): light
// pushed only where it reaches, and one leaf's change pushed only downstream of that leaf. What
// compiler/calibrate/lab/structure.ts uses to find every attenuator's input, row and fan-in path.
import type { CMat } from "../../math/cmat.ts";
import type { LabCircuit } from "./optics.ts";
import { partEngine, type PartEngine } from "./propagate.ts";

/**
 * A part probed one lit stage input at a time, with every field kept pin by pin so that replacing
 * one leaf's transfer is propagated only downstream of that leaf. Light is pushed sparsely: only
 * leaves that a lit pin reaches are visited, in light order, so lighting an input costs its fan-out
 * and a leaf change costs the path after it (the fields are linear: the change is (T' − T)·x at the
 * leaf, pushed on through the unchanged leaves). cellStructure probes every attenuator this way;
 * a dense pass per input or per attenuator is quadratic in large cells.
 */
export interface PartProbe {
  /**
   * Light stage input `j` alone with unit field (every leaf as given): the outputs and monitors
   * it reaches, as [index, power] pairs in index order; every other one is dark.
   */
  light(j: number): Reached;
  /** With input `j` lit: what changes when leaf `li` (light order) takes transfer `m`, as above. */
  withLeaf(li: number, m: CMat): Reached;
}

export interface Reached {
  out: [number, number][];
  mon: [number, number][];
}

export function partProbe(lc: LabCircuit, part: string, transfers: Map<string, CMat[]>): PartProbe {
  const n = lc.nodes.find((x) => x.name === part);
  if (n?.kind !== "part") throw new Error(`partProbe: ${part} is not a linear part`);
  const eng = partEngine(n.plan, lc.circuit);
  const t = transfers.get(part)!;
  const wiring = probeWiring(eng);
  const base = new Fields(eng.pins);
  const delta = new Fields(eng.pins);
  const y = new Float64Array(2);
  // Pushes the fields set so far in `f` through the leaves they reach, in light order.
  const push = (f: Fields): void => {
    while (f.heap.length > 0) {
      const lj = heapPop(f.heap);
      const l = eng.leaves[lj]!;
      for (let q = 0; q < l.nout; q++) {
        rowTimes(t[lj]!, null, f, l, q, y);
        if (y[0] !== 0 || y[1] !== 0) emit(f, l, q, y[0]!, y[1]!);
      }
    }
  };
  const emit = (f: Fields, l: PartEngine["leaves"][number], q: number, yr: number, yi: number): void => {
    f.set(l.base + l.nin + q, yr, yi, wiring.leafOf);
    const to = l.peers[q]!;
    if (to >= 0) f.set(to, yr, yi, wiring.leafOf);
  };
  // Powers of base + delta on the outputs and monitors either touched.
  const reached = (fs: Fields[]): Reached => {
    const pins = new Set(fs.flatMap((f) => f.touched));
    const pick = (index: Map<number, number>): [number, number][] => {
      const out: [number, number][] = [];
      for (const pin of pins) {
        const k = index.get(pin);
        if (k === undefined) continue;
        const yr = base.re[pin]! + delta.re[pin]!;
        const yi = base.im[pin]! + delta.im[pin]!;
        out.push([k, yr * yr + yi * yi]);
      }
      return out.sort((a, b) => a[0] - b[0]);
    };
    return { out: pick(wiring.outIndex), mon: pick(wiring.monIndex) };
  };
  return {
    light(j) {
      base.clear();
      delta.clear();
      base.set(eng.inPins[j]!, 1, 0, wiring.leafOf);
      push(base);
      return reached([base]);
    },
    withLeaf(li, m) {
      delta.clear();
      const l0 = eng.leaves[li]!;
      for (let q = 0; q < l0.nout; q++) {
        rowTimes(m, t[li]!, base, l0, q, y);
        if (y[0] !== 0 || y[1] !== 0) emit(delta, l0, q, y[0]!, y[1]!);
      }
      push(delta);
      return reached([delta]);
    },
  };
}

/** Row q of a leaf's transfer m (less `sub`'s, when given) times the leaf's input fields in f, into y. */
function rowTimes(m: CMat, sub: CMat | null, f: Fields, l: PartEngine["leaves"][number], q: number, y: Float64Array): void {
  let yr = 0;
  let yi = 0;
  for (let k = 0; k < l.nin; k++) {
    const xr = f.re[l.base + k]!;
    const xi = f.im[l.base + k]!;
    if (xr === 0 && xi === 0) continue;
    const at = q * m.cols + k;
    const tr = sub ? m.re[at]! - sub.re[q * sub.cols + k]! : m.re[at]!;
    const ti = sub ? m.im[at]! - sub.im[q * sub.cols + k]! : m.im[at]!;
    yr += tr * xr - ti * xi;
    yi += tr * xi + ti * xr;
  }
  y[0] = yr;
  y[1] = yi;
}

/** Sparse fields over a part's pins: dense arrays, the pins set, and the leaves still to visit. */
class Fields {
  re: Float64Array;
  im: Float64Array;
  touched: number[] = [];
  heap: number[] = [];
  private queued = new Set<number>();
  constructor(pins: number) {
    this.re = new Float64Array(pins);
    this.im = new Float64Array(pins);
  }
  set(pin: number, yr: number, yi: number, leafOf: Int32Array): void {
    this.re[pin] = yr;
    this.im[pin] = yi;
    this.touched.push(pin);
    const next = leafOf[pin]!;
    if (next >= 0 && !this.queued.has(next)) {
      this.queued.add(next);
      heapPush(this.heap, next);
    }
  }
  clear(): void {
    for (const pin of this.touched) this.re[pin] = this.im[pin] = 0;
    this.touched = [];
    this.heap = [];
    this.queued.clear();
  }
}

interface ProbeWiring {
  /** Pin → the leaf (light order) that takes it as an input, or −1. */
  leafOf: Int32Array;
  outIndex: Map<number, number>;
  monIndex: Map<number, number>;
}

const probeWirings = new WeakMap<PartEngine, ProbeWiring>();

function probeWiring(eng: PartEngine): ProbeWiring {
  const hit = probeWirings.get(eng);
  if (hit) return hit;
  const leafOf = new Int32Array(eng.pins).fill(-1);
  eng.leaves.forEach((l, li) => leafOf.fill(li, l.base, l.base + l.nin));
  const w = {
    leafOf,
    outIndex: new Map(eng.outPins.map((p, q) => [p, q])),
    monIndex: new Map(eng.monPins.map((p, q) => [p, q])),
  };
  probeWirings.set(eng, w);
  return w;
}

function heapPush(h: number[], v: number): void {
  let i = h.push(v) - 1;
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (h[up]! <= v) break;
    h[i] = h[up]!;
    i = up;
  }
  h[i] = v;
}

function heapPop(h: number[]): number {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length === 0) return top;
  let i = 0;
  for (;;) {
    const a = 2 * i + 1;
    if (a >= h.length) break;
    const c = a + 1 < h.length && h[a + 1]! < h[a]! ? a + 1 : a;
    if (h[c]! >= last) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = last;
  return top;
}
