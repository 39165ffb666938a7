// Trainable hardware parameters of a Σ·U-segmented layer: per tile, signed attenuations d (s) and
// Givens angles θ (s(s−1)/2). The layer matrix is always exactly Σ·U: W_tile = diag(d) · U0(θ).
import { angleGradient, buildRotations, decomposeOrthogonal, givensPairs, type GivensWork, type Trig } from "./givens.ts";
import type { Tile, TilePlan } from "./sigma-u.ts";

export interface LayerTiles {
  plan: TilePlan;
  pairs: Int32Array;
  /** d of every tile, tile-major ((r·C + c)·s + i). */
  d: Float64Array;
  /** θ of every tile, tile-major. */
  theta: Float64Array;
  /** U0(θ) of every tile, refreshed by writeWeights. */
  u0: Float64Array[];
  /** Per tile: its view of θ, and cos θ, sin θ as writeWeights last computed them. */
  thetaOf: Float64Array[];
  trig: Trig[];
  /** Scratch of tileGradients: nothing is allocated per training step. */
  work: GivensWork & { gU: Float64Array; gt: Float64Array };
}

/** Exact angles of projected factors; the determinant sign of U folds into the last row's d. */
export function tilesFromFactors(plan: TilePlan, tiles: Tile[]): LayerTiles {
  const { s } = plan;
  const pairs = givensPairs(s);
  const K = pairs.length;
  const d = new Float64Array(tiles.length * s);
  const theta = new Float64Array(tiles.length * K);
  tiles.forEach((t, i) => {
    const { theta: th, sign } = decomposeOrthogonal(t.u, s, pairs);
    theta.set(th, i * K);
    d.set(t.d, i * s);
    d[i * s + s - 1] *= sign;
  });
  const work = { p: new Float64Array(s * s), b: new Float64Array(s * s), gU: new Float64Array(s * s), gt: new Float64Array(K) };
  return {
    plan,
    pairs,
    d,
    theta,
    u0: tiles.map(() => new Float64Array(s * s)),
    thetaOf: tiles.map((_, t) => theta.subarray(t * K, (t + 1) * K)),
    trig: tiles.map(() => ({ cos: new Float64Array(K), sin: new Float64Array(K) })),
    work,
  };
}

/** Rebuild every U0 and write W = Σ·U into the layer's weights (padding dropped). */
export function writeWeights(lt: LayerTiles, w: Float64Array): void {
  const { s, R, C, rows, cols } = lt.plan;
  for (let t = 0; t < R * C; t++) {
    const u = buildRotations(s, lt.pairs, lt.thetaOf[t], lt.u0[t], lt.trig[t]);
    const r = Math.floor(t / C);
    const c = t % C;
    for (let i = 0; i < s; i++) {
      const gi = r * s + i;
      if (gi >= rows) break;
      const di = lt.d[t * s + i];
      for (let j = 0; j < s; j++) {
        const gj = c * s + j;
        if (gj >= cols) break;
        w[gi * cols + gj] = di * u[i * s + j];
      }
    }
  }
}

/** dL/dd and dL/dθ from dL/dW (padding entries get no gradient: dark inputs, dumped outputs). */
export function tileGradients(lt: LayerTiles, gW: Float64Array, gD: Float64Array, gTheta: Float64Array): void {
  const { s, R, C, rows, cols } = lt.plan;
  const K = lt.pairs.length;
  const { gU, gt } = lt.work;
  for (let t = 0; t < R * C; t++) {
    const r = Math.floor(t / C);
    const c = t % C;
    const u = lt.u0[t];
    gU.fill(0);
    for (let i = 0; i < s; i++) {
      const gi = r * s + i;
      let gd = 0;
      if (gi < rows) {
        const di = lt.d[t * s + i];
        for (let j = 0; j < s; j++) {
          const gj = c * s + j;
          if (gj >= cols) break;
          const g = gW[gi * cols + gj];
          gd += g * u[i * s + j];
          gU[i * s + j] = di * g;
        }
      }
      gD[t * s + i] = gd;
    }
    angleGradient(s, lt.pairs, lt.thetaOf[t], u, gU, gt, lt.work, lt.trig[t]);
    gTheta.set(gt, t * K);
  }
}

/** The factors for mapping: d signed, u = U0 (det +1). */
export function toTiles(lt: LayerTiles): Tile[] {
  const { s } = lt.plan;
  return lt.u0.map((u, t) => ({ d: lt.d.slice(t * s, (t + 1) * s), u: Float64Array.from(u) }));
}
