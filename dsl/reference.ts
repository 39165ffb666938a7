// Markdown reference tables generated from the option and unit tables. docs/reference/language.md embeds them
// between marker comments; tests/dsl/docs.test.ts fails when they drift (regenerate with
// `UPDATE_DOCS=1 npx vitest run tests/dsl/docs.test.ts`).
import { codesMarkdown } from "../codes/catalogue.ts";
import { BLOCKS, optionsIn } from "./options.ts";
import { PRESET_NAMES, PRESETS } from "./presets.ts";
import { TECHNOLOGY_PRESET_NAMES, TECHNOLOGY_PRESETS } from "./technology-presets.ts";
import { DIMENSION_INFO, UNITS, type Dimension } from "./units.ts";

function cell(s: string): string {
  return s.replace(/\|/g, "\\|");
}

export function optionsReferenceMarkdown(): string {
  const out: string[] = [];
  const groups = [{ name: "", doc: "Top-level settings." }, ...BLOCKS];
  for (const g of groups) {
    out.push(g.name ? `### \`${g.name} { ... }\`` : "### Top level", "", g.doc, "");
    out.push("| Option | Accepts | Default | Meaning |", "|---|---|---|---|");
    for (const o of optionsIn(g.name)) {
      const name = g.name ? `${g.name}.${o.key}` : o.key;
      out.push(`| \`${name}\` | ${cell(o.reader.accepts)} | \`${cell(o.defaultText)}\` | ${cell(o.doc)} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

export function unitsReferenceMarkdown(): string {
  const out = ["| Quantity | Units | Example |", "|---|---|---|"];
  for (const dim of Object.keys(UNITS) as Dimension[]) {
    out.push(
      `| ${DIMENSION_INFO[dim].what} | ${Object.keys(UNITS[dim])
        .map((u) => `\`${u}\``)
        .join(" ")} | \`${DIMENSION_INFO[dim].example}\` |`,
    );
  }
  return out.join("\n") + "\n";
}

export function presetsReferenceMarkdown(): string {
  const out = [
    "| Preset | Parameters | Gradient (fp32) | FLOPs per worker per step | Peak × efficiency | Compute time per step |",
    "|---|---|---|---|---|---|",
  ];
  for (const name of PRESET_NAMES) {
    const p = PRESETS[name]!;
    out.push(
      `| \`${name}\` | ${p.parameters.toLocaleString("en-US")} | ${p.gradientBytes.toLocaleString("en-US")} B | ${p.flopsPerStep === null ? "–" : p.flopsPerStep.toExponential(3)} | ${p.peakFlops / 1e12} TFLOP/s × ${p.efficiency} | ${(p.computeTime * 1e3).toFixed(2)} ms |`,
    );
  }
  return out.join("\n") + "\n";
}

export function technologyPresetsReferenceMarkdown(): string {
  const out = [
    "| Preset | Loss per MZI | Loss spread σ (per arm) | Coupler imbalance | Phase error σ | Phase DAC | Detector noise σ | What it stands for |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const name of TECHNOLOGY_PRESET_NAMES) {
    const p = TECHNOLOGY_PRESETS[name]!;
    const t = p.levels;
    out.push(
      `| \`${name}\` | ${t.mziLossDb} dB | ${t.lossSpreadDb ?? 0} dB${t.lossSpreadDb ? " (assumed)" : ""} | ±${t.splitterImbalance} | ${t.phaseNoise * 1000} mrad | ${t.dacBits === null ? "none" : `${t.dacBits} bits`} | ${t.detectorNoise} step | ${cell(p.summary)} |`,
    );
  }
  return out.join("\n") + "\n";
}

/** The spec language's codes (OPT0xxx–OPT2xxx) from the one catalogue. */
export function codesReferenceMarkdown(): string {
  return codesMarkdown(["io", "syntax", "spec"], false);
}

/** Replace the text between `<!-- name:begin -->` and `<!-- name:end -->`. */
export function spliceSection(doc: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs: markers for '${name}' not found`);
  return `${doc.slice(0, i + begin.length)}\n${body}${doc.slice(j)}`;
}
