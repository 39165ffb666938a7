// A ReLU gate scan (docs/calibration.md §9): the row's field z_k at each setting as the estimated
// die predicts it, and whether light passed the ReLU there (the next stage's photodiodes saw it).
// The row's phase error Δ is where Re(z_k·e^{iΔ}) > 0 agrees best with what passed: the centre of
// the longest arc of Δ (on a 720-point circle) at the top agreement.

export function gateShift(z: [number, number][], open: boolean[]): { shift: number; agreement: number } {
  const grid = 720;
  const score = new Array<number>(grid).fill(0);
  for (let k = 0; k < grid; k++) {
    const d = (2 * Math.PI * k) / grid;
    const c = Math.cos(d);
    const s = Math.sin(d);
    open.forEach((o, i) => {
      const re = z[i]![0] * c - z[i]![1] * s;
      if (re > 0 === o) score[k]!++;
    });
  }
  const top = Math.max(...score);
  let best = { start: 0, len: 0 };
  for (let k = 0; k < grid; k++) {
    if (score[k] !== top || score[(k + grid - 1) % grid] === top) continue;
    let len = 0;
    while (len < grid && score[(k + len) % grid] === top) len++;
    if (len > best.len) best = { start: k, len };
  }
  if (best.len === 0) best = { start: 0, len: grid };
  return { shift: (2 * Math.PI * (best.start + (best.len - 1) / 2)) / grid, agreement: top / Math.max(1, open.length) };
}
