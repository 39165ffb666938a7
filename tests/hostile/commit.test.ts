// The all-or-nothing commit (cli/files/commit.ts) when the filesystem fails in the middle of it:
// every rename is made to fail in turn, and the directory must come back exactly as it was.
import * as fs from "node:fs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { snapshot } from "./harness.ts";

const failing = { at: -1, calls: 0 };
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    renameSync: (a: fs.PathLike, b: fs.PathLike) => {
      if (failing.calls++ === failing.at) throw Object.assign(new Error("injected EIO"), { code: "EIO" });
      return real.renameSync(a, b);
    },
  };
});

const { commitFiles } = await import("../../cli/files/commit.ts");

const root = mkdtempSync(join(tmpdir(), "optinc-commit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES = new Map([
  ["a.json", "new a\n"],
  ["b.spi", "new b\n"],
  ["c.csv", "new c\n"],
]);

describe("commitFiles under injected rename failures", () => {
  it("into an existing directory: each failing rename rolls everything back", () => {
    let sawFailure = 0;
    for (let at = 0; at < 12; at++) {
      const dir = join(root, `existing-${at}`);
      fs.mkdirSync(dir);
      writeFileSync(join(dir, "a.json"), "old a\n");
      writeFileSync(join(dir, "keep.txt"), "unrelated\n");
      const before = snapshot(dir);
      failing.at = at;
      failing.calls = 0;
      let threw = false;
      try {
        commitFiles(dir, FILES);
      } catch (e) {
        threw = true;
        expect((e as NodeJS.ErrnoException).code).toBe("EIO");
      }
      failing.at = -1;
      if (threw) {
        sawFailure++;
        expect(snapshot(dir), `failure at rename ${at}`).toEqual(before);
      } else {
        expect(fs.readFileSync(join(dir, "a.json"), "utf8")).toBe("new a\n");
        expect(snapshot(dir).filter((l) => l.includes("optinc-"))).toEqual([]);
      }
    }
    expect(sawFailure).toBe(4); // a.json: aside + in; b.spi, c.csv: in (nothing to move aside)
  });

  it("into a new directory: the directory appears complete or not at all", () => {
    failing.at = 0;
    failing.calls = 0;
    const dir = join(root, "fresh", "deeper");
    expect(() => commitFiles(dir, FILES)).toThrow(/injected EIO/);
    failing.at = -1;
    expect(fs.existsSync(join(root, "fresh"))).toBe(false);
    commitFiles(dir, FILES);
    expect(fs.readdirSync(dir).sort()).toEqual(["a.json", "b.spi", "c.csv"]);
  });
});

describe("commitFiles when the output set itself fails", () => {
  it("a write that dies after the first file leaves no partial files and no staging directories", () => {
    const top = fs.mkdtempSync(join(root, "dying-"));
    const out = join(top, "out");
    commitFiles(out, new Map([["a.txt", "old"]]));
    // A files map whose iteration dies after the first file: the crash happens mid-write.
    const files = new Map([
      ["a.txt", "new"],
      ["b.txt", "B"],
      ["c.txt", "C"],
    ]);
    const dying = new Map(files);
    let n = 0;
    const entries = dying.entries.bind(dying);
    dying[Symbol.iterator] = function* () {
      for (const e of entries()) {
        if (n++ === 1) throw new Error("killed");
        yield e;
      }
    } as (typeof dying)[typeof Symbol.iterator];
    expect(() => commitFiles(out, dying)).toThrow("killed");
    expect(fs.readdirSync(out)).toEqual(["a.txt"]);
    expect(fs.readFileSync(join(out, "a.txt"), "utf8")).toBe("old");
    expect(fs.readdirSync(top)).toEqual(["out"]);
    commitFiles(out, files);
    expect(fs.readdirSync(out).sort()).toEqual(["a.txt", "b.txt", "c.txt"]);
    expect(fs.readFileSync(join(out, "a.txt"), "utf8")).toBe("new");
    expect(fs.readdirSync(top)).toEqual(["out"]);
    expect(() => commitFiles(out, new Map([["../x", "y"]]))).toThrow(/plain file name/);
    expect(fs.existsSync(join(top, "x"))).toBe(false);
  });
});
