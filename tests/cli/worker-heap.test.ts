// The worker's heap limit (cli/worker-heap.ts): three quarters of the machine's memory, never under
// V8's usual 4 GB, and none set where the user gives --max-old-space-size.
import { describe, expect, it } from "vitest";
import { workerHeapMb } from "../../cli/worker-heap.ts";

const GiB = 2 ** 30;

describe("the worker's heap limit", () => {
  it("is three quarters of the machine's memory, at least 4096 MB", () => {
    expect(workerHeapMb(24 * GiB, "", [])).toBe(18432);
    expect(workerHeapMb(64 * GiB, "", [])).toBe(49152);
    expect(workerHeapMb(2 * GiB, "", [])).toBe(4096);
  });

  it("is left to the user's --max-old-space-size, in NODE_OPTIONS or on node's command line", () => {
    expect(workerHeapMb(24 * GiB, "--max-old-space-size=2048", [])).toBeUndefined();
    expect(workerHeapMb(24 * GiB, "--enable-source-maps", ["--max-old-space-size=8192"])).toBeUndefined();
    // an unrelated option is not mistaken for it
    expect(workerHeapMb(24 * GiB, "--max-semi-space-size=64", [])).toBe(18432);
  });
});
