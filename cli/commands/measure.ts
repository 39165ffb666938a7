// optinc measure <out-dir> --die die.json [--cell D] [--seed S] [--protocol p.json] [--readings
// previous.json] -o readings.json: the simulated lab (fab/lab-bench.ts). It runs the protocol on a
// fabricated die (optinc.die/2) with its every imperfection and writes readings only
// (optinc.readings/1). Without --protocol it runs every remaining round (planning each from the
// readings before it, as a lab's script would with optinc protocol); with --protocol it runs that one
// round, which must be the next round of --readings, and appends it. The lab's noise stream is
// seeded apart from the die's and kept across rounds: round by round or all at once, the same seed
// gives the same bytes. docs/guide/lab-calibration.md.
import { basename, dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { checkProtocol, readoutWarnings } from "../../compiler/calibrate/lab/lab-files-check.ts";
import { readingsRound, writeReadings, type ReadingsDoc, type ReadingsRound } from "../../compiler/calibrate/lab/lab-files.ts";
import { Sink } from "../../compiler/calibrate/lab/lab-files-read.ts";
import type { Round, StepReading } from "../../compiler/calibrate/lab/session.ts";
import { LAB } from "../../codes/catalogue.ts";
import { formatTotals, LAB_INSTRUMENT, labTotals, measureRounds, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { diag, dieCircuitName, loadAnyDie } from "../circuit-input.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { labTry, loadLabTarget, loadProtocol, loadReadings, warnSaturated } from "../lab-input.ts";
import { seedArg } from "../option-parsers.ts";
import { CommandOutput } from "../output.ts";

interface MeasureFlags {
  die: string;
  cell?: string;
  seed?: number;
  protocol?: string;
  readings?: string;
  out: string;
}

export const registerMeasure: RegisterCommand = (program: Command, ctx) => {
  program
    .command("measure")
    .description("the simulated lab: run a cell's measurement protocol on a fabricated die and write the readings (optinc.readings/1)")
    .argument("<out-dir>", "output directory of optinc compile (or a cell's <name>.netlist.json)")
    .requiredOption("--die <die.json>", "the fabricated die to measure (optinc.die/2: optinc die --fabricated draws one)")
    .option("--cell <design>", "the cell design (e.g. divide0) of the directory")
    .option("--seed <s>", "seed of the lab's noise stream (default 1, or the seed of --readings)", seedArg)
    .option("--protocol <file>", "run this one round (optinc.protocol/1): it must be the next round of --readings")
    .option("--readings <file>", "the readings so far: the new round(s) are appended to them")
    .requiredOption("-o, --out <file>", "readings file to write (may be the --readings file: it is replaced whole)")
    .addHelpText(
      "after",
      `
Example:
  $ optinc die out/ --cell divide0 --technology foundry --fabricated --seed 3 -o die3.json
  $ optinc measure out/ --cell divide0 --die die3.json -o readings.json          # every round
  $ optinc calibrate out/ --cell divide0 --readings readings.json -o cal/
  $ optinc verify cal/ --measured die3.json
Round by round (as a lab would, with optinc protocol):
  $ optinc protocol out/ --cell divide0 -o p.json
  $ optinc measure out/ --cell divide0 --die die3.json --protocol p.json -o readings.json
  $ optinc protocol out/ --cell divide0 --readings readings.json -o p.json
  $ optinc measure out/ --cell divide0 --die die3.json --protocol p.json --readings readings.json -o readings.json

Exit codes: 0 ok (warnings name saturated or dark readouts), 2 usage, unreadable or mismatched input.`,
    )
    .action(async (target: string, flags: MeasureFlags) => {
      const out = new CommandOutput(ctx, "measure");
      const result = await run(target, flags, out);
      out.finish(result ?? null);
    });

  async function run(target: string, flags: MeasureFlags, out: CommandOutput): Promise<Record<string, unknown> | undefined> {
    out.reads(flags.die, "--die");
    if (flags.protocol) out.reads(flags.protocol, "--protocol");
    // The readings so far may be the output: the new file holds them, with the new rounds appended.
    if (flags.readings) out.reads(flags.readings, "--readings", "file", true);
    const lt = await loadLabTarget(ctx, out, target, await dieCircuitName(ctx, flags.die), flags.cell);
    if (!lt) return undefined;
    const { t, session } = lt;
    const path = resolve(ctx.io.cwd, flags.out);
    if (!(await out.checkOutput("file", path, flags.out))) return undefined;
    const any = await loadAnyDie(ctx, out, flags.die, t);
    if (!any) return undefined;
    if (any.version !== 2) {
      out.report([
        diag(
          flags.die,
          LAB.notFabricated,
          `die "${any.die.id}" is an optinc.die/1 file (σ-level errors): the lab measures a die as fabricated`,
          `draw one: optinc die ${target}${flags.cell ? ` --cell ${flags.cell}` : ""} --technology foundry --fabricated -o die.json`,
        ),
      ]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const die = any.die;
    let seed = flags.seed ?? 1;
    const kept: ReadingsRound[] = [];
    const before: { round: Round; readings: StepReading[] }[] = [];
    if (flags.readings) {
      const r = await loadReadings(ctx, out, flags.readings, session);
      if (!r) return undefined;
      warnSaturated(out, r.read);
      const other = (field: string, message: string, hint: string): undefined => {
        const sink = new Sink(r.read.text, r.read.file);
        sink.at([field], LAB.otherLab, message, hint);
        out.report(sink.diags, r.read.text);
        out.fail(EXIT.usage);
        return undefined;
      };
      if (r.read.doc.die !== die.id)
        return other(
          "die",
          `the readings are of die "${r.read.doc.die}", not "${die.id}"`,
          "continue readings on the die they were taken on",
        );
      if (flags.seed !== undefined && flags.seed !== r.read.doc.seed)
        return other(
          "seed",
          `the readings were taken with seed ${r.read.doc.seed}, not ${flags.seed}`,
          "drop --seed (the readings' seed is kept)",
        );
      seed = r.read.doc.seed;
      kept.push(...r.read.doc.rounds);
      before.push(...r.replayed.rounds);
    }
    // The lab's stream is kept across rounds: re-run the rounds before on the bench to reach its state.
    const bench = simulatedLab(session, die, seed);
    for (const [i, b] of before.entries()) {
      const again = bench.run(b.round.steps);
      const same = again.every((x, k) => x.ref === b.readings[k]!.ref && x.values.every((v, j) => v === b.readings[k]!.values[j]));
      if (!same) {
        out.report([
          diag(
            flags.readings!,
            LAB.otherLab,
            `round ${i + 1} of the readings is not what this die reads with seed ${seed}: they were taken on another die or lab`,
            "the simulated lab continues only its own readings; measure all rounds with one command instead",
          ),
        ]);
        out.fail(EXIT.usage);
        return undefined;
      }
    }
    let measured: { round: Round; readings: StepReading[] }[];
    if (flags.protocol) {
      const p = await loadProtocol(ctx, out, flags.protocol);
      if (!p) return undefined;
      const round = labTry(out, p.text, () => checkProtocol(session, p.doc, p.text, flags.protocol!));
      if (!round) return undefined;
      const readings = bench.run(round.steps);
      session.absorb(round, readings);
      measured = [{ round, readings }];
    } else {
      if (session.done) {
        out.report([
          diag(
            flags.readings!,
            LAB.complete,
            `the readings hold all ${session.roundCount} rounds: nothing is left to measure`,
            `calibrate from them: optinc calibrate ${target} --readings ${flags.readings} -o <dir>`,
          ),
        ]);
        out.fail(EXIT.usage);
        return undefined;
      }
      measured = measureRounds(session, bench);
    }
    const doc: ReadingsDoc = {
      format: "optinc.readings/1",
      circuit: t.loaded.circuit.name,
      cell: lt.cell,
      die: die.id,
      seed,
      rounds: [...kept, ...measured.map((m) => readingsRound(session, m.round, m.readings))],
    };
    if (!(await out.commit(dirname(path), new Map([[basename(path), writeReadings(doc)]]), flags.out))) return undefined;
    const w = readoutWarnings(session, [...before, ...measured], LAB_INSTRUMENT, before.length);
    const list = (purposes: string[]): string =>
      `${purposes.slice(0, 3).join("; ")}${purposes.length > 3 ? `; … ${purposes.length - 3} more` : ""}`;
    for (const [ro, purposes] of w.saturated)
      out.report([
        {
          code: LAB.saturatedReadout,
          severity: "warning",
          message: `readout ${ro} saturated (read at the ${LAB_INSTRUMENT.fullScaleA} A full scale) in ${list(purposes)}`,
          hint: "calibrate --readings refuses saturated readings",
        },
      ]);
    for (const [ro, purposes] of w.dark)
      out.report([
        {
          code: LAB.darkReadout,
          severity: "warning",
          message: `readout ${ro} read dark (within 3 × ${Math.round(LAB_INSTRUMENT.thermalNoiseA * 1e12)} pA of its dark level) throughout ${purposes.length} lit sweep${purposes.length > 1 ? "s" : ""}: ${list(purposes)}`,
          hint: "no light reached it: a broken path, a dead photodiode, or an upstream stage that passes nothing",
        },
      ]);
    const all = labTotals(session, doc.rounds);
    const now = labTotals(
      session,
      measured.map((m) => m.round),
    );
    const first = before.length + 1;
    const last = before.length + measured.length;
    out.note(
      [
        `measure ${t.name} on die "${die.id}" (lab seed ${seed}): round${first === last ? ` ${first}` : `s ${first}–${last}`} of ${session.roundCount}: ${formatTotals(now)}`,
        `  readings file: ${all.rounds} of ${session.roundCount} rounds, ${formatTotals(all)}`,
        ...(session.done
          ? [`  complete: optinc calibrate ${target} --readings ${flags.out} -o <dir>`]
          : [`  next: optinc protocol ${target} --readings ${flags.out} (round ${all.rounds + 1})`]),
        ...(w.saturated.size || w.dark.size
          ? [
              `  ${w.saturated.size} saturated and ${w.dark.size} dark readout${w.saturated.size + w.dark.size === 1 ? "" : "s"} (warnings above)`,
            ]
          : []),
        `  wrote ${relative(ctx.io.cwd, path) || flags.out}`,
      ].join("\n"),
    );
    return {
      file: flags.out,
      circuit: doc.circuit,
      cell: doc.cell,
      die: die.id,
      seed,
      measured: { first, last, ...now },
      totals: { ...all, complete: session.done, roundsPlanned: session.roundCount },
      saturated: [...w.saturated].map(([readout, purposes]) => ({ readout, purposes })),
      dark: [...w.dark].map(([readout, purposes]) => ({ readout, purposes })),
    };
  }
};
