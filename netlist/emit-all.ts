// The backend registry: each backend is a pure function Circuit → file text. emitArtifacts builds
// the circuit from a phase table once and renders every backend (the phase table files themselves
// are written by the caller through netlist/phase-table.ts). writeArtifactsAtomically stages all
// files in a temp dir next to the output dir and renames them into place.
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { circuitFromPhaseTable } from "./from-phase-table.ts";
import type { Circuit, PhaseTable } from "./ir.ts";
import { writeNetlistJson } from "./json-io.ts";
import { writeNgspice } from "./ngspice.ts";
import { writePortMap, type PortMapOptions } from "./port-map.ts";
import { writeLsf, writeSpiceMain } from "./siepic-main.ts";
import { writeSpice, type SpiceOptions } from "./spice-write.ts";
import { writePicYaml } from "./yaml-write.ts";

export interface EmitOptions {
  spice?: SpiceOptions;
  /** The port map's options: a closed-form cell's chip-file description. */
  ports?: PortMapOptions;
}

export type BackendFormat = "spi" | "json" | "yaml" | "ngspice" | "ports";

export interface Backend {
  format: BackendFormat;
  /** Which files this backend writes for a circuit called `name`. */
  files(name: string, circuit: Circuit, opts: EmitOptions): [file: string, text: string][];
}

export const BACKENDS: Backend[] = [
  {
    format: "spi",
    files: (name, c, o) => [
      [`${name}.spi`, writeSpice(c, o.spice)],
      [`${name}_main.spi`, writeSpiceMain(c, `${name}.spi`)],
      [`${name}.lsf`, writeLsf(c, `${name}_main.spi`)],
    ],
  },
  { format: "json", files: (name, c) => [[`${name}.netlist.json`, writeNetlistJson(c)]] },
  { format: "yaml", files: (name, c) => [[`${name}.pic.yml`, writePicYaml(c)]] },
  { format: "ngspice", files: (name, c) => [[`${name}.ngspice.cir`, writeNgspice(c)]] },
  { format: "ports", files: (name, c, o) => [[`${name}.ports.json`, writePortMap(c, o.ports)]] },
];

export function getBackend(format: string): Backend | undefined {
  return BACKENDS.find((b) => b.format === format);
}

/** Every backend's files for one circuit, in a stable order. */
export function emitCircuit(circuit: Circuit, name: string, opts: EmitOptions = {}, formats?: BackendFormat[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const b of BACKENDS) {
    if (formats && !formats.includes(b.format)) continue;
    for (const [f, text] of b.files(name, circuit, opts)) files.set(f, text);
  }
  return files;
}

export function emitArtifacts(table: PhaseTable, name: string, opts: EmitOptions = {}): Map<string, string> {
  return emitCircuit(circuitFromPhaseTable(table, name), name, opts);
}

/**
 * Write files into outDir all-or-nothing per file: everything is first written to a sibling temp
 * dir (same filesystem), then each file is renamed into place. A crash before the renames leaves
 * outDir untouched; rename itself is atomic, so no file is ever seen half-written.
 */
export async function writeArtifactsAtomically(outDir: string, files: Map<string, string>): Promise<void> {
  for (const f of files.keys()) {
    if (f !== basename(f) || f === "." || f === "..") throw new Error(`artifact name "${f}" must be a plain file name`);
  }
  await mkdir(outDir, { recursive: true });
  const tmp = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.tmp-`));
  try {
    for (const [f, text] of files) await writeFile(join(tmp, f), text);
    for (const f of files.keys()) await rename(join(tmp, f), join(outDir, f));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
