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
  | { kind: "activation"; name: string; spec: PortSpec; fn: ReturnType<typeof activationFn> }
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
  | { kind: "pam"; x: Rows | null; row: number; settings: Netlist["instances"][string]["settings"] }
  | { kind: "linear"; xs: (Rows | null)[]; real: boolean; kr: number; m: number; out: number; a: Float64Array; aOff: number }
  | { kind: "activation"; x: Rows | null; out: Rows; fn: ReturnType<typeof activationFn> }
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
  /** Rows refilled once per run: bias sources (value) and dark pam outputs (0). */
  constants: { row: number; value: number }[];
  readout: (Rows | null)[];
  detector: Detector | null;
  /** The detector's digits feed later steps (then a noisy run cannot defer its decisions). */
  digitsUsed: boolean;
  /** Largest gathered input of a linear stage, rows. */
  maxKr: number;
  /** Doubles of all stage matrices (the memory's first region). */
  aDoubles: number;
  inputWidth: number;
}

const ceil4 = (n: number): number => (n + 3) & ~3;

/** Lays the steps out on rows: done once per compiled circuit. */
export function planSteps(top: Netlist, steps: Step[], inputPorts: string[]): Plan {
  const peer = new Map<string, string>();
  for (const [a, b] of Object.entries(top.connections)) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const at = new Map<string, Rows>();
  let rows = 0;
  const alloc = (k: number): number => ((rows += k), rows - k);
  const ops: Op[] = [];
  const constants: Plan["constants"] = [];
  const deliver = (name: string, port: string, f: Rows): void => {
    const ref = `${name},${port}`;
    const to = peer.get(ref);
    if (to !== undefined) at.set(to, f);
    at.set(ref, f); // also visible to top-level output ports
  };
  inputPorts.forEach((p, j) => {
    const row = alloc(1);
    ops.push({ kind: "input", j, row });
    at.set(top.ports[p]!, { re: row, im: -1 });
  });
  let detector: Detector | null = null;
  let digitRows: number[] = [];
  let maxKr = 0;
  let aDoubles = 0;
  for (const st of steps) {
    const xs = st.spec.inputs.map((p) => at.get(`${st.name},${p}`) ?? null);
    if (st.kind === "linear") {
      const Q = st.matrix.rows;
      const K = st.matrix.cols;
      const real = xs.every((x) => !x || x.im < 0);
      const kr = real ? K : 2 * K;
      const m = ceil4(2 * Q);
      const out = alloc(m);
      ops.push({ kind: "linear", xs, real, kr, m, out, a: stageOperand(st.matrix, real, m), aOff: aDoubles });
      aDoubles += m * kr;
      maxKr = Math.max(maxKr, kr);
      st.spec.outputs.forEach((p, q) => deliver(st.name, p, { re: out + q, im: out + Q + q }));
    } else if (st.kind === "pam") {
      st.spec.outputs.forEach((p, k) => {
        const row = alloc(1);
        const x = xs[k] ?? null;
        if (x) ops.push({ kind: "pam", x, row, settings: st.settings });
        else constants.push({ row, value: 0 });
        deliver(st.name, p, { re: row, im: -1 });
      });
    } else if (st.kind === "bias") {
      const row = alloc(1);
      constants.push({ row, value: st.amplitude });
      deliver(st.name, st.spec.outputs[0]!, { re: row, im: -1 });
    } else if (st.kind === "activation") {
      st.spec.outputs.forEach((p, k) => {
        const out = { re: alloc(1), im: alloc(1) };
        ops.push({ kind: "activation", x: xs[k] ?? null, out, fn: st.fn });
        deliver(st.name, p, out);
      });
    } else {
      detector = { readout: xs, step: st.step, offset: st.offset, levels: st.levels, response: st.response };
      digitRows = st.spec.outputs.map((p) => {
        const row = alloc(1);
        deliver(st.name, p, { re: row, im: -1 });
        return row;
      });
      ops.push({ kind: "digits", det: detector, rows: digitRows });
    }
  }
  let readout: (Rows | null)[];
  if (detector) {
    readout = (detector as Detector).readout;
  } else {
    const outs = Object.keys(top.ports).filter((p) => /^out\d+$/.test(p));
    outs.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    readout = outs.map((p) => {
      const [i, port] = splitRef(top.ports[p]!);
      return at.get(`${i},${port}`) ?? null;
    });
  }
  // Digit rows are read downstream only if a later op names one of them.
  const digitSet = new Set(digitRows);
  const reads = (r: Rows | null): boolean => !!r && digitSet.has(r.re);
  const digitsUsed = ops.some((op) => (op.kind === "linear" ? op.xs.some(reads) : op.kind === "pam" || op.kind === "activation" ? reads(op.x) : false));
  return { rows, ops, constants, readout, detector, digitsUsed, maxKr, aDoubles, inputWidth: inputPorts.length };
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
  const perCase = plan.rows + plan.maxKr;
  const fit = Math.floor((1 << 19) / Math.max(1, perCase)) & ~3;
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
  const gOff = plan.aDoubles;
  const sOff = gOff + plan.maxKr * B;
  const f = memoryFor(sOff + plan.rows * B);
  const k = g!;
  if (resident !== plan) {
    for (const op of plan.ops) if (op.kind === "linear") f.set(op.a, op.aOff);
    resident = plan;
  }
  f.fill(0, sOff, sOff + plan.rows * B);
  for (const c of plan.constants) f.fill(c.value, sOff + c.row * B, sOff + (c.row + 1) * B);
  const row = (r: number): number => sOff + r * B;
  const views = new Map<number, Float64Array>();
  const view = (r: number): Float64Array => {
    let v = views.get(r);
    if (!v) views.set(r, (v = f.subarray(row(r), row(r) + B)));
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
        for (let c = 0; c < n; c++) f[o + c] = inputs[(c0 + c) * w + op.j]!;
      } else if (op.kind === "pam") {
        const o = row(op.row);
        const x = row(op.x!.re);
        for (let c = 0; c < n; c++) f[o + c] = pamAmplitude(op.settings, f[x + c]!);
      } else if (op.kind === "linear") {
        const K = op.xs.length;
        op.xs.forEach((x, i) => {
          const to = gOff + i * B;
          if (x) f.copyWithin(to, row(x.re), row(x.re) + np);
          else f.fill(0, to, to + np);
          if (op.real) return;
          const toI = gOff + (K + i) * B;
          if (x && x.im >= 0) f.copyWithin(toI, row(x.im), row(x.im) + np);
          else f.fill(0, toI, toI + np);
        });
        k.nn(op.aOff * 8, op.kr, gOff * 8, B, op.kr, np, row(op.out) * 8, B, op.m, EPILOGUE.store, 0, 0, 0);
      } else if (op.kind === "activation") {
        const { x, out: y } = op;
        if (x) f.copyWithin(row(y.re), row(x.re), row(x.re) + n);
        else f.fill(0, row(y.re), row(y.re) + n);
        if (x && x.im >= 0) f.copyWithin(row(y.im), row(x.im), row(x.im) + n);
        else f.fill(0, row(y.im), row(y.im) + n);
        op.fn(view(y.re), view(y.im), 0, n);
      } else if (!noise) {
        // Digits within the block (no noise to draw in the documented order).
        decide(op.det, f, row, c0, n, width, out, null);
        op.rows.forEach((r, q) => {
          const o = row(r);
          for (let c = 0; c < n; c++) f[o + c] = out.digits[(c0 + c) * width + q]!;
        });
      } else if (single) {
        readoutBlock(plan, f, row, c0, n, out);
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
