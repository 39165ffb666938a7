// The energy of one all-reduce (system/models/energy.ts), recomputed by hand from each fabric's path:
// N·(bytes a rank sends)·8 bits, each crossing its links (21.25 pJ per traversal), its switch passes
// (8.8 pJ) and, for OptINC, the chip (31.15 pJ per input bit). Planted faults: drop the switch
// term, count one traversal for OptINC, or let a model state the wrong bytes, and a figure here moves.
import { describe, expect, it } from "vitest";
import { evaluateModels, MODEL_NAMES } from "../../../system/models/index.ts";
import { modelInputs, QUICK_START_CHIP_PJ } from "../../../system/models/params.ts";
import { compareOnWorkload } from "../../../system/comparison.ts";
import { iterationChartSvg } from "../../../pipeline/allreduce/chart.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../cli/main.ts";
import { memoryIo } from "../../helpers/io.ts";
import { FULL } from "../../helpers/tier.ts";

const N = 8;
const M = 1e6;
const at = (over = {}) => evaluateModels(modelInputs({ workers: N, messageBytes: M, ...over }), MODEL_NAMES);
const J = (bitsPerRank: number, pjPerBit: number): number => N * bitsPerRank * pjPerBit * 1e-12;

describe("the energy of an all-reduce", () => {
  const models = Object.fromEntries(at().map((m) => [m.name, m]));
  const ring = (2 * (N - 1)) / N;

  it("is each fabric's path priced per bit sent", () => {
    // Ring through one switch: NIC → switch → NIC, 2 traversals and one ASIC pass per bit.
    expect(models.ring!.energy!.joules).toBeCloseTo(J(ring * M * 8, 2 * 21.25 + 8.8), 12);
    // Recursive doubling sends the whole vector lg N times.
    expect(models["recursive-doubling"]!.energy!.joules).toBeCloseTo(J(3 * M * 8, 2 * 21.25 + 8.8), 12);
    // SHARP: M up through the reducing switch and the result down.
    expect(models.sharp!.energy!.joules).toBeCloseTo(J(M * 8, 2 * 21.25 + 8.8), 12);
    // A lightpath: one traversal, passive switching.
    expect(models["optical-ring"]!.energy!.joules).toBeCloseTo(J(ring * M * 8, 21.25), 12);
    expect(models.oddl!.energy!.joules).toBeCloseTo(J(ring * M * 8, 21.25), 12);
    // OptINC: 8-bit payload (M/4) to the chip and back, the chip in the switch's place.
    expect(models.optinc!.energy!.joules).toBeCloseTo(J((M / 4) * 8, 2 * 21.25 + QUICK_START_CHIP_PJ), 12);
    expect(models.optinc!.energy!.terms.aggregator_J).toBeCloseTo(J((M / 4) * 8, QUICK_START_CHIP_PJ), 12);
  });

  it("sums its terms, and every model states the bytes it sends", () => {
    for (const m of Object.values(models)) {
      const e = m.energy!;
      expect(e.joules, m.name).toBeCloseTo(e.terms.links_J + e.terms.switching_J + e.terms.aggregator_J, 15);
      expect(e.joules, m.name).toBeGreaterThan(0);
      expect(e.bitsSent, m.name).toBe(N * (m.notes.bytes_per_worker as number) * 8);
    }
  });

  it("follows its parameters: co-packaged links, a MEMS-shifter chip, bf16 baselines", () => {
    const cpo = Object.fromEntries(at({ linkPjPerBit: 5.5, optincChipPjPerBit: 22.41 }).map((m) => [m.name, m]));
    expect(cpo.ring!.energy!.joules).toBeCloseTo(J(ring * M * 8, 2 * 5.5 + 8.8), 12);
    expect(cpo.optinc!.energy!.joules).toBeCloseTo(J((M / 4) * 8, 2 * 5.5 + 22.41), 12);
    const bf16 = Object.fromEntries(at({ baselineBits: 16 }).map((m) => [m.name, m]));
    expect(bf16.ring!.energy!.joules).toBeCloseTo(models.ring!.energy!.joules / 2, 12);
  });

  it("is the same per iteration whatever the buckets, and the chart draws it for every model", () => {
    const cmp = compareOnWorkload(["ring", "sharp", "optinc"], [N], "resnet50-cifar100", M, {});
    const whole = evaluateModels(modelInputs({ workers: N, messageBytes: cmp.messageBytes }), ["ring", "sharp", "optinc"]);
    for (const m of whole) expect(cmp.rows[0]!.models[m.name]!.energy).toBeCloseTo(m.energy!.joules, 12);
    const svg = iterationChartSvg(cmp, "t");
    for (const m of whole) expect(svg).toContain(`${m.name}: `);
    expect(svg.match(/per iteration<\/title>/g)).toHaveLength(3);
    expect(svg).toContain("least energy at this N");
  });

  // The default chip figure is the quick start's, from its compile (about 15 s: the full tier).
  it.runIf(FULL)(
    "QUICK_START_CHIP_PJ is the quick start's chip without ingress and egress",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "optinc-chip-pj-"));
      try {
        expect(await main(["compile", "examples/paper-4x8.optinc", "-o", dir, "--no-evaluate"], memoryIo())).toBe(0);
        const io = memoryIo();
        expect(await main(["--json", "verify", dir, "--power"], io)).toBe(0);
        const env = JSON.parse(io.out());
        const to = env.result.power.energy.technologies.find((t: { shifter: string }) => t.shifter === "thermo-optic");
        const core = to.atLaser.terms
          .filter((t: { term: string }) => t.term !== "ingress" && t.term !== "egress")
          .reduce((a: number, t: { pjPerBit: number }) => a + t.pjPerBit, 0);
        expect(core).toBeCloseTo(QUICK_START_CHIP_PJ, 2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
