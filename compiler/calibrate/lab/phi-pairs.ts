// Crosstalk pair by pair onto φ heaters (issue #37, docs/calibration.md §9): pairs.ts measures each
// θ victim against its near heaters; a φ victim's couplings followed the law, and on a die whose
// couplings leave it (spread, strong pairs, the other sign) its neighbours' heat in operation — at
// code 0 while its meta-MZI was swept — moved it by tenths of a radian. So at the start of each
// stage's through round (its φ offsets are known by then) every anchored φ is set where its meta-MZI
// fringe is steepest, read there, a step below and above, and once per near heater of its part at
// full power; pairs.ts turns each into that pair's coupling, if the slope readings follow the
// estimated fringe and read the same twice (pairs.ts followsFringe, quietEnough). Heaters that carry
// the pair's light (the entry's and its partner's θ and φ) and the row's other θs are not stepped.
import type { Group, Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
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
  const reach = reachOf(state);
  if (reach === null || state.setup.phiPairs !== true) return;
  const heaters = state.struct.heaters;
  const parts = heaters.map(heaterPart);
  for (const row of stage.rows) {
    // Every entry of a row against every heater near any of the row's φs: each reading is a coupling
    // relative to the reference's, so the row's relative phases need the same aggressors for all.
    const near = new Set<number>();
    for (const x of row.entries) {
      const en = state.struct.entries[x]!;
      const hx = heaters[en.phi]!;
      heaters.forEach((h, i) => {
        if (parts[i] === en.part && Math.hypot(h.x - hx.x, h.y - hx.y) <= reach) near.add(i);
      });
    }
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
      const aggressors = [...near].filter((i) => !carry.has(i)).sort((a, b) => a - b);
      if (aggressors.length === 0) continue;
      slopeGroup(state, en.phi, aggressors, { powers: s.powers, codes: s.codes, read: [s.site] }, `${en.name} phi`, steps, groups, true);
    }
  }
}
