// The Python reference simulator of docs/reference/netlists.md on closed-form cells: reading only a cell's
// `<design>.netlist.json` and `<design>.ports.json` (in<k> = the cell's port k, out<o> = its output o,
// docs/reference/chip-files.md §3), it must decode, on every input each paper-4x8 cell can see, the digits of the
// cell's tables in `paper_4x8.chip.json`. A ports.json with divide0's two ports swapped makes it
// wrong, so the map's cellPort is really what feeds in<k>. Its detector decodes relative to the
// reference row, as the emitted detector means (docs/reference/netlists.md §5): with 1 dB on both arms of every
// MZI it still decodes every table, as optinc's simulator does, while the same netlist without the
// detector's `reference` (an absolute decision) does not. The port map names that reference.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import type { PortMap } from "../../netlist/ir.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { compiledVariant, flatPam4 } from "../helpers/examples.ts";
import { referenceSimulatorSource } from "./reference-source.ts";
import { itWith, PYTHON_NUMPY } from "./tools.ts";

const HARNESS = `
import sys
out = simulate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), np.array(json.load(open(sys.argv[3]))))
json.dump(out.tolist(), sys.stdout)
`;

type Cell = {
  name: string;
  design: string;
  bias: number;
  ports: { weight: number }[];
  groups: { ports: number[]; max: number }[];
  outputs: { table: number[] }[];
};

/** Every port vector the cell can see: each group's value 0..max as its ports' base-L digits. */
function inputs(cell: Cell, L: number): number[][] {
  let vs: number[][] = [new Array<number>(cell.ports.length).fill(0)];
  for (const g of cell.groups)
    vs = vs.flatMap((v) =>
      Array.from({ length: g.max + 1 }, (_, x) => v.map((d, p) => (g.ports.includes(p) ? Math.floor(x / L ** g.ports.indexOf(p)) % L : d))),
    );
  return vs;
}

describe("the Python reference simulator on paper-4x8's cells", () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-pycells-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const r = compiledVariant("paper-4x8", flatPam4); // its netlist.json and ports.json

  const chip = JSON.parse(r.files.get("paper_4x8.chip.json")!) as { levels: number; cells: Cell[] };
  const script = join(dir, "reference.py");
  writeFileSync(script, referenceSimulatorSource() + HARNESS);

  const run = (design: string, ports: string, cases: number[][], netlist = r.files.get(`${design}.netlist.json`)!): number[][] => {
    writeFileSync(join(dir, `${design}.netlist.json`), netlist);
    writeFileSync(join(dir, "ports.json"), ports);
    writeFileSync(join(dir, "cases.json"), JSON.stringify(cases.map((x) => [x])));
    const p = spawnSync(
      PYTHON_NUMPY.command,
      [script, join(dir, `${design}.netlist.json`), join(dir, "ports.json"), join(dir, "cases.json")],
      { encoding: "utf8", maxBuffer: 1 << 26 },
    );
    if (p.status !== 0) throw new Error(`python exited ${p.status}: ${p.stderr}`);
    return JSON.parse(p.stdout);
  };
  const table = (cell: Cell, x: number[]): number[] => {
    const v = cell.bias + cell.ports.reduce((a, q, k) => a + q.weight * x[k]!, 0);
    return cell.outputs.map((o) => o.table[v]!);
  };

  itWith(PYTHON_NUMPY, "python3 with numpy")(
    "decodes every cell's tables on every input it can see, from its netlist.json and ports.json alone",
    () => {
      let n = 0;
      for (const cell of chip.cells) {
        const cases = inputs(cell, chip.levels);
        const got = run(cell.design, r.files.get(`${cell.design}.ports.json`)!, cases);
        expect(got, cell.name).toEqual(cases.map((x) => table(cell, x)));
        n += cases.length;
      }
      expect(n).toBe(256 + 3 * 1024 + 16);
    },
  );

  itWith(PYTHON_NUMPY, "python3 with numpy")(
    "reads cellPort: with divide0's two ports swapped in its ports.json, it no longer matches",
    () => {
      const cell = chip.cells.find((c) => c.name === "divide0")!;
      const ports = JSON.parse(r.files.get("paper_4x8.divide0.ports.json")!);
      [ports.inputs[0].cellPort, ports.inputs[1].cellPort] = [ports.inputs[1].cellPort, ports.inputs[0].cellPort];
      const cases = inputs(cell, chip.levels);
      expect(run(cell.design, JSON.stringify(ports), cases)).not.toEqual(cases.map((x) => table(cell, x)));
    },
  );

  /** The cell's netlist with loss_db on both arms of every MZI (the instances with an `arm` setting). */
  const lossy = (design: string, db: number, keepReference = true): string => {
    const doc = JSON.parse(r.files.get(`${design}.netlist.json`)!);
    for (const nl of Object.values(doc.netlists) as {
      instances: Record<string, { component: string; settings: Record<string, unknown> }>;
    }[])
      for (const inst of Object.values(nl.instances)) {
        if (inst.settings.arm !== undefined) inst.settings.loss_db = db;
        if (inst.component === "detector" && !keepReference) delete inst.settings.reference;
      }
    return JSON.stringify(doc);
  };

  it("names each cell detector's reference level and the field it reads in the port map", () => {
    for (const cell of chip.cells) {
      const map = JSON.parse(r.files.get(`${cell.design}.ports.json`)!) as PortMap;
      const circuit = readNetlistJson(r.files.get(`${cell.design}.netlist.json`)!);
      const top = circuit.netlists[circuit.top]!;
      const modes = Number(top.instances.detector!.settings.modes);
      expect(map.format).toBe("optinc.ports/2");
      expect(map.detectors).toEqual([
        expect.objectContaining({
          reference: top.instances.detector!.settings.reference,
          referenceReads: Object.entries(top.connections).find(([, b]) => b === `detector,in${modes}`)![0],
        }),
      ]);
      expect(map.detectors[0]!.rule).toMatch(/reference/);
    }
    // docs/reference/netlists.md §6 shows divide0's detector line verbatim.
    const line = r.files
      .get("paper_4x8.divide0.ports.json")!
      .split("\n")
      .find((l) => l.includes('"instance":"detector"'))!
      .trim();
    expect(readFileSync("docs/reference/netlists.md", "utf8")).toContain(`  ${line}\n`);
  });

  itWith(PYTHON_NUMPY, "python3 with numpy")(
    "decodes relative to the reference row: exact at 1 dB per MZI arm, as optinc's simulator; an absolute decision is not",
    () => {
      let absoluteWrong = 0;
      for (const cell of chip.cells) {
        const cases = inputs(cell, chip.levels);
        const ports = r.files.get(`${cell.design}.ports.json`)!;
        const want = cases.map((x) => table(cell, x));
        expect(run(cell.design, ports, cases, lossy(cell.design, 1)), cell.name).toEqual(want);
        const ts = compileCircuit(readNetlistJson(lossy(cell.design, 1))).run(Float64Array.from(cases.flat()), cases.length);
        expect(Array.from(ts.digits), cell.name).toEqual(want.flat());
        const absolute = run(cell.design, ports, cases, lossy(cell.design, 1, false));
        absoluteWrong += absolute.filter((d, i) => d.join() !== want[i]!.join()).length;
      }
      expect(absoluteWrong).toBeGreaterThan(0);
    },
  );
});
