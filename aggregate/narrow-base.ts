// A narrower base inside: the link carries PAM-L symbols, the closed-form cells compute in base
// L' with L = L'^g (16 = 4² = 2⁴, 8 = 2³). Wide cells add N digits of up to L − 1 each, so their
// integers v, and the decisions every relative bias error ε moves by ε·v, grow with L; in base L'
// the same arithmetic runs on integers about g times narrower per digit and g times more digits.
//
// The conversion is exact and needs no arithmetic: base-L digit k of a code is Σ_j L'^j · d_{gk+j}
// with d the code's base-L' digits, so
//   ingress  one O-E-O stage per worker: each link symbol k is detected (L − 1 thresholds) and
//            re-sent as g inner symbols, sub-digit j (least significant first) at inner position
//            g·k + j: g modulators per worker digit;
//   egress   the result cells' detected digits, g at a time, drive one PAM-L modulator each
//            (an O-E-O re-modulation: link symbol k = Σ_j L'^j · result digit g·k + j).
// Both are counted in the structure cost (pipeline/compile/structure-cost.ts): one O-E-O hop
// each on the critical path, and their modulators. Between cascade levels digits stay in base L'.
// The chip file records the link's base as `linkLevels` (docs/reference/chip-files.md §4a).
import type { Spec } from "../dsl/spec.ts";

/** Sub-digits per link symbol: g with linkLevels = innerLevels^g, or an error when there is none. */
export function subDigits(linkLevels: number, innerLevels: number): number {
  const g = Math.log2(linkLevels) / Math.log2(innerLevels);
  if (!(Number.isInteger(g) && g >= 1 && innerLevels >= 2))
    throw new Error(`PAM-${linkLevels} is not a power of PAM-${innerLevels}: no inner base conversion`);
  return g;
}

/** The narrower bases a link base can compute in (PAM-4 → 2; PAM-8 → 2; PAM-16 → 4, 2); none for PAM-2. */
export function narrowerBases(linkLevels: number): number[] {
  if (linkLevels < 4) return [];
  return [4, 2].filter((b) => b < linkLevels && Number.isInteger(Math.log2(linkLevels) / Math.log2(b)));
}

/** The base the cells compute in. */
export function innerLevelsOf(spec: Pick<Spec, "levels" | "innerLevels">): number {
  return spec.innerLevels ?? spec.levels;
}

/**
 * Ingress: link symbols (base linkLevels, least significant first) → inner symbols, each link
 * symbol k becoming g sub-digits at positions g·k … g·k + g − 1, least significant first.
 */
export function splitLinkDigits(link: ArrayLike<number>, linkLevels: number, innerLevels: number, out?: Int32Array, at = 0): Int32Array {
  const g = subDigits(linkLevels, innerLevels);
  const res = out ?? new Int32Array(link.length * g);
  for (let k = 0; k < link.length; k++) {
    let s = link[k]!;
    if (!(Number.isInteger(s) && s >= 0 && s < linkLevels)) throw new Error(`link symbol ${s} is not a PAM-${linkLevels} level`);
    for (let j = 0; j < g; j++, s = Math.floor(s / innerLevels)) res[at + g * k + j] = s % innerLevels;
  }
  return res;
}

/** Egress: inner result digits (a multiple of g, least significant first) → link symbols. */
export function mergeInnerDigits(inner: ArrayLike<number>, linkLevels: number, innerLevels: number): number[] {
  const g = subDigits(linkLevels, innerLevels);
  if (inner.length % g !== 0) throw new Error(`${inner.length} inner digits do not fill whole PAM-${linkLevels} symbols (${g} each)`);
  const out: number[] = [];
  for (let k = 0; k < inner.length / g; k++) {
    let s = 0;
    for (let j = g - 1; j >= 0; j--) s = s * innerLevels + inner[g * k + j]!;
    out.push(s);
  }
  return out;
}

/** What the link ↔ inner-base conversion costs (one aggregator; the structure cost and the report add it). */
export interface ConversionCost {
  linkLevels: number;
  innerLevels: number;
  /** Inner symbols per link symbol (g). */
  subDigits: number;
  /** PAM-L receivers at ingress: one per worker link symbol. */
  ingressReceivers: number;
  /** PAM-L' modulators at ingress: g per worker link symbol. */
  ingressModulators: number;
  /** PAM-L modulators at egress: one per result link symbol, each driven by g detected result digits. */
  egressModulators: number;
  /** O-E-O stages the conversion adds to the critical path: ingress and egress re-modulation. */
  oeoHops: number;
}

/** The conversion of a spec whose cells compute in a narrower base, or null when there is none. */
export function conversionCost(spec: Pick<Spec, "levels" | "innerLevels" | "workers" | "precision">): ConversionCost | null {
  const inner = innerLevelsOf(spec);
  if (inner === spec.levels) return null;
  const g = subDigits(spec.levels, inner);
  const linkDigits = Math.round(spec.precision / Math.log2(spec.levels));
  return {
    linkLevels: spec.levels,
    innerLevels: inner,
    subDigits: g,
    ingressReceivers: spec.workers * linkDigits,
    ingressModulators: spec.workers * linkDigits * g,
    egressModulators: linkDigits,
    oeoHops: 2,
  };
}
