// The non-ideality flags of verify and allreduce --netlist take the ranges the spec's technology
// block gives the same quantities (dsl/limits.ts NON_IDEALITY; issue 38): `verify --imbalance 1e300`
// was an internal error (exit 70), and --phase-noise 4 or --loss-db 11 ran although a spec refuses them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { IO } from "../../codes/catalogue.ts";
import { writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { memoryIo } from "../helpers/io.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";

const dir = mkdtempSync(join(tmpdir(), "optinc-ranges-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const netlist = join(dir, "tiny.netlist.json");
writeFileSync(netlist, writeNetlistJson(tinyCircuit()));

const COMMANDS: [string, string[]][] = [
  ["verify", ["verify", netlist, "--trials", "1"]],
  ["allreduce --netlist", ["allreduce", "--netlist", netlist, "--size", "16KB"]],
];
const REFUSED: [string[], RegExp][] = [
  [["--imbalance", "1e300"], /--imbalance must be a number in \[0, 0\.5\), got "1e300"/],
  [["--imbalance", "0.5"], /--imbalance must be a number in \[0, 0\.5\)/],
  [["--phase-noise", "4"], /--phase-noise must be a number in \[0, π\]/],
  [["--loss-db", "11"], /--loss-db must be a number in \[0, 10\]/],
  [["--detector-noise", "1e400"], /--detector-noise must be a number in \[0, 10\]/],
];

async function run(args: string[]): Promise<{ code: number; doc: { ok: boolean; diagnostics: { code: string; message: string }[] } }> {
  const io = memoryIo();
  const code = await main(["--json", ...args], io);
  return { code, doc: JSON.parse(io.out()) };
}

describe("non-ideality flags: the spec's ranges", () => {
  for (const [name, base] of COMMANDS)
    it(`${name}: out of range is a usage error (exit 2, ${IO.usage}); the edge of the range runs`, async () => {
      for (const [flag, message] of REFUSED) {
        const { code, doc } = await run([...base, ...flag]);
        expect(code, flag.join(" ")).toBe(2);
        expect(doc.diagnostics[0]!.code).toBe(IO.usage);
        expect(doc.diagnostics[0]!.message).toMatch(message);
      }
      for (const flag of [
        ["--imbalance", "0.49"],
        ["--phase-noise", String(Math.PI)],
        ["--loss-db", "10"],
        ["--detector-noise", "0"],
      ]) {
        const { code, doc } = await run([...base, ...flag]);
        // Heavy errors may fail the circuit (exit 1); the value itself is taken.
        expect([0, 1], `${flag.join(" ")}: ${JSON.stringify(doc.diagnostics)}`).toContain(code);
      }
    }, 60_000);

  it("the spec refuses the same values in its technology block", async () => {
    const spec = (line: string) => `aggregator t {\n  workers = 2\n  precision = 2 bits\n  levels = 2\n  technology { ${line} }\n}\n`;
    for (const [line, ok] of [
      ["splitter_imbalance = 0.5", false],
      ["splitter_imbalance = 0.49", true],
      ["mzi_loss = 11 dB", false],
      ["mzi_loss = 10 dB", true],
      ["detector_noise = 11", false],
    ] as const) {
      const file = join(dir, "t.optinc");
      writeFileSync(file, spec(line));
      expect(await main(["check", file], memoryIo()), line).toBe(ok ? 0 : 1);
    }
  });
});
