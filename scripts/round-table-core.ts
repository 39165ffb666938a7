// The protocol's round table of docs/studies/calibration.md §3, measured: paper-4x8 compiled, a foundry
// die of its divide0 cell drawn (seed 3) and measured by the simulated lab (seed 1), each round's
// steps, photodiode readings (the reference tap not counted), readings per MZI and lab time. The
// commands are the documented ones, run in process (scripts/round-table.ts writes the table;
// tests/calibrate/round-table.test.ts checks the docs against a fresh run).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../cli/context.ts";
import { main } from "../cli/main.ts";
import { labTimeMs } from "../compiler/calibrate/lab/lab-files.ts";
import { LAB_INSTRUMENTS } from "../fab/lab-bench.ts";

export const ROUND_TABLE_BEGIN = "<!-- round-table:begin -->";
export const ROUND_TABLE_END = "<!-- round-table:end -->";

/** The CLI's streams, stdout kept (for --json), stderr dropped. */
function captureIo(cwd: string): Io & { out: () => string } {
  let out = "";
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    env: { NO_COLOR: "1" },
    cwd,
    out: () => out,
  };
}

interface RoundRecord {
  round: number;
  stage: string | null;
  kind: string;
  steps: { read: string[]; settleMs: number }[];
}

/** Markdown rows for the rounds of a readings file (attenuators: the cell's MZIs). */
export function roundTableMarkdown(rounds: RoundRecord[], mzis: number): string {
  // Each step waits its own settleMs (the settling probe's holds wait longer), then reads.
  const ms = (st: RoundRecord["steps"]): number => labTimeMs(st, LAB_INSTRUMENTS);
  const time = (ms: number): string => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);
  let steps = 0;
  let readings = 0;
  let total = 0;
  const rows = rounds.map((r) => {
    const n = r.steps.length;
    const k = r.steps.reduce((a, s) => a + s.read.length, 0);
    steps += n;
    readings += k;
    total += ms(r.steps);
    return `| ${r.round} | ${r.stage ?? "–"} | ${r.kind} | ${n} | ${k} | ${(k / mzis).toFixed(1)} | ${time(ms(r.steps))} |`;
  });
  return [
    ROUND_TABLE_BEGIN,
    "| round | stage | kind | steps | readings | per MZI | lab time |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    `| all | | | ${steps} | ${readings} | ${(readings / mzis).toFixed(1)} | ${time(total)} |`,
    ROUND_TABLE_END,
  ].join("\n");
}

/** Run the documented commands in a scratch directory and render the table. */
export async function measureRoundTable(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "optinc-round-table-"));
  try {
    const run = async (args: string[]): Promise<string> => {
      const io = captureIo(work);
      const code = await main(args, io);
      if (code !== 0) throw new Error(`optinc ${args.join(" ")} exited ${code}`);
      return io.out();
    };
    await run(["compile", join(process.cwd(), "examples/paper-4x8.optinc"), "-o", "ex"]);
    await run(["die", "ex", "--cell", "divide0", "--technology", "foundry", "--fabricated", "--seed", "3", "-o", "die.json"]);
    const m = JSON.parse(await run(["measure", "ex", "--cell", "divide0", "--die", "die.json", "--seed", "1", "-o", "r.json", "--json"]));
    const doc = JSON.parse(readFileSync(join(work, "r.json"), "utf8")) as { rounds: RoundRecord[] };
    return roundTableMarkdown(doc.rounds, m.result.measured.mzis);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
