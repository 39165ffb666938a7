// Moving one heater's estimate by what a fringe read (absorb.ts, dead-monitor.ts): the measured fit
// against the same sweep predicted on the estimated die, twice, since the prediction moves with it.
import { wrapSigned } from "../../../netlist/die/heaters.ts";
import type { FringeFit } from "./fringe-fit.ts";
import { fitPredicted, fitPredictedAt, inBand } from "./readings-fit.ts";
import type { Group, Round } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";

/** Move a heater's offset by `shift` (rad), kept in [0, 2π): every absorb path moves offsets this way. */
export function shiftOffset(h: { offsetRad: number }, shift: number): void {
  h.offsetRad = (((h.offsetRad + shift) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
}

/**
 * Move a heater's offset and efficiency by measured − predicted fringe (twice: the prediction moves
 * with them). A measured fit whose η ran off the band it searched is no reading of this heater: the
 * estimate stays. A prediction that ran off it (the estimate lights the pair too weakly to predict a
 * fringe, and its own crosstalk drift wins) moves the offset only, both phases taken at the measured
 * η. Before, each update added the whole η difference: on crosstalk divide0 die 0 a meta-MZI and a
 * homodyne read pinned at 0.4× nominal left one φ at 2.4× its true η.
 */
export function update(
  state: SessionState,
  round: Round,
  g: Extract<Group, { kind: "sweep" }>,
  measured: FringeFit,
  label: string,
  offset = true,
): void {
  const h = state.estimatedDie.heaters[g.heater]!;
  let from = label;
  for (let it = 0; it < 2; it++) {
    const p = fitPredicted(state, round, g, g.heater, measured.gamma !== 0);
    const use = fitUse(state, measured, p);
    if (use === "none") {
      from = `${label}: not read (the fit ran off the efficiency band)`;
      break;
    }
    if (use === "offset") {
      from = `${label}: offset only (the prediction is no fringe of this heater)`;
      if (offset) shiftOffset(h, wrapSigned(measured.psiRad - fitPredictedAt(state, round, g, g.heater, measured.eta).psiRad));
      break;
    }
    if (offset) shiftOffset(h, wrapSigned(measured.psiRad - p.psiRad));
    // The heater law's curvature γ = η·β moves with the efficiency.
    const gamma = h.radPerMw * (h.betaPerMw ?? 0) + (measured.gamma - p.gamma);
    h.radPerMw = Math.max(1e-6, h.radPerMw + (measured.eta - p.eta));
    h.betaPerMw = gamma / h.radPerMw;
  }
  state.notes.set(g.heater, {
    heater: h.name,
    offsetRad: h.offsetRad,
    radPerMw: h.radPerMw,
    sigmaOffsetRad: measured.sigmaPsi,
    sigmaRadPerMw: measured.sigmaEta,
    rms: measured.rms,
    from,
  });
}

/** What update() takes from a sweep: offset and η, the offset only, or nothing. */
type FitUse = "both" | "offset" | "none";

function fitUse(state: SessionState, measured: FringeFit, predicted: FringeFit): FitUse {
  if (state.setup.etaBand === false) return "both";
  if (!inBand(state, measured)) return "none";
  return inBand(state, predicted) ? "both" : "offset";
}
