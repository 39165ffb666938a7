// optinc protocol <out-dir> [--cell D] [--readings previous.json] [-o protocol.json]: the next round
// of a cell's lab calibration as a protocol a lab script executes (optinc.protocol/1) and its CSV
// view, written together. Rounds are adaptive: round 1 needs nothing; round k + 1 is planned from the
// readings of rounds 1 … k, which are replayed (and checked) first. docs/guide/lab-calibration.md.
import { basename, dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { protocolCsv, protocolDoc, writeProtocol } from "../../compiler/calibrate/lab/lab-files.ts";
import { LAB } from "../../codes/catalogue.ts";
import { formatTotals, LAB_INSTRUMENT, labTotals } from "../../pipeline/calibrate/from-readings.ts";
import { diag, dieCircuitName } from "../circuit-input.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { loadLabTarget, loadReadings, warnSaturated } from "../lab-input.ts";
import { CommandOutput } from "../output.ts";

interface ProtocolFlags {
  cell?: string;
  readings?: string;
  out?: string;
}

/** `<out>.csv` beside `<out>.json`. */
export const csvBeside = (file: string): string => (file.endsWith(".json") ? file.slice(0, -5) : file) + ".csv";

/** The waits of a round's steps: one, or their range (the settling probe's holds wait longer and longer). */
function waitText(steps: { settleMs?: number }[]): string {
  const w = steps.map((s) => s.settleMs ?? LAB_INSTRUMENT.settleMs);
  const lo = Math.min(...w);
  const hi = Math.max(...w);
  return lo === hi ? `settle ${lo} ms` : `settle ${lo}–${hi} ms`;
}

export const registerProtocol: RegisterCommand = (program: Command, ctx) => {
  program
    .command("protocol")
    .description("write the next round of a cell's lab calibration as a measurement protocol (optinc.protocol/1, and a CSV view)")
    .argument("<out-dir>", "output directory of optinc compile (or a cell's <name>.netlist.json)")
    .option("--cell <design>", "the cell design (e.g. divide0) of the directory")
    .option("--readings <file>", "the readings of the rounds measured so far (optinc.readings/1): the protocol is the next round")
    .option("-o, --out <file>", "protocol file to write (default: <name>.protocol.json); the CSV view goes beside it as <out>.csv")
    .addHelpText(
      "after",
      `
Example (a lab, round by round):
  $ optinc protocol out/ --cell divide0 -o p1.json                     # round 1 (dark)
  $ <lab script runs p1.json, writes readings.json>
  $ optinc protocol out/ --cell divide0 --readings readings.json -o p2.json
  …
  $ optinc calibrate out/ --cell divide0 --readings readings.json -o cal/

Exit codes: 0 ok, 2 usage, unreadable input, or readings that are not of this circuit's protocol.`,
    )
    .action(async (target: string, flags: ProtocolFlags) => {
      const out = new CommandOutput(ctx, "protocol");
      const result = await run(target, flags, out);
      out.finish(result ?? null);
    });

  async function run(target: string, flags: ProtocolFlags, out: CommandOutput): Promise<Record<string, unknown> | undefined> {
    if (flags.readings) out.reads(flags.readings, "--readings");
    const lt = await loadLabTarget(ctx, out, target, flags.readings ? await dieCircuitName(ctx, flags.readings) : undefined, flags.cell);
    if (!lt) return undefined;
    const { t, session } = lt;
    const file = flags.out ?? `${t.name}.protocol.json`;
    const path = resolve(ctx.io.cwd, file);
    const csvPath = csvBeside(path);
    if (!(await out.checkOutput("file", path, file)) || !(await out.checkOutput("file", csvPath, csvBeside(file)))) return undefined;
    if (flags.readings) {
      const r = await loadReadings(ctx, out, flags.readings, session);
      if (!r) return undefined;
      warnSaturated(out, r.read);
      if (session.done) {
        out.report([
          diag(
            flags.readings,
            LAB.complete,
            `the readings hold all ${session.roundCount} rounds: there is no next round to measure`,
            `calibrate from them: optinc calibrate ${target} --readings ${flags.readings} -o <dir>`,
          ),
        ]);
        out.fail(EXIT.usage);
        return undefined;
      }
    }
    const round = session.nextRound();
    const doc = protocolDoc(session, round, { cell: lt.cell, instrument: LAB_INSTRUMENT });
    const files = new Map([
      [basename(path), writeProtocol(doc)],
      [basename(csvPath), protocolCsv(doc)],
    ]);
    if (!(await out.commit(dirname(path), files, file))) return undefined;
    const totals = labTotals(session, [round]);
    out.note(
      [
        `protocol ${t.name}: round ${doc.round} of ${doc.rounds} (${doc.stage ? `stage ${doc.stage}, ` : ""}${doc.kind}): ${formatTotals(totals)} (${waitText(round.steps)} + ${LAB_INSTRUMENT.readMs} ms read per step)`,
        `  the whole calibration is ${doc.rounds} rounds, each planned from the readings before it (optinc measure prints the totals)`,
        `  wrote ${relative(ctx.io.cwd, path) || file} and ${relative(ctx.io.cwd, csvPath) || csvBeside(file)}`,
      ].join("\n"),
    );
    return {
      file,
      csv: csvBeside(file),
      circuit: doc.circuit,
      cell: doc.cell,
      round: doc.round,
      rounds: doc.rounds,
      stage: doc.stage,
      kind: doc.kind,
      steps: totals.steps,
      readings: totals.readings,
      mzis: totals.mzis,
      readingsPerMzi: totals.readingsPerMzi,
      labTimeS: totals.labTimeS,
    };
  }
};
