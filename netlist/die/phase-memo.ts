// Realized phases (heaters.ts) without recomputing what did not move: a calibration evaluates
// thousands of settings of one die, each a few codes away from the one before, and the crosstalk
// sum dominates each (about 25 couplings per heater, every other heater on a die whose crosstalk
// departs: 254). The last setting per heater list is kept; a heater is recomputed when its own code
// or law moved or an aggressor's code moved, in the order the full pass (phasesInFull) sums it, so
// the phases are the same to the bit (tests/netlist/phase-memo.test.ts). That order: the heater's
// own law and its first SUM_BLOCK couplings in list order, then each further block of SUM_BLOCK
// couplings summed alone and added in turn; so on a dense die one aggressor's move redoes one
// block per victim, not every coupling (a heater with at most SUM_BLOCK couplings is one sum in
// list order).

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
    /** The victim of each coupling, in victim order. */
    victimAt: Int32Array;
    /** Per aggressor: the victim-order positions of its couplings. */
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
  const at = new Int32Array(order.length);
  order.forEach((k, j) => (at[k] = j));
  // Rates and aggressors in victim order: a victim's sum reads them contiguously, in the same order.
  x.csr = {
    n,
    start: byVictim.start,
    rate: Float64Array.from(order, (k) => x.rate[k]!),
    aggressor: Int32Array.from(order, (k) => x.aggressor[k]!),
    victimAt: Int32Array.from(order, (k) => x.victim[k]!),
    victims: bucket(x.aggressor, (k) => at[k]!),
  };
  return x.csr;
}

/** Couplings summed one by one onto a heater's own phase; each further block of this many is summed alone. */
export const SUM_BLOCK = 64;

type Csr = NonNullable<Packed["csr"]>;

/** A heater's own law at power p. */
const ownLaw = (h: Law, p: number): number => h.offsetRad + h.radPerMw * p * (1 + (h.betaPerMw ?? 0) * p);

/** Heater v's own law and first block of couplings, in list order. */
function headOf(h: Law, v: number, c: Csr, p: Float64Array): number {
  let acc = ownLaw(h, p[v]!);
  const end = Math.min(c.start[v]! + SUM_BLOCK, c.start[v + 1]!);
  for (let j = c.start[v]!; j < end; j++) acc += c.rate[j]! * p[c.aggressor[j]!]!;
  return acc;
}

/** The block of couplings from victim-order position b (a block's first), summed alone. */
function blockOf(b: number, end: number, c: Csr, p: Float64Array): number {
  let s = 0;
  const e = Math.min(b + SUM_BLOCK, end);
  for (let j = b; j < e; j++) s += c.rate[j]! * p[c.aggressor[j]!]!;
  return s;
}

/** Heater v's phase from its head and its blocks' sums (kept at each block's first position), in order. */
function fromBlocks(v: number, c: Csr, head: Float64Array, bsum: Float64Array): number {
  let acc = head[v]!;
  for (let b = c.start[v]! + SUM_BLOCK; b < c.start[v + 1]!; b += SUM_BLOCK) acc += bsum[b]!;
  return acc;
}

/** The victim-order position where the block holding position j starts; -1: j is in its victim's head. */
function blockStart(j: number, v: number, c: Csr): number {
  const k = j - c.start[v]!;
  return k < SUM_BLOCK ? -1 : c.start[v]! + k - (k % SUM_BLOCK);
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
  /** Per heater its head (own law and first block); per block, at its first position, its sum. */
  head: Float64Array;
  bsum: Float64Array;
  mark: Uint8Array;
  /** Scratch: heads (marked in `mark`) and blocks (in `blockMark`) to recompute. */
  blockMark: Uint8Array;
  moved: Int32Array;
  redo: Int32Array;
  blocks: Int32Array;
}

const memos = new WeakMap<object, Memo>();

/** More heaters moved than this: a full recompute is as cheap. */
const FEW = 24;

/** Keep a full computation's powers, phases and partial sums (copies) for the next call on the same heater list, in place when it has one. */
export function remember(die: Die, pack: Packed, codes: ArrayLike<number>, p: Float64Array, phi: Float64Array, sums: Sums): void {
  const n = die.heaters.length;
  // A code list of another length never reads the memo back (fromMemo): keep none.
  if (codes.length !== n) {
    memos.delete(die.heaters);
    return;
  }
  const nc = pack.rate.length;
  let m = memos.get(die.heaters);
  if (!m || m.codes.length !== n || m.bsum.length !== nc) {
    const f = (): Float64Array => new Float64Array(n);
    const [mark, moved, redo] = [new Uint8Array(n), new Int32Array(FEW), new Int32Array(n)];
    const [bsum, blockMark, blocks] = [new Float64Array(nc), new Uint8Array(nc), new Int32Array(nc)];
    m = {
      pack,
      pMax: 0,
      bits: 0,
      codes: f(),
      p: f(),
      phi: f(),
      offset: f(),
      eta: f(),
      beta: f(),
      head: f(),
      bsum,
      mark,
      blockMark,
      moved,
      redo,
      blocks,
    };
    memos.set(die.heaters, m);
  }
  m.head.set(sums.head);
  m.bsum.set(sums.bsum);
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
  const c = csr(pack, n);
  const { victims, victimAt } = c;
  const { head, bsum, blockMark, blocks } = m;
  let nRedo = 0;
  let nBlocks = 0;
  // mark: 1, the heater's head is summed again; 2, only its blocks' sums are added again
  const redoHead = (v: number): void => {
    if (mark[v] === 1) return;
    if (!mark[v]) redo[nRedo++] = v;
    mark[v] = 1;
  };
  for (let k = 0; k < nMoved; k++) {
    const i = moved[k]!;
    const h = heaters[i]!;
    if (codes[i]! !== was[i]) {
      was[i] = codes[i]!;
      p[i] = m.pMax * (codes[i]! / cm) ** 2;
      // Each coupling i drives: its victim's head, or the block that holds it.
      for (let j = victims.start[i]!; j < victims.start[i + 1]!; j++) {
        const pos = victims.list[j]!;
        const v = victimAt[pos]!;
        const b = blockStart(pos, v, c);
        if (b < 0) redoHead(v);
        else {
          if (!blockMark[b]) {
            blockMark[b] = 1;
            blocks[nBlocks++] = b;
          }
          // the victim is summed again from its blocks (its head stays unless marked)
          if (!mark[v]) {
            mark[v] = 2;
            redo[nRedo++] = v;
          }
        }
      }
    }
    offset[i] = h.offsetRad;
    eta[i] = h.radPerMw;
    beta[i] = h.betaPerMw ?? 0;
    redoHead(i);
  }
  for (let k = 0; k < nBlocks; k++) {
    const b = blocks[k]!;
    blockMark[b] = 0;
    bsum[b] = blockOf(b, c.start[victimAt[b]! + 1]!, c, p);
  }
  for (let k = 0; k < nRedo; k++) {
    const v = redo[k]!;
    if (mark[v] === 1) head[v] = headOf(heaters[v]!, v, c, p);
    mark[v] = 0;
    m.phi[v] = fromBlocks(v, c, head, bsum);
  }
  return { phi: m.phi.slice(), p };
}

/** A full pass's partial sums, what the memo keeps: per heater its head, per block its sum. */
export interface Sums {
  head: Float64Array;
  bsum: Float64Array;
}

/**
 * Every heater's phase without the floor, from its powers `p`: per victim its own law and first
 * block of couplings in list order, then each further block summed alone and added in turn (fromMemo
 * recomputes a victim the same way, so the two agree to the bit), with the partial sums.
 */
export function phasesInFull(die: Die, pack: Packed, p: Float64Array): { phi: Float64Array; sums: Sums } {
  const n = die.heaters.length;
  const c = csr(pack, n);
  const phi = new Float64Array(n);
  const sums: Sums = { head: new Float64Array(n), bsum: new Float64Array(pack.rate.length) };
  for (let v = 0; v < n; v++) {
    sums.head[v] = headOf(die.heaters[v]!, v, c, p);
    for (let b = c.start[v]! + SUM_BLOCK; b < c.start[v + 1]!; b += SUM_BLOCK) sums.bsum[b] = blockOf(b, c.start[v + 1]!, c, p);
    phi[v] = fromBlocks(v, c, sums.head, sums.bsum);
  }
  return { phi, sums };
}

/** realizedPhases(die, codes)[h] with heater h's own code `own` instead, without the other heaters' phases. */
export function realizedPhaseOf(die: Die, codes: ArrayLike<number>, h: number, own: number): number {
  const cm = 2 ** die.drive.bits - 1;
  const pMax = die.drive.pMaxMw;
  const x = packed(die.crosstalk);
  const { start, rate, aggressor } = csr(x, die.heaters.length);
  const heater = die.heaters[h]!;
  const power = (a: number): number => pMax * ((a === h ? own : codes[a]!) / cm) ** 2;
  // the order of phasesInFull: the head in list order, then each block summed alone
  let phi = ownLaw(heater, power(h));
  const end = start[h + 1]!;
  const e0 = Math.min(start[h]! + SUM_BLOCK, end);
  for (let j = start[h]!; j < e0; j++) phi += rate[j]! * power(aggressor[j]!);
  for (let b = e0; b < end; b += SUM_BLOCK) {
    let s = 0;
    for (let j = b; j < Math.min(b + SUM_BLOCK, end); j++) s += rate[j]! * power(aggressor[j]!);
    phi += s;
  }
  const floor = die.crosstalkFloor ?? 0;
  if (floor !== 0)
    for (let j = 0; j < die.heaters.length; j++) if (j !== h) phi += floor * die.heaters[j]!.radPerMw * (pMax * (codes[j]! / cm) ** 2);
  return phi;
}
