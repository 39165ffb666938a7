// Shared by `optinc protocol`, `measure` and `calibrate --readings`: the cell a lab calibrates, its
// measurement session, and the lab files (protocol, readings) read against it. Problems become
// diagnostics with a stable code (codes/catalogue.ts LAB) and exit 2; nothing is written.
import { readCellInfo } from "../aggregate/circuit-info.ts";
import { LAB } from "../codes/catalogue.ts";
import type { LabSession } from "../compiler/calibrate/lab/session.ts";
import { LabFileError, type ProtocolDoc } from "../compiler/calibrate/lab/lab-files.ts";
import { readProtocol, readReadings, saturatedDiagnostics, type ReadReadings } from "../compiler/calibrate/lab/lab-files-read.ts";
import { replayReadings, type Replayed } from "../compiler/calibrate/lab/lab-files-check.ts";
import { cellNameOf, LAB_INSTRUMENT, labSession } from "../pipeline/calibrate/from-readings.ts";
import { readMonitorInfo } from "../netlist/lab/monitors.ts";
import { monitorSites } from "../compiler/calibrate/lab/structure.ts";
import { diag, loadTarget, type Target } from "./circuit-input.ts";
import { readInputOrReport } from "./input-file.ts";
import { EXIT, type CommandContext } from "./context.ts";
import type { CommandOutput } from "./output.ts";

/** Largest protocol or readings file read. */
const MAX_LAB_BYTES = 256 * 1024 * 1024;

export interface LabTarget {
  t: Target;
  cell: string;
  session: LabSession;
}

/** The cell design at `target` (a compile directory, --cell or the circuit a lab file names) and a fresh session. */
export async function loadLabTarget(
  ctx: CommandContext,
  out: CommandOutput,
  target: string,
  circuitName: string | undefined,
  cell: string | undefined,
): Promise<LabTarget | undefined> {
  const t = await loadTarget(ctx, out, target, circuitName, cell);
  if (!t) return undefined;
  const circuit = t.loaded.circuit;
  const notCell = (why: string): undefined => {
    out.report([
      diag(
        target,
        LAB.notCell,
        `${t.name} is not a cell a lab can calibrate: ${why}`,
        "pass a closed-form cell design (optinc compile's <spec>.<design>.netlist.json, or --cell <design>)",
      ),
    ]);
    out.fail(EXIT.usage);
    return undefined;
  };
  if (!readCellInfo(circuit.info)) return notCell("it is not a closed-form cell");
  let session: LabSession;
  try {
    session = labSession(circuit, t.table);
  } catch (e) {
    return notCell((e as Error).message);
  }
  if (session.struct.entries.length === 0) return notCell("no attenuator has a monitor photodiode on its dump");
  // The photodiodes calibration reads must be the ones the design placed (calibration { monitors }).
  let placed: string[];
  try {
    placed = readMonitorInfo(circuit.info);
  } catch {
    placed = [];
  }
  const wanted = monitorSites(session.struct).map((i) => session.struct.lc.sites[i]!.name);
  if (placed.join(",") !== wanted.join(",")) {
    out.report([
      diag(
        target,
        LAB.noMonitors,
        placed.length === 0
          ? `${t.name} places no calibration monitors (compiled with calibration { monitors = none }, or before monitors existed)`
          : `${t.name} places other monitors than calibration reads (${placed.length} placed, ${wanted.length} read)`,
        "recompile the spec with calibration { monitors = auto } (the default)",
      ),
    ]);
    out.fail(EXIT.usage);
    return undefined;
  }
  return { t, cell: cellNameOf(circuit, t.name), session };
}

/** A lab file's text (LAB.unreadable, exit 2, when it cannot be read). */
export async function readLabText(ctx: CommandContext, out: CommandOutput, file: string, what: string): Promise<string | undefined> {
  return readInputOrReport(ctx, out, file, {
    maxBytes: MAX_LAB_BYTES,
    code: LAB.unreadable,
    what,
    hint: `check the path of the ${what} file`,
  });
}

/** Run a reader; a LabFileError becomes its diagnostics (exit 2). */
export function labTry<T>(out: CommandOutput, text: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof LabFileError)) throw e;
    out.report(e.diagnostics, text);
    out.fail(EXIT.usage);
    return undefined;
  }
}

/** Read a readings file and replay it through the session (every round checked against the plan); saturated readings are errors with `rejectSaturated`. */
export async function loadReadings(
  ctx: CommandContext,
  out: CommandOutput,
  file: string,
  session: LabSession,
  rejectSaturated = false,
): Promise<{ read: ReadReadings; replayed: Replayed } | undefined> {
  const text = await readLabText(ctx, out, file, "readings");
  if (text === undefined) return undefined;
  const read = labTry(out, text, () => readReadings(text, file, LAB_INSTRUMENT));
  if (!read) return undefined;
  if (rejectSaturated && read.saturated.length) {
    out.report(saturatedDiagnostics(read), text);
    out.fail(EXIT.usage);
    return undefined;
  }
  const replayed = labTry(out, text, () => replayReadings(session, read));
  if (!replayed) return undefined;
  return { read, replayed };
}

export async function loadProtocol(
  ctx: CommandContext,
  out: CommandOutput,
  file: string,
): Promise<{ doc: ProtocolDoc; text: string } | undefined> {
  const text = await readLabText(ctx, out, file, "protocol");
  if (text === undefined) return undefined;
  const doc = labTry(out, text, () => readProtocol(text, file));
  return doc ? { doc, text } : undefined;
}

/** Warnings (not errors) for saturated readings of a file protocol and measure continue from. */
export function warnSaturated(out: CommandOutput, read: ReadReadings): void {
  const by = new Map<string, string[]>();
  for (const s of read.saturated) by.set(s.readout, [...(by.get(s.readout) ?? []), s.step]);
  for (const [readout, steps] of by)
    out.report([
      {
        code: LAB.saturatedReadout,
        severity: "warning",
        message: `readout ${readout} saturated in ${steps.length} step${steps.length > 1 ? "s" : ""} of ${read.file} (${steps.slice(0, 3).join(", ")}${steps.length > 3 ? ", …" : ""})`,
        hint: "calibrate --readings refuses saturated readings: re-measure with less light on that readout",
      },
    ]);
}
