// Hardware cost model. Counts follow the paper's MZI-count definition of area:
//   full SVD mapping of an m×n layer:      m(m−1)/2 + n(n−1)/2 + min(m, n)   (U mesh, V† mesh, Σ)
//   Σ·U segments (R×C tiles of size s):    R·C·(s(s−1)/2 + s)               (one mesh + s attenuators each)
// Area ratio = tunable MZIs of the approximated ONN / MZIs of the same ONN mapped by full SVD.
// Fixed (untunable) couplers — segment fan-out/fan-in, crossings, preprocessing combiners and the
// broadcast splitter — are counted separately and reported, never hidden in the ratio.

export type LayerMapping = { kind: "svd" } | { kind: "sigma-u"; s: number };

export interface LayerCost {
  /** 1-based weight-layer index. */
  layer: number;
  rows: number;
  /** Columns including the bias column. */
  cols: number;
  mapping: LayerMapping;
  /** Tunable MZIs (mesh MZIs + attenuator MZIs). */
  mzi: number;
  /** What full SVD mapping of this layer would cost. */
  mziSvd: number;
  /** Fixed couplers for segment fan-out, fan-in and re-ordering crossings. */
  couplers: number;
}

export function svdMziCount(m: number, n: number): number {
  return (m * (m - 1)) / 2 + (n * (n - 1)) / 2 + Math.min(m, n);
}

export function sigmaUMziCount(m: number, n: number, s: number): number {
  return Math.ceil(m / s) * Math.ceil(n / s) * ((s * (s - 1)) / 2 + s);
}

/** Fixed couplers of a tiled layer: (R−1) splits per real input, (C−1) merges and one crossing per moved output. */
export function sigmaUCouplers(m: number, n: number, s: number): number {
  const R = Math.ceil(m / s);
  const C = Math.ceil(n / s);
  const moved = C > 1 ? Math.max(0, m - Math.min(m, s)) : 0;
  return (R - 1) * n + (C - 1) * m + moved;
}

export function layerCost(layer: number, rows: number, cols: number, mapping: LayerMapping): LayerCost {
  const mziSvd = svdMziCount(rows, cols);
  if (mapping.kind === "svd") return { layer, rows, cols, mapping, mzi: mziSvd, mziSvd, couplers: 0 };
  return {
    layer,
    rows,
    cols,
    mapping,
    mzi: sigmaUMziCount(rows, cols, mapping.s),
    mziSvd,
    couplers: sigmaUCouplers(rows, cols, mapping.s),
  };
}

export interface UnitHardware {
  layers: LayerCost[];
  /** Tunable MZIs of the ONN as mapped. */
  mzi: number;
  /** MZIs of the same ONN with every layer mapped by full SVD. */
  mziUnapproximated: number;
  areaRatio: number;
  /** Fixed couplers: segment fan-out/fan-in/crossings. */
  segmentCouplers: number;
  /** Digit-sum combiners: digits × (workers − 1). */
  preprocessCouplers: number;
  /** Broadcast splitter tree: digits × (workers − 1). */
  broadcastCouplers: number;
  activations: number;
  biasSources: number;
  detectors: number;
}

export function unitHardware(layers: LayerCost[], workers: number, inDigits: number, outDigits: number, preprocess: boolean): UnitHardware {
  const mzi = layers.reduce((a, l) => a + l.mzi, 0);
  const mziUnapproximated = layers.reduce((a, l) => a + l.mziSvd, 0);
  return {
    layers,
    mzi,
    mziUnapproximated,
    areaRatio: mzi / mziUnapproximated,
    segmentCouplers: layers.reduce((a, l) => a + l.couplers, 0),
    preprocessCouplers: preprocess ? inDigits * (workers - 1) : 0,
    broadcastCouplers: outDigits * (workers - 1),
    activations: layers.slice(0, -1).reduce((a, l) => a + l.rows, 0),
    biasSources: layers.length,
    detectors: outDigits,
  };
}
