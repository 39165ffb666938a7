// Which circuit is this? A compiled netlist carries its identity in its `info` block (spec name,
// worker count, precision, levels, rounding, its unit file name and a content hash of the unit
// function it computes; aggregate/circuit-info.ts writes and reads them). `optinc verify` and `allreduce --netlist` check that identity against the
// circuit itself, its file name, the report.json beside it and, for a directory, the report's unit
// list, so a netlist from another spec or a renamed file cannot pass as the expected circuit.
import { basename } from "node:path";
import { isCellCircuit, readIdentityInfo, readUnitInfo, unitHash, type UnitIdentity } from "../../aggregate/circuit-info.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { circuitFormat } from "./shape.ts";

/** A report.json as far as identity goes (schemaVersion 2 keys). */
interface ReportLike {
  name?: unknown;
  spec?: { workers?: unknown; precision?: unknown; levels?: unknown; rounding?: unknown };
  onn?: { units?: { file?: unknown; function?: Record<string, unknown> }[] };
}

const NETLIST_SUFFIX = ".netlist.json";

function fromReportFunction(f: Record<string, unknown>, levels: number, rounding: string): UnitIdentity | null {
  const n = (k: string) => (typeof f[k] === "number" ? (f[k] as number) : NaN);
  const u: UnitIdentity = {
    workers: n("workers"),
    levels,
    inDigits: n("inDigits"),
    outDigits: n("outDigits"),
    inputOffset: n("inputOffset"),
    outputOffset: n("outputOffset"),
    divisor: n("divisor"),
    rounding,
  };
  if ([u.workers, u.inDigits, u.outDigits, u.inputOffset, u.outputOffset, u.divisor].some((x) => !Number.isInteger(x))) return null;
  if (Array.isArray(f.weights)) {
    u.weights = f.weights as number[];
    u.carryIn = typeof f.carryIn === "number" ? f.carryIn : 0;
    if (f.round === "class" || f.round === "carry") u.round = f.round;
  }
  return u;
}

/**
 * Problems with a circuit's identity, as one-line reasons (empty = consistent). `report` is the
 * parsed report.json beside it (null when there is none); without identity entries and without a
 * report there is nothing to check against (a hand-made circuit).
 */
export function identityProblems(netlistPath: string, circuit: Circuit, report: unknown): string[] {
  const info = circuit.info;
  // A closed-form cell: its identity is checked against a chip planned afresh from the spec
  // (verify/cells/verify-closed-form.ts).
  if (isCellCircuit(info)) return [];
  const r = (typeof report === "object" && report !== null ? report : null) as ReportLike | null;
  const id = readIdentityInfo(info);
  if (!id) {
    return r
      ? [
          "the netlist carries no identity (info.unit_hash) but a report.json is beside it: it was not written by this compile; re-run optinc compile",
        ]
      : [];
  }
  const problems: string[] = [];
  const fmt = circuitFormat(circuit);
  const spec = readUnitInfo(info);
  const rounding = String(id.spec.rounding ?? "");
  if (spec) {
    const own: UnitIdentity = {
      workers: fmt.source.workers,
      levels: fmt.source.levels,
      inDigits: fmt.source.digits,
      outDigits: fmt.outputDigits,
      rounding,
      ...spec,
    };
    if (unitHash(own) !== id.hash)
      problems.push(
        `the circuit (${fmt.source.workers} inputs × ${fmt.source.digits} PAM-${fmt.source.levels} digits → ${fmt.outputDigits}) does not compute the unit function its info.unit_hash names: it was edited after compile`,
      );
  } else problems.push("the netlist's info has a unit_hash but no unit_* function entries");
  const file = basename(netlistPath);
  if (typeof id.file === "string" && file !== `${id.file}${NETLIST_SUFFIX}`)
    problems.push(`the file is named ${file} but holds unit ${id.file} (${id.file}${NETLIST_SUFFIX}): it was renamed`);
  if (!r) return problems;
  if (r.name !== id.spec.name)
    problems.push(`the netlist is from spec "${String(id.spec.name)}" but report.json is for "${String(r.name)}"`);
  for (const field of ["workers", "precision", "levels", "rounding"] as const) {
    const want = r.spec?.[field];
    if (want !== id.spec[field])
      problems.push(`the netlist says ${field} = ${String(id.spec[field])} but report.json says ${String(want)}`);
  }
  const entry = r.onn?.units?.find((u) => u.file === id.file);
  if (!entry?.function)
    problems.push(
      `report.json lists no unit ${String(id.file)} (its units: ${(r.onn?.units ?? []).map((u) => String(u.file)).join(", ")})`,
    );
  else {
    const fromReport = fromReportFunction(entry.function, Number(r.spec?.levels), String(r.spec?.rounding));
    if (!fromReport || unitHash(fromReport) !== id.hash)
      problems.push(`the unit function in report.json for ${String(id.file)} differs from the netlist's (info.unit_hash)`);
  }
  return problems;
}

/** Units a report lists whose netlists are missing from `present` (file names in the directory). */
export function missingUnits(report: unknown, present: ReadonlySet<string>): string[] {
  const r = (typeof report === "object" && report !== null ? report : null) as ReportLike | null;
  return (r?.onn?.units ?? []).map((u) => `${String(u.file)}${NETLIST_SUFFIX}`).filter((f) => !present.has(f));
}
