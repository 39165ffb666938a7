// A hand-built exact aggregator: 2 workers, 2-bit values, PAM-2 (2 digits each), rounding
// nearest-even. With S = v_a + v_b (v = d0 + 2·d1) the golden output code is
//   S: 0 1 2 3 4 5 6  →  code: 0 0 1 2 2 2 3
// realized with five ReLU units h_t = relu(S − t), t ∈ {1, 2, 3, 5, 6}:
//   code digit 1 = h2 − h3            (code ≥ 2 ⇔ S ≥ 3)
//   code digit 0 = h1 − 2h2 + h3 + h5 − 2h6   (bumps at S = 2 and S = 6)
// Each weight matrix is realized as an SVD mesh stage by the project's mesh synthesis.
import { fromReal } from "../../../math/cmat.ts";
import { decomposeMatrix } from "../../../compiler/mesh/decompose.ts";
import { circuitFromPhaseTable } from "../../../netlist/formats/from-phase-table.ts";
import { MZI_CONVENTION, type Circuit, type PhaseTable } from "../../../netlist/ir.ts";

export const THRESHOLDS = [1, 2, 3, 5, 6];

export function tinyPhaseTable(
  outRows: number[][] = [
    [1, -2, 1, 1, -2],
    [0, 1, -1, 0, 0],
  ],
): PhaseTable {
  const w1 = THRESHOLDS.map((t) => [1, 2, 1, 2, -t]);
  const layer1 = { ...decomposeMatrix(fromReal(w1), { mesh: "clements", name: "layer1" }), biasInput: 1 };
  const layer2 = decomposeMatrix(fromReal(outRows), { mesh: "clements", name: "layer2" });
  return {
    format: "optinc.phases/1",
    convention: { name: MZI_CONVENTION, mzi: "see docs/reference/conventions.md", coupler: "[[t, ik], [ik, t]]", phaseRange: "[0, 2π)" },
    pipeline: [
      { name: "source", role: "source", workers: 2, digits: 2, levels: 2, amplitudePerLevel: 1 },
      layer1,
      { name: "act1", role: "activation", function: "relu", params: {}, modes: 5 },
      layer2,
      { name: "detector", role: "detector", levels: 2, step: 1, offset: 0, modes: 2 },
    ],
  };
}

export function tinyCircuit(outRows?: number[][]): Circuit {
  return circuitFromPhaseTable(tinyPhaseTable(outRows), "tiny");
}

/** Independent reference: the table above. */
export function tinyGoldenCode(va: number, vb: number): number {
  return [0, 0, 1, 2, 2, 2, 3][va + vb]!;
}
