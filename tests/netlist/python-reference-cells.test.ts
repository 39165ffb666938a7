// The Python reference simulator of docs/netlists.md on closed-form cells: reading only a cell's
// `<design>.netlist.json` and `<design>.ports.json` (in<k> = the cell's port k, out<o> = its output o,
// docs/formats.md §3), it must decode, on every input each paper-4x8 cell can see, the digits of the
// cell's tables in `paper_4x8.chip.json`. A ports.json with divide0's two ports swapped makes it
// wrong, so the map's cellPort is really what feeds in<k>.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import { compiledExample } from "../helpers/examples.ts";
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
  const r = compiledExample("paper-4x8"); // its netlist.json and ports.json

  const chip = JSON.parse(r.files.get("paper_4x8.chip.json")!) as { levels: number; cells: Cell[] };
  const script = join(dir, "reference.py");
  writeFileSync(script, referenceSimulatorSource() + HARNESS);

  const run = (design: string, ports: string, cases: number[][]): number[][] => {
    writeFileSync(join(dir, `${design}.netlist.json`), r.files.get(`${design}.netlist.json`)!);
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
});
