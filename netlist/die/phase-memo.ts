// Realized phases (heaters.ts) without recomputing what did not move: a calibration evaluates
// thousands of settings of one die, each a few codes away from the one before, and the crosstalk
// sum dominates each (about 25 couplings per heater). The last setting per heater list is kept;
// a heater is recomputed when its own code or law moved or an aggressor's code moved, each in full
// and in list order, as the full pass (phasesInFull) sums it, so the phases are the same to the bit
// (tests/netlist/phase-memo.test.ts).

/** What of a die (heaters.ts FabDie) the phases depend on. */
type Law = { offsetRad: number; radPerMw: number; betaPerMw?: number };
type Crosstalk = { victim: number; aggressor: number; radPerMw: number };
type Die = { drive: { bits: number; pMaxMw: number }; heaters: Law[]; crosstalk: Crosstalk[]; crosstalkFloor?: number };

/** A crosstalk list as typed arrays; per victim its entries in list order, per aggressor its victims (built on first use). */
export interface Packed {
  victim: Int32Array;
  aggressor: Int32Array;
  rate: Float64Array;
  /** Per victim (from `start[v]` to `start[v + 1]`): its couplings' rates and aggressors, in list order. */
  csr?: {
    n: number;
    start: Int32Array;
    rate: Float64Array;
    aggressor: Int32Array;
    victims: { start: Int32Array; list: Int32Array };
  };
}

const packs = new WeakMap<Crosstalk[], Packed>();

/** Crosstalk lists as typed arrays, once per list (a calibration evaluates thousands of settings). */
export function packed(list: Crosstalk[]): Packed {
  let x = packs.get(list);
  if (!x || x.victim.length !== list.length) {
    x = {
      victim: Int32Array.from(list, (c) => c.victim),
      aggressor: Int32Array.from(list, (c) => c.aggressor),
      rate: Float64Array.from(list, (c) => c.radPerMw),
    };
    packs.set(list, x);
  }
  return x;
}

function csr(x: Packed, n: number): NonNullable<Packed["csr"]> {
  if (x.csr?.n === n) return x.csr;
  const bucket = (key: Int32Array, value: (k: number) => number): { start: Int32Array; list: Int32Array } => {
    const start = new Int32Array(n + 1);
    for (const v of key) start[v + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const at = start.slice(0, n);
    const list = new Int32Array(key.length);
    key.forEach((v, k) => (list[at[v]!++] = value(k)));
    return { start, list };
  };
  const byVictim = bucket(x.victim, (k) => k);
  const order = byVictim.list;
  // Rates and aggressors in victim order: a victim's sum reads them contiguously, in the same order.
  x.csr = {
    n,
    start: byVictim.start,
    rate: Float64Array.from(order, (k) => x.rate[k]!),
    aggressor: Int32Array.from(order, (k) => x.aggressor[k]!),
    victims: bucket(x.aggressor, (k) => x.victim[k]!),
  };
  return x.csr;
}

interface Memo {
  pack: Packed;
  pMax: number;
  bits: number;
  codes: Float64Array;
  p: Float64Array;
  phi: Float64Array;
  offset: Float64Array;
  eta: Float64Array;
  beta: Float64Array;
  mark: Uint8Array;
  /** Scratch: the heaters that moved, and the ones to recompute. */
  moved: Int32Array;
  redo: Int32Array;
}

const memos = new WeakMap<object, Memo>();

/** More heaters moved than this: a full recompute is as cheap. */
const FEW = 24;

/** Keep a full computation's powers and phases (copies) for the next call on the same heater list, in place when it has one. */
export function remember(die: Die, pack: Packed, codes: ArrayLike<number>, p: Float64Array, phi: Float64Array): void {
  const n = die.heaters.length;
  // A code list of another length never reads the memo back (fromMemo): keep none.
  if (codes.length !== n) {
    memos.delete(die.heaters);
    return;
  }
  let m = memos.get(die.heaters);
  if (!m || m.codes.length !== n) {
    const f = (): Float64Array => new Float64Array(n);
    const [mark, moved, redo] = [new Uint8Array(n), new Int32Array(FEW), new Int32Array(n)];
    m = { pack, pMax: 0, bits: 0, codes: f(), p: f(), phi: f(), offset: f(), eta: f(), beta: f(), mark, moved, redo };
    memos.set(die.heaters, m);
  }
  m.pack = pack;
  m.pMax = die.drive.pMaxMw;
  m.bits = die.drive.bits;
  m.codes.set(codes);
  m.p.set(p);
  m.phi.set(phi);
  for (let i = 0; i < n; i++) {
    const h = die.heaters[i]!;
    m.offset[i] = h.offsetRad;
    m.eta[i] = h.radPerMw;
    m.beta[i] = h.betaPerMw ?? 0;
  }
}

/**
 * The phases at `codes` from the last setting when few heaters moved (the memo follows), with the
 * heater powers (the memo's own: read them, do not keep them); null: compute in full.
 */
export function fromMemo(die: Die, pack: Packed, codes: ArrayLike<number>): { phi: Float64Array; p: Float64Array } | null {
  const m = memos.get(die.heaters);
  const n = die.heaters.length;
  if (!m || m.pack !== pack || m.pMax !== die.drive.pMaxMw || m.bits !== die.drive.bits || codes.length !== n || m.codes.length !== n)
    return null;
  const { codes: was, offset, eta, beta, moved, redo, mark, p } = m;
  const heaters = die.heaters;
  let nMoved = 0;
  for (let i = 0; i < n; i++) {
    const h = heaters[i]!;
    if (codes[i]! !== was[i] || h.offsetRad !== offset[i] || h.radPerMw !== eta[i] || (h.betaPerMw ?? 0) !== beta[i]) {
      if (nMoved === FEW) return null;
      moved[nMoved++] = i;
    }
  }
  const cm = 2 ** m.bits - 1;
  const { start, rate, aggressor, victims } = csr(pack, n);
  let nRedo = 0;
  for (let k = 0; k < nMoved; k++) {
    const i = moved[k]!;
    const h = heaters[i]!;
    if (codes[i]! !== was[i]) {
      was[i] = codes[i]!;
      p[i] = m.pMax * (codes[i]! / cm) ** 2;
      for (let j = victims.start[i]!; j < victims.start[i + 1]!; j++) {
        const v = victims.list[j]!;
        if (mark[v]) continue;
        mark[v] = 1;
        redo[nRedo++] = v;
      }
    }
    offset[i] = h.offsetRad;
    eta[i] = h.radPerMw;
    beta[i] = h.betaPerMw ?? 0;
    if (!mark[i]) {
      mark[i] = 1;
      redo[nRedo++] = i;
    }
  }
  for (let k = 0; k < nRedo; k++) {
    const v = redo[k]!;
    mark[v] = 0;
    const h = heaters[v]!;
    let phi = h.offsetRad + h.radPerMw * p[v]! * (1 + (h.betaPerMw ?? 0) * p[v]!);
    for (let j = start[v]!; j < start[v + 1]!; j++) phi += rate[j]! * p[aggressor[j]!]!;
    m.phi[v] = phi;
  }
  return { phi: m.phi.slice(), p };
}

/**
 * Every heater's phase without the floor, from its powers `p`: per victim its own law, then its
 * couplings in list order, read contiguously (fromMemo recomputes a victim the same way, so the two
 * agree to the bit).
 */
export function phasesInFull(die: Die, pack: Packed, p: Float64Array): Float64Array {
  const n = die.heaters.length;
  const { start, rate, aggressor } = csr(pack, n);
  const phi = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const h = die.heaters[v]!;
    let f = h.offsetRad + h.radPerMw * p[v]! * (1 + (h.betaPerMw ?? 0) * p[v]!);
    for (let j = start[v]!; j < start[v + 1]!; j++) f += rate[j]! * p[aggressor[j]!]!;
    phi[v] = f;
  }
  return phi;
}

/** realizedPhases(die, codes)[h] with heater h's own code `own` instead, without the other heaters' phases. */
export function realizedPhaseOf(die: Die, codes: ArrayLike<number>, h: number, own: number): number {
  const cm = 2 ** die.drive.bits - 1;
  const pMax = die.drive.pMaxMw;
  const x = packed(die.crosstalk);
  const { start, rate, aggressor } = csr(x, die.heaters.length);
  const heater = die.heaters[h]!;
  const ph = pMax * (own / cm) ** 2;
  let phi = heater.offsetRad + heater.radPerMw * ph * (1 + (heater.betaPerMw ?? 0) * ph);
  for (let j = start[h]!; j < start[h + 1]!; j++) {
    const a = aggressor[j]!;
    phi += rate[j]! * (pMax * ((a === h ? own : codes[a]!) / cm) ** 2);
  }
  const floor = die.crosstalkFloor ?? 0;
  if (floor !== 0)
    for (let j = 0; j < die.heaters.length; j++) if (j !== h) phi += floor * die.heaters[j]!.radPerMw * (pMax * (codes[j]! / cm) ** 2);
  return phi;
}
