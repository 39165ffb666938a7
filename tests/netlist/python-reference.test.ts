// The reference simulator of docs/reference/netlists.md, in plain Python/numpy, extracted from the page and
// run with Debian's python3-numpy on the files `optinc compile` wrote for a compiled unit. Reading
// only `<name>.netlist.json` and `<name>.ports.json`, it must give, on every one of the unit's 256
// worker inputs, the digits of the TypeScript simulator (the engine of `optinc verify`) and of the
// golden average, and fields at the detector equal to the simulator's; `optinc verify` passes on the
// same directory. A port map with two inputs swapped makes it wrong, so the map is really used.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { goldenAverage } from "../../aggregate/golden.ts";
import { toDigits } from "../../aggregate/wire-codec.ts";
import { main } from "../../cli/main.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { memoryIo } from "../helpers/io.ts";
import { compiledSmallUnit, type CompiledUnit } from "./compiled-unit.ts";
import { referenceSimulatorSource } from "./reference-source.ts";
import { itWith, PYTHON_NUMPY } from "./tools.ts";

const WORKERS = 2;
const DIGITS = 2;
const LEVELS = 4;

const HARNESS = `
import itertools, json, sys
netlist = json.load(open(sys.argv[1])); ports = json.load(open(sys.argv[2]))
cases = np.array(json.load(open(sys.argv[3])))
digits = simulate(netlist, ports, cases)
val = evaluate(netlist["netlists"], netlist["top"], {i["port"]: cases[:, i["worker"], i["digit"]].astype(complex) for i in ports["inputs"] if i["kind"] == "worker-digit"}, len(cases))
fields = [val[o["reads"]].real.tolist() for o in sorted(ports["outputs"], key=lambda o: o["digit"])]
json.dump({"digits": digits.tolist(), "fields": fields}, sys.stdout)
`;

describe("the Python reference simulator of docs/reference/netlists.md", () => {
  let unit: CompiledUnit;
  let script: string;
  let casesFile: string;
  const cases: number[][][] = [];
  beforeAll(async () => {
    unit = await compiledSmallUnit();
    script = join(unit.dir, "reference.py");
    writeFileSync(script, referenceSimulatorSource() + HARNESS);
    for (let c = 0; c < LEVELS ** (WORKERS * DIGITS); c++) {
      cases.push(
        Array.from({ length: WORKERS }, (_, w) =>
          Array.from({ length: DIGITS }, (_, k) => Math.floor(c / LEVELS ** (w * DIGITS + k)) % LEVELS),
        ),
      );
    }
    casesFile = join(unit.dir, "cases.json");
    writeFileSync(casesFile, JSON.stringify(cases));
  });

  const run = (ports: string): { digits: number[][]; fields: number[][] } => {
    const r = spawnSync(PYTHON_NUMPY.command, [script, join(unit.dir, "small.netlist.json"), ports, casesFile], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`python exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  it("is the block on the page, short and self-contained", () => {
    const src = referenceSimulatorSource();
    expect(src.split("\n").filter((l) => l.trim() !== "").length).toBeLessThanOrEqual(40);
    expect(src).not.toMatch(/^import (?!json, numpy as np)/m);
  });

  itWith(PYTHON_NUMPY, "python3 with numpy")(
    "agrees with optinc verify's simulator and the golden average on every case of a compiled unit",
    async () => {
      const py = run(join(unit.dir, "small.ports.json"));
      const circuit = readNetlistJson(readFileSync(join(unit.dir, "small.netlist.json"), "utf8"));
      const n = cases.length;
      const inputs = new Float64Array(n * WORKERS * DIGITS);
      cases.forEach((c, i) => c.forEach((w, wi) => w.forEach((d, k) => (inputs[i * WORKERS * DIGITS + wi * DIGITS + k] = d))));
      const ts = compileCircuit(circuit).run(inputs, n);
      const step = Number(circuit.netlists[circuit.top].instances.detector.settings.step);
      let sameDigits = 0;
      let golden = 0;
      let worstField = 0;
      for (let i = 0; i < n; i++) {
        const codes = cases[i]!.map((w) => w.reduce((v, d, k) => v + d * LEVELS ** k, 0));
        const want = [...toDigits(goldenAverage(codes, { precision: 4, rounding: "nearest-even" }), { precision: 4, levels: LEVELS })];
        if (py.digits[i]!.every((d, q) => d === ts.digits[i * DIGITS + q])) sameDigits++;
        if (py.digits[i]!.every((d, q) => d === want[q])) golden++;
        for (let q = 0; q < DIGITS; q++)
          worstField = Math.max(worstField, Math.abs(py.fields[q]![i]! - ts.fields.re[i * DIGITS + q]!) / step);
      }
      console.log(
        `python reference: ${sameDigits}/${n} cases equal the simulator, ${golden}/${n} the golden average; max |Δ field| = ${worstField.toExponential(2)} steps`,
      );
      expect(sameDigits).toBe(n);
      expect(golden).toBe(n);
      expect(worstField).toBeLessThan(1e-9);
      const io = memoryIo();
      expect(await main(["--json", "verify", unit.dir], io)).toBe(0);
      const v = JSON.parse(io.out()).result;
      expect(v.pass).toBe(true);
      expect(v.circuits[0].nominal.exact).toBe(v.circuits[0].nominal.cases);
    },
  );

  itWith(PYTHON_NUMPY, "python3 with numpy")("reads the port map: with worker 0's two digits swapped in it, it no longer matches", () => {
    const ports = JSON.parse(readFileSync(join(unit.dir, "small.ports.json"), "utf8"));
    const [a, b] = [ports.inputs[0], ports.inputs[1]];
    [a.digit, b.digit] = [b.digit, a.digit];
    const swapped = join(unit.dir, "swapped.ports.json");
    writeFileSync(swapped, JSON.stringify(ports));
    const good = run(join(unit.dir, "small.ports.json"));
    const bad = run(swapped);
    expect(bad.digits).not.toEqual(good.digits);
  });
});
