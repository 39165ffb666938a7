// "-o can name the command's own input, which is overwritten with exit 0" (issue 38): for every
// command that takes an input, -o onto that input, onto a symlink to it, or into the directory whose
// files it reads is refused with exit 2 (OPT0011; calibrate -o onto the design directory keeps its
// OPT6115), and every input's bytes are unchanged (hashed before and after).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, expectSane, inParallel, optincInProcess } from "./harness.ts";
import { labCell, runOk, workspace, type Workspace } from "./fixtures.ts";
import { DIE, IO } from "../../codes/catalogue.ts";

let ws: Workspace;
const CELL = "paper_4x8.divide0";

/** sha256 of every file under the workspace (symlinks followed), by relative path. */
function hashes(dir: string, rel = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${n}` : n;
    const st = statSync(join(dir, r));
    if (st.isDirectory()) for (const [k, v] of hashes(dir, r)) out.set(k, v);
    else
      out.set(
        r,
        createHash("sha256")
          .update(readFileSync(join(dir, r)))
          .digest("hex"),
      );
  }
  return out;
}

beforeAll(async () => {
  ws = await workspace();
  const run = (args: string[]) => runOk(ws, args);
  labCell(ws);
  await run(["die", "out", "--technology", "foundry", "--seed", "3", "-o", "d1.json"]);
  await run(["protocol", "cf", "--cell", "divide0", "-o", "p.json"]);
  await run(["measure", "cf", "--cell", "divide0", "--die", "d.json", "--protocol", "p.json", "-o", "r.json"]);
  writeFileSync(
    ws.path("m.json"),
    JSON.stringify([
      [0, 1],
      [1, 0],
    ]),
  );
  symlinkSync("d.json", ws.path("d-link.json"));
  symlinkSync("r.json", ws.path("r-link.json"));
  symlinkSync("m.json", ws.path("m-link.json"));
  symlinkSync("tiny.optinc", ws.path("tiny-link.optinc"));
  writeFileSync(ws.path("layers.json"), JSON.stringify([{ name: "fc", parameters: 1000 }]));
  symlinkSync("layers.json", ws.path("layers-link.json"));
  symlinkSync("cf", ws.path("cf-link"));
  symlinkSync("out", ws.path("out-link"));
}, 120_000);
afterAll(() => ws?.cleanup());

const netlist = `cf/${CELL}.netlist.json`;
/** allreduce kept small (few elements executed); with --models its chart needs a workload. */
const ALLREDUCE = ["allreduce", "--exec-elements", "1024"];
const ALLREDUCE_MODELS = [...ALLREDUCE, "--models", "all", "--compute-time", "1ms"];
const CASES: [string, string[], string][] = [
  ["compile -o <spec>", ["compile", "tiny.optinc", "-o", "tiny.optinc"], IO.outputIsInput],
  ["compile -o <symlink to spec>", ["compile", "tiny.optinc", "-o", "tiny-link.optinc"], IO.outputIsInput],
  ["decompose -o <matrix>", ["decompose", "m.json", "-o", "m.json"], IO.outputIsInput],
  ["decompose -o <symlink to matrix>", ["decompose", "m.json", "-o", "m-link.json"], IO.outputIsInput],
  ["export --format json (over its netlist)", ["export", "out", "--format", "json"], IO.outputIsInput],
  [
    "export --format phases -o <its dir> (over its phase table)",
    ["export", "out/tiny.netlist.json", "--format", "phases", "-o", "out-link"],
    IO.outputIsInput,
  ],
  ["die -o <the design's netlist>", ["die", "out", "--technology", "foundry", "-o", "out/tiny.netlist.json"], IO.outputIsInput],
  ["die -o <a file of the design's directory>", ["die", "out", "--technology", "foundry", "-o", "out/tiny.report.json"], IO.outputIsInput],
  [
    "die -o <through a symlinked design dir>",
    ["die", "out", "--technology", "foundry", "-o", "out-link/tiny.phases.json"],
    IO.outputIsInput,
  ],
  [
    "die <netlist file> -o <its phase table>",
    ["die", "out/tiny.netlist.json", "--technology", "foundry", "-o", "out/tiny.phases.json"],
    IO.outputIsInput,
  ],
  ["protocol --readings r -o r", ["protocol", "cf", "--cell", "divide0", "--readings", "r.json", "-o", "r.json"], IO.outputIsInput],
  [
    "protocol --readings r -o <symlink to r>",
    ["protocol", "cf", "--cell", "divide0", "--readings", "r.json", "-o", "r-link.json"],
    IO.outputIsInput,
  ],
  [
    "protocol -o <the phases json> (and its CSV)",
    ["protocol", "cf", "--cell", "divide0", "-o", `cf/${CELL}.phases.json`],
    IO.outputIsInput,
  ],
  ["measure --die d -o d", ["measure", "cf", "--cell", "divide0", "--die", "d.json", "-o", "d.json"], IO.outputIsInput],
  ["measure --die d -o <symlink to d>", ["measure", "cf", "--cell", "divide0", "--die", "d.json", "-o", "d-link.json"], IO.outputIsInput],
  [
    "measure --protocol p -o p",
    ["measure", "cf", "--cell", "divide0", "--die", "d.json", "--protocol", "p.json", "-o", "p.json"],
    IO.outputIsInput,
  ],
  [
    "measure -o <a file of the design's directory>",
    ["measure", "cf", "--cell", "divide0", "--die", "d.json", "-o", netlist],
    IO.outputIsInput,
  ],
  ["calibrate -o <symlink to the design dir>", ["calibrate", "out", "--measured", "d1.json", "-o", "out-link"], DIE.overwritesDesign],
  ["calibrate -o <inside the design dir>", ["calibrate", "out", "--measured", "d1.json", "-o", "out/cal"], IO.outputIsInput],
  [
    "calibrate --readings -o <symlink to the design dir>",
    ["calibrate", "cf", "--cell", "divide0", "--readings", "r.json", "-o", "cf-link"],
    DIE.overwritesDesign,
  ],
  [
    "calibrate --measured d -o <dir holding d as a file name>",
    ["calibrate", "out", "--measured", "d1.json", "-o", "d1.json"],
    IO.outputIsInput,
  ],
  ["layout -o <inside the design dir>", ["layout", "cf", "-o", "cf/chip.gds"], IO.outputIsInput],
  ["layout -o <through a symlinked design dir>", ["layout", "cf", "-o", "cf-link/chip.gds"], IO.outputIsInput],
  ["allreduce --chart <its --layers file>", [...ALLREDUCE_MODELS, "--layers", "layers.json", "--chart", "layers.json"], IO.outputIsInput],
  [
    "allreduce --chart <symlink to its --layers file>",
    [...ALLREDUCE_MODELS, "--layers", "layers.json", "--chart", "layers-link.json"],
    IO.outputIsInput,
  ],
  [
    "allreduce --chart <its --spec>",
    [...ALLREDUCE, "--spec", "tiny.optinc", "--models", "all", "--chart", "tiny.optinc"],
    IO.outputIsInput,
  ],
  [
    "allreduce --chart <its --netlist>",
    [...ALLREDUCE, "--models", "all", "--workload", "vgg19", "--netlist", "out/tiny.netlist.json", "--chart", "out/tiny.netlist.json"],
    IO.outputIsInput,
  ],
  ["allreduce --astra <symlink to the --netlist dir>", [...ALLREDUCE, "--netlist", "out", "--astra", "out-link"], IO.outputIsInput],
  ["allreduce --astra <inside the --netlist dir>", [...ALLREDUCE, "--netlist", "out", "--astra", "out/astra"], IO.outputIsInput],
];

// The guard is the commands' own (cli/output.ts), before any work: every case, and the writes that
// are allowed, run through main in this process (harness.ts, optincInProcess).

describe("an output never overwrites an input", () => {
  it("refuses -o onto an input, a symlink to it, or its directory's files: exit 2, its code, inputs byte-identical", async () => {
    const before = hashes(ws.dir);
    const runs = await inParallel(
      CASES.map(
        ([, args]) =>
          () =>
            optincInProcess(["--json", ...args], { cwd: ws.dir }),
      ),
      1,
    );
    for (const [i, [what, , code]] of CASES.entries()) {
      const r = runs[i]!;
      expectSane(r, what);
      expect(r.code, `${what}\n${r.stderr}`).toBe(2);
      const env = envelope(r);
      expect(env.ok).toBe(false);
      expect(
        env.diagnostics.map((d) => d.code),
        what,
      ).toContain(code);
    }
    expect(hashes(ws.dir)).toEqual(before);
    expect(existsSync(ws.path("out", "cal"))).toBe(false);
    expect(existsSync(ws.path("out", "astra"))).toBe(false);
  }, 120_000);

  it("still lets measure extend its readings in place, and write beside its inputs", async () => {
    const r = await optincInProcess(["measure", "cf", "--cell", "divide0", "--die", "d.json", "--readings", "r.json", "-o", "r.json"], {
      cwd: ws.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const d = await optincInProcess(["die", "out", "--technology", "foundry", "-o", "beside.json"], { cwd: ws.dir });
    expect(d.code, d.stderr).toBe(0);
    const a = await optincInProcess(
      [...ALLREDUCE_MODELS, "--netlist", "out/tiny.netlist.json", "--layers", "layers.json", "--chart", "chart.svg", "--astra", "astra"],
      { cwd: ws.dir },
    );
    expect(a.code, a.stderr).toBe(0);
    expect(readFileSync(ws.path("chart.svg"), "utf8")).toMatch(/^<svg/);
    expect(readdirSync(ws.path("astra")).sort()).toEqual([
      "optinc-network.yml",
      "ring-network.yml",
      "system-optinc.json",
      "system-ring.json",
    ]);
  }, 60_000);
});
