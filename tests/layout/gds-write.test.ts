// The GDSII writer: the 8-byte reals every GDSII file starts with, fixed timestamps (same library →
// same bytes), and a round trip through KLayout that counts what was written.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gdsReal8, writeGds, type GdsLibrary } from "../../layout/gds-write.ts";
import { itWith, KLAYOUT } from "../netlist/tools.ts";
import { klayoutPython } from "./klayout.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

const lib = (): GdsLibrary => ({
  name: "T",
  structures: [
    {
      name: "leaf",
      elements: [
        {
          kind: "boundary",
          layer: 1,
          datatype: 0,
          points: [
            [0, 0],
            [2, 0],
            [2, 1],
            [0, 1],
          ],
        },
        {
          kind: "path",
          layer: 1,
          datatype: 0,
          width: 0.5,
          points: [
            [0, 0],
            [10.6526, 0],
            [20, 3.25],
          ],
        },
        { kind: "text", layer: 1, texttype: 10, at: [0, 0], text: "o1" },
      ],
    },
    {
      name: "top",
      elements: [
        { kind: "sref", cell: "leaf", at: [5, 7.5], properties: [[1, "a"]] },
        { kind: "sref", cell: "leaf", at: [-3.001, 0], rotation: 90, properties: [[1, "b"]] },
        {
          kind: "boundary",
          layer: 99,
          datatype: 0,
          points: [
            [-50, -50],
            [50, -50],
            [50, 50],
            [-50, 50],
          ],
        },
      ],
    },
  ],
});

describe("GDSII stream writer", () => {
  it("writes the UNITS reals of 1 nm / 1 µm as every GDSII file has them", () => {
    expect(hex(gdsReal8(1e-3))).toBe("3e4189374bc6a7f0");
    expect(hex(gdsReal8(1e-9))).toBe("3944b82fa09b5a54");
    expect(hex(gdsReal8(90))).toBe("425a000000000000");
    expect(hex(gdsReal8(-1))).toBe("c110000000000000");
  });

  it("gives the same bytes for the same library, other bytes for another", () => {
    expect(hex(writeGds(lib()))).toBe(hex(writeGds(lib())));
    const other = lib();
    other.structures[0]!.elements[0] = {
      kind: "boundary",
      layer: 1,
      datatype: 0,
      points: [
        [0, 0],
        [2, 0],
        [2, 1.001],
        [0, 1],
      ],
    };
    expect(hex(writeGds(other))).not.toBe(hex(writeGds(lib())));
  });

  it("refuses what GDSII cannot hold", () => {
    expect(() => writeGds({ name: "T", structures: [{ name: "a", elements: [{ kind: "sref", cell: "nope", at: [0, 0] }] }] })).toThrow(
      /undefined structure/,
    );
    expect(() =>
      writeGds({ name: "T", structures: [{ name: "a", elements: [{ kind: "text", layer: 1, texttype: 0, at: [0, 0], text: "µ" }] }] }),
    ).toThrow(/ASCII/);
  });

  itWith(KLAYOUT, "klayout")("reads back in KLayout: cells, shapes, texts, instances with names and transforms", () => {
    const dir = mkdtempSync(join(tmpdir(), "optinc-gds-"));
    const file = join(dir, "t.gds");
    writeFileSync(file, writeGds(lib()));
    const out = klayoutPython(`
ly = pya.Layout(); ly.read(${JSON.stringify(file)})
top = ly.cell("top"); leaf = ly.cell("leaf")
shapes = {str(ly.get_info(li)): [str(s) for s in leaf.shapes(li).each()] for li in ly.layer_indexes() if not leaf.shapes(li).is_empty()}
insts = sorted((i.property(1), str(i.trans)) for i in top.each_inst())
print(json.dumps({"dbu": ly.dbu, "cells": sorted(c.name for c in ly.each_cell()), "tops": [c.name for c in ly.top_cells()], "shapes": shapes, "insts": insts}))`);
    const r = JSON.parse(out.trim().split("\n").pop()!);
    expect(r.dbu).toBe(0.001);
    expect(r.cells).toEqual(["leaf", "top"]);
    expect(r.tops).toEqual(["top"]);
    expect(r.shapes["1/0"]).toEqual(["path (0,0;10653,0;20000,3250) w=500 bx=0 ex=0 r=false", "box (0,0;2000,1000)"]);
    expect(r.shapes["1/10"]).toEqual(["text ('o1',r0 0,0)"]);
    expect(r.insts).toEqual([
      ["a", "r0 5000,7500"],
      ["b", "r90 -3001,0"],
    ]);
  });
});
