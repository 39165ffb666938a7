// The one catalogue of diagnostic codes, for every command (as the TypeScript compiler has one
// table of diagnostics). Each code means one thing everywhere; tests/codes/catalogue.test.ts fails
// on a code listed twice and on a code literal written anywhere else in the source. Emitters use the
// constants below (e.g. SPEC.unknownOption); docs/reference/diagnostics.md and docs/reference/language.md embed the tables that
// codesMarkdown writes. Codes are part of the public interface: never renumber one, retire it.
//
// Ranges: OPT0xxx inputs, outputs and the command line · OPT1xxx spec syntax · OPT2xxx spec
// semantics · OPT30xx compile · OPT31xx decompose · OPT4xxx chip files · OPT5xxx export ·
// OPT60xx verify · OPT61xx measurement files, die and calibrate · OPT62xx fabricated dies and drive codes ·
// OPT63xx lab protocol and readings · OPT7xxx allreduce · OPT8xxx layout.

/** One code: [code, what it means, the exit code it gives]. */
type Entry = readonly [code: `OPT${number}`, summary: string, exit: string];

interface Group {
  readonly title: string;
  readonly codes: Readonly<Record<string, Entry>>;
}

const group = <const C extends Record<string, Entry>>(title: string, codes: C) => ({ title, codes });

export const CATALOGUE = {
  io: group("OPT0xxx — inputs, outputs and the command line", {
    unreadable: ["OPT0001", "the spec file cannot be read (missing, not a regular file, or too large)", "2"],
    extension: ["OPT0002", "unsupported spec file extension", "2"],
    usage: [
      "OPT0003",
      "usage error: a bad flag or argument (also a flag that the chosen format would ignore, e.g. `export --format yaml --neff 2.3`)",
      "2",
    ],
    outputPath: ["OPT0004", "an output path cannot be used (a file or under one, not writable, or on /proc, /sys or /dev)", "2"],
    writeFailed: ["OPT0005", "the output could not be written (nothing was written)", "2"],
    notText: ["OPT0006", "the input is not a text file", "2"],
    internal: ["OPT0007", "internal error (a bug in optinc)", "70"],
    truncated: ["OPT0008", "more diagnostics than are shown (a note)", "–"],
    interrupted: ["OPT0009", "interrupted (SIGINT or SIGTERM)", "130/143"],
    notFormatted: ["OPT0010", "fmt --check: the file is not in canonical form", "1"],
    outputIsInput: [
      "OPT0011",
      "an output path is, contains or lies inside an input of the command (symlinks resolved; nothing is written)",
      "2",
    ],
    notUtf8: ["OPT0012", "an input file is not valid UTF-8 (at the line:col of the first invalid byte)", "2"],
  }),
  syntax: group("OPT1xxx — spec syntax", {
    unexpectedCharacter: ["OPT1001", "unexpected character", "1"],
    expectedToken: ["OPT1002", "expected a different token", "1"],
    unexpectedToken: ["OPT1003", "unexpected token", "1"],
    trailingText: ["OPT1004", "unexpected text after the end of the aggregator", "1"],
    badNumber: ["OPT1006", "malformed number", "1"],
    tooDeep: ["OPT1007", "nesting too deep", "1"],
    yamlSyntax: ["OPT1010", "YAML syntax error", "1"],
    yamlShape: ["OPT1011", "YAML value has the wrong shape", "1"],
  }),
  spec: group("OPT2xxx — spec semantics", {
    unknownOption: ["OPT2001", "unknown option", "1"],
    duplicateOption: ["OPT2002", "duplicate option", "1"],
    wrongKind: ["OPT2003", "wrong kind of value", "1"],
    outOfRange: ["OPT2004", "value out of range", "1"],
    missingUnit: ["OPT2005", "missing unit", "1"],
    wrongUnit: ["OPT2006", "wrong or unknown unit", "1"],
    unknownChoice: ["OPT2007", "unknown choice", "1"],
    precisionNotMultiple: ["OPT2008", "precision is not a multiple of log2(levels)", "1"],
    radixAboveWorkers: ["OPT2009", "cascade radix larger than workers", "1"],
    notInteger: ["OPT2010", "not an integer", "1"],
    noSuchLayer: ["OPT2011", "approximate.layers refers to a layer that does not exist", "1"],
    unknownWorkload: ["OPT2012", "unknown workload preset", "1"],
    conflicting: ["OPT2013", "conflicting options", "1"],
    blockOrSetting: ["OPT2014", "a block was used as a setting, or a setting as a block", "1"],
    duplicateEntry: ["OPT2015", "duplicate list entry", "1"],
    noEffect: ["OPT2016", "setting has no effect (a warning)", "0"],
    missingEntry: ["OPT2017", "missing required entry", "1"],
    nameTooLong: ["OPT2018", "name too long", "1"],
    overCap: ["OPT2019", "the compile is estimated to exceed the memory or time limit (compile --force overrides)", "1"],
    unknownTechnology: ["OPT2020", "unknown technology preset", "1"],
  }),
  compile: group("OPT30xx — compile", {
    notExact: [
      "OPT3001",
      "compile: the compiled aggregator is not exact (some cases decode wrongly on the emitted netlist; the files are still written)",
      "1",
    ],
    spaceTooLarge: ["OPT3002", "compile: a unit's reduced input space is larger than exhaustive training handles", "1"],
    noPreprocess: ["OPT3003", "compile: preprocess = none, but the trainer trains on digit sums only", "1"],
    unusedOption: ["OPT3004", "training.dac_bits is not used by the trainer yet (a warning, from check and compile)", "0"],
    notForRoute: ["OPT3005", "an option of the trained route in a closed-form spec (a warning, from check and compile)", "0"],
    yieldTargetMissed: [
      "OPT3006",
      "compile: the chips' Monte-Carlo yield misses or does not show the spec's yield target at its confidence (technology.yield; a warning under an explicit route)",
      "0",
    ],
    noStructure: [
      "OPT3007",
      "compile: route = auto found no structure that meets the yield target at the declared technology (names the best one, its yield and the technology it would need; nothing is written)",
      "1",
    ],
  }),
  decompose: group("OPT31xx — decompose", {
    unreadable: ["OPT3101", "decompose: the matrix file cannot be read", "2"],
    extension: ["OPT3102", "decompose: unsupported matrix file extension (use .json or .csv)", "2"],
    badJson: ["OPT3103", "decompose: invalid JSON (at line:col)", "1"],
    badEntry: ["OPT3104", "decompose: malformed matrix entry (CSV cell or JSON value, at line:col)", "1"],
    ragged: ["OPT3105", "decompose: matrix rows have different lengths, or the matrix is empty", "1"],
    notSquare: ["OPT3106", "decompose: --unitary with a matrix that is not square", "1"],
    notUnitary: ["OPT3107", "decompose: --unitary with a matrix that is not unitary within --tol", "1"],
    badShape: ["OPT3108", "decompose: the JSON document is not a matrix (not {re, im} or an array of rows)", "1"],
    tooLarge: ["OPT3110", "decompose: the matrix is larger than 256×256", "1"],
    overflow: ["OPT3111", "decompose: the largest singular value is outside the double range", "1"],
    inaccurate: [
      "OPT3112",
      "decompose: the relative error of the reconstruction or of the emitted table exceeds --max-error; nothing is written",
      "1",
    ],
  }),
  chipFile: group("OPT4xxx — chip files", {
    invalid: ["OPT4101", "an invalid <name>.chip.json (optinc.chip/1), at line:col", "1"],
  }),
  export: group("OPT5xxx — export", {
    noNetlist: ["OPT5001", "export: no *.netlist.json in the directory", "2"],
    unreadable: ["OPT5002", "export: the target, its netlist or its phase table cannot be read (a FIFO, a device, invalid UTF-8)", "2"],
    noPhaseTable: ["OPT5003", "export: no phase table beside the netlist", "2"],
    badPhaseTable: ["OPT5004", "export: an invalid phase table", "1"],
    badNetlist: ["OPT5005", "export: an invalid netlist (the netlist reader's own code first)", "1"],
    inconsistent: ["OPT5006", "export: the netlist is inconsistent", "1"],
  }),
  verify: group("OPT60xx — verify", {
    notFound: ["OPT6001", "verify/allreduce: no such file or directory", "2"],
    noNetlist: ["OPT6002", "verify: a directory without *.netlist.json", "2"],
    badJson: ["OPT6003", "verify: a report.json that is not valid JSON", "1"],
    badNetlist: ["OPT6004", "verify/allreduce: an invalid netlist (the netlist reader's own code in parentheses)", "1"],
    notPipeline: ["OPT6005", "verify/allreduce: the netlist is not a compiled circuit (or its info block is malformed)", "1"],
    identity: ["OPT6006", "verify/allreduce: the circuit is not the compiled one (identity)", "1"],
    threshold: ["OPT6007", "verify: a threshold failed (--min-exact, --min-yield)", "1"],
    tooLarge: [
      "OPT6008",
      "verify: a netlist or report larger than 256 MB, or with more array elements than optinc reads (docs/reference/cli.md §9)",
      "1",
    ],
    powerTarget: [
      "OPT6009",
      "verify --power: the error rate per aggregated value misses its target at the laser power given (the binding decision named)",
      "1",
    ],
    powerRoute: [
      "OPT6010",
      "verify --power: a circuit the power budget cannot read (not a closed-form cell, or a detector it cannot place)",
      "1",
    ],
    powerLimit: [
      "OPT6011",
      "verify --power: a waveguide over its power ceiling, or an edge of the chip (ingress or broadcast) short of its receivers' sensitivity",
      "1",
    ],
  }),
  die: group("OPT61xx — measurement files, die and calibrate", {
    json: ["OPT6101", "measurement file: not valid JSON (NaN and Infinity are not JSON)", "2"],
    schema: ["OPT6102", "measurement file: does not follow the schema (a missing or unknown field, an unknown kind, a wrong type)", "2"],
    unknown: ["OPT6103", "measurement file: an element (or tree leaf) that the netlist does not have", "2"],
    missing: ["OPT6104", "measurement file: elements (or tree leaves) of the netlist are missing", "2"],
    value: [
      "OPT6105",
      "measurement file: a non-physical value (a coupling outside [0, 1], a negative loss, a gain ≤ 0, a non-finite number)",
      "2",
    ],
    kind: ["OPT6106", "measurement file: an element measured as another kind, or a detector with the wrong number of modes", "2"],
    circuit: ["OPT6107", "measurement file: measured on another circuit", "2"],
    noCircuit: ["OPT6110", "die/calibrate: no compiled circuit at the path", "2"],
    whichCircuit: ["OPT6111", "die/calibrate/verify --measured: several circuits there and none named (by the die, or --cell)", "2"],
    badPhaseTable: ["OPT6112", "die/calibrate: an unreadable phase table beside the netlist", "2"],
    unreadable: ["OPT6113", "die/calibrate/verify --measured: an unreadable measurement file", "2"],
    overwritesDesign: ["OPT6115", "calibrate -o points at the design's own directory", "2"],
    noSuchCopy: ["OPT6117", "die --copy beyond the cell's physical copies, or on a circuit that is not a cell", "2"],
    notCalibrated: [
      "OPT6118",
      "calibrate: the die is not fully correctable, the calibrated die is still not exact, or (--readings) its acceptance round fails; the files are written",
      "1",
    ],
  }),
  fab: group("OPT62xx — fabricated dies (optinc.die/2) and drive codes", {
    json: ["OPT6201", "fabricated die file: not valid JSON (a truncated file)", "2"],
    schema: ["OPT6202", "fabricated die file: does not follow the schema (a missing or unknown field, a wrong type)", "2"],
    unknown: [
      "OPT6203",
      "fabricated die file: a heater, crosstalk entry or passive leaf the circuit does not have, or a value a leaf does not take",
      "2",
    ],
    missing: ["OPT6204", "fabricated die file: heaters of the circuit missing, or fewer detector entries than detector modes", "2"],
    value: [
      "OPT6205",
      "fabricated die file: a non-physical value (offset outside [0, 2π), efficiency or power ≤ 0, coupling outside [0, 1], negative loss)",
      "2",
    ],
    circuit: ["OPT6207", "fabricated die file: belongs to another circuit", "2"],
    noFabParameters: ["OPT6210", "die --fabricated: the preset has no fabrication parameters", "2"],
    staleDrive: ["OPT6211", "verify --measured: the drive file beside the netlist does not fit the fabricated die", "2"],
  }),
  lab: group("OPT63xx — lab protocol and readings (optinc.protocol/1, optinc.readings/1)", {
    json: ["OPT6301", "protocol or readings file: not valid JSON (a truncated file; NaN and Infinity are not JSON)", "2"],
    schema: [
      "OPT6302",
      "protocol or readings file: does not follow the schema (a missing or unknown field — an element value such as offsetRad —, a wrong type, a negative power)",
      "2",
    ],
    value: [
      "OPT6303",
      "readings file: a non-physical reading (a value above the ADC full scale, a monitor photocurrent below −1 nA, values not one per readout read)",
      "2",
    ],
    saturated: [
      "OPT6304",
      "readings file: a reading at the ADC full scale (saturated) — calibrate rejects it, protocol and measure warn",
      "2",
    ],
    circuit: ["OPT6305", "protocol or readings file: of another circuit (its circuit, inputs, heaters or readouts differ)", "2"],
    mismatch: [
      "OPT6306",
      "protocol or readings file: a step differs from the protocol the session plans (another protocol, or a file edited by hand)",
      "2",
    ],
    missing: ["OPT6307", "readings file: rounds or steps missing (calibrate --readings needs every round, every step)", "2"],
    notNext: ["OPT6308", "measure --protocol: the protocol is not the next round of the readings", "2"],
    otherLab: ["OPT6309", "measure --readings: the readings were taken on another die or with another seed", "2"],
    complete: ["OPT6310", "protocol/measure --readings: the readings already hold every round (calibrate --readings next)", "2"],
    unreadable: ["OPT6311", "protocol or readings file cannot be read", "2"],
    notFabricated: ["OPT6312", "measure --die: not a fabricated die (optinc.die/2; optinc die --fabricated draws one)", "2"],
    notCell: ["OPT6313", "protocol/measure/calibrate --readings: the circuit is not a closed-form cell a lab can calibrate", "2"],
    noMonitors: [
      "OPT6314",
      "protocol/measure/calibrate --readings: the design places no calibration monitors (calibration { monitors = none }, or a netlist without monitor sites), or other ones than calibration reads",
      "2",
    ],
    saturatedReadout: [
      "OPT6320",
      "measure: a readout saturated (read at the ADC full scale) in some step — a warning, by readout name",
      "0",
    ],
    darkReadout: ["OPT6321", "measure: a readout read dark throughout a sweep that lit it — a warning, by readout name", "0"],
  }),
  allreduce: group("OPT7xxx — allreduce", {
    inexact: [
      "OPT7001",
      "allreduce --netlist: the circuit's outputs differ from the golden quantized average (a warning with --allow-inexact)",
      "1",
    ],
  }),
  layout: group("OPT8xxx — layout", {
    notFound: ["OPT8001", "layout: the directory or a file cannot be read", "2"],
    noNetlist: ["OPT8002", "layout: no *.netlist.json in the directory", "2"],
    badNetlist: ["OPT8003", "layout: an invalid netlist (the netlist reader's own code in parentheses)", "1"],
    badChip: ["OPT8004", "layout: an invalid chip file", "1"],
    cannotDraw: ["OPT8005", "layout: a circuit the layout cannot draw (a component without a cell, a feedback loop)", "1"],
    noSuchCell: ["OPT8006", "layout --cell: no such cell design", "2"],
  }),
} as const satisfies Record<string, Group>;

type CodesOf<G extends Group> = { readonly [K in keyof G["codes"]]: G["codes"][K][0] };

function codesOf<G extends Group>(g: G): CodesOf<G> {
  return Object.fromEntries(Object.entries(g.codes).map(([name, [code]]) => [name, code])) as CodesOf<G>;
}

export const IO = codesOf(CATALOGUE.io);
export const SYNTAX = codesOf(CATALOGUE.syntax);
export const SPEC = codesOf(CATALOGUE.spec);
export const COMPILE = codesOf(CATALOGUE.compile);
export const DECOMPOSE = codesOf(CATALOGUE.decompose);
export const CHIP_FILE = codesOf(CATALOGUE.chipFile);
export const EXPORT = codesOf(CATALOGUE.export);
export const VERIFY = codesOf(CATALOGUE.verify);
export const DIE = codesOf(CATALOGUE.die);
export const FAB = codesOf(CATALOGUE.fab);
export const LAB = codesOf(CATALOGUE.lab);
export const ALLREDUCE = codesOf(CATALOGUE.allreduce);
export const LAYOUT = codesOf(CATALOGUE.layout);

/** Every code with its meaning and exit code, in catalogue order. */
export function allCodes(): { code: string; summary: string; exit: string; group: string }[] {
  return Object.values(CATALOGUE).flatMap((g: Group) =>
    Object.values(g.codes).map(([code, summary, exit]) => ({ code, summary, exit, group: g.title })),
  );
}

/** The meaning of a code (undefined for a code not in the catalogue). */
export function codeSummary(code: string): string | undefined {
  return allCodes().find((c) => c.code === code)?.summary;
}

/** A markdown table of the given groups (all by default): one section row per range. */
/**
 * Codes retired: no input can produce them any more. Their numbers stay reserved (never reused;
 * tests/codes/catalogue.test.ts), and the table of every code lists them as retired.
 */
export const RETIRED: readonly { code: `OPT${number}`; was: string; why: string }[] = [
  {
    code: "OPT1005",
    was: "expected at least one item",
    why: "no rule of the spec grammar requires an item, so no input reaches it",
  },
];

export function codesMarkdown(
  groups: readonly (keyof typeof CATALOGUE)[] = Object.keys(CATALOGUE) as (keyof typeof CATALOGUE)[],
  withExit = true,
): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const out = withExit ? ["| Code | Meaning | Exit |", "|---|---|---|"] : ["| Code | Meaning |", "|---|---|"];
  for (const name of groups) {
    const g: Group = CATALOGUE[name];
    if (groups.length > 1) out.push(withExit ? `| | **${g.title}** | |` : `| | **${g.title}** |`);
    for (const [code, summary, exit] of Object.values(g.codes))
      out.push(withExit ? `| \`${code}\` | ${cell(summary)} | ${exit} |` : `| \`${code}\` | ${cell(summary)} |`);
  }
  if (groups.length > 1 && RETIRED.length > 0) {
    out.push(withExit ? "| | **Retired (numbers never reused)** | |" : "| | **Retired (numbers never reused)** |");
    for (const r of RETIRED) {
      const text = `retired: ${cell(r.was)} — ${cell(r.why)}`;
      out.push(withExit ? `| \`${r.code}\` | ${text} | — |` : `| \`${r.code}\` | ${text} |`);
    }
  }
  return out.join("\n") + "\n";
}
