// The stage matrix from a PhaseStage's listed element matrices: propagate the identity
// columns (the unit input fields) through the elements in light order, then apply the
// output phase screen and the gain. Each element touches one or two rows: O(elements·inputs).
import type { LinearElement, PhaseStage } from "../../netlist/ir.ts";
import { type CMat, zeros } from "../../math/cmat.ts";

function applyElement(x: CMat, e: LinearElement): void {
  const n = x.cols;
  const { re, im } = x;
  if (e.kind === "mzi" || e.kind === "coupler") {
    const [[a, b], [c, d]] = e.matrix;
    const p0 = e.modes[0] * n;
    const p1 = e.modes[1] * n;
    if (!(e.modes[1] > e.modes[0])) {
      throw new RangeError(`element ${e.index}: an MZI or coupler needs modes [a, b] with a < b`);
    }
    for (let j = 0; j < n; j++) {
      const xr = re[p0 + j],
        xi = im[p0 + j];
      const yr = re[p1 + j],
        yi = im[p1 + j];
      re[p0 + j] = a[0] * xr - a[1] * xi + b[0] * yr - b[1] * yi;
      im[p0 + j] = a[0] * xi + a[1] * xr + b[0] * yi + b[1] * yr;
      re[p1 + j] = c[0] * xr - c[1] * xi + d[0] * yr - d[1] * yi;
      im[p1 + j] = c[0] * xi + c[1] * xr + d[0] * yi + d[1] * yr;
    }
  } else {
    const [[t]] = e.matrix;
    const p0 = e.modes[0] * n;
    for (let j = 0; j < n; j++) {
      const xr = re[p0 + j],
        xi = im[p0 + j];
      re[p0 + j] = t[0] * xr - t[1] * xi;
      im[p0 + j] = t[0] * xi + t[1] * xr;
    }
  }
}

/** outputs × inputs matrix of the stage, including output phases and gain. */
export function stageMatrix(stage: PhaseStage): CMat {
  const { modes, inputs, outputs } = stage;
  const x = zeros(modes, inputs);
  for (let j = 0; j < Math.min(modes, inputs); j++) x.re[j * inputs + j] = 1;
  for (const e of stage.elements) {
    for (const m of e.modes) {
      if (!(m >= 0 && m < modes)) throw new RangeError(`element ${e.index}: mode ${m} outside 0..${modes - 1}`);
    }
    applyElement(x, e);
  }
  const out = zeros(outputs, inputs);
  for (let i = 0; i < outputs; i++) {
    const m = stage.outputModes?.[i] ?? i;
    const ph = stage.outputPhases[m] ?? 0;
    const cr = stage.gain * Math.cos(ph);
    const ci = stage.gain * Math.sin(ph);
    for (let j = 0; j < inputs; j++) {
      const xr = x.re[m * inputs + j],
        xi = x.im[m * inputs + j];
      out.re[i * inputs + j] = cr * xr - ci * xi;
      out.im[i * inputs + j] = cr * xi + ci * xr;
    }
  }
  return out;
}
