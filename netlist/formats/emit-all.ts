// The backend registry: each backend is a pure function Circuit → file text. emitArtifacts builds
// the circuit from a phase table once and renders every backend (the phase table files themselves
// are written by the caller through netlist/formats/phase-table.ts). Writing them is the caller's job too:
// the CLI's all-or-nothing writer is cli/files/commit.ts.
import { circuitFromPhaseTable } from "./from-phase-table.ts";
import type { Circuit, PhaseTable } from "../ir.ts";
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
