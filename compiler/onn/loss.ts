// Margin-aware loss on threshold-decoded outputs. Digit d is decoded correctly when the output y
// lies in its decision interval (d − ½, d + ½), open-ended for the lowest and highest level.
// The loss asks for distance ≥ margin from every threshold: squared hinge on the violation, so a
// case that is right with margin contributes nothing and training focuses on the hard cases.

export interface LossResult {
  loss: number;
  /** Cases whose every output decodes correctly (regardless of margin). */
  exact: number;
}

/** Decoded digit of an output amplitude measured in level units. */
export function decodeLevel(y: number, levels: number): number {
  const d = Math.round(y);
  return d < 0 ? 0 : d >= levels ? levels - 1 : d;
}

export function marginLoss(
  y: Float64Array,
  targets: Int32Array,
  targetOffset: number,
  batch: number,
  outputs: number,
  levels: number,
  margin: number,
  grad: Float64Array,
): LossResult {
  let loss = 0;
  let exact = 0;
  const band = 0.5 - margin;
  for (let b = 0; b < batch; b++) {
    let ok = true;
    for (let k = 0; k < outputs; k++) {
      const j = b * outputs + k;
      const d = targets[targetOffset + j];
      const e = y[j] - d;
      if (decodeLevel(y[j], levels) !== d) ok = false;
      let v = 0;
      if (e > band && d < levels - 1) v = e - band;
      else if (e < -band && d > 0) v = e + band;
      loss += v * v;
      grad[j] = 2 * v;
    }
    if (ok) exact++;
  }
  return { loss, exact };
}

/**
 * The smallest distance of any output to a decision threshold it must not cross, in level units
 * (negative when some case decodes wrongly): how much output error the decisions tolerate.
 */
export function minDecisionMargin(y: Float64Array, targets: Int32Array, count: number, levels: number): number {
  let worst = Infinity;
  for (let j = 0; j < count; j++) {
    const d = targets[j];
    const e = y[j] - d;
    const up = d < levels - 1 ? 0.5 - e : Infinity;
    const down = d > 0 ? 0.5 + e : Infinity;
    worst = Math.min(worst, up, down);
  }
  return worst;
}
