// optinc calibrate <out-dir> --measured die.json -o <dir>: re-program a compiled circuit for one
// measured die (pipeline/calibrate/measured-die.ts) and write the corrected phase table and netlists (same
// formats and names, info.calibrated_for = the die's id) plus <name>.calibration.json, atomically.
// optinc calibrate <out-dir> --readings readings.json -o <dir>: the same for a fabricated cell known
// only from a lab's readings (optinc.readings/1): the readings are replayed through a measurement
// session (each round checked against the protocol it plans), the die is estimated from them, and
// the files are written with the session's drive codes, the estimated die and the per-heater
// estimates (pipeline/calibrate/from-readings.ts).
import { dirname, relative, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { integer, positive } from "../option-parsers.ts";
import { calibrate } from "../../pipeline/calibrate/measured-die.ts";
import { readUnitInfo } from "../../aggregate/circuit-info.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { chipCellPortMap, diag, dieCircuitName, loadAnyDie, loadTarget, type Target } from "../circuit-input.ts";
import { checkComplete } from "../../compiler/calibrate/lab/lab-files-check.ts";
import { readoutWarnings } from "../../compiler/calibrate/lab/lab-files-check.ts";
import { DEPARTED_KAPPA, THROUGH_MONITORS } from "../../compiler/calibrate/lab/law-departure.ts";
import {
  acceptanceDoc,
  formatTotals,
  LAB_INSTRUMENT,
  labCalibrationFiles,
  labTotals,
  settlingDoc,
} from "../../pipeline/calibrate/from-readings.ts";
import type { Settling } from "../../compiler/calibrate/lab/session-state.ts";
import { labTry, loadLabTarget, loadReadings } from "../lab-input.ts";
import { calibrateFabFiles } from "../../pipeline/calibrate/fabricated-die.ts";
import { DIE } from "../../codes/catalogue.ts";
import { landing } from "../files/guard.ts";

interface CalibrateFlags {
  measured?: string;
  readings?: string;
  cell?: string;
  out: string;
  dacBits?: number;
  tolerance: number;
  maxCases: number;
  verify: boolean;
  show: number;
}

function dacBits(v: string): number {
  if (v === "none" || v === "0") return 0;
  const x = Number(v);
  if (!/^\d+$/.test(v.trim()) || x < 1 || x > 24)
    throw new InvalidArgumentError(`--dac-bits must be an integer in 1..24, or none, got "${v}"`);
  return x;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const sci = (x: number): string => (x === 0 ? "0" : x.toExponential(2));

export const registerCalibrate: RegisterCommand = (program: Command, ctx) => {
  program
    .command("calibrate")
    .description(
      "re-program a compiled circuit for one measured die, so that the die computes the design (writes a corrected phase table and netlists)",
    )
    .argument("<out-dir>", "output directory of optinc compile (or a <name>.netlist.json)")
    .option("--measured <die.json>", "the die's measurement file (optinc.die/1 or /2; optinc die draws one)")
    .option("--readings <file>", "calibrate from a lab's readings instead (optinc.readings/1: optinc measure, or a lab script)")
    .option("--cell <design>", "the cell design (e.g. divide0) of the directory")
    .requiredOption("-o, --out <dir>", "directory for the calibrated files (not the input directory)")
    .option("--dac-bits <B>", "phase DAC of the corrected phases, or none (default: the die's dacBits)", dacBits)
    .option(
      "--tolerance <x>",
      "largest miss (power fraction, amplitude or rad) that still counts as corrected",
      positive("--tolerance"),
      1e-6,
    )
    .option(
      "--max-cases <n>",
      "most cases of the check on the die (larger spaces are sampled)",
      integer("--max-cases", 2, 10_000_000),
      50_000,
    )
    .option("--no-verify", "skip the check on the die (before and after)")
    .option("--show <n>", "elements (or, with --readings, failing inputs) listed in the text report", integer("--show", 0, 1_000_000), 10)
    .addHelpText(
      "after",
      `
Example:
  $ optinc die out/ --technology foundry --seed 3 -o die3.json
  $ optinc calibrate out/ --measured die3.json -o out-die3/
  $ optinc verify out-die3/ --measured die3.json
  $ optinc measure out/ --cell divide0 --die die3.json -o readings.json     # from readings alone
  $ optinc calibrate out/ --cell divide0 --readings readings.json -o out-lab/

Exit codes: 0 every element reached its target and the die decodes every case exactly
              (--readings: the acceptance round's readings decode every driven input with the guard),
            1 some element cannot be corrected, or the die is still not exact, or (--readings) the
              die is refused on its acceptance readings (files are written either way),
            2 usage, unreadable input or an invalid measurement file.`,
    )
    .action(async (target: string, flags: CalibrateFlags) => {
      const out = new CommandOutput(ctx, "calibrate");
      const result = await run(target, flags, out);
      out.finish(result ?? null);
    });

  async function run(target: string, flags: CalibrateFlags, out: CommandOutput): Promise<Record<string, unknown> | undefined> {
    if ((flags.measured === undefined) === (flags.readings === undefined)) {
      out.usage(
        flags.measured === undefined
          ? "calibrate needs --measured <die.json> or --readings <readings.json>"
          : "--measured and --readings exclude each other",
        "pass the die's measurement file (--measured) or a lab's readings (--readings)",
      );
      return undefined;
    }
    if (flags.readings !== undefined) out.reads(flags.readings, "--readings");
    if (flags.readings !== undefined) return fromReadings(target, flags, flags.readings, out);
    const measured = flags.measured!;
    out.reads(measured, "--measured");
    const t = await loadTarget(ctx, out, target, await dieCircuitName(ctx, measured), flags.cell);
    if (!t) return undefined;
    const outDir = resolve(ctx.io.cwd, flags.out);
    if (!(await notIntoDesign(t, outDir, flags, out))) return undefined;
    if (!(await out.checkOutput("dir", outDir, flags.out))) return undefined;
    const any = await loadAnyDie(ctx, out, measured, t);
    if (!any) return undefined;
    const port = chipCellPortMap(out, dirname(t.loaded.netlistPath), t.name, t.loaded.circuit.info);
    if (!port) return undefined;
    if (any.version === 2) {
      // A fabricated die: re-programmed against its passive parts, drive codes with crosstalk compensated.
      const r = calibrateFabFiles(t.name, t.loaded.circuit, t.table, any.die, flags.verify, port.cell);
      if (!(await out.commit(outDir, r.files, flags.out))) return undefined;
      const exact = r.after ? r.after.exact === r.after.cases : null;
      if (exact === false || r.result.outOfRange.length)
        notCalibrated(out, measured, exact === false ? "the calibrated die is not exact" : "some drive codes are out of range");
      const shortFab = [
        `calibrate ${t.name} for fabricated die "${any.die.id}": ${any.die.heaters.length} heaters driven`,
        ...(r.before && r.after ? [`  exact on the die: ${pct(r.before.exactFraction)} → ${pct(r.after.exactFraction)} calibrated`] : []),
        `  wrote ${r.files.size} files to ${relative(ctx.io.cwd, outDir) || "."}`,
        ...(exact === false ? ["FAIL: the calibrated die is not exact"] : []),
      ];
      if (!out.g.verbose) out.note(shortFab.join("\n"));
      else
        out.note(
          [
            `calibrate ${t.name} for fabricated die "${any.die.id}": ${any.die.heaters.length} heaters driven (${any.die.drive.bits}-bit, crosstalk compensated; largest phase error ${sci(r.result.maxPhaseErrorRad)} rad)`,
            ...(r.before && r.after
              ? [
                  `  exact on the die: ${pct(r.before.exactFraction)} with nominal drive → ${pct(r.after.exactFraction)} calibrated (${r.after.cases} cases)`,
                ]
              : []),
            `  wrote ${r.files.size} files to ${relative(ctx.io.cwd, outDir) || "."} (drive codes in ${t.name}.drive.json)`,
            ...(exact === false ? ["FAIL: the calibrated die is not exact"] : []),
          ].join("\n"),
        );
      return {
        outDir: flags.out,
        die: any.die.id,
        format: "optinc.die/2",
        exactOnDie: { before: r.before, after: r.after },
        maxPhaseErrorRad: r.result.maxPhaseErrorRad,
        files: [...r.files.keys()].sort(),
      };
    }
    const die = any.die;
    const circuit = t.loaded.circuit;
    const info = circuit.info;
    const infoRounding =
      info.rounding === "nearest-even" || info.rounding === "nearest-away" || info.rounding === "floor" ? info.rounding : null;
    const dac = flags.dacBits === undefined ? (die.dacBits ?? null) : flags.dacBits || null;
    const result = calibrate({
      name: t.name,
      portCell: port.cell,
      circuit,
      table: t.table,
      die,
      dacBits: dac,
      tolerance: flags.tolerance,
      verify: flags.verify
        ? {
            seed: t.loaded.seed ?? 1,
            minExact: 1,
            maxCases: flags.maxCases,
            rounding: t.loaded.rounding ?? infoRounding ?? "nearest-even",
            unit: readUnitInfo(info),
            preprocess:
              t.loaded.preprocess ?? Object.values(circuit.netlists[circuit.top]!.instances).some((i) => i.settings.role === "preprocess"),
          }
        : null,
    });
    if (!(await out.commit(outDir, result.files, flags.out))) return undefined;
    const exact = result.after ? result.after.exact === result.after.cases : null;
    if (!result.corrected || exact === false)
      notCalibrated(out, measured, !result.corrected ? "the die is not fully correctable" : "the calibrated die is not exact");
    const cal = result.calibration;
    const shifters = cal.parts.reduce((a, p) => a + p.phases.size, 0);
    const lines = [
      `calibrate ${t.name} for die "${die.id}": ${shifters} phase shifters re-programmed${dac ? ` on a ${dac}-bit DAC` : ""}${result.program === "original" ? " — the original program is kept: the calibrated one decodes fewer cases exactly on this die" : ""}`,
      ...result.parts.map(
        (p) =>
          `  ${p.part}: residual ${sci(p.residualBefore)} → ${sci(p.residualAfter)} (scale ${p.scale.toPrecision(4)}${p.dacErrorRad ? `, DAC error ≤ ${sci(p.dacErrorRad)} rad` : ""})`,
      ),
    ];
    if (result.failing.length) {
      lines.push(
        `  ${result.failing.length} element${result.failing.length > 1 ? "s" : ""} cannot be corrected (miss > ${flags.tolerance}):`,
      );
      for (const i of result.failing.slice(0, flags.show)) lines.push(`    ${i.element} [${i.kind}]: ${i.detail}`);
      if (result.failing.length > flags.show) lines.push(`    … ${result.failing.length - flags.show} more in ${t.name}.calibration.json`);
    } else lines.push(`  every element reached its target (miss ≤ ${flags.tolerance})`);
    if (result.before && result.after)
      lines.push(
        `  exact on the die: ${pct(result.before.exactFraction)} before → ${pct(result.after.exactFraction)} after (${result.after.cases} cases)`,
      );
    lines.push(`  wrote ${result.files.size} files to ${relative(ctx.io.cwd, outDir) || "."}`);
    if (exact === false || !result.corrected)
      lines.push(`FAIL: ${!result.corrected ? "the die is not fully correctable" : "the calibrated die is not exact"}`);
    // By default: the first line, the verdict and where the files are (--verbose: every part's residual).
    out.note(
      (out.g.verbose
        ? lines
        : lines.filter((l, i) => i === 0 || /^ {2}(exact on the die|wrote|every element|\d+ elements? cannot)|^FAIL/.test(l))
      ).join("\n"),
    );
    // --quiet prints only problems: the elements that could not be corrected and the verdict.
    if (out.g.quiet && !out.json && (exact === false || !result.corrected)) {
      ctx.io.stderr.write(
        lines
          .filter(
            (l) => l.startsWith("    ") || l.startsWith("FAIL") || l.includes("cannot be corrected") || l.includes("exact on the die"),
          )
          .join("\n") + "\n",
      );
    }
    return {
      outDir: flags.out,
      die: die.id,
      program: result.program,
      corrected: result.corrected,
      exactOnDie: { before: result.before, after: result.after },
      parts: result.parts,
      failing: result.failing,
      files: [...result.files.keys()].sort(),
    };
  }

  /** The calibrated files must not land in the design's own directory. */
  async function notIntoDesign(t: Target, outDir: string, flags: CalibrateFlags, out: CommandOutput): Promise<boolean> {
    if (landing(dirname(t.loaded.netlistPath)) !== landing(outDir)) return true;
    out.report([
      diag(
        flags.out,
        DIE.overwritesDesign,
        "the calibrated files would overwrite the design they are computed from",
        "write them to another directory with -o",
      ),
    ]);
    out.fail(EXIT.usage);
    return false;
  }

  /** `--readings`: replay a lab's readings, estimate the die, write the calibrated files (no true die anywhere). */
  async function fromReadings(
    target: string,
    flags: CalibrateFlags,
    readingsFile: string,
    out: CommandOutput,
  ): Promise<Record<string, unknown> | undefined> {
    const lt = await loadLabTarget(ctx, out, target, await dieCircuitName(ctx, readingsFile), flags.cell);
    if (!lt) return undefined;
    const { t, session } = lt;
    const outDir = resolve(ctx.io.cwd, flags.out);
    if (!(await notIntoDesign(t, outDir, flags, out))) return undefined;
    if (!(await out.checkOutput("dir", outDir, flags.out))) return undefined;
    const t0 = performance.now();
    const r = await loadReadings(ctx, out, readingsFile, session, true);
    if (!r) return undefined;
    if (!labTry(out, r.read.text, () => checkComplete(session, r.read))) return undefined;
    const port = chipCellPortMap(out, dirname(t.loaded.netlistPath), t.name, t.loaded.circuit.info);
    if (!port) return undefined;
    const res = labCalibrationFiles(t.name, t.loaded.circuit, t.table, session, r.read.doc, port.cell);
    const ms = performance.now() - t0;
    if (!(await out.commit(outDir, res.files, flags.out))) return undefined;
    const totals = labTotals(session, r.read.doc.rounds);
    const a = res.acceptance;
    if (!a.pass) notCalibrated(out, readingsFile, "the calibrated die fails its acceptance round");
    // Monitors that read dark through sweeps that lit them: dead or disconnected photodiodes.
    const nSites = session.struct.lc.sites.length;
    const dark = [...readoutWarnings(session, r.replayed.rounds, LAB_INSTRUMENT).dark].filter(
      ([ro]) => session.struct.readouts.indexOf(ro) < nSites,
    );
    // Photodiodes the session named dead from their flat fringes and read past (dead-monitor.ts).
    const dead = session.deadMonitors;
    // Crosstalk a pairs round found off its law (law-departure.ts): pairs read wider, φ pairs read.
    const departed = session.lawDeparture;
    const fmt = (x: number[]): string => x.map((v) => v.toFixed(3)).join(", ");
    const brief = [
      `calibrate ${t.name} from readings of die "${r.read.doc.die}": ${totals.rounds} rounds`,
      `  estimated ${res.identified} of ${res.estimatedDie.heaters.length} heaters, ${res.estimatedDie.crosstalk.length} crosstalk couplings`,
      `  acceptance: ${a.accepted} of ${a.cases} inputs decode with the guard, ${a.wrong} wrongly`,
      `  wrote ${res.files.size} files to ${relative(ctx.io.cwd, outDir) || "."} in ${(ms / 1000).toFixed(1)} s`,
      a.pass
        ? `  ACCEPTED on readings: cell ${r.read.doc.cell}`
        : `FAIL: cell ${r.read.doc.cell} is refused on its readings; measure it again or set the die aside`,
    ];
    if (!out.g.verbose) out.note(brief.join("\n"));
    else
      out.note(
        [
          `calibrate ${t.name} from readings of die "${r.read.doc.die}": ${totals.rounds} rounds, ${formatTotals(totals)}`,
          settlingLine(session.settling),
          `  estimated ${res.identified} of ${res.estimatedDie.heaters.length} heaters (${res.parked} not identified: a gauge the next stage absorbs, driven at code 0), ${res.estimatedDie.crosstalk.length} crosstalk couplings above a chip-wide floor of ${sci(res.estimatedDie.crosstalkFloor ?? 0)}; largest phase error on the estimate ${sci(res.maxPhaseErrorRad)} rad`,
          ...dark.map(
            ([ro, sweeps]) =>
              `  monitor ${ro} read dark throughout ${sweeps.length} sweep${sweeps.length > 1 ? "s" : ""} that lit it: a dead or disconnected photodiode (what it identifies is estimated from its dark current)`,
          ),
          ...dead.map(
            (ro) =>
              `  monitor ${ro} read a flat fringe: named dead, what it measures read again past it (a fan-in monitor its light reaches, or the row's reader)`,
          ),
          ...(departed
            ? [
                `  crosstalk off its law: ${departed.off} of ${departed.pairs} near pairs of ${departed.part} read more than the law's own size from it; from there on, pairs read out to ${100 * DEPARTED_KAPPA} % of the aggressor's phase, the φs read pair by pair too, and each through sweep at ${THROUGH_MONITORS} monitor`,
              ]
            : []),
          ...(session.levelTrim
            ? [
                `  receiver levels trimmed from a refused acceptance round (per detector mode, step × a and offset + b·step: a = ${fmt(session.levelTrim.scale)}, b = ${fmt(session.levelTrim.shift)}), then the acceptance round again`,
              ]
            : []),
          `  acceptance from the output detectors' readings: ${a.accepted} of ${a.cases} inputs decode with the guard (${fmt(a.guardSteps)} step per detector mode), ${a.wrong} decode wrongly; worst margin as read ${fmt(a.worstMarginSteps)} step`,
          ...a.failing
            .slice(0, flags.show)
            .map(
              (f) =>
                `    inputs [${f.inputs.join(", ")}]: expected [${f.expected.join(", ")}], read levels [${fmt(f.read)}], margin [${fmt(f.margin)}] step`,
            ),
          ...(a.failing.length > flags.show ? [`    … ${a.failing.length - flags.show} more in ${t.name}.lab-calibration.json`] : []),
          `  wrote ${res.files.size} files to ${relative(ctx.io.cwd, outDir) || "."} (drive codes in ${t.name}.drive.json, estimates and the acceptance in ${t.name}.lab-calibration.json); calibration (replaying the readings, estimating, programming) took ${(ms / 1000).toFixed(1)} s`,
          a.pass
            ? `  ACCEPTED on readings: cell ${r.read.doc.cell} of die "${r.read.doc.die}" decodes every driven input`
            : `FAIL: cell ${r.read.doc.cell} of die "${r.read.doc.die}" is refused on its readings (${a.failing.length} of ${a.cases} inputs miss the guard)${dark.length ? `; monitors read dark: ${dark.map(([ro]) => ro).join(", ")}` : ""}; measure it again (optinc protocol, measure) or set the die aside`,
        ].join("\n"),
      );
    return {
      outDir: flags.out,
      die: r.read.doc.die,
      format: "optinc.readings/1",
      protocol: totals,
      heaters: res.estimatedDie.heaters.length,
      identified: res.identified,
      parked: res.parked,
      crosstalkCouplings: res.estimatedDie.crosstalk.length,
      crosstalkFloor: res.estimatedDie.crosstalkFloor ?? 0,
      maxPhaseErrorRad: res.maxPhaseErrorRad,
      predictedMarginSteps: res.margins.worst,
      acceptance: acceptanceDoc(a, flags.show),
      darkMonitors: dark.map(([ro]) => ro),
      deadMonitors: dead,
      crosstalkDeparture: departed,
      levelTrim: session.levelTrim,
      settling: settlingDoc(session),
      calibrationS: ms / 1000,
      files: [...res.files.keys()].sort(),
    };
  }
};

/** What the settling probe read (settling.ts), one line of the report. */
function settlingLine(s: Settling | null): string {
  if (!s) return "  settling: no probe round";
  return s.detected
    ? `  settling: a slow tail read on the heaters (τ ${s.tauMs.toFixed(2)} ms, ${(100 * s.tail).toFixed(1)} % of the reading at a full step): every step after the probe waits ${s.settleMs} ms`
    : `  settling: no slow tail read (largest ${(100 * s.tail).toFixed(2)} % of the reading): every step waits the instrument's ${s.settleMs} ms`;
}

/**
 * A calibration that ends in a failing verdict: exit 1 with a diagnostic of its own (the text
 * report already says FAIL, so under --json only), never ok: false with no diagnostic.
 */
function notCalibrated(out: CommandOutput, file: string, why: string): void {
  out.record([
    {
      code: DIE.notCalibrated,
      severity: "error",
      message: `calibrate: ${why} (the calibrated files are written for inspection)`,
      hint: "the report above names the failing elements or inputs; re-measure the die, or check it with optinc verify --measured",
      file,
    },
  ]);
}
