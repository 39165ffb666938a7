// The simulator's batch engine: a compiled circuit's steps laid out once as a plan of rows in one
// WASM memory, then run over blocks of cases. Every field (one mode's complex amplitude) is a row
// of the current block's cases, re and im apart (im absent for real fields), so a linear stage is
// one real matrix product straight on the rows, with no transposition and no allocation per block:
//
//   [yr; yi] = [[Mr, −Mi], [Mi, Mr]] · [xr; xi]      (only [[Mr], [Mi]] · xr when every input is real)
//
// Each output sums its inputs in mode order, re parts before im parts, as the netlist defines the
// stage; the WASM kernel (math/gemm-wasm.ts) keeps that order and separate IEEE multiplies and adds.
import type { CMat } from "../math/cmat.ts";
import { createGemm, EPILOGUE, type GemmKernels } from "../math/gemm-wasm.ts";
import type { Rng } from "../math/rng.ts";
import type { Netlist } from "./ir.ts";
import { detectDigit, pamAmplitude, type activationFn, type Model } from "./models.ts";
import { splitRef, type PortSpec } from "./ports.ts";

/** Detector response of a die: measured = gain · field + offset, per detector input mode. */
export interface DetectorResponse {
  gain: number[];
  offset: number[];
}

export type Step =
  | { kind: "linear"; name: string; spec: PortSpec; matrix: CMat }
  | { kind: "pam"; name: string; spec: PortSpec; model: Model; settings: Netlist["instances"][string]["settings"] }
  | { kind: "bias"; name: string; spec: PortSpec; amplitude: number }
  | { kind: "activation"; name: string; spec: PortSpec; fn: ReturnType<typeof activationFn>; rule: { leaky: boolean; slope: number } }
  | { kind: "detector"; name: string; spec: PortSpec; levels: number; step: number[]; offset: number[]; response: DetectorResponse | null };

export interface EngineResult {
  cases: number;
  width: number;
  fields: { re: Float64Array; im: Float64Array };
  digits: Int32Array;
}

/** A field's rows in the block (im −1: identically zero). */
interface Rows {
  re: number;
  im: number;
}

type Op =
  | { kind: "input"; j: number; row: number }
  | { kind: "pam"; x: Rows; row: number; scale: number }
  | { kind: "linear"; copies: [number, number][]; real: boolean; kr: number; m: number; gather: number; out: number; a: Float64Array; aOff: number }
  | { kind: "activation"; pairs: [Rows | null, Rows][]; fn: ReturnType<typeof activationFn> }
  | { kind: "activation-block"; from: Rows; to: Rows; modes: number; rule: { leaky: boolean; slope: number } }
  | { kind: "digits"; det: Detector; rows: number[] };

interface Detector {
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

const ceil4 = (n: number): number => (n + 3) & ~3;

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
  if (detectorStep >= 0) {
    readoutWires = reads[detectorStep]!;
  } else {
    const outs = Object.keys(top.ports).filter((p) => /^out\d+$/.test(p));
    outs.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    readoutWires = outs.map((p) => {
      const [i, port] = splitRef(top.ports[p]!);
      return at.get(`${i},${port}`) ?? null;
    });
  }
  for (const w of readoutWires) if (w !== null) wires[w]!.readers.push("out");

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
      ops.push({ kind: "linear", copies, real: g.real, kr, m, gather: g.base, out, a: stageOperand(st.matrix, g.real, m), aOff: aDoubles });
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
      const contiguous = (rs: (Rows | null)[]): boolean => rs.every((r, k) => r !== null && r.im >= 0 && r.re === rs[0]!.re + k && r.im === rs[0]!.im + k);
      if (ys.length > 0 && contiguous(xs) && contiguous(ys)) ops.push({ kind: "activation-block", from: xs[0]!, to: ys[0]!, modes: ys.length, rule: st.rule });
      else ops.push({ kind: "activation", pairs: ys.map((y, k) => [xs[k] ?? null, y]), fn: st.fn });
    } else {
      detector = { readout: xs, step: st.step, offset: st.offset, levels: st.levels, response: st.response };
      digitRows = outs.map((w) => place(w).re);
      ops.push({ kind: "digits", det: detector, rows: digitRows });
    }
  });
  const readout = detector ? (detector as Detector).readout : readoutWires.map(rowsOf);
  // Digit rows are read downstream only if a later step reads the detector's wires.
  const digitsUsed = detectorStep >= 0 && makes[detectorStep]!.some((w) => wires[w]!.readers.some((r) => r !== "out"));
  return { rows, ops, constants, readout, detector, digitsUsed, aDoubles, inputWidth: inputPorts.length };
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

// One memory per thread, shared by every plan; `resident` is the plan whose matrices it holds.
let g: GemmKernels | null = null;
let mem = new Float64Array(0);
let resident: Plan | null = null;

function memoryFor(doubles: number): Float64Array {
  if (!g || mem.length < doubles) {
    g = createGemm("f64", Math.max(doubles, 1 << 17) * 8);
    mem = new Float64Array(g.memory.buffer);
    resident = null;
  }
  return mem;
}

/** Cases per block: rows stay within a few MB so a stage's inputs stay in cache. */
function blockSize(plan: Plan, cases: number): number {
  const fit = Math.floor((1 << 19) / Math.max(1, plan.rows)) & ~3;
  return Math.min(ceil4(cases), Math.max(16, Math.min(256, fit)));
}

export interface Noise {
  sigma: number;
  rng: Rng;
}

/**
 * Runs `cases` input rows (cases × inputWidth, row-major) through the plan. Detector noise, when
 * given, is drawn mode by mode over all cases (one pass, the documented order), after every
 * block's fields are known.
 */
export function runPlan(plan: Plan, inputs: Float64Array, cases: number, noise: Noise | null): EngineResult {
  const single = noise !== null && plan.digitsUsed;
  const B = single ? ceil4(Math.max(cases, 1)) : blockSize(plan, cases);
  const sOff = plan.aDoubles;
  const f = memoryFor(sOff + plan.rows * B);
  const k = g!;
  if (resident !== plan) {
    for (const op of plan.ops) if (op.kind === "linear") f.set(op.a, op.aOff);
    resident = plan;
  }
  f.fill(0, sOff, sOff + plan.rows * B);
  for (const c of plan.constants) f.fill(c.value, sOff + c.row * B, sOff + (c.row + 1) * B);
  const row = (r: number): number => sOff + r * B;
  const views = new Map<string, Float64Array>();
  const view = (r: number, count = 1): Float64Array => {
    const key = `${r},${count}`;
    let v = views.get(key);
    if (!v) views.set(key, (v = f.subarray(row(r), row(r) + count * B)));
    return v;
  };
  const width = plan.readout.length;
  const out: EngineResult = { cases, width, fields: { re: new Float64Array(cases * width), im: new Float64Array(cases * width) }, digits: new Int32Array(plan.detector ? cases * width : 0) };
  const det = plan.detector;
  const w = plan.inputWidth;
  for (let c0 = 0; c0 < cases; c0 += B) {
    const n = Math.min(B, cases - c0);
    const np = ceil4(n);
    for (const op of plan.ops) {
      if (op.kind === "input") {
        const o = row(op.row);
        for (let c = 0, i = c0 * w + op.j; c < n; c++, i += w) f[o + c] = inputs[i]!;
      } else if (op.kind === "pam") {
        // pamAmplitude(s, d) = d · amplitude_per_level (models.ts), with the setting read once.
        const o = row(op.row);
        const x = row(op.x.re);
        for (let c = 0; c < n; c++) f[o + c] = f[x + c]! * op.scale;
      } else if (op.kind === "linear") {
        for (const [from, to] of op.copies) f.copyWithin(row(to), row(from), row(from) + np);
        k.nn(op.aOff * 8, op.kr, row(op.gather) * 8, B, op.kr, np, row(op.out) * 8, B, op.m, EPILOGUE.store, 0, 0, 0);
      } else if (op.kind === "activation-block") {
        // Every mode at once, whole rows (columns past n hold earlier finite values, never read),
        // in the WASM form of models.ts activationFn (tests/netlist/activation-kernel.test.ts).
        f.copyWithin(row(op.to.re), row(op.from.re), row(op.from.re + op.modes));
        f.copyWithin(row(op.to.im), row(op.from.im), row(op.from.im + op.modes));
        k.act(row(op.to.re) * 8, row(op.to.im) * 8, op.modes * B * 8, op.rule.slope, op.rule.leaky ? 1 : 0);
      } else if (op.kind === "activation") {
        for (const [x, y] of op.pairs) {
          if (x) f.copyWithin(row(y.re), row(x.re), row(x.re) + n);
          else f.fill(0, row(y.re), row(y.re) + n);
          if (x && x.im >= 0) f.copyWithin(row(y.im), row(x.im), row(x.im) + n);
          else f.fill(0, row(y.im), row(y.im) + n);
          op.fn(view(y.re), view(y.im), 0, n);
        }
      } else if (!noise) {
        // Digits within the block (no noise to draw in the documented order).
        decide(op.det, f, row, c0, n, width, out, null);
        op.rows.forEach((r, q) => {
          const o = row(r);
          for (let c = 0; c < n; c++) f[o + c] = out.digits[(c0 + c) * width + q]!;
        });
      } else if (single) {
        decide(op.det, f, row, c0, n, width, out, noise);
        op.rows.forEach((r, q) => {
          const o = row(r);
          for (let c = 0; c < n; c++) f[o + c] = out.digits[(c0 + c) * width + q]!;
        });
      }
    }
    readoutBlock(plan, f, row, c0, n, out);
  }
  if (det && noise && !single) decideNoisy(det, out, noise);
  return out;
}

/** The readout fields of a block into the result (cases × width), through the die's detector response. */
function readoutBlock(plan: Plan, f: Float64Array, row: (r: number) => number, c0: number, n: number, out: EngineResult): void {
  const width = out.width;
  const resp = plan.detector?.response ?? null;
  plan.readout.forEach((x, q) => {
    const g0 = resp ? resp.gain[q]! : 1;
    const b0 = resp ? resp.offset[q]! : 0;
    if (!x) {
      // A dark readout mode reads 0, which a detector response still maps to its offset.
      if (resp) for (let c = 0; c < n; c++) out.fields.re[(c0 + c) * width + q] = g0 * 0 + b0;
      return;
    }
    const o = row(x.re);
    for (let c = 0; c < n; c++) out.fields.re[(c0 + c) * width + q] = resp ? g0 * f[o + c]! + b0 : f[o + c]!;
    if (x.im < 0) return;
    const oi = row(x.im);
    for (let c = 0; c < n; c++) out.fields.im[(c0 + c) * width + q] = f[oi + c]!;
  });
}

/** Noise-free decisions of one block, from the (response-applied) readout rows. */
function decide(det: Detector, f: Float64Array, row: (r: number) => number, c0: number, n: number, width: number, out: EngineResult, noise: Noise | null): void {
  det.readout.forEach((x, q) => {
    const step = det.step[q]!;
    const offset = det.offset[q]!;
    const o = x ? row(x.re) : -1;
    const g0 = det.response ? det.response.gain[q]! : 1;
    const b0 = det.response ? det.response.offset[q]! : 0;
    for (let c = 0; c < n; c++) {
      const raw = x ? f[o + c]! : 0;
      const v = det.response ? g0 * raw + b0 : raw;
      // The one documented decision rule (models.ts), so the tested function is the one used.
      out.digits[(c0 + c) * width + q] = detectDigit(v + (noise ? noise.sigma * step * noise.rng.normal() : 0), step, offset, det.levels);
    }
  });
}

/** Noisy decisions after every block: mode by mode over all cases, as one pass draws them. */
function decideNoisy(det: Detector, out: EngineResult, noise: Noise): void {
  const width = out.width;
  det.readout.forEach((_, q) => {
    const step = det.step[q]!;
    const offset = det.offset[q]!;
    for (let c = 0; c < out.cases; c++) {
      out.digits[c * width + q] = detectDigit(out.fields.re[c * width + q]! + noise.sigma * step * noise.rng.normal(), step, offset, det.levels);
    }
  });
}
