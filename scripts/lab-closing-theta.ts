// What the closing rounds' θ reads do on one die (docs/design/calibration.md §10.3, the per-entry θ
// round): per pass and stage, each θ's true miss at the programmed codes (true − estimated realized
// phase) against the move its dither asks (LabSession.closingFits, the fit the session then absorbs),
// and which dithers move nothing and why (closing-fit.ts: "dark", no light predicted at the dump;
// "nonlinear"; "noisy", a standard error over 20 mrad); at each closing phase round, per stage, how
// many φ dithers moved and why the others did not. The session runs as in the studies.
//
//   npx tsx scripts/lab-closing-theta.ts <compile-out-dir> --cell add0 --die 0 [--departure crosstalk] [--points 40] [--closing-per-entry] [--lab-seed 7] [--verbose]
import { realizedPhases, wrapSigned } from "../netlist/die/heaters.ts";
import { scriptSession } from "./lab-script-session.ts";

const args = process.argv.slice(2);
const { design, d, departures, die, session, bench } = scriptSession(args, "add0");
const verbose = args.includes("--verbose");

const mrad = (x: number): string => (1000 * x).toFixed(0);
const rms = (xs: number[]): number => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / Math.max(1, xs.length));

console.log(`${design.name} die ${d} (${departures.join(", ") || "nominal"})`);
while (!session.done) {
  const round = session.nextRound();
  const readings = bench.run(round.steps);
  const pass = session.plan[round.index]!.close;
  if (pass !== undefined && round.kind === "theta") {
    const codes = session.programCodes().codes;
    const est = realizedPhases(session.estimatedDie, codes);
    const tru = realizedPhases(die, codes);
    const miss = (h: number): number => wrapSigned(tru[h]! - est[h]!);
    const fits = session.closingFits(round, readings);
    console.log(`closing pass ${pass}, θ round:`);
    for (const stage of session.struct.stages) {
      const mine = fits.filter((f) => session.struct.entries[f.entry]!.part === stage.part);
      const unread = stage.entries.filter((e) => !mine.some((f) => f.entry === e));
      const used = mine.filter((f) => f.refused === null);
      const after = used.map((f) => miss(f.heater) - f.delta!);
      const opposite = used.filter((f) => Math.sign(f.delta!) !== Math.sign(miss(f.heater)) && Math.abs(miss(f.heater)) > 0.01);
      const refused = (why: string): string => {
        const r = mine.filter((f) => f.refused === why);
        if (r.length === 0) return `${why} 0`;
        const ms = r.map((f) => Math.abs(miss(f.heater)));
        return `${why} ${r.length} (|miss| ${mrad(Math.min(...ms))}–${mrad(Math.max(...ms))} mrad)`;
      };
      console.log(
        `  ${stage.part}: ${stage.entries.length} θ; moved ${used.length}${used.length ? ` (miss RMS ${mrad(rms(used.map((f) => miss(f.heater))))} → ${mrad(rms(after))} mrad after the move, ${opposite.length} the wrong way)` : ""}; refused: ${refused("dark")}, ${refused("noisy")}, ${refused("nonlinear")}; not dithered ${unread.length}${unread.length ? ` (|miss| RMS ${mrad(rms(unread.map((e) => miss(session.struct.entries[e]!.theta))))} mrad)` : ""}`,
      );
      if (verbose)
        for (const f of mine)
          console.log(
            `    ${session.struct.entries[f.entry]!.name}: miss ${mrad(miss(f.heater))}, move ${f.delta === null ? "—" : mrad(f.delta)} ± ${f.deltaSe === null ? "—" : mrad(f.deltaSe)} mrad${f.refused ? ` (${f.refused})` : ""}`,
          );
    }
  }
  if (pass !== undefined && round.kind === "phase") {
    const fits = session.closingFits(round, readings);
    console.log(`closing pass ${pass}, phase round (anchored φ against their row's reference):`);
    for (const stage of session.struct.stages) {
      const mine = fits.filter((f) => session.struct.entries[f.entry]!.part === stage.part);
      const count = (why: string | null): number => mine.filter((f) => f.refused === why).length;
      const used = mine.filter((f) => f.refused === null);
      const moves = used.map((f) => Math.abs(f.delta!));
      console.log(
        `  ${stage.part}: ${stage.entries.length} entries; moved ${used.length}${used.length ? ` (largest ${mrad(Math.max(...moves))} mrad)` : ""}; refused: dark ${count("dark")}, noisy ${count("noisy")}, nonlinear ${count("nonlinear")}; not dithered ${stage.entries.length - mine.length}`,
      );
    }
  }
  session.absorb(round, readings);
}
const last = session.acceptance;
console.log(`acceptance: ${last?.pass ? "passed" : "refused"}`);
