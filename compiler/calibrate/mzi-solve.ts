// The per-MZI correction in closed form. A fabricated MZ-in cell is
//   T' = B(k_B) · diag(a_t e^{iθ_r}, a_b e^{iψ}) · B(k_A) · diag(a_φ e^{iφ_r}, 1),   B(k) = [[√(1−k), i√k], [i√k, √(1−k)]]
// with measured couplings k_A, k_B, arm amplitudes a (losses), a fixed reference-arm phase ψ, and the
// realized phases θ_r = g_θ·θ + o_θ, φ_r = g_φ·φ + o_φ of the programmed θ, φ.
//
// Every power |T'_jk|² is affine in s = sin²((θ_r − ψ)/2): |p·e^{iδ} + q|² = (p + q)² − 4pq·s with p,
// q real, so each condition below is one linear equation in s, solved in closed form; s outside
// [0, 1] means the target is not reachable (the classic case, lossless with one input lit: the
// cross power |T'_10|² only reaches [sin²(α−β), cos²(α+β)] for coupler angles π/4 + α, π/4 + β).
// Then φ_r aligns the relative phase of the two inputs (or sets the output phase when one input is
// lit); the output phases that remain are passed forward to the next element (see stage.ts).
//
// The element's job depends on which inputs carry light (lit) and which outputs matter (used):
//   2 lit, any used   (mesh cell, fan-in cell)   match the designed ratio of a used row
//   1 lit, 2 used     (fan-out cell)             split in the ratio of the two output targets
//   1 lit, 1 used     (attenuator)               transmit the target amplitude
import { angleDistance, cabs, cabs2, carg, cconj, cexp, cmul, diag2, mul2, type Complex, type Matrix2 } from "../../math/complex.ts";
import { couplerMatrix } from "../../netlist/mzi.ts";

/** A phase shifter as the die realizes it: phase = gain · programmed + offset, amplitude `amp`. */
export interface Shifter {
  gain: number;
  offset: number;
  amp: number;
}

export interface CellHardware {
  kA: number;
  kB: number;
  phi: Shifter;
  theta: Shifter;
  /** The bottom (reference) arm: amplitude and fixed phase. */
  ref: { amp: number; phase: number };
}

/** The cell's 2×2 for realized phases θ_r, φ_r. */
export function cellMatrix(h: CellHardware, thetaR: number, phiR: number): Matrix2 {
  const inner = mul2(couplerMatrix(h.kB), mul2(diag2(cexp(thetaR, h.theta.amp), cexp(h.ref.phase, h.ref.amp)), couplerMatrix(h.kA)));
  return mul2(inner, diag2(cexp(phiR, h.phi.amp), [1, 0]));
}

/** Required pending of an output (relative to the designed field): amplitude and phase, null = free. */
export interface Target {
  amp: number | null;
  phase: number | null;
}

export interface CellProblem {
  hw: CellHardware;
  /** The designed 2×2 of the cell. */
  design: Matrix2;
  /** Pendings of the two inputs (realized ≈ f · designed field); null = dark in the design. */
  f: [Complex | null, Complex | null];
  used: [boolean, boolean];
  target: [Target | null, Target | null];
  /** Realized φ to keep when φ has no effect (bottom input alone), realized θ of the design (tie-break). */
  keepPhi: number;
  designTheta: number;
}

export interface Reach {
  quantity: "split" | "transmission";
  needed: number;
  lo: number;
  hi: number;
  /** Distance from `needed` to [lo, hi] (0 when reachable). */
  miss: number;
}

export interface CellSolution {
  thetaR: number;
  phiR: number;
  reach: Reach | null;
  /** Amplitude absorbers: largest reachable / needed output amplitude (the stage scale must stay below it). */
  headroom: number | null;
}

/**
 * |M_jk|² at the two ends of the range: s = sin²((θ_r − ψ)/2) = 0 and 1. In between it is affine in
 * s (φ_r does not change it). Working in s rather than cos(θ_r − ψ) keeps settings near the ends
 * (nearly cross or bar cells) exact: the condition is never a difference of two numbers close to 1.
 */
function ends(h: CellHardware, j: number, k: number): { at0: number; at1: number } {
  return { at0: cabs2(cellMatrix(h, h.ref.phase, 0)[j]![k]!), at1: cabs2(cellMatrix(h, h.ref.phase + Math.PI, 0)[j]![k]!) };
}

interface Condition {
  /** The condition F(s) = 0 is affine: its values at s = 0 and s = 1. */
  f0: number;
  f1: number;
  /** The reported quantity as a function of s, and its needed value. */
  quantity: Reach["quantity"];
  value: (s: number) => number;
  needed: number;
  headroom?: () => number;
}

const TINY = 1e-300;
const lerp = (e: { at0: number; at1: number }, s: number): number => e.at0 + (e.at1 - e.at0) * s;

/** Ratio of a used row j with both inputs lit: e0²|M_j0|² · |T_j1|² = e1²|M_j1|² · |T_j0|². */
function rowRatio(p: CellProblem, j: number, e: [number, number]): Condition | null {
  const t0 = cabs2(p.design[j]![0]);
  const t1 = cabs2(p.design[j]![1]);
  if (t0 + t1 < TINY) return null;
  const a0 = ends(p.hw, j, 0);
  const a1 = ends(p.hw, j, 1);
  const w0 = e[0] * e[0];
  const w1 = e[1] * e[1];
  const value = (s: number): number => {
    const u = w0 * lerp(a0, s);
    const v = w1 * lerp(a1, s);
    return u + v > 0 ? u / (u + v) : 0;
  };
  return {
    f0: w0 * t1 * a0.at0 - w1 * t0 * a1.at0,
    f1: w0 * t1 * a0.at1 - w1 * t0 * a1.at1,
    quantity: "split",
    value,
    needed: t0 / (t0 + t1),
  };
}

/** Split of lit input k to the two outputs in the ratio of the targets: |M_0k|² · A1²|T_1k|² = |M_1k|² · A0²|T_0k|². */
function columnRatio(p: CellProblem, k: number, amps: [number, number]): Condition | null {
  const t0 = amps[0] ** 2 * cabs2(p.design[0]![k]!);
  const t1 = amps[1] ** 2 * cabs2(p.design[1]![k]!);
  if (t0 + t1 < TINY) return null;
  const a0 = ends(p.hw, 0, k);
  const a1 = ends(p.hw, 1, k);
  const value = (s: number): number => {
    const u = lerp(a0, s);
    const v = lerp(a1, s);
    return u + v > 0 ? u / (u + v) : 0;
  };
  return { f0: t1 * a0.at0 - t0 * a1.at0, f1: t1 * a0.at1 - t0 * a1.at1, quantity: "split", value, needed: t0 / (t0 + t1) };
}

/**
 * Output j of lit input k at amplitude A: e_k²|M_jk|² = A²|T_jk|². Reported as the cell's own
 * transmission |M_jk| needed (A·|T_jk|/e_k) against the range it can take.
 */
function absolute(p: CellProblem, j: number, k: number, ek: number, amp: number): Condition {
  const tjk = cabs(p.design[j]![k]!);
  const a = ends(p.hw, j, k);
  const needed = amp * tjk;
  const value = (s: number): number => Math.sqrt(Math.max(0, lerp(a, s)));
  const best = ek * Math.max(value(0), value(1));
  return {
    f0: ek * ek * a.at0 - needed * needed,
    f1: ek * ek * a.at1 - needed * needed,
    quantity: "transmission",
    value,
    needed: ek > 0 ? needed / ek : Infinity,
    headroom: () => (needed > 0 ? best / needed : Infinity),
  };
}

/** Solve F(s) = 0 on [0, 1] (clamped): s and 1 − s, each from its own end for precision. */
function solveS(c: Condition): { s: number; u: number } {
  const d = c.f0 - c.f1;
  if (Math.abs(d) < TINY) return Math.abs(c.f0) <= Math.abs(c.f1) ? { s: 0, u: 1 } : { s: 1, u: 0 };
  let s = c.f0 / d;
  let u = -c.f1 / d;
  if (s < 0 || u > 1) [s, u] = [0, 1];
  else if (u < 0 || s > 1) [s, u] = [1, 0];
  return { s, u };
}

/** The realized φ that best aligns the used rows with the design for realized θ. */
function bestPhi(p: CellProblem, thetaR: number, lit: [boolean, boolean]): number {
  const m = cellMatrix(p.hw, thetaR, 0);
  if (lit[0] && lit[1]) {
    let acc: Complex = [0, 0];
    for (let j = 0; j < 2; j++) {
      if (!p.used[j]) continue;
      const tj0 = p.design[j]![0];
      const tj1 = p.design[j]![1];
      const n = cabs2(tj0) + cabs2(tj1);
      if (n < TINY) continue;
      const u = cmul(cmul(cconj(tj0), m[j]![0]), p.f[0]!);
      const v = cmul(cmul(cconj(tj1), m[j]![1]), p.f[1]!);
      const t = cmul(u, cconj(v));
      acc = [acc[0] + t[0] / n, acc[1] + t[1] / n];
    }
    return cabs(acc) < TINY ? p.keepPhi : -carg(acc);
  }
  if (!lit[0]) return p.keepPhi;
  // Top input alone: φ sets the common phase of the outputs; put the chosen row at its target phase.
  let j = -1;
  for (let r = 0; r < 2; r++) if (p.used[r] && p.target[r]?.phase != null && cabs(p.design[r]![0]) > TINY) j = r;
  if (j < 0) for (let r = 0; r < 2; r++) if (p.used[r] && (j < 0 || cabs(p.design[r]![0]) > cabs(p.design[j]![0]))) j = r;
  const tj = p.design[j]![0];
  if (cabs(tj) < TINY || cabs(m[j]![0]) < TINY) return p.keepPhi;
  return (p.target[j]?.phase ?? 0) - carg(m[j]![0]) - carg(p.f[0]!) + carg(tj);
}

/** Score of a candidate: distance of the used outputs from their targets (free parts fitted). */
function score(p: CellProblem, thetaR: number, phiR: number): number {
  const m = cellMatrix(p.hw, thetaR, phiR);
  let err = 0;
  let norm = 0;
  for (let j = 0; j < 2; j++) {
    if (!p.used[j]) continue;
    // Realized row j applied to the pendings vs the designed row, with the output pending q fitted.
    const r0 = p.f[0] ? cmul(m[j]![0], p.f[0]) : ([0, 0] as Complex);
    const r1 = p.f[1] ? cmul(m[j]![1], p.f[1]) : ([0, 0] as Complex);
    const t0 = p.f[0] ? p.design[j]![0] : ([0, 0] as Complex);
    const t1 = p.f[1] ? p.design[j]![1] : ([0, 0] as Complex);
    const tn = cabs2(t0) + cabs2(t1);
    if (tn < TINY) continue;
    const ip = cmul(cconj(t0), r0);
    const ip1 = cmul(cconj(t1), r1);
    const q: Complex = [(ip[0] + ip1[0]) / tn, (ip[1] + ip1[1]) / tn];
    const tg = p.target[j];
    const amp = tg?.amp ?? cabs(q);
    const ph = tg?.phase ?? carg(q);
    const qq = cexp(ph, amp);
    const d0: Complex = [r0[0] - qq[0] * t0[0] + qq[1] * t0[1], r0[1] - qq[0] * t0[1] - qq[1] * t0[0]];
    const d1: Complex = [r1[0] - qq[0] * t1[0] + qq[1] * t1[1], r1[1] - qq[0] * t1[1] - qq[1] * t1[0]];
    err += cabs2(d0) + cabs2(d1);
    norm += tn * amp * amp;
  }
  return norm > 0 ? err / norm : err;
}

/** Solve one cell: the realized θ_r, φ_r that bring its used outputs to their targets. */
export function solveCell(p: CellProblem): CellSolution {
  const lit: [boolean, boolean] = [p.f[0] !== null, p.f[1] !== null];
  const e: [number, number] = [p.f[0] ? cabs(p.f[0]) : 0, p.f[1] ? cabs(p.f[1]) : 0];
  // A mesh cell (both inputs lit, both outputs used) cannot undo an amplitude mismatch of its inputs
  // without spoiling one of its rows: it keeps the designed split, as if both arrived at their mean.
  if (lit[0] && lit[1] && p.used[0] && p.used[1]) e[0] = e[1] = (e[0] + e[1]) / 2;
  const keep: CellSolution = { thetaR: p.designTheta, phiR: p.keepPhi, reach: null, headroom: null };
  if ((!lit[0] && !lit[1]) || (!p.used[0] && !p.used[1])) return keep;
  const conds: Condition[] = [];
  if (lit[0] && lit[1]) {
    for (let j = 0; j < 2; j++)
      if (p.used[j]) {
        const c = rowRatio(p, j, e);
        if (c) conds.push(c);
      }
  } else {
    const k = lit[0] ? 0 : 1;
    const amps = [p.target[0]?.amp, p.target[1]?.amp];
    const both = p.used[0] && p.used[1];
    if (both && (amps[0] == null) === (amps[1] == null)) {
      // Split in the ratio of the two targets (in the designed ratio when both are free).
      const c = columnRatio(p, k, [amps[0] ?? 1, amps[1] ?? 1]);
      if (c) conds.push(c);
    } else {
      // One output decides: the used one with a target amplitude, else the used one the design
      // sends the most light to (at the designed transmission).
      let j = -1;
      for (let r = 0; r < 2; r++) if (p.used[r] && amps[r] != null) j = j < 0 || cabs(p.design[r]![k]!) > cabs(p.design[j]![k]!) ? r : j;
      const withAmp = j >= 0;
      if (!withAmp) for (let r = 0; r < 2; r++) if (p.used[r] && (j < 0 || cabs(p.design[r]![k]!) > cabs(p.design[j]![k]!))) j = r;
      conds.push(absolute(p, j, k, e[k], withAmp ? amps[j]! : e[k]));
    }
  }
  if (conds.length === 0) return keep;
  let best: { thetaR: number; phiR: number; score: number; cond: Condition } | null = null;
  for (const cond of conds) {
    const { s, u } = solveS(cond);
    const d = s <= 0.5 ? 2 * Math.asin(Math.sqrt(s)) : Math.PI - 2 * Math.asin(Math.sqrt(u));
    for (const delta of d === 0 || d === Math.PI ? [d] : [d, -d]) {
      const thetaR = delta + p.hw.ref.phase;
      const phiR = bestPhi(p, thetaR, lit);
      const sc = score(p, thetaR, phiR);
      const better =
        !best ||
        sc < best.score - 1e-15 ||
        (Math.abs(sc - best.score) <= 1e-15 && angleDistance(thetaR, p.designTheta) < angleDistance(best.thetaR, p.designTheta));
      if (better) best = { thetaR, phiR, score: sc, cond };
    }
  }
  const { cond } = best!;
  const lo = Math.min(cond.value(0), cond.value(1));
  const hi = Math.max(cond.value(0), cond.value(1));
  const miss = cond.needed < lo ? lo - cond.needed : cond.needed > hi ? cond.needed - hi : 0;
  return {
    thetaR: best!.thetaR,
    phiR: best!.phiR,
    reach: { quantity: cond.quantity, needed: cond.needed, lo, hi, miss },
    headroom: cond.headroom ? cond.headroom() : null,
  };
}
