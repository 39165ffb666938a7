// The chip's two edges on the network, with the link's standard optics (dsl/technology.ts
// LinkOptics): each worker's transmitter reaches an ingress receiver, and each result lane's
// transmitter is split 1:k to k workers' receivers. Both are budgets in OMA (optical modulation
// amplitude, dBm), as IEEE 802.3 specifies PAM-4 optics (docs/design/power-budget.md §5):
//
//   received OMA = transmitter OMA − k-way split − channel loss (connectors + fibre)
//   margin       = received OMA − receiver sensitivity (OMA at the FEC threshold)
//
// A split of k = 2^m costs 10·log10(k) dB plus m levels of 1:2 excess. Where no split closes
// (k = 1), the broadcast is an electrical fan-out: one transmitter per worker per result lane.
import type { LinkOptics } from "../../dsl/technology.ts";

/** Loss between a transmitter and a receiver, dB: the mated connector pairs and the fibre. */
export function channelLossDb(o: LinkOptics): number {
  return o.connectors * o.connectorLossDb + o.fibreKm * o.fibreDbPerKm;
}

/** One point-to-point hop: the OMA at the receiver and its margin over the sensitivity, dB. */
export interface HopBudget {
  receivedOmaDbm: number;
  sensitivityOmaDbm: number;
  marginDb: number;
  closes: boolean;
}

/** A worker's transmitter into one ingress receiver (or, with a split, into each of k receivers). */
export function hopBudget(o: LinkOptics, splitDb = 0): HopBudget {
  const receivedOmaDbm = o.txOmaDbm - splitDb - channelLossDb(o);
  const marginDb = receivedOmaDbm - o.rxSensitivityOmaDbm;
  return { receivedOmaDbm, sensitivityOmaDbm: o.rxSensitivityOmaDbm, marginDb, closes: marginDb >= 0 };
}

/** Loss of a 1:2^m split tree, dB: the division plus m levels' excess. */
export const splitLossDb = (levels: number, excessDb: number): number => levels * (10 * Math.log10(2) + excessDb);

/** The broadcast of one result lane to `workers` receivers. */
export interface BroadcastPlan extends HopBudget {
  /** Workers one transmitter reaches through its split (1: electrical fan-out). */
  fanout: number;
  /** Transmitters per result lane: ⌈workers / fanout⌉. */
  transmitters: number;
}

/**
 * The widest power-of-two split (at most `workers`) whose every receiver still gets its
 * sensitivity; k = 1 when none does, and then `closes` says whether even one hop does.
 */
export function broadcastPlan(o: LinkOptics, splitExcessDb: number, workers: number): BroadcastPlan {
  let m = 0;
  while (2 ** (m + 1) <= workers && hopBudget(o, splitLossDb(m + 1, splitExcessDb)).closes) m++;
  const fanout = 2 ** m;
  return { ...hopBudget(o, splitLossDb(m, splitExcessDb)), fanout, transmitters: Math.ceil(workers / fanout) };
}
