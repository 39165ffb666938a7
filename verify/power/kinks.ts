// The reads a kink blocks, for the error rate of budget.ts: a regenerating read that is off (its
// input below 0) or saturated (above its limit) passes no noise at its nominal point, but noise that
// carries it past the kink reaches the outputs after all (docs/design/power-budget.md §4).
import type { CircuitLight, TraceStep } from "./walk.ts";

/**
 * The ways noise reaches an output past a kink, as flat arrays (a wide cell has millions, and as
 * objects they cost more in garbage collection than in arithmetic). Entry e: the layer of the noisy
 * read, its distance to error's start, the weight it then passes with, and the layer before whose
 * open reads add their noise at this read's input, per unit of their σ² (upLayer −1: none).
 * Each (output k, case c)'s entries chain from head[k·cases + c] through next (−1 ends).
 */
export interface Kinks {
  head: Int32Array;
  next: Int32Array;
  layer: Int32Array;
  dist: Float64Array;
  w: Float64Array;
  upLayer: Int32Array;
  upGain2: Float64Array;
  count: number;
}

/** Kinks grown one entry at a time (capacity doubles), then trimmed. */
class KinkBuilder {
  k: Kinks;
  constructor(slots: number) {
    const cap = 1024;
    this.k = {
      head: new Int32Array(slots).fill(-1),
      next: new Int32Array(cap),
      layer: new Int32Array(cap),
      dist: new Float64Array(cap),
      w: new Float64Array(cap),
      upLayer: new Int32Array(cap),
      upGain2: new Float64Array(cap),
      count: 0,
    };
  }
  push(slot: number, layer: number, dist: number, w: number, upLayer: number, upGain2: number): void {
    const k = this.k;
    if (k.count === k.next.length) this.grow(2 * k.count);
    const e = k.count++;
    k.next[e] = k.head[slot]!;
    k.head[slot] = e;
    k.layer[e] = layer;
    k.dist[e] = dist;
    k.w[e] = w;
    k.upLayer[e] = upLayer;
    k.upGain2[e] = upGain2;
  }
  grow(cap: number): void {
    const k = this.k;
    const re = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a.subarray(0, Math.min(cap, k.count)) as never);
      return b;
    };
    Object.assign(k, {
      next: re(k.next),
      layer: re(k.layer),
      dist: re(k.dist),
      w: re(k.w),
      upLayer: re(k.upLayer),
      upGain2: re(k.upGain2),
    });
  }
  done(): Kinks {
    this.grow(this.k.count);
    return this.k;
  }
}

/**
 * Each read's state per case, mode-major (index m · cases + c): its distance to the kink that blocks
 * it (0: open) and the sign a deviation must take to pass it (off: +1, saturated: −1).
 */
function readStates(st: TraceStep, fields: CircuitLight["fields"], modes: number, cases: number): { dist: Float64Array; dir: Int8Array } {
  const dist = new Float64Array(modes * cases);
  const dir = new Int8Array(modes * cases);
  for (let m = 0; m < modes; m++) {
    const f = fields.get(st.reads[m]!);
    const lim = st.limits?.[m] ?? 0;
    for (let c = 0; c < cases; c++) {
      const x = f ? f.re[c]! : 0;
      const i = m * cases + c;
      if (x < 0) {
        dist[i] = -x;
        dir[i] = 1;
      } else if (lim > 0 && x > lim) {
        dist[i] = x - lim;
        dir[i] = -1;
      }
    }
  }
  return { dist, dir };
}

/**
 * The reads a kink blocks, for the error rate (budget.ts decisionAt): noise that carries a blocked
 * read past its kink reaches the outputs after all. Each entry is one way, one noise source alone:
 * - a blocked read whose own noise, and the noise of the open reads of the layer before it, carry
 *   it past its kink, then on until an output moves by its margin;
 * - a blocked read whose own noise carries it past its kink and then carries a blocked read of the
 *   next layer past that one's.
 * The couplings between consecutive layers are Re of the linear stages between them, column by column.
 */
export function kinkEntries(light: CircuitLight, layers: { modes: number }[], passW: Float64Array[][][], cases: number): Kinks {
  const acts = light.steps.filter((s) => s.kind === "activation");
  const W = passW.length;
  const out = new KinkBuilder(W * cases);
  const coupling = acts.slice(0, -1).map((st, a) => couplingOf(light, st, acts[a + 1]!));
  const states = acts.map((st, a) => readStates(st, light.fields, layers[a]!.modes, cases));
  acts.forEach((st, a) => {
    const up = a > 0 ? acts[a - 1]! : null;
    const here = states[a]!;
    const next = a + 1 < acts.length ? states[a + 1]! : null;
    const modes = layers[a]!.modes;
    const nextModes = next ? layers[a + 1]!.modes : 0;
    // The blocked reads of the next layer this read's noise can push past their kink, per case.
    const js: number[] = [];
    const cpls: number[] = [];
    for (let c = 0; c < cases; c++)
      for (let m = 0; m < modes; m++) {
        const dist = here.dist[m * cases + c]!;
        if (dist === 0) continue;
        // The open reads of the layer before: the variance they add at this read's input, per unit of their σ².
        let gain2 = 0;
        if (up) {
          const before = states[a - 1]!;
          for (let u = 0; u < layers[a - 1]!.modes; u++)
            if (before.dist[u * cases + c] === 0) gain2 += ((up.gains?.[u] ?? 1) * coupling[a - 1]![u]![m]!) ** 2;
        }
        const dir = here.dir[m * cases + c]!;
        js.length = 0;
        cpls.length = 0;
        for (let j = 0; j < nextModes; j++) {
          if (next!.dist[j * cases + c] === 0) continue;
          const cpl = dir * (st.gains?.[m] ?? 1) * coupling[a]![m]![j]!;
          if (cpl === 0 || Math.sign(cpl) !== next!.dir[j * cases + c]) continue;
          js.push(j);
          cpls.push(cpl);
        }
        for (let k = 0; k < W; k++) {
          const slot = k * cases + c;
          const w = Math.abs(passW[k]![a]![m]![c]!);
          if (w > 0) out.push(slot, a, dist, w, up ? a - 1 : -1, gain2);
          for (let i = 0; i < js.length; i++) {
            const j = js[i]!;
            const wj = Math.abs(passW[k]![a + 1]![j]![c]!);
            if (wj === 0) continue;
            const cpl = Math.abs(cpls[i]!);
            out.push(slot, a, dist + next!.dist[j * cases + c]! / cpl, wj * cpl, -1, 0);
          }
        }
      }
  });
  return out.done();
}

/** Re of the field each read of `to` receives per unit real field on each output of `from` (the linear stages between). */
function couplingOf(light: CircuitLight, from: TraceStep, to: TraceStep): number[][] {
  const i0 = light.steps.indexOf(from);
  const i1 = light.steps.indexOf(to);
  return from.writes.map((w) => {
    const field = new Map<string, [number, number]>([[w, [1, 0]]]);
    for (let i = i0 + 1; i < i1; i++) {
      const st = light.steps[i]!;
      if (st.kind !== "linear") continue;
      const m = st.matrix!;
      for (let q = 0; q < m.rows; q++) {
        let re = 0;
        let im = 0;
        for (let j = 0; j < m.cols; j++) {
          const x = field.get(st.reads[j]!);
          if (!x) continue;
          const ar = m.re[q * m.cols + j]!;
          const ai = m.im[q * m.cols + j]!;
          re += ar * x[0] - ai * x[1];
          im += ar * x[1] + ai * x[0];
        }
        if (re !== 0 || im !== 0) field.set(st.writes[q]!, [re, im]);
      }
    }
    return to.reads.map((r) => field.get(r)?.[0] ?? 0);
  });
}
