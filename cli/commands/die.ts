// optinc die <out-dir> --technology <preset> --seed s [--trial t] -o die.json: draw one synthetic die
// of a compiled circuit and write it as a measurement file (optinc.die/1). The draw is verify's
// Monte-Carlo model (netlist/die/die.ts drawDie): trial t of seed s is the die that
// `optinc verify --trials … --seed s` simulates as its trial t.
import { basename, dirname, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { integer, seedArg } from "../option-parsers.ts";
import { drawDie, drawDieShape, realizeDie } from "../../netlist/die/die.ts";
import { readCellInfo } from "../../aggregate/circuit-info.ts";
import { copySeed } from "../../verify/cells/chip-yield.ts";
import { writeDieFile } from "../../fab/die-file-v1.ts";
import { dieElements } from "../../netlist/die/elements.ts";
import { EXIT, type RegisterCommand } from "../context.ts";
import { CommandOutput } from "../output.ts";
import { diag, loadTarget } from "../circuit-input.ts";
import { TECHNOLOGY_PRESET_NAMES, TECHNOLOGY_PRESETS } from "../../dsl/technology-presets.ts";
import type { Technology } from "../../dsl/technology.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES, FAB_TECHNOLOGY_NAMES } from "../../fab/technology.ts";
import { DEPARTURE_NAMES, DEPARTURES, departDie } from "../../fab/departures.ts";
import { writeFabDieFile } from "../../fab/die-file.ts";
import { DIE, FAB } from "../../codes/catalogue.ts";

/**
 * A die's phase DAC, whose gains are rad per code: the preset's, or for the ideal preset (no DAC) a
 * 16-bit one (rounding ≤ 0.05 mrad, far below every other preset's errors).
 */
const IDEAL_DIE_DAC_BITS = 16;

/** The preset a die is drawn at, with the DAC it is programmed through. */
function dieTechnology(name: string): Technology & { dacBits: number } {
  const levels = TECHNOLOGY_PRESETS[name]!.levels;
  return { ...levels, dacBits: levels.dacBits ?? IDEAL_DIE_DAC_BITS };
}

interface DieFlags {
  cell?: string;
  copy: number;
  technology: string;
  seed?: number;
  trial: number;
  dacBits?: number;
  out?: string;
  id?: string;
  fabricated?: boolean;
  departure?: string[];
}

export const registerDie: RegisterCommand = (program: Command, ctx) => {
  program
    .command("die")
    .description("draw a synthetic fabricated die of a compiled circuit and write it as a measurement file (<name>.die.json)")
    .argument("<out-dir>", "output directory of optinc compile (or a <name>.netlist.json)")
    .addOption(
      new Option("--technology <preset>", "static error levels to draw from").choices(TECHNOLOGY_PRESET_NAMES).makeOptionMandatory(),
    )
    .option("--seed <s>", "seed of the draw (default: the spec's training seed, else 1), as in optinc verify", seedArg)
    .option("--trial <t>", "trial index: the die optinc verify simulates as its trial t", integer("--trial", 0, 1_000_000), 0)
    .option("--cell <design>", "closed-form route: the cell design (e.g. add1) of the directory")
    .option(
      "--copy <k>",
      "closed-form route: which physical copy of the cell (its own die, as in verify's Monte-Carlo chips)",
      integer("--copy", 0, 1_000_000),
      0,
    )
    .option("--dac-bits <B>", "the chip's phase DAC, which shifter gains refer to (default: the preset's)", integer("--dac-bits", 1, 24))
    .option("-o, --out <file>", "measurement file to write (default: <name>.die.json)")
    .option("--id <text>", "the die's identity (default: circuit, technology, seed and trial)")
    .option(
      "--fabricated",
      `a die as fabricated (optinc.die/2): heaters with offsets uniform on [0, 2π), efficiency spread, thermal crosstalk, detectors, laser (presets: ${FAB_TECHNOLOGY_NAMES.join(", ")})`,
    )
    .addOption(
      new Option(
        "--departure <class...>",
        "with --fabricated: depart from the preset the way real dies do (docs/design/calibration.md §12)",
      ).choices(DEPARTURE_NAMES),
    )
    .addHelpText(
      "after",
      `
Presets:
${TECHNOLOGY_PRESET_NAMES.map((n) => {
  const p = dieTechnology(n);
  return `  ${n.padEnd(8)} couplers ±${p.splitterImbalance}, phase offsets σ ${p.phaseNoise} rad, ${p.mziLossDb} dB per MZI, ${p.dacBits}-bit DAC`;
}).join("\n")}

Example:
  $ optinc die out/ --technology foundry --seed 3 -o die3.json
  $ optinc calibrate out/ --measured die3.json -o out-die3/
  $ optinc die out/ --cell add1 --copy 2 --technology foundry --trial 5 -o add1-2.json   # closed-form route
  $ optinc die out/ --cell add1 --technology foundry --fabricated --departure crosstalk -o x.json

Departures (--departure, with --fabricated):
${DEPARTURES.map((d) => `  ${d.name.padEnd(17)} ${d.what}`).join("\n")}

Exit codes: 0 ok, 2 usage or unreadable input.`,
    )
    .action(async (target: string, flags: DieFlags) => {
      const out = new CommandOutput(ctx, "die");
      const result = await run(target, flags, out);
      out.finish(result ?? null);
    });

  async function run(target: string, flags: DieFlags, out: CommandOutput): Promise<Record<string, unknown> | undefined> {
    const t = await loadTarget(ctx, out, target, undefined, flags.cell);
    if (!t) return undefined;
    const file = flags.out ?? `${t.name}.die.json`;
    const path = resolve(ctx.io.cwd, file);
    if (!(await out.checkOutput("file", path, file))) return undefined;
    const tech = dieTechnology(flags.technology);
    const seed = flags.seed ?? t.loaded.seed ?? 1;
    const dacBits = flags.dacBits ?? tech.dacBits;
    const circuit = t.loaded.circuit;
    const cell = readCellInfo(circuit.info);
    if (cell ? flags.copy >= cell.instances : flags.copy > 0) {
      out.report([
        diag(
          target,
          DIE.noSuchCopy,
          cell
            ? `cell ${t.name} has ${cell.instances} physical cop${cell.instances === 1 ? "y" : "ies"}, not ${flags.copy + 1}`
            : "--copy applies to the cells of the closed-form route",
          cell ? `pass --copy 0..${cell.instances - 1}` : "drop --copy",
        ),
      ]);
      out.fail(EXIT.usage);
      return undefined;
    }
    if (flags.departure && !flags.fabricated) {
      out.usage("--departure applies to a die as fabricated", "add --fabricated");
      return undefined;
    }
    if (flags.fabricated)
      return fabricated(
        t,
        flags,
        seed,
        cell ? copySeed(seed, t.index, flags.copy) * 1000003 + flags.trial : seed * 1000003 + flags.trial,
        file,
        path,
        out,
        target,
      );
    // A closed-form chip draws every copy of every cell design its own die, seeded by (seed, design, copy).
    const die = cell
      ? realizeDie(drawDieShape(circuit, copySeed(seed, t.index, flags.copy), flags.trial), tech, "")
      : drawDie(circuit, tech, seed, flags.trial);
    const id = flags.id ?? `${circuit.name}${cell ? ` copy ${flags.copy}` : ""} ${flags.technology} seed ${seed} trial ${flags.trial}`;
    const source = { technology: flags.technology, seed, trial: flags.trial, ...(cell ? { copy: flags.copy } : {}) };
    const text = writeDieFile(circuit, die, { id, dacBits, source });
    if (!(await out.commit(dirname(path), new Map([[basename(path), text]]), file))) return undefined;
    const elements = dieElements(circuit).length;
    out.note(
      `die "${id}": ${elements} elements of ${circuit.name} (couplers ±${tech.splitterImbalance}, phase offsets σ ${tech.phaseNoise} rad, ${tech.mziLossDb} dB per MZI, ${dacBits}-bit DAC)\n  wrote ${relative(ctx.io.cwd, path) || file}`,
    );
    return {
      file,
      die: {
        id,
        circuit: circuit.name,
        elements,
        technology: flags.technology,
        seed,
        trial: flags.trial,
        ...(cell ? { copy: flags.copy } : {}),
        dacBits,
      },
    };
  }

  /** `--fabricated`: an optinc.die/2 file drawn from the preset's fabrication parameters (netlist/die/heaters.ts). */
  async function fabricated(
    t: NonNullable<Awaited<ReturnType<typeof loadTarget>>>,
    flags: DieFlags,
    seed: number,
    stream: number,
    file: string,
    path: string,
    out: CommandOutput,
    target: string,
  ): Promise<Record<string, unknown> | undefined> {
    const tech = FAB_TECHNOLOGIES[flags.technology];
    if (!tech) {
      out.report([
        diag(
          target,
          FAB.noFabParameters,
          `--fabricated has no fabrication parameters for preset "${flags.technology}"`,
          `use --technology ${FAB_TECHNOLOGY_NAMES.join(" or ")}`,
        ),
      ]);
      out.fail(EXIT.usage);
      return undefined;
    }
    const circuit = t.loaded.circuit;
    const cell = readCellInfo(circuit.info);
    const id =
      flags.id ?? `${circuit.name}${cell ? ` copy ${flags.copy}` : ""} ${flags.technology} fabricated seed ${seed} trial ${flags.trial}`;
    const departures = flags.departure ?? [];
    const die = departDie(drawFabDie(circuit, tech, stream, id), circuit, departures, stream);
    const source = {
      technology: flags.technology,
      model: "fabricated",
      seed,
      trial: flags.trial,
      ...(cell ? { copy: flags.copy } : {}),
      ...(departures.length ? { departures: DEPARTURE_NAMES.filter((n) => departures.includes(n)).join(",") } : {}),
    };
    if (!(await out.commit(dirname(path), new Map([[basename(path), writeFabDieFile(die, { source })]]), file))) return undefined;
    out.note(
      `die "${id}" (as fabricated): ${die.heaters.length} heaters (offsets uniform on [0, 2π), ${die.drive.bits}-bit drive to ${die.drive.pMaxMw.toFixed(1)} mW), ${die.crosstalk.length} crosstalk couplings, ${die.detectors.length} detectors\n  wrote ${relative(ctx.io.cwd, path) || file}`,
    );
    return {
      file,
      die: {
        id,
        circuit: circuit.name,
        format: "optinc.die/2",
        heaters: die.heaters.length,
        crosstalk: die.crosstalk.length,
        technology: flags.technology,
        departures: DEPARTURE_NAMES.filter((n) => departures.includes(n)),
        seed,
        trial: flags.trial,
        ...(cell ? { copy: flags.copy } : {}),
      },
    };
  }
};
