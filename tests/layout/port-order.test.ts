// Sub-circuit ports drawn in their neighbours' order (layout/port-order.ts, docs/design/layout.md
// §7.3): the sub-circuit with the most linked ports orders its ports freely, its neighbours pin
// theirs in that order, and the elementwise blocks between them follow, so the top cell's channels
// cross nothing (on the quick start's add0 the worst path drops from 31 to 15 crossing cells:
// tests/layout/order.test.ts, beside the other add0 layouts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compiledVariant, flatPam4, writeLayoutInputs } from "../helpers/examples.ts";
import { layoutCompiled } from "../../pipeline/layout/layout.ts";
import { planPortOrder } from "../../layout/port-order.ts";
import type { LayoutCell } from "../../layout/cell.ts";
import type { Netlist } from "../../netlist/ir.ts";

const ports = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, k) => `${prefix}${k}`);
/** A laid-out cell with only pins: `order` its out (or in) pins top-down. */
const pinsCell = (side: "in" | "out", order: string[]): LayoutCell => ({
  name: "x",
  kind: "netlist",
  shapes: [],
  refs: [],
  pins: order.map((name, r) => ({ name, x: 0, y: -10 * r, side })),
  bbox: { x0: 0, y0: 0, x1: 0, y1: 0 },
  through: {},
});

describe("port order at sub-circuit boundaries", () => {
  // A (3 outs) → act (3 modes) → B (3 ins, 3 outs) → C (3 ins); B has the most linked ports
  const top: Netlist = {
    instances: {
      a: { component: "A", settings: {} },
      act: { component: "activation", settings: {} },
      b: { component: "B", settings: {} },
      c: { component: "C", settings: {} },
    },
    connections: Object.fromEntries([
      ...[0, 1, 2].map((k) => [`a,out${k}`, `act,in${k}`]),
      ...[0, 1, 2].map((k) => [`act,out${k}`, `b,in${k}`]),
      ...[0, 1, 2].map((k) => [`b,out${k}`, `c,in${(k + 1) % 3}`]),
    ]),
    ports: {},
  };
  const info = new Map([
    ["A", { inputs: [], outputs: ports("out", 3), instances: [] }],
    ["B", { inputs: ports("in", 3), outputs: ports("out", 3), instances: [] }],
    ["C", { inputs: ports("in", 3), outputs: [], instances: [] }],
    ["T", { inputs: [], outputs: [], instances: ["A", "activation", "B", "C"] }],
  ]);
  const plan = planPortOrder(top, "T", info);

  it("lays out the sub-circuit with the most linked ports first, its inputs free, then its neighbours in its order", () => {
    expect(plan.order).toEqual(["B", "A", "C"]);
    const first = plan.portsOf("B", new Map());
    expect(first).toEqual({ rank: new Map(), freeInputs: true });
    // B drew its inputs in2, in0, in1 and its outputs out1, out2, out0 (top-down)
    const laid = new Map([
      [
        "B",
        {
          ...pinsCell("in", ["in2", "in0", "in1"]),
          pins: [...pinsCell("in", ["in2", "in0", "in1"]).pins, ...pinsCell("out", ["out1", "out2", "out0"]).pins],
        },
      ],
    ]);
    expect(plan.portsOf("A", laid)!.rank).toEqual(
      new Map([
        ["out2", 0],
        ["out0", 1],
        ["out1", 2],
      ]),
    );
    // b,out1 → c,in2; b,out2 → c,in0; b,out0 → c,in1
    expect(plan.portsOf("C", laid)!.rank).toEqual(
      new Map([
        ["in2", 0],
        ["in0", 1],
        ["in1", 2],
      ]),
    );
    laid.set("A", pinsCell("out", ["out2", "out0", "out1"]));
    // the block's mode k at the row of A's out k
    expect(plan.rowsOf("act", laid)).toEqual([1, 2, 0]);
  });

  it("leaves out a sub-circuit instanced twice (its ports cannot follow two neighbours)", () => {
    const twice = planPortOrder(
      { ...top, instances: { ...top.instances, b2: { component: "B", settings: {} } } },
      "T",
      new Map([...info, ["T", { ...info.get("T")!, instances: ["A", "activation", "B", "B", "C"] }]]),
    );
    expect(twice.order).toEqual([]);
    expect(twice.portsOf("A", new Map())).toBeUndefined();
  });

  it("is what `optinc layout` draws by default: the quick start's add0 with 82 crossings, 253 with --no-port-order", () => {
    const root = mkdtempSync(join(tmpdir(), "optinc-port-order-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, "out");
    writeLayoutInputs(compiledVariant("paper-4x8", flatPam4), dir);
    const draw = (portOrder?: boolean) =>
      layoutCompiled(dir, { pdk: "ebeam", cell: "add0", ...(portOrder === undefined ? {} : { portOrder }) });
    const [byDefault, on, off] = [draw(), draw(true), draw(false)];
    expect(Buffer.from(byDefault.gds).equals(Buffer.from(on.gds))).toBe(true);
    // the planted fault: each sub-circuit's ports in their own order, so the top's channels shuffle them
    expect([on.stats.crossings, off.stats.crossings]).toEqual([82, 253]);
  });
});
