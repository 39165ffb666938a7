// Crosstalk pair by pair onto φ heaters (issue #37, docs/calibration.md §9): pairs.ts measures each
// θ victim against its near heaters; a φ victim's couplings followed the law, and on a die whose
// couplings leave it (spread, strong pairs, the other sign) its neighbours' heat in operation — at
// code 0 while its meta-MZI was swept — moved it by tenths of a radian. So at the start of each
// stage's through round (its φ offsets are known by then) every anchored φ is set where its meta-MZI
// fringe is steepest, read there, a step below and above, and once per near heater of its part at
// full power; pairs.ts turns each into that pair's coupling. Heaters that carry the pair's light
// (the entry's and its partner's θ and φ) are not stepped: they sit where operation has them.
import type { Group, Step } from "./rounds.ts";
import type { SessionState } from "./session-state.ts";
import { maxCode, sweepCodes } from "./stage-physics.ts";
import { slopeIndex, reachOf } from "./pairs.ts";
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
  const sweep = sweepCodes(state, state.setup.points);
  for (const row of stage.rows) {
    for (const [e, partner] of metaPairs(row)) {
      if (e === row.ref) continue;
      const en = state.struct.entries[e]!;
      const pn = state.struct.entries[partner]!;
      if (state.struct.parked.has(en.phi)) continue;
      const s = setting(e, partner);
      if (!s) continue;
      const hv = heaters[en.phi]!;
      const carry = new Set([en.theta, en.phi, pn.theta, pn.phi]);
      const aggressors = heaters
        .map((h, i) => ({ i, d: Math.hypot(h.x - hv.x, h.y - hv.y), part: heaterPart(h) }))
        .filter((x) => !carry.has(x.i) && x.part === en.part && x.d <= reach)
        .map((x) => x.i);
      if (aggressors.length === 0) continue;
      const k = slopeIndex(state, s, en.phi, [s.site], sweep);
      const g: Extract<Group, { kind: "slope" }> = {
        kind: "slope",
        victim: en.phi,
        aggressors,
        read: [s.site],
        steps: [],
        codes: [sweep[k]!, sweep[k - 1]!, sweep[k + 1]!],
      };
      const at = (c: number): Int32Array => {
        const codes = Int32Array.from(s.codes);
        codes[en.phi] = c;
        return codes;
      };
      const push = (codes: Int32Array, purpose: string): void => {
        g.steps.push(steps.length);
        steps.push({ purpose, powers: s.powers, codes, read: g.read });
      };
      for (const c of g.codes) push(at(c), `pair ${en.name} phi slope`);
      for (const a of aggressors) {
        const codes = at(sweep[k]!);
        codes[a] = maxCode(state);
        push(codes, `pair ${en.name} phi <- ${heaters[a]!.name}`);
      }
      groups.push(g);
    }
  }
}
