// The simulator's batch engine: a compiled circuit's steps laid out once as a plan of rows in one
// WASM memory, then run over blocks of cases. Every field (one mode's complex amplitude) is a row
// of the current block's cases, re and im apart (im absent for real fields), so a linear stage is
// one real matrix product straight on the rows, with no transposition and no allocation per block:
//
//   [yr; yi] = [[Mr, −Mi], [Mi, Mr]] · [xr; xi]      (only [[Mr], [Mi]] · xr when every input is real)
//
// Each output sums its inputs in mode order, re parts before im parts, as the netlist defines the
// stage; the WASM kernel (math/gemm-wasm.ts) keeps that order and separate IEEE multiplies and adds.
import { createGemm, EPILOGUE, type GemmKernels } from "../../math/gemm-wasm.ts";
import { NORMAL_BOUND, type Rng } from "../../math/rng.ts";
import { detectDigit, limitAndGain, ratioScale } from "../models.ts";
import { ceil4, type Detector, type EngineResult, type Plan } from "./plan.ts";

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
  /** The run's own stream: runPlan may leave it anywhere once the last draw that matters is made. */
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
  const views = new Map<number, Float64Array>();
  const view = (r: number): Float64Array => {
    let v = views.get(r);
    if (!v) views.set(r, (v = f.subarray(row(r), row(r) + B)));
    return v;
  };
  const width = plan.readout.length;
  const out: EngineResult = {
    cases,
    width,
    fields: { re: new Float64Array(cases * width), im: new Float64Array(cases * width) },
    digits: new Int32Array(plan.detector ? cases * width : 0),
  };
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
        // A homodyne read writes its output on fresh light in phase (models.ts activationUnitFn).
        if (op.rule.homodyne) f.fill(0, row(op.to.im), row(op.to.im + op.modes));
        if (op.gains || op.limits)
          for (let m = 0; m < op.modes; m++)
            limitAndGain(view(op.to.re + m), view(op.to.im + m), 0, n, op.limits?.[m] ?? 0, op.gains?.[m] ?? 1);
      } else if (op.kind === "activation") {
        op.pairs.forEach(([x, y], m) => {
          if (x) f.copyWithin(row(y.re), row(x.re), row(x.re) + n);
          else f.fill(0, row(y.re), row(y.re) + n);
          if (x && x.im >= 0) f.copyWithin(row(y.im), row(x.im), row(x.im) + n);
          else f.fill(0, row(y.im), row(y.im) + n);
          op.fn(view(y.re), view(y.im), 0, n);
          if (op.gains || op.limits) limitAndGain(view(y.re), view(y.im), 0, n, op.limits?.[m] ?? 0, op.gains?.[m] ?? 1);
        });
      } else if (op.kind === "ratio") {
        // Ratiometric detection: every decoded field relative to the reference row (models.ts).
        const r0 = op.ref.re >= 0 ? row(op.ref.re) : -1;
        for (let c = 0; c < n; c++) {
          const s = ratioScale(op.reference, r0 >= 0 ? f[r0 + c]! : 0);
          for (const x of op.rows) {
            if (!x) continue;
            f[row(x.re) + c] *= s;
            if (x.im >= 0) f[row(x.im) + c] *= s;
          }
        }
      } else if (!noise || single) {
        // Digits within the block: without noise, or with it when the one block holds every case
        // (the documented draw order); otherwise decideNoisy decides after the last block.
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
function decide(
  det: Detector,
  f: Float64Array,
  row: (r: number) => number,
  c0: number,
  n: number,
  width: number,
  out: EngineResult,
  noise: Noise | null,
): void {
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

/**
 * Noisy decisions after every block: mode by mode over all cases, as one pass draws them. A case
 * whose digit is the same at both ends of the noise's reach (±NORMAL_BOUND draws) cannot be
 * changed by its draw, so the draw is not made; the stream is advanced past such draws only when a
 * later draw needs it (the run's stream is not used after the run). detectDigit and IEEE addition
 * are monotone, so every digit is the one the full stream gives (tests/netlist/noisy-decisions.test.ts).
 */
export function decideNoisy(det: Detector, out: EngineResult, noise: Noise): void {
  const { width, cases, digits } = out;
  const re = out.fields.re;
  const rng = noise.rng;
  const levels = det.levels;
  let skipped = 0;
  for (let q = 0; q < det.readout.length; q++) {
    const step = det.step[q]!;
    const offset = det.offset[q]!;
    const scale = noise.sigma * step;
    const reach = scale * NORMAL_BOUND;
    const bounded = step > 0 && reach >= 0 && reach < Number.POSITIVE_INFINITY;
    for (let c = 0, i = q; c < cases; c++, i += width) {
      const v = re[i]!;
      if (bounded) {
        const lo = detectDigit(v - reach, step, offset, levels);
        if (lo === detectDigit(v + reach, step, offset, levels)) {
          digits[i] = lo;
          skipped++;
          continue;
        }
      }
      for (; skipped > 0; skipped--) rng.skipNormal();
      digits[i] = detectDigit(v + scale * rng.normal(), step, offset, levels);
    }
  }
}
