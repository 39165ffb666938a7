// Crosstalk pair by pair onto φ heaters (docs/design/calibration.md §10.2; on once the pairs depart
// from the crosstalk law, law-departure.ts): pairs.ts measures each θ victim against its near
// heaters; a φ victim's couplings followed the law, and on a die whose couplings leave it (spread,
// strong pairs, the other sign) its neighbours' heat in operation — at code 0 while its meta-MZI was
// swept — moved it by tenths of a radian. So in each stage's through round, after its sweeps (its φ
// offsets are known by then), every anchored φ is set where its meta-MZI fringe is steepest, read
// there, a step below and above, and once per heater of its part near its own φ or its partner's
// (the reading is their difference) at full power; pairs.ts turns each into that pair's coupling, if
// the slope readings follow the estimated fringe and read the same twice (pairs.ts followsFringe,
// quietEnough). Heaters that carry the pair's light (the entry's and its partner's θ and φ) and the
// row's other θs are not stepped. Each group is planned only while it fits the budget (budget.ts).
import type { Group, Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { budgetCheck } from "./budget.ts";
import { PHI_KAPPA, phiPairsOn } from "./law-departure.ts";
import { reachOf, slopeGroup } from "./pairs.ts";
import { heaterPart, metaPairs, type Stage } from "./structure.ts";

export interface MetaSetting {
  powers: Float64Array;
  codes: Int32Array;
  site: number;
}

export function planPhiPairs(
  state: SessionState,
  stage: Stage,
  setting: (e: number, partner: number) => MetaSetting | null,
  steps: Step[],
  groups: Group[],
): void {
  const reach = reachOf(state, state.setup.pairKappa ?? PHI_KAPPA);
  if (reach === null || !phiPairsOn(state)) return;
  const heaters = state.struct.heaters;
  const fits = budgetCheck(state, state.struct.stages.indexOf(stage), steps);
  const parts = heaters.map(heaterPart);
  const near = (i: number, phi: number): boolean => Math.hypot(heaters[i]!.x - heaters[phi]!.x, heaters[i]!.y - heaters[phi]!.y) <= reach;
  for (const row of stage.rows) {
    for (const [e, partner] of metaPairs(row)) {
      if (e === row.ref) continue;
      const en = state.struct.entries[e]!;
      const pn = state.struct.entries[partner]!;
      if (state.struct.parked.has(en.phi)) continue;
      const s = setting(e, partner);
      if (!s) continue;
      // The pair's heaters, and the row's other θs: one at full power opens its entry, whose light the
      // estimate predicts with a gain not yet read (on coupler-wide add0 die 3: 0.23 rad read, 0 true).
      const carry = new Set([en.theta, en.phi, pn.theta, pn.phi, ...row.entries.map((x) => state.struct.entries[x]!.theta)]);
      // The reading is the entry's phase against its partner's: a heater near either moves it.
      const aggressors = heaters
        .map((_, i) => i)
        .filter((i) => parts[i] === en.part && !carry.has(i) && !heaters[i]!.unheated && (near(i, en.phi) || near(i, pn.phi)));
      if (aggressors.length === 0) continue;
      // slope (3), aggressors, again (1); one reading each
      if (!fits({ steps: aggressors.length + 4, readings: aggressors.length + 4 })) return;
      const partnerOnly = aggressors.filter((i) => !near(i, en.phi));
      slopeGroup(state, en.phi, aggressors, { powers: s.powers, codes: s.codes, read: [s.site] }, `${en.name} phi`, steps, groups, true, {
        phi: pn.phi,
        aggressors: partnerOnly,
      });
    }
  }
}
