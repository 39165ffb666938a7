// One heater's fringe from readings: a detector behind an MZI reads r(P) = a + b·cos(ψ + η·P) while
// the heater's power P is swept (uniform in P, i.e. in code², as the published lab code sweeps V²).
// The fit returns a, b ≥ 0, the phase ψ at P = 0 and the efficiency η, with 1σ uncertainties from
// the residual — the building block of calibration from readings (docs/design/calibration.md §8.2). It sees
// readings and powers only: no die.
//
// Method: η on a grid over its prior range (the fringe is linear in (a, b·cos ψ, −b·sin ψ) for a
// fixed η: least squares), the best grid point refined by Gauss–Newton on (a, c, s, η); the
// covariance is σ²·(JᵀJ)⁻¹ with σ² the residual variance.
import { solve } from "../../../math/solve.ts";

export interface FringeFit {
  a: number;
  b: number;
  /** Phase of the cosine at P = 0, in [0, 2π). */
  psiRad: number;
  /** Efficiency η, rad per unit of P. */
  eta: number;
  /** Curvature γ of the phase, rad per unit of P² (phase ψ + η·P + γ·P²; 0 unless fitted). */
  gamma: number;
  /** 1σ uncertainties of ψ and η. */
  sigmaPsi: number;
  sigmaEta: number;
  /** RMS residual, reading units. */
  rms: number;
}

const TWO_PI = 2 * Math.PI;

function inverse(m: number[][]): number[][] | null {
  const n = m.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array(n).fill(0);
    e[j] = 1;
    const x = solve(m, e);
    if (!x) return null;
    cols.push(x);
  }
  return m.map((_, i) => cols.map((c) => c[i]!));
}

/** Linear least squares of r on [1, cos ηP, sin ηP]: coefficients, residual sum of squares and the normal matrix AᵀA. */
function linearAt(p: ArrayLike<number>, r: ArrayLike<number>, eta: number): { x: number[]; sse: number; ata: number[][] } | null {
  const n = p.length;
  // The normal equations' sums one by one (row = [1, cos, sin]: the products by 1 are exact), the
  // cosines kept for the residual: the grid search calls this a hundred times per fringe.
  const co = scratch(n, 0);
  const si = scratch(n, 1);
  let s1 = 0;
  let sc = 0;
  let ss = 0;
  let scc = 0;
  let scs = 0;
  let sss = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const c = Math.cos(eta * p[i]!);
    const s = Math.sin(eta * p[i]!);
    co[i] = c;
    si[i] = s;
    b0 += r[i]!;
    b1 += c * r[i]!;
    b2 += s * r[i]!;
    s1 += 1;
    sc += c;
    ss += s;
    scc += c * c;
    scs += c * s;
    sss += s * s;
  }
  const ata = [
    [s1, sc, ss],
    [sc, scc, scs],
    [ss, scs, sss],
  ];
  const x = solve(ata, [b0, b1, b2]);
  if (!x) return null;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (r[i]! - x[0]! - x[1]! * co[i]! - x[2]! * si[i]!) ** 2;
  return { x, sse, ata };
}

const scratches: Float64Array[] = [new Float64Array(64), new Float64Array(64)];
function scratch(n: number, k: number): Float64Array {
  if (scratches[k]!.length < n) scratches[k] = new Float64Array(n);
  return scratches[k]!;
}

/**
 * Fit r(P) = a + b·cos(ψ + ηP) with η in [etaMin, etaMax]. Needs ≥ 5 readings. With `quadratic`
 * the phase gets a curvature, ψ + ηP + γP² (a heater whose efficiency changes with power: self-heating,
 * the film's resistance against temperature), fitted from the linear fit's solution (≥ 6 readings).
 */
export function fitFringe(
  p: ArrayLike<number>,
  r: ArrayLike<number>,
  etaMin: number,
  etaMax: number,
  grid = 200,
  quadratic = false,
): FringeFit {
  const n = p.length;
  if (n < 5 || r.length !== n) throw new RangeError(`fitFringe: need ≥ 5 readings with one power each, got ${n} and ${r.length}`);
  let best = { eta: etaMin, sse: Infinity, x: [0, 0, 0] };
  for (let g = 0; g <= grid; g++) {
    const eta = etaMin + ((etaMax - etaMin) * g) / grid;
    const l = linearAt(p, r, eta);
    if (l && l.sse < best.sse) best = { eta, sse: l.sse, x: l.x };
  }
  // Gauss–Newton on θ = (a, c, s, η), model a + c·cos ηP + s·sin ηP.
  let [a, c, s] = best.x as [number, number, number];
  let eta = best.eta;
  let jtj: number[][] = [];
  let sse = best.sse;
  for (let it = 0; it < 30; it++) {
    jtj = [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    const jtr = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const co = Math.cos(eta * p[i]!);
      const si = Math.sin(eta * p[i]!);
      const res = r[i]! - (a + c * co + s * si);
      const j = [1, co, si, p[i]! * (-c * si + s * co)];
      for (let u = 0; u < 4; u++) {
        jtr[u]! += j[u]! * res;
        for (let v = 0; v < 4; v++) jtj[u]![v]! += j[u]! * j[v]!;
      }
    }
    const d = solve(jtj, jtr);
    if (!d) break;
    const next = { a: a + d[0]!, c: c + d[1]!, s: s + d[2]!, eta: Math.min(etaMax * 1.5, Math.max(etaMin / 1.5, eta + d[3]!)) };
    let nsse = 0;
    for (let i = 0; i < n; i++) nsse += (r[i]! - next.a - next.c * Math.cos(next.eta * p[i]!) - next.s * Math.sin(next.eta * p[i]!)) ** 2;
    if (nsse > sse) break;
    const done = sse - nsse <= 1e-14 * Math.max(sse, 1e-300);
    ({ a, c, s, eta } = next);
    sse = nsse;
    if (done) break;
  }
  if (quadratic && n >= 6) return curved(p, r, a, c, s, eta, sse);
  return { a, eta, gamma: 0, ...phaseOf(c, s, jtj, sse, n), rms: Math.sqrt(sse / n) };
}

/** Fit r(P) = a + b·cos(ψ + ηP) at a given η (amplitude and phase only; σ_η is 0). Needs ≥ 5 readings. */
export function fitFringeAt(p: ArrayLike<number>, r: ArrayLike<number>, eta: number): FringeFit {
  const n = p.length;
  if (n < 5 || r.length !== n) throw new RangeError(`fitFringeAt: need ≥ 5 readings with one power each, got ${n} and ${r.length}`);
  const l = linearAt(p, r, eta);
  if (!l) return { a: 0, b: 0, psiRad: 0, eta, gamma: 0, sigmaPsi: Infinity, sigmaEta: 0, rms: Infinity };
  const [a, c, s] = l.x as [number, number, number];
  // At a fixed η the model is linear: its Jacobian is the design matrix, JᵀJ = AᵀA.
  return { a, eta, gamma: 0, ...phaseOf(c, s, l.ata, l.sse, n), sigmaEta: 0, rms: Math.sqrt(l.sse / n) };
}

/** Gauss–Newton on (a, c, s, η, γ), model a + c·cos φ + s·sin φ with φ = ηP + γP², from a linear fit. */
function curved(p: ArrayLike<number>, r: ArrayLike<number>, a0: number, c0: number, s0: number, eta0: number, sse0: number): FringeFit {
  const n = p.length;
  let x = [a0, c0, s0, eta0, 0];
  let sse = sse0;
  const model = (v: number[], P: number): [number, number, number] => {
    const ph = v[3]! * P + v[4]! * P * P;
    const co = Math.cos(ph);
    const si = Math.sin(ph);
    return [v[0]! + v[1]! * co + v[2]! * si, co, si];
  };
  let jtj: number[][] = [];
  for (let it = 0; it < 40; it++) {
    jtj = x.map(() => x.map(() => 0));
    const jtr = x.map(() => 0);
    for (let i = 0; i < n; i++) {
      const P = p[i]!;
      const [m, co, si] = model(x, P);
      const res = r[i]! - m;
      const dph = -x[1]! * si + x[2]! * co;
      const j = [1, co, si, P * dph, P * P * dph];
      for (let u = 0; u < 5; u++) {
        jtr[u]! += j[u]! * res;
        for (let v = 0; v < 5; v++) jtj[u]![v]! += j[u]! * j[v]!;
      }
    }
    const d = solve(jtj, jtr);
    if (!d) break;
    const next = x.map((v, k) => v + d[k]!);
    let nsse = 0;
    for (let i = 0; i < n; i++) nsse += (r[i]! - model(next, p[i]!)[0]) ** 2;
    if (nsse > sse) break;
    const done = sse - nsse <= 1e-14 * Math.max(sse, 1e-300);
    x = next;
    sse = nsse;
    if (done) break;
  }
  const [a, c, s, eta, gamma] = x as [number, number, number, number, number];
  return { a, eta, gamma, ...phaseOf(c, s, jtj, sse, n), rms: Math.sqrt(sse / n) };
}

/**
 * Amplitude, phase and the 1σ of phase and efficiency from a Gauss–Newton fit whose parameters
 * start (a, c, s, η, …): c = b cos ψ, s = −b sin ψ; σ² = residual variance × (JᵀJ)⁻¹.
 */
function phaseOf(
  c: number,
  s: number,
  jtj: number[][],
  sse: number,
  n: number,
): { b: number; psiRad: number; sigmaPsi: number; sigmaEta: number } {
  const k = jtj.length;
  const b = Math.hypot(c, s);
  const psiRad = ((Math.atan2(-s, c) % TWO_PI) + TWO_PI) % TWO_PI;
  const variance = sse / Math.max(1, n - k);
  const cov = inverse(jtj);
  if (!cov || !(b > 0)) return { b, psiRad, sigmaPsi: Infinity, sigmaEta: Infinity };
  // ψ = atan2(−s, c): dψ/dc = s/b², dψ/ds = −c/b².
  const g = [0, s / b ** 2, -c / b ** 2, ...new Array<number>(k - 3).fill(0)];
  let vp = 0;
  for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) vp += g[u]! * cov[u]![v]! * g[v]!;
  const sigmaEta = k > 3 ? Math.sqrt(Math.max(0, cov[3]![3]! * variance)) : 0;
  return { b, psiRad, sigmaPsi: Math.sqrt(Math.max(0, vp * variance)), sigmaEta };
}
