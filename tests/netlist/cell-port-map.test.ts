// A closed-form cell's `<name>.ports.json` says what each port really carries, from its chip file:
// in<k> is port k of every copy of the design (weight, range, source per copy), out<k> its output k.
// Checked against the chip file itself and against the cell netlist's own function (info
// cell_weights): a port map that labelled divide0's in0 "worker 0, digit 0, weight 1" fails here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compiledExample, compiledVariant, flatPam4 } from "../helpers/examples.ts";
import { main } from "../../cli/main.ts";
import { readChipJson } from "../../aggregate/chip-file.ts";
import type { PortMap } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { portMap } from "../../netlist/formats/port-map.ts";
import { cellPortMap } from "../../pipeline/compile/cell-ports.ts";
import { memoryIo } from "../helpers/io.ts";

// The emitted files do not depend on the composed cases: the shared compile (helpers/examples.ts).
// paper-4x8 in its link's base: the PAM-4 cells these port maps describe.
const compile = (name: string) => (name === "paper-4x8" ? compiledVariant(name, flatPam4) : compiledExample(name));

describe.each(["paper-4x8", "paper-4x8-robust"])("ports.json of every cell of examples/%s", (ex) => {
  const r = compile(ex);
  const chips = [...r.files.keys()].filter((f) => f.endsWith(".chip.json")).map((f) => readChipJson(r.files.get(f)!, f));

  it("every cell copy's ports and outputs appear, in order, with the chip file's weight, range and source", () => {
    let checked = 0;
    for (const chip of chips) {
      chip.chip.cells.forEach((cell, i) => {
        const design = chip.designs[i]!;
        const map = JSON.parse(r.files.get(`${design}.ports.json`)!) as PortMap;
        const info = readNetlistJson(r.files.get(`${design}.netlist.json`)!).info;
        const ins = map.inputs.filter((x) => x.kind === "cell-port");
        expect(ins.map((x) => x.port)).toEqual(cell.ports.map((_, k) => `in${k}`));
        cell.ports.forEach((p, k) => {
          const x = ins[k]!;
          expect(x.cellPort).toBe(k);
          expect(x.weight).toBe(p.weight);
          expect(x.weight).toBe((info.cell_weights as number[])[k]);
          expect(x.max).toBe(p.max);
          const src = x.carries!.find((c) => c.copy === cell.name)!;
          if (p.source.kind === "worker") expect(src).toEqual({ copy: cell.name, worker: p.source.worker, position: p.source.position });
          else
            expect(src).toEqual({
              copy: cell.name,
              cell: chip.chip.cells[p.source.cell]!.name,
              output: chip.chip.cells[p.source.cell]!.outputs[p.source.output]!.name,
            });
          checked++;
        });
        const outs = map.outputs.filter((o) => o.kind === "cell-output");
        expect(outs.map((o) => o.port)).toEqual(cell.outputs.map((_, k) => `out${k}`));
        cell.outputs.forEach((o, k) => expect(outs[k]!.carries).toContainEqual({ copy: cell.name, output: o.name }));
        expect(map.inputs.some((x) => x.kind === "worker-digit")).toBe(false);
        expect(map.broadcast.receivers).toEqual([]);
      });
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe("paper-4x8's divide0", () => {
  const r = compile("paper-4x8");
  const map = JSON.parse(r.files.get("paper_4x8.divide0.ports.json")!) as PortMap;

  it("in0 carries add1's t1 at weight 4 and in1 add0's t0 at weight 1; out0 is q0", () => {
    expect(map.inputs[0]).toMatchObject({
      kind: "cell-port",
      port: "in0",
      weight: 4,
      carries: [{ copy: "divide0", cell: "add1", output: "t1" }],
    });
    expect(map.inputs[1]).toMatchObject({
      kind: "cell-port",
      port: "in1",
      weight: 1,
      carries: [{ copy: "divide0", cell: "add0", output: "t0" }],
    });
    expect(map.outputs[0]).toMatchObject({ kind: "cell-output", port: "out0", carries: [{ copy: "divide0", output: "q0" }] });
  });

  it("a chip file whose divide cell reads its ports the other way round gives another port map (the labels follow the file)", () => {
    const text = r.files.get("paper_4x8.chip.json")!;
    const doc = JSON.parse(text) as { cells: { name: string; ports: unknown[] }[] };
    const d = doc.cells.find((c) => c.name === "divide0")!;
    d.ports.reverse();
    const swapped = readChipJson(JSON.stringify(doc), "swapped.chip.json");
    const circuit = readNetlistJson(r.files.get("paper_4x8.divide0.netlist.json")!);
    const m = portMap(circuit, { cell: cellPortMap(swapped, "paper_4x8.divide0") });
    expect(m.inputs[0]).toMatchObject({ weight: 1, carries: [{ copy: "divide0", cell: "add0", output: "t0" }] });
    expect(m).not.toEqual(map);
  });

  it("without its chip file the port map still names cell ports, not worker digits, and leaves out what it cannot know", () => {
    const m = portMap(readNetlistJson(r.files.get("paper_4x8.divide0.netlist.json")!));
    expect(m.inputs[0]).toEqual({ kind: "cell-port", port: "in0", cellPort: 0, drives: "source,in0", levels: 4, amplitudePerLevel: 1 / 3 });
    expect(m.outputs[0]).toMatchObject({ kind: "cell-output", cellOutput: 0 });
    expect(m.outputs[0]!.carries).toBeUndefined();
  });
});

describe("optinc export --format ports of a closed-form directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-cell-ports-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the chip file beside the netlists and re-emits every cell's ports.json byte for byte", async () => {
    const r = compile("paper-4x8");
    for (const [f, text] of r.files) if (f.endsWith(".netlist.json") || f.endsWith(".chip.json")) writeFileSync(join(dir, f), text);
    const out = join(dir, "out");
    expect(await main(["export", dir, "--format", "ports", "-o", out], memoryIo())).toBe(0);
    for (const d of ["add0", "add1", "divide0"])
      expect(readFileSync(join(out, `paper_4x8.${d}.ports.json`), "utf8")).toBe(r.files.get(`paper_4x8.${d}.ports.json`));
  });

  it("optinc calibrate of one cell writes a ports.json with the same port labels, read from the chip file beside it", async () => {
    // Outside the compile directory: nothing may be written where the command reads (cli/files/guard.ts).
    const work = mkdtempSync(join(tmpdir(), "optinc-cell-ports-work-"));
    const die = join(work, "add1-die.json");
    expect(await main(["die", dir, "--cell", "add1", "--copy", "1", "--technology", "foundry", "-o", die], memoryIo())).toBe(0);
    const cal = join(work, "cal");
    const io = memoryIo();
    await main(["calibrate", dir, "--measured", die, "-o", cal], io);
    const written = JSON.parse(readFileSync(join(cal, "paper_4x8.add1.ports.json"), "utf8")) as PortMap;
    const compiled = JSON.parse(compile("paper-4x8").files.get("paper_4x8.add1.ports.json")!) as PortMap;
    const labels = (m: PortMap) => [m.inputs.filter((i) => i.kind === "cell-port"), m.outputs.map((o) => ({ ...o, reads: undefined }))];
    expect(written.inputs.filter((i) => i.kind === "cell-port")).toHaveLength(5);
    expect(labels(written)).toEqual(labels(compiled));
  });
});
