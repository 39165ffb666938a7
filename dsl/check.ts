// Semantic checking: SpecAst (from either front end) → Spec with defaults filled in, plus OPT2xxx
// diagnostics and the spec-level route warnings (OPT3004, OPT3005) that compile would otherwise be
// the first to notice. All problems are collected; `checked` is returned only when there are no errors.
import type { Entry, Loc, SpecAst } from "./ast.ts";
import { defaultSpec } from "./defaults.ts";
import { diagnosticAt, hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { BLOCKS, findOption, isBlock, OPTIONS, optionsIn } from "./options.ts";
import { FP32_BYTES, PRESET_NAMES, PRESETS } from "./presets.ts";
import { TECHNOLOGY_PRESET_NAMES, technologyPreset } from "./technology-presets.ts";
import type { CheckedSpec, SourceLoc, Spec } from "./spec.ts";
import { didYouMean } from "./suggest.ts";
import { NAME_MAX } from "./limits.ts";
import type { Problem } from "./values.ts";
import { COMPILE, SPEC } from "../codes/catalogue.ts";

export interface CheckResult {
  checked?: CheckedSpec;
  diagnostics: Diagnostic[];
}

interface Written {
  value: unknown;
  loc: Loc;
}

/** Problems that get a did-you-mean hint (the CLI shows 100). */
const HINTED_DIAGNOSTICS = 200;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function checkSpec(file: string, ast: SpecAst): CheckResult {
  const diags: Diagnostic[] = [];
  const report = (p: Problem, severity: "error" | "warning" = "error") =>
    diags.push(
      diagnosticAt({ file, line: p.loc.line, column: p.loc.column }, p.code, p.message, { hint: p.hint, length: p.loc.length, severity }),
    );
  const written = new Map<string, Written>();
  const blockLocs = new Map<string, Loc>();
  const locations: Record<string, SourceLoc> = {};
  /** Where each written option's key is, by spec path, in the order written. */
  const keyLocs = new Map<string, Loc>();

  if (ast.name.length > NAME_MAX) {
    report({
      code: SPEC.nameTooLong,
      loc: { ...ast.nameLoc, length: Math.min(ast.nameLoc.length, NAME_MAX + 1) },
      message: `aggregator name is ${ast.name.length} characters long; at most ${NAME_MAX}`,
      hint: "the name is the base of every emitted file name (<name>.L2.S3.netlist.json); use a shorter one",
    });
  } else if (ast.name !== "" && !NAME_RE.test(ast.name)) {
    report({
      code: SPEC.wrongKind,
      loc: ast.nameLoc,
      message: `aggregator name '${ast.name}' is not a plain name`,
      hint: "use letters, digits, '_' and '-', starting with a letter",
    });
  }

  const visit = (entries: Entry[], block: string) => {
    const seen = new Map<string, Loc>();
    for (const e of entries) {
      const first = seen.get(e.key);
      if (first) {
        report({
          code: SPEC.duplicateOption,
          loc: e.keyLoc,
          message: `${qualified(block, e.key)} is set twice`,
          hint: `it was first set at line ${first.line}; keep one of them`,
        });
        continue;
      }
      seen.set(e.key, e.keyLoc);
      if (e.kind === "block") {
        if (block === "" && isBlock(e.key)) {
          blockLocs.set(e.key, e.keyLoc);
          visit(e.entries, e.key);
        } else if (findOption(block, e.key)) {
          report({
            code: SPEC.blockOrSetting,
            loc: e.keyLoc,
            message: `${qualified(block, e.key)} is a setting, not a block`,
            hint: `write ${e.key} = ${findOption(block, e.key)!.defaultText}`,
          });
        } else unknown(e.key, e.keyLoc, block);
        continue;
      }
      const def = findOption(block, e.key);
      if (!def) {
        if (block === "" && isBlock(e.key)) {
          report({
            code: SPEC.blockOrSetting,
            loc: e.keyLoc,
            message: `${e.key} is a block, not a setting`,
            hint: `write ${e.key} { ${optionsIn(e.key)[0]!.key} = ${optionsIn(e.key)[0]!.defaultText} }`,
          });
        } else unknown(e.key, e.keyLoc, block);
        continue;
      }
      const v = def.reader.read(e.value, qualified(block, e.key), report);
      if (v !== undefined) written.set(def.specPath, { value: v, loc: e.value.loc });
      locations[def.specPath] = { file, line: e.keyLoc.line, column: e.keyLoc.column };
      keyLocs.set(def.specPath, e.keyLoc);
    }
  };

  // Names known per block, built once: checking stays linear in the number of entries.
  const knownHere = new Map<string, string[]>();
  const unknown = (key: string, loc: Loc, block: string) => {
    let here = knownHere.get(block);
    if (!here) knownHere.set(block, (here = [...optionsIn(block).map((o) => o.key), ...(block === "" ? BLOCKS.map((b) => b.name) : [])]));
    const elsewhere = OPTIONS.filter((o) => o.key === key && o.block !== block).map((o) =>
      o.block ? `in ${o.block} { ${o.key} = ... }` : "at the top level, outside any block",
    );
    // Past the first few hundred problems nobody reads suggestions; skip the edit distances.
    const suggestion = diags.length < HINTED_DIAGNOSTICS ? didYouMean(key, here) : undefined;
    const hint = suggestion ?? (elsewhere.length ? `${key} belongs ${elsewhere.join(" or ")}` : `known here: ${here.join(", ")}`);
    report({ code: SPEC.unknownOption, loc, message: `unknown option ${qualified(block, key)}`, hint });
  };

  visit(ast.entries, "");
  for (const [name, loc] of blockLocs) locations[name] = { file, line: loc.line, column: loc.column };
  locations.name = { file, line: ast.nameLoc.line, column: ast.nameLoc.column };

  const spec = buildSpec(ast.name, written, blockLocs.has("cascade"), report);
  crossCheck(spec, written, blockLocs, report);
  routeCheck(spec, keyLocs, report, blockLocs.get("cascade"));
  const diagnostics = sortDiagnostics(diags);
  return hasErrors(diagnostics) ? { diagnostics } : { checked: { spec, locations }, diagnostics };
}

function qualified(block: string, key: string): string {
  return block ? `${block}.${key}` : key;
}

function set(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  o[parts[parts.length - 1]!] = value;
}

function buildSpec(name: string, written: Map<string, Written>, hasCascade: boolean, report: (p: Problem) => void): Spec {
  const spec = defaultSpec(name);
  const presetW = written.get("workload.preset");
  if (presetW) {
    const p = PRESETS[presetW.value as string];
    if (p) spec.workload = { ...p };
    else
      report({
        code: SPEC.unknownWorkload,
        loc: presetW.loc,
        message: `unknown workload preset '${presetW.value as string}'`,
        hint: didYouMean(presetW.value as string, PRESET_NAMES) ?? `presets: ${PRESET_NAMES.join(", ")}`,
      });
  }
  const techW = written.get("technology.preset");
  if (techW) {
    const t = technologyPreset(techW.value as string);
    if (t) spec.technology = t;
    else
      report({
        code: SPEC.unknownTechnology,
        loc: techW.loc,
        message: `unknown technology preset '${techW.value as string}'`,
        hint: didYouMean(techW.value as string, TECHNOLOGY_PRESET_NAMES) ?? `presets: ${TECHNOLOGY_PRESET_NAMES.join(", ")}`,
      });
  }
  // A cascade block states the structure: without a written route it implies route = closed-form.
  if (hasCascade) spec.cascade = { radix: 4 };
  if (hasCascade && !written.has("route")) spec.route = "closed-form";
  // Written settings override the presets' values.
  for (const [path, w] of written)
    if (path !== "workload.preset" && path !== "technology.preset") set(spec as unknown as Record<string, unknown>, path, w.value);

  // Workload derivations: gradient size follows parameters (fp32) and vice versa; compute time follows FLOPs.
  const wl = spec.workload;
  const params = written.get("workload.parameters");
  const grad = written.get("workload.gradientBytes");
  if (params && !grad) wl.gradientBytes = FP32_BYTES * wl.parameters;
  if (grad && !params) wl.parameters = Math.max(1, Math.round(wl.gradientBytes / FP32_BYTES));
  if (written.has("workload.computeTime")) wl.flopsPerStep = null;
  else if (wl.flopsPerStep !== null) wl.computeTime = wl.flopsPerStep / (wl.peakFlops * wl.efficiency);
  return spec;
}

function crossCheck(
  spec: Spec,
  written: Map<string, Written>,
  blocks: Map<string, Loc>,
  report: (p: Problem, s?: "error" | "warning") => void,
): void {
  const at = (path: string, fallback: Loc) => written.get(path)?.loc ?? fallback;
  const top: Loc = { line: 1, column: 1, offset: 0, length: 1 };

  const digitBits = Math.log2(spec.levels);
  if (spec.precision % digitBits !== 0) {
    const loc = at("precision", at("levels", top));
    const lo = spec.precision - (spec.precision % digitBits);
    report({
      code: SPEC.precisionNotMultiple,
      loc,
      message: `precision ${spec.precision} bits is not a multiple of log2(levels) = ${digitBits} (levels = ${spec.levels})`,
      hint: `each PAM-${spec.levels} symbol carries ${digitBits} bits; use precision = ${lo >= 2 ? `${lo} or ` : ""}${lo + digitBits} bits, or change levels`,
    });
  }

  if (spec.innerLevels !== null) {
    const g = digitBits / Math.log2(spec.innerLevels);
    if (!(Number.isInteger(g) && g >= 2))
      report({
        code: SPEC.conflicting,
        loc: at("innerLevels", top),
        message: `inner_levels = ${spec.innerLevels} is not a narrower base of levels = ${spec.levels} (levels must be inner_levels^g, g ≥ 2)`,
        hint:
          spec.levels >= 4
            ? `use inner_levels = ${spec.levels === 16 ? "4 or 2" : "2"}, or remove it`
            : "remove it: a PAM-2 link computes in its own base",
      });
  }

  const radixW = written.get("cascade.radix");
  if (spec.cascade) {
    const loc = radixW?.loc ?? blocks.get("cascade")!;
    if (spec.cascade.radix > spec.workers) {
      report({
        code: SPEC.radixAboveWorkers,
        loc,
        message: `cascade radix ${spec.cascade.radix} is larger than workers = ${spec.workers}`,
        hint: `use radix ≤ ${spec.workers}, or remove the cascade block for a single unit`,
      });
    } else if (spec.cascade.radix === spec.workers) {
      report(
        {
          code: SPEC.noEffect,
          loc,
          message: `cascade radix equals workers (${spec.workers}): the cascade is a single unit`,
          hint: "remove the cascade block, or lower the radix",
        },
        "warning",
      );
    }
  }

  const layersW = written.get("approximate.layers");
  if (layersW && Array.isArray(spec.network.hidden) && Array.isArray(spec.approximate.layers)) {
    const count = spec.network.hidden.length + 1;
    const bad = spec.approximate.layers.filter((l) => l > count);
    if (bad.length) {
      report({
        code: SPEC.noSuchLayer,
        loc: layersW.loc,
        message: `approximate.layers refers to layer ${bad.join(", ")}, but the network has ${count} weight layer${count === 1 ? "" : "s"}`,
        hint: `hidden = [${spec.network.hidden.join(", ")}] gives layers 1..${count}`,
      });
    }
  }
  if (spec.approximate.method === "none") {
    for (const p of ["approximate.layers", "approximate.segment"]) {
      const w = written.get(p);
      if (w)
        report(
          {
            code: SPEC.noEffect,
            loc: w.loc,
            message: `${p} has no effect when approximate.method = none`,
            hint: "remove it, or set method = unitary-diagonal",
          },
          "warning",
        );
    }
  }

  const ct = written.get("workload.computeTime");
  const fl = written.get("workload.flopsPerStep");
  if (ct && fl) {
    report({
      code: SPEC.conflicting,
      loc: fl.loc,
      message: "workload sets both compute_time and flops_per_step",
      hint: "keep one: compute_time is used as given, flops_per_step is divided by peak_flops × efficiency",
    });
  }
}

/**
 * Options of the other route: the trained route's knobs do nothing in a closed-form spec, and the
 * trainer does not use training.dac_bits yet. Warnings at the key, so `optinc check` shows what
 * `optinc compile` would ignore.
 */
function routeCheck(
  spec: Spec,
  keys: Map<string, Loc>,
  report: (p: Problem, s?: "error" | "warning") => void,
  cascade: Loc | undefined,
): void {
  const top: Loc = { line: 1, column: 1, offset: 0, length: 1 };
  if (spec.route === "trained" && spec.training.dacBits !== null) {
    report(
      {
        code: COMPILE.unusedOption,
        loc: keys.get("training.dacBits") ?? top,
        message: "training.dac_bits is not used by the trainer yet: the circuit is trained with continuous phases",
        hint: "DAC quantization is still simulated by `optinc verify --dac-bits` and by the technology block's dac_bits",
      },
      "warning",
    );
  }
  const monitors = keys.get("calibration.monitors");
  if (spec.route === "trained" && monitors)
    report(
      {
        code: SPEC.noEffect,
        loc: monitors,
        message: "calibration.monitors has no effect when route = trained: monitors are placed on closed-form cells only",
        hint: "remove it, or set route = closed-form",
      },
      "warning",
    );
  const inner = keys.get("innerLevels");
  if (inner && spec.route !== "closed-form")
    report(
      {
        code: SPEC.noEffect,
        loc: inner,
        message: `inner_levels has no effect when route = ${spec.route}: ${spec.route === "auto" ? "the structure search tries the narrower bases itself" : "it applies to closed-form cells only"}`,
        hint: "set route = closed-form to build this inner base, or remove it",
      },
      "warning",
    );
  if (spec.route === "trained") return;
  if (spec.route === "auto" && cascade)
    report(
      {
        code: SPEC.noEffect,
        loc: cascade,
        message: "the cascade block has no effect when route = auto: the structure search picks flat cells or a cascade radix",
        hint: "set route = closed-form to build this cascade, or remove the block",
      },
      "warning",
    );
  for (const [path, loc] of keys) {
    const trainedOnly =
      /^(network|approximate)\./.test(path) ||
      path === "mesh" ||
      (path.startsWith("training.") && path !== "training.seed") ||
      (path === "preprocess" && spec.preprocess === "none");
    if (!trainedOnly) continue;
    report(
      {
        code: COMPILE.notForRoute,
        loc,
        message: `${path.replace(/([A-Z])/g, "_$1").toLowerCase()} does not apply to route = ${spec.route}${spec.route === "auto" ? " (it builds closed-form cells)" : ""}`,
        hint:
          path === "preprocess"
            ? "closed-form cells always add the workers' digits by position"
            : "remove it, or set route = trained to build the paper's trained ONN",
      },
      "warning",
    );
  }
}
