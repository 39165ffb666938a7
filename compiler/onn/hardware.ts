// Hardware cost model and the hardware figures of the report. Counts follow the paper's MZI-count
// definition of area:
//   full SVD mapping of an m×n layer:      m(m−1)/2 + n(n−1)/2 + min(m, n)   (U mesh, V† mesh, Σ)
//   Σ·U segments (R×C tiles of size s):    R·C·s(s−1)/2 + C·m               (one mesh per tile, one
//                                          attenuator per real row of each tile; padded rows are dumped)
// Area ratio = tunable MZIs of the approximated ONN / MZIs of the same ONN mapped by full SVD.
// The model (layerCost, unitHardware) is what training plans with; every figure the report prints
// (emittedHardware) is counted on the emitted circuit (netlist/inventory.ts), the SVD reference
// included (the formula applied to each emitted layer stage's inputs × outputs). Fixed (untunable)
// couplers — segment fan-out/fan-in, crossings, the digit-sum chains — are counted separately and
// never hidden in the ratio.
import type { CircuitInventory } from "../../netlist/inventory.ts";

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

/** As emitted (compiler/onn/to-phase-table.ts sigmaUStage): a padded row of a tile gets no attenuator. */
export function sigmaUMziCount(m: number, n: number, s: number): number {
  const C = Math.ceil(n / s);
  return Math.ceil(m / s) * C * ((s * (s - 1)) / 2) + C * m;
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

/** The cost model of a unit as planned (before emission). */
export interface UnitHardware {
  layers: LayerCost[];
  /** Tunable MZIs of the ONN as mapped. */
  mzi: number;
  /** MZIs of the same ONN with every layer mapped by full SVD. */
  mziUnapproximated: number;
  areaRatio: number;
  /** Fixed couplers: segment fan-out/fan-in/crossings. */
  segmentCouplers: number;
}

export function unitHardware(layers: LayerCost[]): UnitHardware {
  const mzi = layers.reduce((a, l) => a + l.mzi, 0);
  const mziUnapproximated = layers.reduce((a, l) => a + l.mziSvd, 0);
  return {
    layers,
    mzi,
    mziUnapproximated,
    areaRatio: mzi / mziUnapproximated,
    segmentCouplers: layers.reduce((a, l) => a + l.couplers, 0),
  };
}

/** One layer stage of the emitted circuit. */
export interface EmittedLayer {
  layer: number;
  /** Outputs × inputs of the stage (inputs include the bias input). */
  rows: number;
  cols: number;
  /** The planned mapping ("svd" | "sigma-u/<s>"), or the stage's role when no plan matches. */
  mapping: string;
  mzi: number;
  /** svdMziCount(rows, cols): what the same layer costs mapped by full SVD. */
  mziSvd: number;
  /** Fixed couplers of the stage. */
  couplers: number;
}

/** Every hardware figure of one emitted circuit, counted by netlist/inventory.ts. */
export interface EmittedHardware {
  layers: EmittedLayer[];
  mzi: number;
  mziUnapproximated: number;
  areaRatio: number;
  /** Fixed couplers of the layer stages (segment fan-out, fan-in, crossings); 0 with trees = mzi. */
  segmentCouplers: number;
  /**
   * MZIs of the splitter and combiner trees (trees = mzi: every segment and digit-sum coupler is an
   * MZI whose split calibration can trim); 0 with fixed trees. Not in `mzi` or `areaRatio`, which
   * keep the paper's definition.
   */
  treeMzi: number;
  /** Couplers of the preprocessing stage (digit-sum chains and the bias split). */
  preprocessCouplers: number;
  /** Couplers of broadcast stages (0: the splitting unit is not emitted). */
  broadcastCouplers: number;
  activations: number;
  biasSources: number;
  detectors: number;
}

/** Stages that are not network layers. */
const NOT_LAYERS = new Set(["preprocess", "broadcast"]);

export function emittedHardware(inv: CircuitInventory, plan: LayerCost[] = []): EmittedHardware {
  const layerStages = inv.stages.filter((s) => !NOT_LAYERS.has(s.role));
  const layers = layerStages.map((s, i): EmittedLayer => {
    const p = plan.length === layerStages.length ? plan[i] : undefined;
    return {
      layer: i + 1,
      rows: s.outputs,
      cols: s.inputs,
      mapping: p ? (p.mapping.kind === "svd" ? "svd" : `sigma-u/${p.mapping.s}`) : s.role,
      mzi: s.mzis - s.treeMzis,
      mziSvd: svdMziCount(s.outputs, s.inputs),
      couplers: s.fixedCouplers,
    };
  });
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const mzi = sum(layers.map((l) => l.mzi));
  const mziUnapproximated = sum(layers.map((l) => l.mziSvd));
  const couplersOf = (role: string): number =>
    sum(inv.stages.filter((s) => s.role === role).map((s) => s.fixedCouplers + s.mziCouplers - 2 * s.treeMzis));
  return {
    layers,
    mzi,
    mziUnapproximated,
    areaRatio: mziUnapproximated > 0 ? mzi / mziUnapproximated : 0,
    segmentCouplers: sum(layers.map((l) => l.couplers)),
    treeMzi: sum(inv.stages.map((s) => s.treeMzis)),
    preprocessCouplers: couplersOf("preprocess"),
    broadcastCouplers: couplersOf("broadcast"),
    activations: inv.activations,
    biasSources: inv.biasSources,
    detectors: inv.detectors,
  };
}
