// An evaluator written independently of compiler/mesh/reconstruct.ts: it reads the
// `*.phases.json` TEXT with plain JSON.parse and multiplies the listed 2×2 blocks into
// the identity ROW-WISE FROM THE OUTPUT SIDE (R ← R·E for elements in reverse light
// order), using nested number arrays. stageMatrix propagates columns from the input side.
type C = [number, number];

const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];

export interface RebuiltStage {
  name: string;
  rows: number;
  cols: number;
  /** entries[i][j] = [re, im] */
  entries: C[][];
}

export function rebuildFromPhasesJson(text: string): RebuiltStage[] {
  const doc = JSON.parse(text) as { pipeline: Record<string, unknown>[] };
  const out: RebuiltStage[] = [];
  for (const step of doc.pipeline) {
    if (!Array.isArray(step.elements)) continue;
    const modes = step.modes as number,
      inputs = step.inputs as number,
      outputs = step.outputs as number;
    const gain = step.gain as number;
    const phases = step.outputPhases as number[];
    // R starts as the output rows of gain · diag(e^{iφ_out}) (outputs × modes).
    const r: C[][] = Array.from({ length: outputs }, (_, i) =>
      Array.from({ length: modes }, (_, j): C => (i === j ? [gain * Math.cos(phases[i]), gain * Math.sin(phases[i])] : [0, 0])),
    );
    const els = step.elements as { modes: number[]; matrix: C[][] }[];
    for (let k = els.length - 1; k >= 0; k--) {
      const { modes: ms, matrix: e } = els[k];
      for (const row of r) {
        if (ms.length === 2) {
          const [m0, m1] = ms;
          const x = row[m0],
            y = row[m1];
          row[m0] = add(mul(x, e[0][0]), mul(y, e[1][0]));
          row[m1] = add(mul(x, e[0][1]), mul(y, e[1][1]));
        } else {
          row[ms[0]] = mul(row[ms[0]], e[0][0]);
        }
      }
    }
    out.push({ name: step.name as string, rows: outputs, cols: inputs, entries: r.map((row) => row.slice(0, inputs)) });
  }
  return out;
}

/** max |A_ij − B_ij| between a rebuilt stage and split re/im row-major data. */
export function maxDiff(s: RebuiltStage, re: Float64Array, im: Float64Array): number {
  let m = 0;
  for (let i = 0; i < s.rows; i++) {
    for (let j = 0; j < s.cols; j++) {
      const [a, b] = s.entries[i][j];
      const d = Math.hypot(a - re[i * s.cols + j], b - im[i * s.cols + j]);
      if (!(d <= m)) m = d;
    }
  }
  return m;
}
