// Protocol settings other than the defaults, from a study script's arguments (the ablations the
// studies of docs/studies/calibration.md §6 measure): --points <n> (readings per fringe sweep, default 40),
// --closing-per-entry (LabSetup.closingPerEntry), --no-closing (LabSetup.closing = false: no
// closing rounds after a refusal), --no-closing-isolate (LabSetup.closingIsolate = false: the closing
// φ round lit by a spread subset of the acceptance inputs, as before), --no-trips (LabSetup.trips =
// false: no trip round after the closing passes), --no-phi-partner (LabSetup.phiPartner = false: a φ
// pair's aggressor near the partner alone read onto the victim, as before), --no-level-trim (LabSetup.levelTrim = false: no receiver trim
// after a refusal) and --signed-law (LabSetup.lawMagnitude = false: the crosstalk law
// fitted to the pairs read positive only, the rule before docs/design/calibration.md §8.3's "A law from pairs of either sign") and
// --no-floor (LabSetup.crosstalkFloor = false: no floor probe, no chip-wide floor modelled) and
// --dark-meters (LabSetup.brightMeters = false: unread meters predicted where the estimate puts them),
// --pair-kappa <κ> (LabSetup.pairKappa: the pairs' reach, by default 0.005 and after a departure from
// the law 0.001 for θ and 0.002 for φ victims), --phi-pairs and --no-phi-pairs (LabSetup.phiPairs:
// φ victims read pair by pair always, or never; by default once the pairs depart from the law) and
// --no-law-departure (LabSetup.lawDeparture = false: the law alone, no departure seen) and
// --through-monitors <n> (LabSetup.throughMonitors: the most monitors a through sweep reads, 0 all;
// by default 1 after a departure, else all) and --no-ladder (LabSetup.ladder = false: no ladder round
// after the closing passes).
import type { LabSetup } from "../compiler/calibrate/lab/rounds.ts";

export function setupFromArgs(args: readonly string[]): Partial<LabSetup> {
  const setup: Partial<LabSetup> = {};
  const at = args.indexOf("--points");
  if (at >= 0) {
    const n = Number(args[at + 1]);
    if (!Number.isInteger(n) || n < 8)
      throw new Error(`--points takes a whole number of readings per sweep, at least 8 (got ${args[at + 1]})`);
    setup.points = n;
  }
  if (args.includes("--closing-per-entry")) setup.closingPerEntry = true;
  if (args.includes("--no-closing")) setup.closing = false;
  if (args.includes("--no-closing-isolate")) setup.closingIsolate = false;
  if (args.includes("--no-trips")) setup.trips = false;
  if (args.includes("--no-ladder")) setup.ladder = false;
  if (args.includes("--no-phi-partner")) setup.phiPartner = false;
  if (args.includes("--no-level-trim")) setup.levelTrim = false;
  if (args.includes("--signed-law")) setup.lawMagnitude = false;
  if (args.includes("--no-floor")) setup.crosstalkFloor = false;
  if (args.includes("--dark-meters")) setup.brightMeters = false;
  if (args.includes("--phi-pairs")) setup.phiPairs = true;
  if (args.includes("--no-phi-pairs")) setup.phiPairs = false;
  if (args.includes("--no-law-departure")) setup.lawDeparture = false;
  const kappa = args.indexOf("--pair-kappa");
  if (kappa >= 0) {
    const k = Number(args[kappa + 1]);
    if (!(k > 0 && k < 1)) throw new Error(`--pair-kappa takes a fraction in (0, 1) (got ${args[kappa + 1]})`);
    setup.pairKappa = k;
  }
  const through = args.indexOf("--through-monitors");
  if (through >= 0) {
    const n = Number(args[through + 1]);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--through-monitors takes a whole number of monitors, 0 for all (got ${args[through + 1]})`);
    setup.throughMonitors = n;
  }
  return setup;
}
