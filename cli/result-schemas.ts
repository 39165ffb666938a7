// JSON Schemas (draft 2020-12) of each command's `result` in the --json envelope: one or more
// shapes per command, their top-level keys closed (an undocumented key fails), nested documents
// (report.json, the die, the structures considered) left to their own formats (docs/reference/report.md,
// docs/reference/lab-files.md). cli/envelope-schema.ts applies the one named by the envelope's `command`;
// tests/cli/result-schemas.test.ts checks docs/reference/cli.md's table (every key of every shape) and
// docs/reference/report.md's verify section (every key of verify's shapes, nested ones included) against them.
import { COMPILE } from "../codes/catalogue.ts";
import type { CommandName } from "./envelope.ts";

type Schema = Record<string, unknown>;

const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const num: Schema = { type: "number" };
const bool: Schema = { type: "boolean" };
const doc: Schema = { type: "object" };
const arr = (items: Schema): Schema => ({ type: "array", items });
const orNull = (s: Schema): Schema => ({ anyOf: [s, { type: "null" }] });

/** An object with these keys required (and `optional` allowed), no others. */
function shape(required: Record<string, Schema>, optional: Record<string, Schema> = {}, title?: string): Schema {
  return {
    ...(title ? { title } : {}),
    type: "object",
    additionalProperties: false,
    required: Object.keys(required),
    properties: { ...required, ...optional },
  };
}

const protocolTotals = { rounds: int, steps: int, readings: int, mzis: int, readingsPerMzi: num, labTimeS: num };
const flagged = arr(shape({ readout: str, purposes: arr(str) }));
const verifyFormat = { const: "optinc.verify/1" };
const strs = arr(str);

/** One circuit of the trained route (verify/circuit/format.ts verifyJsonAll; docs/reference/report.md §1.7). */
const trainedCircuit = shape({
  netlist: str,
  report: orNull(str),
  name: str,
  measured: orNull(doc),
  source: doc,
  precision: int,
  rounding: str,
  caseSet: doc,
  nominal: doc,
  trials: orNull(doc),
  thresholds: shape({ minExact: num, minYield: num }),
  failures: strs,
  pass: bool,
});

/** A cell's exact cases (verify/cells/cell-verify.ts CellCheck). */
const cellCheck = { name: str, cases: int, exact: int, wrongDigits: int, raw: bool };

/** A closed-form chip's verdict (verify/cells/verify-closed-form.ts ClosedFormVerifyResult). */
const closedFormResult = shape({
  target: str,
  spec: orNull(shape({ workers: int, precision: int, levels: int, innerLevels: int, rounding: str })),
  identity: strs,
  cells: arr(
    shape({
      ...cellCheck,
      design: str,
      copies: int,
      atLoss: orNull(shape({ mziLossDb: num, exact: int })),
      band: shape({ fromDb: num, toDb: num, exact: int, worstDb: num }),
    }),
  ),
  composed: arr(
    shape({ cases: int, exact: int, mode: { enum: ["exhaustive", "sampled"] }, edgeCases: int, histogram: doc, description: str }),
  ),
  trials: orNull(
    shape({
      trials: int,
      passing: int,
      yield: num,
      exactCopies: arr(num),
      perDesign: arr(shape({ name: str, copies: int, passing: int })),
      nonIdealities: doc,
      seed: int,
    }),
  ),
  failures: strs,
  pass: bool,
});

/** verify --power: the light budget of a closed-form chip (verify/power/analyze.ts PowerResult). */
const decision = shape({
  cell: str,
  output: str,
  caseIndex: int,
  inputs: arr(num),
  level: int,
  powerMw: num,
  below: orNull(num),
  above: orNull(num),
  sigma: num,
  shares: arr(shape({ source: str, share: num })),
  q: num,
  rate: num,
});
const operating = shape({ tapMw: num, loMw: num });
const energyBreakdown = shape({
  laserMw: num,
  terms: arr(shape({ term: str, watts: num, pjPerBit: num, source: str })),
  watts: num,
  pjPerBit: num,
  pjPerOutputBit: num,
});
const energyResult = shape({
  rule: str,
  inputBitsPerSecond: num,
  outputBitsPerSecond: num,
  parts: shape({
    workers: num,
    levels: int,
    ingressLanes: int,
    regenerations: int,
    egressLanes: int,
    egressTransmitters: int,
    activations: int,
    shifters: int,
  }),
  technologies: arr(
    shape({
      shifter: str,
      source: str,
      settleS: num,
      meanLossDb: orNull(num),
      atNeeded: orNull(energyBreakdown),
      atLaser: energyBreakdown,
    }),
  ),
  alternatives: arr(shape({ name: str, pjPerBit: num, source: str })),
});
/** An edge of the chip (netlist/devices/link.ts HopBudget). */
const hopFields = { receivedOmaDbm: num, sensitivityOmaDbm: num, marginDb: num, closes: bool };
const hop = shape(hopFields);
const powerResult = shape(
  {
    light: shape({
      source: str,
      symbolRateGBd: num,
      laser: shape({ powerMw: num, rinDbHz: num, wallPlugEfficiency: num }),
      receiver: shape({ responsivityAW: num, darkCurrentNa: num, noiseDensityPaRtHz: num, bandwidthFraction: num }),
      facetLossDb: num,
      maxWaveguideMw: num,
      regenerator: shape({ modulatorLossDb: num, cmrrDb: num, splitExcessDb: num, designMarginDb: num }),
      link: shape({ txOmaDbm: num, rxSensitivityOmaDbm: num, connectors: int, connectorLossDb: num, fibreKm: num, fibreDbPerKm: num }),
    }),
    mziLossDb: num,
    decision: str,
    bound: str,
    target: num,
    laserMw: num,
    operating,
    ratePerValue: num,
    pass: bool,
    binding: decision,
    largestWaveguideMw: num,
    smallestStep: shape({ cell: str, output: str, mw: num, db: num }),
    needed: shape({
      tapMw: orNull(num),
      plan: shape({
        modulators: int,
        los: int,
        design: operating,
        modulatorsPerSource: int,
        losPerSource: int,
        sources: int,
        laserMw: num,
        totalMw: num,
        wallPlugMw: num,
      }),
    }),
    cells: arr(
      shape({
        cell: str,
        netlist: str,
        copies: int,
        cases: int,
        modulators: int,
        los: int,
        worstPerUse: num,
        meanPerUse: num,
        worstPerDigit: doc,
        smallestStep: shape({ output: str, mw: num, db: num }),
        stages: arr(shape({ instance: str, component: str, kind: str, maxMw: num, weakestMw: num })),
      }),
    ),
    reads: arr(shape({ read: str, tapMw: orNull(num) })),
  },
  { energy: energyResult, edges: shape({ ingress: hop, broadcast: shape({ ...hopFields, fanout: int, transmitters: int }) }) },
);

/** The shapes of each command's `result` (anyOf: the first that fits). */
export const RESULT_SHAPES: Record<CommandName, Schema[]> = {
  init: [shape({ file: str, next: strs })],
  check: [shape({ specs: arr(shape({ file: str, ok: bool }, { name: str, spec: doc })) })],
  fmt: [shape({ changed: bool }, { formatted: str })],
  grammar: [shape({ artifacts: arr(shape({ kind: str, sha256: str }, { path: str })) }, { html: str })],
  compile: [
    shape({ outDir: str, report: doc }, {}, "built"),
    shape({ refused: { const: true }, structure: doc }, {}, `refused by route = auto (${COMPILE.noStructure})`),
  ],
  verify: [
    shape({ format: verifyFormat, pass: bool, circuits: arr(trainedCircuit) }, { tolerance: doc }, "trained route: one entry per circuit"),
    shape(
      { format: verifyFormat, route: { const: "closed-form" }, pass: bool, result: closedFormResult },
      { tolerance: doc, power: powerResult },
      "closed-form chip",
    ),
    shape(
      {
        format: verifyFormat,
        route: { const: "closed-form" },
        pass: bool,
        measured: shape({ die: str, dacBits: orNull(int) }),
        cell: shape({ netlist: str, ...cellCheck }),
      },
      {},
      "closed-form cell on a measured die",
    ),
  ],
  allreduce: [
    shape(
      { aggregator: orNull(str), runs: arr(doc) },
      // --models (and --workload/--spec): the model comparison; --chart: the SVG written; --astra: the ASTRA-sim inputs.
      { comparison: doc, chart: str, astra: shape({ dir: str, workers: int, files: strs }) },
    ),
  ],
  decompose: [
    shape({
      input: str,
      shape: arr(int),
      path: str,
      mesh: str,
      modes: int,
      mzis: int,
      attenuators: int,
      depth: int,
      gain: num,
      unitarityError: num,
      reconstruction: doc,
      emitted: doc,
      quantization: orNull(doc),
      files: arr(str),
    }),
  ],
  export: [shape({ files: arr(str) })],
  die: [shape({ file: str, die: doc })],
  protocol: [
    shape({
      file: str,
      csv: str,
      circuit: str,
      cell: str,
      round: int,
      rounds: int,
      stage: orNull(str),
      kind: str,
      steps: int,
      readings: int,
      mzis: int,
      readingsPerMzi: num,
      labTimeS: num,
    }),
  ],
  measure: [
    shape({
      file: str,
      circuit: str,
      cell: str,
      die: str,
      seed: int,
      measured: shape({ first: int, last: int, ...protocolTotals }),
      totals: shape({ ...protocolTotals, complete: bool, roundsPlanned: int }),
      saturated: flagged,
      dark: flagged,
    }),
  ],
  calibrate: [
    shape(
      { outDir: str, die: str, program: str, corrected: bool, exactOnDie: doc, parts: arr(doc), failing: arr(doc), files: arr(str) },
      {},
      "optinc.die/1 (measured)",
    ),
    shape(
      { outDir: str, die: str, format: { const: "optinc.die/2" }, exactOnDie: doc, maxPhaseErrorRad: num, files: arr(str) },
      {},
      "optinc.die/2 (fabricated)",
    ),
    shape(
      {
        outDir: str,
        die: str,
        format: { const: "optinc.readings/1" },
        protocol: shape(protocolTotals),
        heaters: int,
        identified: int,
        parked: int,
        crosstalkCouplings: int,
        crosstalkFloor: num,
        maxPhaseErrorRad: num,
        predictedMarginSteps: num,
        acceptance: shape({
          pass: bool,
          cases: int,
          accepted: int,
          wrong: int,
          worstMarginSteps: arr(num),
          guardSteps: arr(num),
          repeatSpreadSteps: arr(num),
          responsivityAW: arr(num),
          coupling: orNull(arr(num)),
          failing: arr(doc),
          failingCount: int,
        }),
        darkMonitors: arr(str),
        deadMonitors: arr(str),
        crosstalkDeparture: orNull(shape({ part: str, pairs: int, off: int })),
        levelTrim: orNull(shape({ scale: arr(num), shift: arr(num) })),
        settling: orNull(shape({ detected: bool, tauMs: num, tail: num, explained: num, settleMs: num, heaters: arr(str) })),
        calibrationS: num,
        files: arr(str),
      },
      {},
      "--readings",
    ),
  ],
  layout: [shape({ files: arr(str), stats: doc, topCell: str })],
};

/** The `if command = X and result is an object then result fits X's shapes` clauses of the envelope. */
export function resultClauses(): Schema[] {
  return Object.entries(RESULT_SHAPES).map(([command, shapes]) => ({
    if: { properties: { command: { const: command }, result: { type: "object" } }, required: ["command", "result"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
    then: { properties: { result: shapes.length === 1 ? shapes[0] : { anyOf: shapes } } },
  }));
}
