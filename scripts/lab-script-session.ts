// The session a one-die lab script follows (scripts/lab-rounds.ts, lab-gate-check.ts,
// lab-closing-theta.ts): its compile directory, --cell, --die, --departure, --lab-seed and the setup
// flags of lab-setup-args.ts read from the arguments, the die drawn and the simulated lab seeded as
// the studies do (lab-study-core.ts; the lab seed 7 + die unless --lab-seed says otherwise).
import { labSession, simulatedLab } from "../pipeline/calibrate/from-readings.ts";
import { cellDesigns } from "./fab-study-core.ts";
import { setupFromArgs } from "./lab-setup-args.ts";
import { studyDie } from "./lab-study-core.ts";

export function scriptSession(args: readonly string[], defaultCell: string) {
  const flag = (n: string, d: string): string => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
  const cell = flag("cell", defaultCell);
  const design = cellDesigns(args[0]!).find((x) => x.name.endsWith(cell));
  if (!design) throw new Error(`no cell design ending in ${cell} in ${args[0]}`);
  const d = Number(flag("die", "0"));
  const departures = flag("departure", "crosstalk").split(",").filter(Boolean);
  const die = studyDie(design.circuit, design.name, d, departures);
  const session = labSession(design.circuit, design.table, setupFromArgs(args));
  const bench = simulatedLab(session, die, Number(flag("lab-seed", String(7 + d))));
  return { flag, design, d, departures, die, session, bench };
}
