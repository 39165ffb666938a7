// The two companion files of a SiEPIC-Tools export: `<name>_main.spi` (optical network analyzer
// + `.INCLUDE`) and `<name>.lsf` (the INTERCONNECT start-up script that imports and runs it).
import type { Circuit } from "../ir.ts";
import { MC_PARAMS } from "./spice-dialect.ts";
import { circuitLookup, ioNets, spiceNames } from "./spice-write.ts";
import { netlistPortSpec } from "../sim/propagate.ts";

export function writeSpiceMain(circuit: Circuit, spiFile: string): string {
  const lookup = circuitLookup(circuit);
  const top = circuit.netlists[circuit.top];
  const io = ioNets(top, lookup);
  const spec = netlistPortSpec(top, lookup);
  const laser = spec.inputs.length > 0 ? io.get(spec.inputs[0])! : [...io.values()][0];
  const topName = spiceNames(circuit).get(circuit.top)!;
  const lines = [
    "* Optical Network Analyzer:",
    ".ona input_unit=wavelength input_parameter=start_and_stop",
    "  + minimum_loss=80",
    "  + analysis_type=scattering_data",
    "  + multithreading=user_defined number_of_threads=1",
    "  + orthogonal_identifier=1",
    "  + start=1500.000e-9",
    "  + stop=1600.000e-9",
    "  + number_of_points=2000",
  ];
  spec.outputs.forEach((p, k) => lines.push(`  + input(${k + 1})=${topName},${io.get(p)}`));
  if (laser !== undefined) lines.push(`  + output=${topName},${laser}`);
  lines.push(`.INCLUDE "${spiFile}"`, "");
  return lines.join("\n");
}

export function writeLsf(_circuit: Circuit, mainFile: string): string {
  const icp = mainFile.replace(/_main\.spi$/, ".icp");
  const lines = [
    "# Lumerical INTERCONNECT start-up script written by optinc (SiEPIC-Tools layout).",
    "# The optinc ideal models (library optinc/ideal) must be provided as compact models;",
    "# `optinc export <dir> --format spi --length-phases` writes EBeam cells for couplers and phase arms.",
    "switchtolayout;",
    "deleteall;",
    `importnetlist('${mainFile}');`,
  ];
  for (const [k, v] of MC_PARAMS) {
    lines.push(`addproperty("::Root Element", "${k}", "wafer", "Number");`, `setnamed("::Root Element", "${k}", ${v});`);
  }
  lines.push(
    `set("run setup script", 2);`,
    `save('${icp}');`,
    "run;",
    `t1 = getresult("ONA_1", "input 1/mode 1/gain");`,
    "visualize(t1);",
    "",
  );
  return lines.join("\n");
}
