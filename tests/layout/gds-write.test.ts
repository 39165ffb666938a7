// The GDSII writer: the 8-byte reals every GDSII file starts with, fixed timestamps (same library →
// same bytes). Its round trip through KLayout, which counts what was written, runs in
// tests/layout/layout-check.test.ts with that file's other KLayout scripts (one KLayout start).
import { describe, expect, it } from "vitest";
import { gdsReal8, writeGds } from "../../layout/gds-write.ts";
import { writerLibrary as lib } from "./planted-gds.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

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
});
