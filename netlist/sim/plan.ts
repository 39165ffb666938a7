// The simulator's plan: a compiled circuit's steps laid out once on rows (engine.ts runs it).
// Every field (one mode's complex amplitude) is a row of a block's cases, re and im apart (im
// absent for real fields). Each linear stage owns a gather region, its inputs' rows in mode order,
// and a field read only by that stage is made straight into its slot there; its operand is the
// real form [[Mr, −Mi], [Mi, Mr]] of the stage matrix (only [[Mr], [Mi]] when every input is real).
import type { CMat } from "../../math/cmat.ts";
import type { Netlist } from "../ir.ts";
import { pamAmplitude, type activationUnitFn, type Model } from "../models.ts";
import { splitRef, type PortSpec } from "../ports.ts";

/** Detector response of a die: measured = gain · field + offset, per detector input mode. */
export interface DetectorResponse {
  gain: number[];
  offset: number[];
}

/** An activation's rule: relu or leaky-relu (its slope), and whether a homodyne read keeps Re only. */
export type ActivationRule = { leaky: boolean; slope: number; homodyne: boolean };

export type Step =
  | { kind: "linear"; name: string; spec: PortSpec; matrix: CMat }
  | { kind: "pam"; name: string; spec: PortSpec; model: Model; settings: Netlist["instances"][string]["settings"] }
  | { kind: "bias"; name: string; spec: PortSpec; amplitude: number }
  | {
      kind: "activation";
      name: string;
      spec: PortSpec;
      /** The rule at unit gain; `gains` per mode after it (null: unit). */
      fn: ReturnType<typeof activationUnitFn>;
      rule: ActivationRule;
      gains: number[] | null;
      limits: number[] | null;
    }
  | {
      kind: "detector";
      name: string;
      spec: PortSpec;
      levels: number;
      step: number[];
      offset: number[];
      response: DetectorResponse | null;
      /** Ratiometric: the last input is the reference row, of nominal Re field `reference` (netlist/ir.ts). */
      reference: number | null;
    };

export interface EngineResult {
  cases: number;
  width: number;
  fields: { re: Float64Array; im: Float64Array };
  digits: Int32Array;
}

/** A field's rows in the block (im −1: identically zero). */
export interface Rows {
  re: number;
  im: number;
}

export type Op =
  | { kind: "input"; j: number; row: number }
  | { kind: "pam"; x: Rows; row: number; scale: number }
  | {
      kind: "linear";
      copies: [number, number][];
      real: boolean;
      kr: number;
      /** The stage's outputs (its matrix's rows); m = ceil4(2 · rows). */
      rows: number;
      m: number;
      gather: number;
      out: number;
      a: Float64Array;
      aOff: number;
    }
  | {
      kind: "activation";
      pairs: [Rows | null, Rows][];
      fn: ReturnType<typeof activationUnitFn>;
      gains: number[] | null;
      limits: number[] | null;
    }
  | {
      kind: "activation-block";
      from: Rows;
      to: Rows;
      modes: number;
      rule: ActivationRule;
      gains: number[] | null;
      limits: number[] | null;
    }
  | { kind: "ratio"; ref: Rows; rows: (Rows | null)[]; reference: number }
  | { kind: "digits"; det: Detector; rows: number[] };

export interface Detector {
  readout: (Rows | null)[];
  step: number[];
  offset: number[];
  levels: number;
  response: DetectorResponse | null;
}

export interface Plan {
  rows: number;
  ops: Op[];
  /** Rows refilled once per run: bias sources. Every other row starts a run at 0. */
  constants: { row: number; value: number }[];
  readout: (Rows | null)[];
  detector: Detector | null;
  /** The detector's digits feed later steps (then a noisy run cannot defer its decisions). */
  digitsUsed: boolean;
  /** Doubles of all stage matrices (the memory's first region). */
  aDoubles: number;
  inputWidth: number;
}

export const ceil4 = (n: number): number => (n + 3) & ~3;

/** A field while planning: who makes it and who reads it. */
interface Wire {
  complex: boolean;
  /** Made by a linear stage (its rows are the product's output block) or by the detector. */
  fixed: boolean;
  /** (step, input) pairs that read it; "out" when a readout or top port reads it. */
  readers: ([number, number] | "out")[];
  rows?: Rows;
}

/**
 * Lays the steps out on rows: done once per compiled circuit. Each linear stage owns a gather
 * region, its inputs' rows in mode order ([re; im]), and every field read only by that stage is
 * made straight into its slot there, so a product reads its inputs where they were written (no
 * copy per block); an activation between two stages then runs over all its modes at once.
 */
export function planSteps(top: Netlist, steps: Step[], inputPorts: string[]): Plan {
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  // Pass 1: which wire each step reads and makes.
  const wires: Wire[] = [];
  const at = new Map<string, number>();
  const make = (complex: boolean, fixed: boolean): number => wires.push({ complex, fixed, readers: [] }) - 1;
  const deliver = (name: string, port: string, w: number): void => {
    const ref = `${name},${port}`;
    const to = peer.get(ref);
    if (to !== undefined) at.set(to, w);
    at.set(ref, w); // also visible to top-level output ports
  };
  const inputWires = inputPorts.map((p) => {
    const w = make(false, false);
    at.set(top.ports[p]!, w);
    return w;
  });
  const reads: (number | null)[][] = [];
  const makes: number[][] = [];
  let detectorStep = -1;
  steps.forEach((st, si) => {
    const xs = st.spec.inputs.map((p) => at.get(`${st.name},${p}`) ?? null);
    xs.forEach((x, i) => x !== null && wires[x]!.readers.push([si, i]));
    reads.push(xs);
    const complex = st.kind === "linear" || st.kind === "activation";
    const outs = st.kind === "bias" ? [st.spec.outputs[0]!] : st.spec.outputs;
    makes.push(
      outs.map((p) => {
        const w = make(complex, st.kind === "linear" || st.kind === "detector");
        deliver(st.name, p, w);
        return w;
      }),
    );
    if (st.kind === "detector") detectorStep = si;
  });
  let readoutWires: (number | null)[];
  let referenceWire: number | null = null;
  if (detectorStep >= 0) {
    const d = steps[detectorStep]!;
    readoutWires = reads[detectorStep]!;
    if (d.kind === "detector" && d.reference !== null) {
      referenceWire = readoutWires[readoutWires.length - 1] ?? null;
      readoutWires = readoutWires.slice(0, -1);
    }
  } else {
    const outs = Object.keys(top.ports).filter((p) => /^out\d+$/.test(p));
    outs.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    readoutWires = outs.map((p) => {
      const [i, port] = splitRef(top.ports[p]!);
      return at.get(`${i},${port}`) ?? null;
    });
  }
  for (const w of readoutWires) if (w !== null) wires[w]!.readers.push("out");
  if (referenceWire !== null) wires[referenceWire]!.readers.push("out");

  // Pass 2: rows. Gather regions first, then each wire in its reader's slot or on rows of its own.
  let rows = 0;
  const alloc = (k: number): number => ((rows += k), rows - k);
  const gather = new Map<number, { base: number; k: number; real: boolean }>();
  steps.forEach((st, si) => {
    if (st.kind !== "linear") return;
    const real = reads[si]!.every((x) => x === null || !wires[x]!.complex);
    const k = st.matrix.cols;
    gather.set(si, { base: alloc(real ? k : 2 * k), k, real });
  });
  const place = (w: number): Rows => {
    const wire = wires[w]!;
    if (wire.rows) return wire.rows;
    const only = wire.readers.length === 1 ? wire.readers[0]! : null;
    const g = only !== null && only !== "out" && !wire.fixed ? gather.get(only[0]) : undefined;
    if (g && only !== null && only !== "out") wire.rows = { re: g.base + only[1], im: wire.complex ? g.base + g.k + only[1] : -1 };
    else wire.rows = { re: alloc(1), im: wire.complex ? alloc(1) : -1 };
    return wire.rows;
  };
  const rowsOf = (x: number | null): Rows | null => (x === null ? null : place(x));

  const ops: Op[] = [];
  const constants: Plan["constants"] = [];
  inputWires.forEach((w, j) => ops.push({ kind: "input", j, row: place(w).re }));
  let detector: Detector | null = null;
  let digitRows: number[] = [];
  let aDoubles = 0;
  steps.forEach((st, si) => {
    const xs = reads[si]!.map(rowsOf);
    const outs = makes[si]!;
    if (st.kind === "linear") {
      const Q = st.matrix.rows;
      const g = gather.get(si)!;
      const kr = g.real ? g.k : 2 * g.k;
      const m = ceil4(2 * Q);
      const out = alloc(m);
      outs.forEach((w, q) => (wires[w]!.rows = { re: out + q, im: out + Q + q }));
      // Inputs made elsewhere are copied into their slots; a dark slot stays 0.
      const copies: [number, number][] = [];
      xs.forEach((x, i) => {
        if (!x) return;
        if (x.re !== g.base + i) copies.push([x.re, g.base + i]);
        if (!g.real && x.im >= 0 && x.im !== g.base + g.k + i) copies.push([x.im, g.base + g.k + i]);
      });
      ops.push({
        kind: "linear",
        copies,
        real: g.real,
        kr,
        rows: Q,
        m,
        gather: g.base,
        out,
        a: stageOperand(st.matrix, g.real, m),
        aOff: aDoubles,
      });
      aDoubles += m * kr;
    } else if (st.kind === "pam") {
      outs.forEach((w, k) => {
        const row = place(w).re;
        const x = xs[k];
        // A dark modulator input leaves its row at 0 (and needs no setting).
        if (x) ops.push({ kind: "pam", x, row, scale: pamAmplitude(st.settings, 1) });
      });
    } else if (st.kind === "bias") {
      constants.push({ row: place(outs[0]!).re, value: st.amplitude });
    } else if (st.kind === "activation") {
      const ys = outs.map(place);
      const contiguous = (rs: (Rows | null)[]): boolean =>
        rs.every((r, k) => r !== null && r.im >= 0 && r.re === rs[0]!.re + k && r.im === rs[0]!.im + k);
      if (ys.length > 0 && contiguous(xs) && contiguous(ys))
        ops.push({
          kind: "activation-block",
          from: xs[0]!,
          to: ys[0]!,
          modes: ys.length,
          rule: st.rule,
          gains: st.gains,
          limits: st.limits,
        });
      else ops.push({ kind: "activation", pairs: ys.map((y, k) => [xs[k] ?? null, y]), fn: st.fn, gains: st.gains, limits: st.limits });
    } else {
      const readout = st.reference !== null ? xs.slice(0, -1) : xs;
      detector = { readout, step: st.step, offset: st.offset, levels: st.levels, response: st.response };
      // A dark reference reads 0: every decoded field is then scaled to 0 (models.ts ratioScale).
      if (st.reference !== null)
        ops.push({ kind: "ratio", ref: xs[xs.length - 1] ?? { re: -1, im: -1 }, rows: readout, reference: st.reference });
      digitRows = outs.map((w) => place(w).re);
      ops.push({ kind: "digits", det: detector, rows: digitRows });
    }
  });
  const readout = detector ? (detector as Detector).readout : readoutWires.map(rowsOf);
  // Digit rows are read downstream only if a later step reads the detector's wires.
  const digitsUsed = detectorStep >= 0 && makes[detectorStep]!.some((w) => wires[w]!.readers.some((r) => r !== "out"));
  return { rows, ops, constants, readout, detector, digitsUsed, aDoubles, inputWidth: inputPorts.length };
}

/**
 * The plan with other matrices of the same shapes for its linear stages (in step order): the
 * layout depends on shapes only, so a die's stages are re-bound without planning again. A new
 * object, so that runPlan reloads the operands.
 */
export function rebindPlan(plan: Plan, matrices: readonly CMat[]): Plan {
  let i = 0;
  const ops = plan.ops.map((op): Op => {
    if (op.kind !== "linear") return op;
    const M = matrices[i++];
    if (!M || M.rows !== op.rows || M.cols * (op.real ? 1 : 2) !== op.kr) throw new RangeError("rebindPlan: a stage matrix changed shape");
    return { ...op, a: stageOperand(M, op.real, op.m) };
  });
  if (i !== matrices.length) throw new RangeError(`rebindPlan: ${matrices.length} matrices for ${i} linear stages`);
  return { ...plan, ops };
}

/** The stage's real operand, m × kr row-major (rows past 2Q are zero). */
function stageOperand(M: CMat, real: boolean, m: number): Float64Array {
  const Q = M.rows;
  const K = M.cols;
  const kr = real ? K : 2 * K;
  const a = new Float64Array(m * kr);
  for (let q = 0; q < Q; q++)
    for (let k = 0; k < K; k++) {
      const re = M.re[q * K + k]!;
      const im = M.im[q * K + k]!;
      a[q * kr + k] = re;
      a[(Q + q) * kr + k] = im;
      if (!real) {
        a[q * kr + K + k] = -im;
        a[(Q + q) * kr + K + k] = re;
      }
    }
  return a;
}
