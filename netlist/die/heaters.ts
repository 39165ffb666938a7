// A die as fabricated (docs/design/calibration.md §6): what a lab's chip is, as opposed to the σ-level
// Monte-Carlo die of die.ts. Every programmable phase shifter is a heater whose realized phase is
//
//   φ_i = o_i + η_i·P_i·(1 + β_i·P_i) + Σ_j C_ij·P_j,     P_i = P_max · (code_i / (2^bits − 1))²
//
// with an offset o_i uniform on [0, 2π) (nanometre path-length differences), an efficiency η_i
// (rad/mW) spread around π/P_π, the drive law P ∝ V² of a resistive heater driven by a voltage DAC,
// and thermal crosstalk C_ij = κ(d_ij)·η_j that falls with the distance d_ij between heater i and
// aggressor j (layout placements of the netlist, µm), above a chip-wide floor C_ij ≥ f·η_j (f absent: 0). β_i (self-heating and the film's resistance
// change with temperature; 0 when absent) bends the law away from linear in power. Couplers, losses, detectors and the laser are
// the die's other parts. The simulator (die.ts applyDie) sees a fabricated die at a set of drive
// codes as an ordinary Die whose shifters realize exactly φ_i whatever the programmed phase.
// The draw is fab/draw.ts.
import type { Circuit, Netlist } from "../ir.ts";
import { TWO_PI, wrapPhase } from "../mzi.ts";
import { circuitLookup, leafPath, linearParts, type Die, type LeafError, type LinearPart } from "./die.ts";
import { dieElements } from "./elements.ts";
import { resolveInstance } from "../sim/propagate.ts";
import { fromMemo, packed, phasesInFull, remember } from "./phase-memo.ts";

export interface Heater {
  /** Element name and role, as the die file names it: "threshold/e28.theta", "sum/po0". */
  name: string;
  /** Leaf path "<part>/<flat leaf>" (die.ts leafPath). */
  path: string;
  offsetRad: number;
  /** Efficiency η, rad per mW of heater power. */
  radPerMw: number;
  /** Nonlinearity β, 1/mW: φ = o + η·P·(1 + β·P) (absent: 0). */
  betaPerMw?: number;
  /** An unheated section (siteLeaves): no heater and no DAC channel, so its code stays 0 and radPerMw is never used. */
  unheated?: true;
  /** Layout position, µm (top placement + sub-netlist placement). */
  x: number;
  y: number;
}

export interface Crosstalk {
  /** Heater indices. */
  victim: number;
  aggressor: number;
  /** dφ_victim / dP_aggressor, rad/mW. */
  radPerMw: number;
}

export interface FabDetector {
  /** "<detector instance>[mode]" for output detectors, or a monitor's name. */
  name: string;
  responsivityAW: number;
  darkA: number;
  /** Input-referred current noise σ per reading (thermal + shot at the reading bandwidth), A. */
  noiseA: number;
  adcBits: number;
  /** ADC full scale, A: readings saturate there. */
  fullScaleA: number;
}

/** A monitor photodiode on a dump or terminator (netlist/lab/optics.ts site name): a die element. */
export interface FabMonitor {
  name: string;
  /** A/W; 0 is a dead photodiode. */
  responsivityAW: number;
  darkA: number;
  /** Current noise σ per reading beside shot noise, A. */
  noiseA: number;
}

export interface FabDie {
  id: string;
  circuit: string;
  drive: { bits: number; pMaxMw: number };
  heaters: Heater[];
  /** Couplings beyond the floor: C_ij is crosstalkFloor·η_j plus the listed rate (absent from the list: the floor alone). */
  crosstalk: Crosstalk[];
  /**
   * The chip-wide floor: every heater picks up this fraction of every other heater's own phase η_j·P_j
   * (heat reaching the whole die through the substrate), beside the listed couplings (absent: 0).
   */
  crosstalkFloor?: number;
  /** Couplers, arm and waveguide losses, fixed phase sections: as in die.ts (no programmable shifter here). */
  passive: Map<string, LeafError>;
  detectors: FabDetector[];
  /** Monitor photodiodes, one per monitor site (absent: the lab bench's nominal photodiodes). */
  monitors?: FabMonitor[];
  /**
   * Laser: power into each lit port, its drift per step (a random walk the reference tap sees), and
   * the input coupling's drift per step (a random walk the tap does not see; absent: 0).
   */
  laser: { powerMw: number; driftRelPerStep: number; couplingDriftRelPerStep?: number };
  /** A heater's slow thermal tail: this fraction of a phase change settles with time constant tailMs (absent: none). */
  thermal?: { tailFraction: number; tailMs: number };
}

/** The true die, as a die file states it: what a lab measures, and the oracle `calibrate --measured` calibrates for. */
export type MeasuredDie = FabDie;

/** A die estimated from a lab's readings (compiler/calibrate/lab/): the same model, its values fitted. */
export type EstimatedDie = FabDie;

/** A heater site of a circuit: its die-file name, its part and flat leaf; `unheated` where no heater is drawn. */
export interface SiteLeaf {
  name: string;
  part: string;
  leaf: string;
  unheated?: true;
}

/**
 * Every phase site of a circuit in die-element order: each programmable heater, and each unheated
 * section (a waveguide with `unheated: 1`, an output section at phase 0: netlist/formats/stage-netlist.ts).
 * A section keeps the die's phase there (its offset and its neighbours' heat) with no heater to set it.
 */
export function siteLeaves(circuit: Circuit, parts: LinearPart[] = linearParts(circuit)): SiteLeaf[] {
  const flat = new Map(parts.map((p) => [p.name, p.flat]));
  const out: SiteLeaf[] = [];
  for (const el of dieElements(circuit, parts)) {
    if (el.kind === "mzi" || el.kind === "attenuator")
      for (const role of ["phi", "theta"] as const) out.push({ name: `${el.name}.${role}`, part: el.part, leaf: el.leaves[role]! });
    else if (el.kind === "phase") out.push({ name: el.name, part: el.part, leaf: el.leaves.leaf! });
    else if (el.kind === "waveguide" && flat.get(el.part)?.instances[el.leaves.leaf!]?.settings.unheated)
      out.push({ name: el.name, part: el.part, leaf: el.leaves.leaf!, unheated: true });
  }
  return out;
}

/** Every programmable heater of a circuit (the sites a DAC channel drives), in die-element order. */
export function heaterLeaves(circuit: Circuit, parts: LinearPart[] = linearParts(circuit)): SiteLeaf[] {
  return siteLeaves(circuit, parts).filter((s) => !s.unheated);
}

/** Every phase site of a circuit with its layout position, in die-element order (the fab die's `heaters`). */
export function heaterSites(circuit: Circuit, parts: LinearPart[] = linearParts(circuit)): Omit<Heater, "offsetRad" | "radPerMw">[] {
  return siteLeaves(circuit, parts).map(({ name, part, leaf, unheated }) => {
    const [x, y] = leafPosition(circuit, part, leaf);
    return { name, path: leafPath(part, leaf), x, y, ...(unheated ? { unheated } : {}) };
  });
}

/** A flat leaf's layout position: the top instance's placement plus the placements down its "__" path. */
export function leafPosition(circuit: Circuit, part: string, leaf: string): [number, number] {
  const top = circuit.netlists[circuit.top]!;
  const lookup = circuitLookup(circuit);
  let x = top.placements?.[part]?.x ?? 0;
  let y = top.placements?.[part]?.y ?? 0;
  const inst = top.instances[part]!;
  let net: Netlist | undefined = resolveInstance(part, inst, lookup).netlist;
  const segs = leaf.split("__");
  for (const seg of segs) {
    if (!net) break;
    const p = net.placements?.[seg];
    x += p?.x ?? 0;
    y += p?.y ?? 0;
    const sub = net.instances[seg];
    net = sub ? resolveInstance(seg, sub, lookup).netlist : undefined;
  }
  return [x, y];
}

/** A thermal crosstalk law: κ(d) = kappa·e^{−(d − atUm)/decayUm}, couplings below cutoff dropped. */
export interface CrosstalkLaw {
  kappa: number;
  atUm: number;
  decayUm: number;
  cutoff: number;
}

/** κ(d): the fraction of an aggressor's own phase its neighbour at distance d picks up. */
export function crosstalkFraction(c: CrosstalkLaw, d: number): number {
  if (d <= 0) return 0;
  const k = c.kappa * Math.exp(-(d - c.atUm) / c.decayUm);
  return k >= c.cutoff ? Math.min(k, c.kappa * 2) : 0;
}

/** Sparse crosstalk of a set of heaters (victim i, aggressor j ≠ i, κ(d_ij)·η_j). */
export function crosstalkOf(law: CrosstalkLaw, heaters: Pick<Heater, "x" | "y" | "radPerMw">[]): Crosstalk[] {
  const out: Crosstalk[] = [];
  const reach = law.atUm + law.decayUm * Math.log(law.kappa / law.cutoff);
  // Heaters sorted by x: only those within reach are compared (cells have hundreds of heaters).
  const order = heaters.map((_, i) => i).sort((a, b) => heaters[a]!.x - heaters[b]!.x || a - b);
  for (let a = 0; a < order.length; a++) {
    const i = order[a]!;
    for (let b = a + 1; b < order.length && heaters[order[b]!]!.x - heaters[i]!.x <= reach; b++) {
      const j = order[b]!;
      const d = Math.hypot(heaters[i]!.x - heaters[j]!.x, heaters[i]!.y - heaters[j]!.y);
      const k = crosstalkFraction(law, d);
      if (k === 0) continue;
      out.push({ victim: i, aggressor: j, radPerMw: k * heaters[j]!.radPerMw });
      out.push({ victim: j, aggressor: i, radPerMw: k * heaters[i]!.radPerMw });
    }
  }
  return out.sort((p, q) => p.victim - q.victim || p.aggressor - q.aggressor);
}

const codeMax = (bits: number): number => 2 ** bits - 1;

/** The heater power (mW) that adds phase ψ through a heater's law: η·P·(1 + β·P) = ψ, in the form that stays exact as β → 0. */
export function powerForPhase(h: Pick<Heater, "radPerMw" | "betaPerMw">, psi: number): number {
  const beta = h.betaPerMw ?? 0;
  return (2 * psi) / (h.radPerMw * (1 + Math.sqrt(Math.max(0, 1 + (4 * beta * psi) / h.radPerMw))));
}

/** Heater powers (mW) of drive codes. */
export function heaterPowers(die: Pick<FabDie, "drive">, codes: ArrayLike<number>): Float64Array {
  const cm = codeMax(die.drive.bits);
  const p = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) p[i] = die.drive.pMaxMw * (codes[i]! / cm) ** 2;
  return p;
}

/** Realized phases of every heater at drive codes, crosstalk included. */
export function realizedPhases(
  die: Pick<FabDie, "drive" | "heaters" | "crosstalk" | "crosstalkFloor">,
  codes: ArrayLike<number>,
): Float64Array {
  const x = packed(die.crosstalk);
  const again = fromMemo(die, x, codes);
  if (again) return die.crosstalkFloor ? addFloor(die, again.p, again.phi) : again.phi;
  const p = heaterPowers(die, codes);
  const { phi, sums } = phasesInFull(die, x, p);
  remember(die, x, codes, p, phi, sums);
  return die.crosstalkFloor ? addFloor(die, p, phi) : phi;
}

/** The floor's heat on every heater: f·(Σ_j η_j·P_j − η_i·P_i), in place (the memo keeps phases without it). */
function addFloor(die: Pick<FabDie, "heaters" | "crosstalkFloor">, p: Float64Array, phi: Float64Array): Float64Array {
  const f = die.crosstalkFloor ?? 0;
  const sum = floorSum(die.heaters, p);
  for (let i = 0; i < phi.length; i++) phi[i]! += f * (sum - die.heaters[i]!.radPerMw * p[i]!);
  return phi;
}

/** Σ_j η_j·P_j: what the floor spreads over the die. */
export function floorSum(heaters: readonly Pick<Heater, "radPerMw">[], p: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < heaters.length; j++) sum += heaters[j]!.radPerMw * p[j]!;
  return sum;
}

/** The fabricated die driven at `codes`, as the simulator's Die: each heater realizes exactly its φ_i. */
export function dieAtCodes(die: FabDie, codes: ArrayLike<number>): Die {
  const phi = realizedPhases(die, codes);
  const leaves = new Map<string, LeafError>();
  for (const [p, e] of die.passive) leaves.set(p, { ...e });
  die.heaters.forEach((h, i) => leaves.set(h.path, { ...(leaves.get(h.path) ?? {}), phaseGain: 0, dPhi: phi[i]! }));
  return { id: die.id, leaves };
}

/** The die's passive parts alone, shifters ideal: the model the per-MZI corrector re-programs against. */
export function passiveDie(die: Pick<FabDie, "id" | "passive">): Die {
  return { id: die.id, leaves: new Map([...die.passive].map(([p, e]) => [p, { ...e }])) };
}

export interface DriveSolution {
  codes: Int32Array;
  /** Largest |realized − target| (wrapped) after quantization, rad. */
  maxErrorRad: number;
  /** Heaters whose target needs more power than the drive range gives (the wrap could not fit it). */
  outOfRange: number[];
}

/**
 * Drive codes that realize target phases (mod 2π) on a die model, crosstalk compensated: Jacobi
 * iterations on P_i = wrap(φ_i − o_i − Σ_j C_ij P_j)/η_i (C is a few % of the diagonal, so they
 * contract), then each code rounded, then a few coordinate passes on the quantized codes.
 * `compensate = false` ignores C (what a chip programmed without the crosstalk matrix does). Heaters
 * in `hold` stay at code 0 and heat nothing, whatever their target.
 */
export function codesForPhases(
  die: Pick<FabDie, "drive" | "heaters" | "crosstalk" | "crosstalkFloor">,
  targets: ArrayLike<number>,
  compensate = true,
  hold: ReadonlySet<number> = new Set(),
): DriveSolution {
  const n = die.heaters.length;
  const pMax = die.drive.pMaxMw;
  const cm = codeMax(die.drive.bits);
  // Each victim's couplings in list order, as flat arrays (the solve sweeps them 60 times).
  const list = compensate ? die.crosstalk : [];
  const start = new Int32Array(n + 1);
  for (const c of list) start[c.victim + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const at = start.slice(0, n);
  const from = new Int32Array(list.length);
  const rate = new Float64Array(list.length);
  for (const c of list) {
    from[at[c.victim]!] = c.aggressor;
    rate[at[c.victim]!++] = c.radPerMw;
  }
  const p = new Float64Array(n);
  const outOfRange = new Set<number>();
  const floor = compensate ? (die.crosstalkFloor ?? 0) : 0;
  // The floor's sum over the iterate solveP reads (set before each sweep over the heaters).
  let spread = 0;
  const solveP = (i: number, pIn: Float64Array): number => {
    if (hold.has(i)) return 0;
    let x = targets[i]! - die.heaters[i]!.offsetRad;
    for (let j = start[i]!; j < start[i + 1]!; j++) x -= rate[j]! * pIn[from[j]!]!;
    if (floor !== 0) x -= floor * (spread - die.heaters[i]!.radPerMw * pIn[i]!);
    // No closure here: solveP runs some 60·n times per solve.
    const h = die.heaters[i]!;
    let v = powerForPhase(h, wrapPhase(x));
    // With a range above 2π a phase has two settings near the wrap: keep the one nearest the last
    // iterate, so a heater does not jump by 2π/η (and its neighbours by κ·2π) between iterations.
    const alt = powerForPhase(h, wrapPhase(x) + TWO_PI);
    if (alt <= pMax && Math.abs(alt - pIn[i]!) < Math.abs(v - pIn[i]!)) v = alt;
    if (v > pMax) {
      outOfRange.add(i);
      return pMax;
    }
    return v;
  };
  for (let it = 0; it < (compensate ? 60 : 1); it++) {
    const prev = Float64Array.from(p);
    spread = floorSum(die.heaters, prev);
    let change = 0;
    for (let i = 0; i < n; i++) {
      p[i] = solveP(i, prev);
      change = Math.max(change, Math.abs(p[i]! - prev[i]!));
    }
    if (change < 1e-12 * pMax) break;
  }
  outOfRange.clear();
  spread = floorSum(die.heaters, p);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = solveP(i, p);
    codes[i] = Math.max(0, Math.min(cm, Math.round(cm * Math.sqrt(x / pMax))));
  }
  const err = (phi: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(wrapSigned(phi[i]! - targets[i]!)));
    return m;
  };
  // Coordinate passes on the quantized codes: each heater re-solved against its neighbours' codes.
  if (compensate) {
    for (let pass = 0; pass < 3; pass++) {
      const pq = heaterPowers(die, codes);
      spread = floorSum(die.heaters, pq);
      for (let i = 0; i < n; i++) codes[i] = Math.max(0, Math.min(cm, Math.round(cm * Math.sqrt(solveP(i, pq) / pMax))));
    }
  }
  // The error is on the die model as given (with its crosstalk, also when it was not compensated).
  return { codes, maxErrorRad: err(realizedPhases(die, codes)), outOfRange: [...outOfRange].sort((a, b) => a - b) };
}

export const wrapSigned = (x: number): number => {
  const w = wrapPhase(x);
  return w > Math.PI ? w - TWO_PI : w;
};
