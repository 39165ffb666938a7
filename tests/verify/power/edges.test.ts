// The chip's edges on the network (netlist/devices/link.ts, docs/design/power-budget.md §5): each
// worker's DR4 transmitter into an ingress receiver, and each result lane broadcast back through the
// widest split that still reaches every receiver. The figures are recomputed here by hand from the
// sourced optics; a transmitter planted 2.2 dB weaker makes `verify --power` fail (OPT6011) on a
// chip whose light otherwise closes, and a stronger one lets one transmitter serve four workers.
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { VERIFY } from "../../../codes/catalogue.ts";
import { lightBudgetOf } from "../../../dsl/technology-presets.ts";
import { broadcastPlan, channelLossDb, hopBudget } from "../../../netlist/devices/link.ts";
import { RX_PJ_PER_BIT, TX_PJ_PER_BIT, laneBitRate } from "../../../netlist/devices/energy.ts";
import { chipDigits, powerVerdicts } from "../../../pipeline/verify/power.ts";
import { powerBudget } from "../../../verify/power/analyze.ts";
import { loadCircuits } from "../../../verify/circuit/load.ts";
import { memoryIo } from "../../helpers/io.ts";

const dr4 = lightBudgetOf("calibrated")!.link;
// By hand: −0.8 dBm launched, two 0.75 dB connectors, 0.5 km at 0.4 dB/km.
const RECEIVED = -0.8 - 2 * 0.75 - 0.5 * 0.4;

describe("the chip's edges", () => {
  it("a DR4 hop lands at −2.5 dBm OMA, 1.9 dB over the −4.4 dBm receiver; a 1:2 split does not close", () => {
    expect(channelLossDb(dr4)).toBeCloseTo(1.7, 12);
    const hop = hopBudget(dr4);
    expect(hop.receivedOmaDbm).toBeCloseTo(RECEIVED, 12);
    expect(hop.marginDb).toBeCloseTo(RECEIVED + 4.4, 12);
    expect(hop.closes).toBe(true);
    // 1:2 costs 10·log10 2 + 0.2 dB: −5.71 dBm, below −4.4.
    expect(hopBudget(dr4, 10 * Math.log10(2) + 0.2).closes).toBe(false);
    expect(broadcastPlan(dr4, 0.2, 16)).toMatchObject({ fanout: 1, transmitters: 16, closes: true });
  });

  it("the strongest DR4 transmitter (+4.2 dBm) splits 1:4, never wider than the workers", () => {
    const strong = { ...dr4, txOmaDbm: 4.2 };
    // 1:4 is 2 × 3.21 dB: 4.2 − 1.7 − 6.42 = −3.92 dBm ≥ −4.4; 1:8 adds 3.21 dB more: −7.13 dBm.
    expect(broadcastPlan(strong, 0.2, 16)).toMatchObject({ fanout: 4, transmitters: 4, closes: true });
    expect(broadcastPlan(strong, 0.2, 2)).toMatchObject({ fanout: 2, transmitters: 1 });
    expect(broadcastPlan(strong, 0.2, 6)).toMatchObject({ fanout: 4, transmitters: 2 });
  });

  it("verify --power prints and reports both edges; the energy's egress counts the broadcast's transmitters", async () => {
    const dir = join(inject("hostileCompiles"), "cf");
    const io = memoryIo();
    expect(await main(["--json", "verify", dir, "--power"], io)).toBe(0);
    const power = JSON.parse(io.out()).result.power;
    expect(power.edges.ingress).toMatchObject({ closes: true });
    expect(power.edges.ingress.receivedOmaDbm).toBeCloseTo(RECEIVED, 9);
    expect(power.edges.broadcast).toMatchObject({ fanout: 1, transmitters: 4, closes: true });
    const text = memoryIo();
    await main(["verify", dir, "--power", "--verbose"], text);
    expect(text.out()).toContain(
      "  edges: ingress -2.5 dBm OMA at each receiver, 1.9 dB over -4.4 dBm; broadcast -2.5 dBm OMA at each receiver, 1.9 dB over -4.4 dBm: no split closes, so 4 transmitters per result lane (electrical fan-out)",
    );
    // The egress term: every result lane detected once (Rx) and sent by 4 transmitters (Tx).
    const e = power.energy;
    const egress = e.technologies[0].atLaser.terms.find((t: { term: string }) => t.term === "egress");
    const lane = laneBitRate(lightBudgetOf("calibrated")!.symbolRateGBd, e.parts.levels);
    expect(e.parts.egressTransmitters).toBe(4);
    expect(egress.watts).toBeCloseTo(e.parts.egressLanes * lane * (RX_PJ_PER_BIT.value + 4 * TX_PJ_PER_BIT.value) * 1e-12, 12);
  });

  it("a transmitter planted 2.2 dB weaker fails the budget on both edges (OPT6011), the error rate still met", () => {
    const dir = join(inject("hostileCompiles"), "cf");
    const loaded = loadCircuits(dir, dir);
    const circuits = loaded.map((l) => ({ circuit: l.circuit, netlist: l.netlistPath }));
    const light = lightBudgetOf("calibrated")!;
    const at = (link: typeof light.link) =>
      powerBudget(circuits, {
        light: { ...light, link },
        lightSource: "calibrated",
        mziLossDb: 0.1,
        laserMw: light.laser.powerMw,
        target: 1e-12,
        chip: chipDigits(loaded)!,
        reads: false,
      });
    const good = at(light.link);
    expect(good.pass).toBe(true);
    expect(powerVerdicts(good)).toEqual([]);
    // The planted fault: a −3 dBm transmitter lands at −4.7 dBm, 0.3 dB short.
    const bad = at({ ...light.link, txOmaDbm: -3 });
    expect(bad.ratePerValue).toBe(good.ratePerValue);
    expect(bad.pass).toBe(false);
    const v = powerVerdicts(bad);
    expect(v.map((x) => x.code)).toEqual([VERIFY.powerLimit, VERIFY.powerLimit]);
    expect(v[0]!.message).toBe("the ingress reaches its receivers at -4.7 dBm OMA, 0.3 dB short of their -4.4 dBm sensitivity");
    expect(v[1]!.message).toMatch(/^the broadcast reaches its receivers at -4\.7 dBm OMA/);
    expect(VERIFY.powerLimit).toBe("OPT6011");
  });
});
