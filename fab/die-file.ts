// `optinc.die/2`: a fabricated die (netlist/die/heaters.ts) as a file — heaters with offset, efficiency and
// layout position, the crosstalk matrix (sparse), passive leaves, detectors and laser. `optinc die
// --fabricated` writes it from a draw; `optinc calibrate --readings` writes one estimated from
// readings (with `estimated` saying how well each heater is known). The writer is canonical (one
// entry per line, fixed key order, shortest round-trip numbers): reading and writing back gives the
// same bytes. readAnyDieFile accepts v1 (die-file-v1.ts) beside v2. Format: docs/reference/lab-files.md §2;
// schema: fab/schema/die-fab.schema.json.
import { Ajv, type ValidateFunction } from "ajv";
import { FAB } from "../codes/catalogue.ts";
import { topLevelString } from "../math/json-scan.ts";
import type { Circuit } from "../netlist/ir.ts";
import { leafPath, linearParts, type Die, type LeafError } from "../netlist/die/die.ts";
import { DieFileError, diagnosticSink, parseDieJson, readDieFile } from "./die-file-v1.ts";
import { heaterSites, type FabDie, type FabMonitor, type Heater } from "../netlist/die/heaters.ts";
import { monitorSiteNames } from "./draw.ts";
import schema from "./schema/die-fab.schema.json" with { type: "json" };

export const FAB_DIE_FORMAT = "optinc.die/2";

/** Stable codes of the v2 reader (codes/catalogue.ts, docs/reference/lab-files.md §2). */
export const FAB_DIE_CODES = FAB;

export interface FabDieExtras {
  source?: Record<string, string | number>;
  /** Estimation metadata (σ per heater, fit residuals) of a die inferred from readings. */
  estimated?: Record<string, unknown>;
}

const line = (k: string, v: unknown): string => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`;

export function writeFabDieFile(die: FabDie, extras: FabDieExtras = {}): string {
  const heaters = die.heaters.map((h) =>
    line(h.name, { offsetRad: h.offsetRad, radPerMw: h.radPerMw, ...(h.betaPerMw ? { betaPerMw: h.betaPerMw } : {}), x: h.x, y: h.y }),
  );
  const monitors = (die.monitors ?? []).map(
    (m) => `    ${JSON.stringify({ name: m.name, responsivityAW: m.responsivityAW, darkA: m.darkA, noiseA: m.noiseA })}`,
  );
  const laser = {
    powerMw: die.laser.powerMw,
    driftRelPerStep: die.laser.driftRelPerStep,
    ...(die.laser.couplingDriftRelPerStep ? { couplingDriftRelPerStep: die.laser.couplingDriftRelPerStep } : {}),
  };
  const xt = die.crosstalk.map((c) => `    ${JSON.stringify([die.heaters[c.victim]!.name, die.heaters[c.aggressor]!.name, c.radPerMw])}`);
  const passive = [...die.passive].map(([p, e]) => line(p, passiveRecord(e)));
  const detectors = die.detectors.map(
    (d) =>
      `    ${JSON.stringify({ name: d.name, responsivityAW: d.responsivityAW, darkA: d.darkA, noiseA: d.noiseA, adcBits: d.adcBits, fullScaleA: d.fullScaleA })}`,
  );
  const block = (open: string, close: string, rows: string[]): string =>
    rows.length ? `${open}\n${rows.join(",\n")}\n  ${close}` : `${open}${close}`;
  return [
    "{",
    `  "format": ${JSON.stringify(FAB_DIE_FORMAT)},`,
    `  "id": ${JSON.stringify(die.id)},`,
    `  "circuit": ${JSON.stringify(die.circuit)},`,
    ...(extras.source ? [`  "source": ${JSON.stringify(extras.source)},`] : []),
    ...(extras.estimated ? [`  "estimated": ${JSON.stringify(extras.estimated)},`] : []),
    `  "drive": ${JSON.stringify({ bits: die.drive.bits, pMaxMw: die.drive.pMaxMw })},`,
    `  "laser": ${JSON.stringify(laser)},`,
    ...(die.thermal ? [`  "thermal": ${JSON.stringify({ tailFraction: die.thermal.tailFraction, tailMs: die.thermal.tailMs })},`] : []),
    `  "heaters": ${block("{", "}", heaters)},`,
    ...(die.crosstalkFloor ? [`  "crosstalkFloor": ${JSON.stringify(die.crosstalkFloor)},`] : []),
    `  "crosstalk": ${block("[", "]", xt)},`,
    `  "passive": ${block("{", "}", passive)},`,
    `  "detectors": ${block("[", "]", detectors)}${die.monitors ? "," : ""}`,
    ...(die.monitors ? [`  "monitors": ${block("[", "]", monitors)}`] : []),
    "}",
    "",
  ].join("\n");
}

function passiveRecord(e: LeafError): Record<string, number> {
  const r: Record<string, number> = {};
  if (e.coupling !== undefined) r.coupling = e.coupling;
  if (e.dPhi !== undefined) r.offsetRad = e.dPhi;
  if (e.lossDb !== undefined) r.lossDb = e.lossDb;
  return r;
}

let validator: ValidateFunction | null = null;

interface Doc {
  id: string;
  circuit: string;
  drive: FabDie["drive"];
  laser: FabDie["laser"];
  heaters: Record<string, { offsetRad: number; radPerMw: number; betaPerMw?: number; x: number; y: number }>;
  crosstalkFloor?: number;
  crosstalk: [string, string, number][];
  passive: Record<string, { coupling?: number; lossDb?: number; offsetRad?: number }>;
  detectors: FabDie["detectors"];
  monitors?: FabMonitor[];
  thermal?: FabDie["thermal"];
}

/** Read an optinc.die/2 file for `circuit`; every problem is a diagnostic at file:line:col, all thrown at once. */
export function readFabDieFile(text: string, file: string, circuit: Circuit): FabDie {
  const doc = parseDieJson(text, file, FAB_DIE_CODES.json, "fix the JSON syntax (NaN and Infinity are not JSON)", FAB_DIE_CODES.schema);
  const { diags, at } = diagnosticSink(text, file, (path) => path.join("."));
  validator ??= new Ajv({ allErrors: true, strictTuples: false }).compile(schema);
  if (!validator(doc)) {
    for (const e of validator.errors ?? []) {
      const path = e.instancePath
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const physical = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"].includes(e.keyword);
      // An unknown field is reported at the field itself, not at the object that holds it.
      if (e.keyword === "additionalProperties") {
        at(
          [...path, String((e.params as { additionalProperty: string }).additionalProperty)],
          FAB_DIE_CODES.schema,
          "not a field of optinc.die/2 here",
          "remove it, or check its spelling against docs/reference/lab-files.md §2 and fab/schema/die-fab.schema.json",
        );
        continue;
      }
      const extra = e.keyword === "required" ? ` "${String((e.params as { missingProperty: string }).missingProperty)}"` : "";
      at(
        path,
        physical ? FAB_DIE_CODES.value : FAB_DIE_CODES.schema,
        `${e.message ?? e.keyword}${extra}`,
        physical
          ? "offsets lie in [0, 2π), efficiencies and powers are > 0, couplings in [0, 1], losses ≥ 0"
          : "see docs/reference/lab-files.md §2 and fab/schema/die-fab.schema.json",
      );
    }
    throw new DieFileError(diags);
  }
  const d = doc as Doc;
  if (d.circuit !== circuit.name) {
    at(
      ["circuit"],
      FAB_DIE_CODES.circuit,
      `this die belongs to circuit "${d.circuit}", not "${circuit.name}"`,
      "pass the netlist the die belongs to",
    );
    throw new DieFileError(diags);
  }
  const parts = linearParts(circuit);
  const sites = heaterSites(circuit, parts);
  const index = new Map(sites.map((s, i) => [s.name, i]));
  const heaters: Heater[] = [];
  for (const s of sites) {
    const h = d.heaters[s.name];
    if (h)
      heaters.push({
        ...s,
        offsetRad: h.offsetRad,
        radPerMw: h.radPerMw,
        ...(h.betaPerMw ? { betaPerMw: h.betaPerMw } : {}),
        x: h.x,
        y: h.y,
      });
  }
  const missing = sites.filter((s) => !(s.name in d.heaters));
  if (missing.length)
    at(
      ["heaters"],
      FAB_DIE_CODES.missing,
      `${missing.length} heater${missing.length > 1 ? "s are" : " is"} missing: ${missing
        .slice(0, 5)
        .map((s) => s.name)
        .join(", ")}${missing.length > 5 ? ", …" : ""}`,
      "name every programmable shifter (`optinc die --fabricated` writes a complete file)",
    );
  for (const name of Object.keys(d.heaters))
    if (!index.has(name))
      at(
        ["heaters", name],
        FAB_DIE_CODES.unknown,
        `no heater "${name}" in circuit "${circuit.name}"`,
        `heaters are "<element>.phi", "<element>.theta" or a phase element's name (e.g. ${sites[0]?.name ?? "sum/e0.theta"})`,
      );
  const crosstalk = d.crosstalk.flatMap(([v, a, k], i) => {
    const vi = index.get(v);
    const ai = index.get(a);
    if (vi === undefined || ai === undefined || vi === ai) {
      at(
        ["crosstalk", i],
        FAB_DIE_CODES.unknown,
        vi === ai && vi !== undefined ? `heater "${v}" cannot be its own aggressor` : `no heater "${vi === undefined ? v : a}"`,
        "victim and aggressor are two heaters of the file",
      );
      return [];
    }
    return [{ victim: vi, aggressor: ai, radPerMw: k }];
  });
  const leaves = new Map<string, string>();
  for (const p of parts) for (const [leaf, inst] of Object.entries(p.flat.instances)) leaves.set(leafPath(p.name, leaf), inst.component);
  const heaterPaths = new Set(sites.map((s) => s.path));
  const passive = new Map<string, LeafError>();
  for (const [path, r] of Object.entries(d.passive)) {
    const comp = leaves.get(path);
    const ok =
      comp === "coupler"
        ? Object.keys(r).every((k) => k === "coupling")
        : comp === "phase" && !heaterPaths.has(path)
          ? !("coupling" in r)
          : comp === "waveguide" || comp === "phase"
            ? Object.keys(r).every((k) => k === "lossDb")
            : false;
    if (!ok) {
      at(
        ["passive", path],
        FAB_DIE_CODES.unknown,
        comp ? `a ${comp} leaf does not take ${Object.keys(r).join(", ")}` : `no leaf "${path}" in circuit "${circuit.name}"`,
        "couplers take coupling; arms and waveguides lossDb; fixed phase sections offsetRad and lossDb",
      );
      continue;
    }
    passive.set(path, {
      ...(r.coupling !== undefined ? { coupling: r.coupling } : {}),
      ...(r.offsetRad !== undefined ? { dPhi: r.offsetRad } : {}),
      ...(r.lossDb !== undefined ? { lossDb: r.lossDb } : {}),
    });
  }
  const detModes = Object.values(circuit.netlists[circuit.top]!.instances)
    .filter((i) => i.component === "detector")
    .reduce((n, i) => n + Number(i.settings.modes ?? 0), 0);
  if (d.detectors.length < detModes)
    at(
      ["detectors"],
      FAB_DIE_CODES.missing,
      `the circuit's detectors have ${detModes} modes, the file describes ${d.detectors.length}`,
      "give one entry per detector mode and monitor",
    );
  if (d.monitors) {
    const sites = monitorSiteNames(circuit);
    const names = new Set(d.monitors.map((m) => m.name));
    d.monitors.forEach((m, i) => {
      if (!sites.includes(m.name))
        at(
          ["monitors", i, "name"],
          FAB_DIE_CODES.unknown,
          `no monitor site "${m.name}" in circuit "${circuit.name}"`,
          'monitors are the circuit\'s monitor sites, "<part>/<terminator>"',
        );
    });
    const absent = sites.filter((n) => !names.has(n));
    if (absent.length)
      at(
        ["monitors"],
        FAB_DIE_CODES.missing,
        `${absent.length} monitor site${absent.length > 1 ? "s are" : " is"} missing: ${absent.slice(0, 5).join(", ")}${absent.length > 5 ? ", …" : ""}`,
        "give one entry per monitor site in the circuit's order, or leave monitors out for the lab's nominal photodiodes",
      );
    else if (d.monitors.some((m, i) => m.name !== sites[i]))
      at(
        ["monitors"],
        FAB_DIE_CODES.schema,
        "monitors are not in the circuit's site order",
        "list them in the order optinc die --fabricated writes",
      );
  }
  if (diags.length) throw new DieFileError(diags);
  return {
    id: d.id,
    circuit: d.circuit,
    drive: { ...d.drive },
    laser: { ...d.laser },
    heaters,
    crosstalk,
    ...(d.crosstalkFloor ? { crosstalkFloor: d.crosstalkFloor } : {}),
    passive,
    detectors: d.detectors.map((x) => ({ ...x })),
    ...(d.monitors ? { monitors: d.monitors.map((x) => ({ ...x })) } : {}),
    ...(d.thermal ? { thermal: { ...d.thermal } } : {}),
  };
}

/** The format a die file claims (null when it is not a JSON object with a format string). */
export function dieFileFormat(text: string): string | null {
  // Without building the document (the reader checks its size first).
  return topLevelString(text, "format") ?? null;
}

/** Either version: v1 as the σ-level Die, v2 as the fabricated die. */
export function readAnyDieFile(text: string, file: string, circuit: Circuit): { version: 1; die: Die } | { version: 2; die: FabDie } {
  return dieFileFormat(text) === FAB_DIE_FORMAT
    ? { version: 2, die: readFabDieFile(text, file, circuit) }
    : { version: 1, die: readDieFile(text, file, circuit) };
}
