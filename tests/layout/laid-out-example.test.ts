// The quick start's drawn chip is drawn by one worker per run and read by the others
// (tests/helpers/examples.ts, laidOutExample). A worker that waits for it must not wait out the
// test timeout when the drawing worker died: it fails at once, naming the dead worker (without the
// check the wait below runs into vitest's test timeout).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { laidOutExample } from "../helpers/examples.ts";

describe("laidOutExample: the shared drawing", () => {
  it("fails at once when the worker that claimed the drawing is gone (planted: a finished process's pid)", () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    writeFileSync(join(inject("hostileCompiles"), "laid-no-such-example.claim"), String(dead));
    expect(() => laidOutExample("no-such-example")).toThrow(`the worker drawing no-such-example (pid ${dead}) died without a result`);
  });
});
