// Energy of one all-reduce, in the units of docs/design/energy.md §4: every bit a rank sends crosses
// links (a Tx half and an Rx half each, one module's figure) and, on a packet fabric, switch-ASIC
// passes; OptINC's bits cross a link to the chip and one back, and the chip's own energy per input
// bit takes the switch's place. Reduction compute at the endpoints is not priced (its time is).
import type { ModelInputs } from "./params.ts";
import type { ModelEnergy, ModelResult } from "./result.ts";

/** Per sent bit: links crossed and switch passes, by the kind of fabric. */
function pathOf(r: ModelResult): { traversals: number; switchPasses: number; chip: boolean } {
  const passes = typeof r.notes.switch_passes === "number" ? r.notes.switch_passes : 1;
  switch (r.kind) {
    // NIC → switch(es) → NIC.
    case "electrical-endpoint":
      return { traversals: passes + 1, switchPasses: passes, chip: false };
    // Each rank's M up through the switch that reduces it, and the result down: per input bit.
    case "electrical-in-network":
      return { traversals: 2, switchPasses: 1, chip: false };
    // A lightpath: one Tx, one Rx; the optical switching is passive.
    case "optical-endpoint":
      return { traversals: 1, switchPasses: 0, chip: false };
    // Worker → chip and chip → worker; the chip in the switch's place.
    case "optical-in-network":
      return { traversals: 2, switchPasses: 0, chip: true };
  }
}

export function modelEnergy(r: ModelResult, p: ModelInputs): ModelEnergy {
  const bytes = r.notes.bytes_per_worker;
  if (typeof bytes !== "number") throw new Error(`internal: model ${r.name} states no bytes_per_worker`);
  const bitsSent = bytes * 8 * p.workers;
  const path = pathOf(r);
  const chipPj = path.chip ? p.optincChipPjPerBit : 0;
  const terms = {
    links_J: bitsSent * path.traversals * p.linkPjPerBit * 1e-12,
    switching_J: bitsSent * path.switchPasses * p.switchPjPerBit * 1e-12,
    aggregator_J: bitsSent * chipPj * 1e-12,
  };
  return {
    joules: terms.links_J + terms.switching_J + terms.aggregator_J,
    terms,
    bitsSent,
    perBit: { traversals: path.traversals, switchPasses: path.switchPasses, chipPj },
  };
}
