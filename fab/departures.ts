// Departures: the ways a real die differs from the one the technology preset draws
// (docs/design/calibration.md §12). Each is a named class applied to a drawn die, at a magnitude taken from
// ../shared/reference/lab-departures.md (its IDs in brackets), and each changes only fields of the
// die file — so a departed die is an ordinary optinc.die/2 file a lab can be handed. The calibration
// from readings never sees this file (tests/architecture: compiler/calibrate/lab/ is sealed from fab/).
import { createRng, type Rng } from "../math/rng.ts";
import type { Circuit } from "../netlist/ir.ts";
import type { Crosstalk, FabDie } from "../netlist/die/heaters.ts";

export interface Departure {
  name: string;
  /** What changes, for people (docs and the bench's table). */
  what: string;
  /** The magnitude and its source. */
  source: string;
  apply(die: FabDie, circuit: Circuit, rng: Rng): FabDie;
}

const clip = (rng: Rng, c = 3): number => Math.max(-c, Math.min(c, rng.normal()));

/** The four parts of the crosstalk departure (each also drawn alone: CROSSTALK_PARTS). */
type CrosstalkPart = "spread" | "strong" | "flip" | "wide";
const ALL_PARTS: CrosstalkPart[] = ["spread", "strong", "flip", "wide"];
const CROSSTALK_SOURCE =
  "lab-departures.md §9 (X1, X2, X6, X7): C_ij/C_ji − 1 ~ N(0, 0.3), 5 % ×3, one pair in four negative, chip-wide 0.02–0.1 %";

/**
 * Crosstalk off one distance law: per-pair spread, strong pairs, sign flips, a chip-wide term. With
 * fewer parts the same random numbers are drawn, so a part's die is the whole class's die with the
 * other parts left out (docs/design/calibration.md §12: which part breaks which design).
 */
const crosstalkOffLaw =
  (parts: CrosstalkPart[]) =>
  (die: FabDie, _c: Circuit, rng: Rng): FabDie => {
    const n = die.heaters.length;
    const near = new Set<string>();
    const out: Crosstalk[] = die.crosstalk.map((x) => {
      near.add(`${x.victim},${x.aggressor}`);
      const spread = Math.max(0, 1 + 0.3 * clip(rng));
      const strong = rng.next() < 0.05;
      const flip = rng.next() < 0.25;
      let k = parts.includes("spread") ? x.radPerMw * spread : x.radPerMw;
      if (strong && parts.includes("strong")) k *= 3;
      if (flip && parts.includes("flip")) k = -k;
      return { ...x, radPerMw: k };
    });
    // Chip-wide: every heater moves every other phase by 0.05 % of its own self-phase.
    if (parts.includes("wide"))
      for (let v = 0; v < n; v++)
        for (let a = 0; a < n; a++) {
          if (v === a || near.has(`${v},${a}`)) continue;
          out.push({ victim: v, aggressor: a, radPerMw: 5e-4 * die.heaters[a]!.radPerMw });
        }
    return { ...die, crosstalk: out.sort((p, q) => p.victim - q.victim || p.aggressor - q.aggressor) };
  };

function heaterNonlinear(die: FabDie, _c: Circuit, rng: Rng): FabDie {
  return { ...die, heaters: die.heaters.map((h) => ({ ...h, betaPerMw: Math.max(0, 5e-4 + 2e-4 * clip(rng)) })) };
}

/** Couplers spread σ = 3 % in total instead of the preset's 1 %. */
function couplerWide(die: FabDie, _c: Circuit, rng: Rng): FabDie {
  const extra = Math.sqrt(0.03 ** 2 - 0.01 ** 2);
  const passive = new Map(
    [...die.passive].map(([p, e]) => [
      p,
      e.coupling === undefined ? e : { ...e, coupling: Math.min(1, Math.max(0, e.coupling + extra * clip(rng))) },
    ]),
  );
  return { ...die, passive };
}

/** One monitor dead, and each other one weak (×0.3) with probability 1/50. */
function deadMonitor(die: FabDie, _c: Circuit, rng: Rng): FabDie {
  const mons = die.monitors ?? [];
  if (!mons.length) return die;
  const dead = Math.floor(rng.next() * mons.length);
  return {
    ...die,
    monitors: mons.map((m, i) =>
      i === dead ? { ...m, responsivityAW: 0 } : rng.next() < 1 / 50 ? { ...m, responsivityAW: 0.3 * m.responsivityAW } : m,
    ),
  };
}

function couplingDrift(die: FabDie): FabDie {
  return { ...die, laser: { ...die.laser, couplingDriftRelPerStep: 4.2e-4 } };
}

function lossSpread(die: FabDie, _c: Circuit, rng: Rng): FabDie {
  const passive = new Map(
    [...die.passive].map(([p, e]) => [p, e.lossDb === undefined ? e : { ...e, lossDb: Math.max(0, e.lossDb + 0.05 * clip(rng)) }]),
  );
  return { ...die, passive };
}

function thermalTail(die: FabDie): FabDie {
  return { ...die, thermal: { tailFraction: 0.03, tailMs: 5 } };
}

export const DEPARTURES: Departure[] = [
  {
    name: "crosstalk",
    what: "crosstalk off one distance law: each coupling ×(1 + 0.3·N), 5 % of them ×3, one in four negative, plus 0.05 % of every heater's self-phase on every other phase",
    source: CROSSTALK_SOURCE,
    apply: crosstalkOffLaw(ALL_PARTS),
  },
  {
    name: "heater-nonlinear",
    what: "heater law φ = o + η·P·(1 + β·P), β = 5·10⁻⁴ ± 2·10⁻⁴ /mW per heater (+1.2 % at π)",
    source: "lab-departures.md H1–H2 (Jacques 2019: successive π powers 23.2/22.7/22.1 mW)",
    apply: heaterNonlinear,
  },
  {
    name: "coupler-wide",
    what: "coupler spread σ = 3 % (the preset's 1 %)",
    source: "lab-departures.md S1 (foundry splitters σ = 2–6 %)",
    apply: couplerWide,
  },
  {
    name: "dead-monitor",
    what: "one monitor photodiode dead (0 A/W), each other one weak (×0.3) with probability 1/50",
    source: "lab-departures.md §9 (1 in 50 weak, assumed; P7: labs keep a list of broken parts)",
    apply: deadMonitor,
  },
  {
    name: "coupling-drift",
    what: "input coupling drifts as a random walk of 4.2·10⁻⁴ per step (≈0.1 dB rms over a 3000-step session) that the reference tap does not see",
    source: "lab-departures.md D1, D4 (ripple of several tenths of a dB; a source tap removes laser drift, not coupling drift)",
    apply: couplingDrift,
  },
  {
    name: "loss-spread",
    what: "every arm's and waveguide's loss spread by σ = 0.05 dB around the preset's",
    source: "lab-departures.md S1 (excess loss σ < 0.3 dB across foundry splitters); 0.05 dB assumed per arm",
    apply: lossSpread,
  },
  {
    name: "thermal-tail",
    what: "3 % of every heater's phase change settles with a 5 ms time constant (the rest in µs)",
    source: "lab-departures.md §9 settling (τ 2–8 µs plus a 1–5 % tail with τ 1–10 ms, tail assumed; T1–T3)",
    apply: thermalTail,
  },
];

export const DEPARTURE_NAMES = DEPARTURES.map((d) => d.name);

/**
 * The crosstalk class one part at a time (`crosstalk-spread`, `-strong`, `-flip`, `-wide`), for
 * studies of what breaks a calibration (scripts/lab-study.ts `--departure crosstalk-flip`). Not
 * classes of the die file's command or the bench: each is a part of `crosstalk`, not a departure of
 * its own, and takes its place in the table's order.
 */
export const CROSSTALK_PARTS: Departure[] = ALL_PARTS.map((p) => ({
  name: `crosstalk-${p}`,
  what: `the crosstalk class's ${p} part alone`,
  source: CROSSTALK_SOURCE,
  apply: crosstalkOffLaw([p]),
}));

/** A drawn die with departures applied in the table's order; the stream is (seed, "departures") only. */
export function departDie(die: FabDie, circuit: Circuit, names: readonly string[], seed: number): FabDie {
  const rng = createRng(seed * 6151 + 0xdea);
  let out = die;
  for (const d of [...CROSSTALK_PARTS, ...DEPARTURES]) if (names.includes(d.name)) out = d.apply(out, circuit, rng);
  return out;
}
