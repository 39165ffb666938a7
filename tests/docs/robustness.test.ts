// The deterministic figures of docs/design/digit-cells.md (the quick-start chip's cells and counts,
// the routes' cost table) and docs/design/robustness.md (the statistics of yields and tolerances,
// the presets and the fabricated die's parameters), computed from the code and found in the text
// as computed. The tolerance paragraph of docs/studies/robustness.md is
// tests/docs/robustness-tolerance.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../dsl/defaults.ts";
import { TECHNOLOGY_PRESETS } from "../../dsl/technology-presets.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { clopperPearson, drawsForConfidence, orderStatisticConfidence } from "../../math/binomial.ts";
import { CELL_HEADROOM } from "../../compiler/cells/chip-circuits.ts";
import { STEP_KNEE, THRESHOLD_SLOPE } from "../../compiler/cells/cell-network.ts";
import { CHIP_TRIALS, CLOSED_FORM_TOLERANCE_TRIALS } from "../../pipeline/compile/closed-form.ts";
import { REPORT_CERTIFY_BUDGET, REPORT_TOLERANCE_RTOL, REPORT_TOLERANCE_TRIALS } from "../../pipeline/compile/evaluate.ts";
import { OEO_HOP_SECONDS } from "../../pipeline/report/closed-form-report.ts";
import { coverageZ } from "../../verify/tolerance/certify/certify.ts";
import { toleranceQuantile } from "../../verify/tolerance/quantile.ts";
import { yieldText } from "../../verify/tolerance/statistics.ts";
import { missingClaims } from "../../scripts/robustness-core.ts";
import { compiledExample, compiledVariant, flatPam4 } from "../helpers/examples.ts";

/** The page's worked example: paper-4x8's spec in its link's base, PAM-4 (route = closed-form). */
const quickStartPam4 = () => compiledVariant("paper-4x8", flatPam4);
import { commas, design, exampleSpec } from "./design.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { autoHidden } from "../../compiler/onn/architecture.ts";

const cellsDoc = readFileSync("docs/design/digit-cells.md", "utf8");
const doc = readFileSync("docs/design/robustness.md", "utf8");
const hasCells = (...claims: string[]) => expect(missingClaims(cellsDoc, claims)).toEqual([]);
const has = (...claims: string[]) => expect(missingClaims(doc, claims)).toEqual([]);

interface ChipCell {
  name: string;
  design: string;
  vmax: number;
  bias: number;
  ports: { weight: number; cell?: string; output?: string }[];
}
const chipOf = (file: string): { cells: ChipCell[] } => JSON.parse(quickStartPam4().files.get(file)!);

describe("docs/design/digit-cells.md §2: the quick-start chip's cells", () => {
  it("the default route is auto, which builds the closed-form cells", () => {
    expect(defaultSpec("x").route).toBe("auto");
    hasCells("(`route = closed-form`, and what the default `route = auto` builds,");
  });

  it("five cells of three designs; add0 v ≤ 14, add1…add3 one design v ≤ 15, divide0 v = 4·t₁ + t₀; 4 cells, 3 O-E-O on the critical path", () => {
    const cells = chipOf("paper_4x8.chip.json").cells;
    const by = (n: string) => cells.find((c) => c.name === n)!;
    expect(cells.map((c) => c.name)).toEqual(["add0", "add1", "add2", "add3", "divide0"]);
    expect(new Set(cells.map((c) => c.design)).size).toBe(3);
    expect(by("add0").vmax).toBe(14);
    expect(["add1", "add2", "add3"].map((n) => [by(n).vmax, by(n).design])).toEqual(Array(3).fill([15, "paper_4x8.add1"]));
    expect(by("divide0").ports.map((p) => [p.weight, p.output])).toEqual([
      [4, "t1"],
      [1, "t0"],
    ]);
    expect(Math.max(...cells.map((c) => c.vmax))).toBe(15);
    const hw = quickStartPam4().report.hardware;
    expect([hw.cellsOnCriticalPath, hw.oeoOnCriticalPath]).toEqual([4, 3]);
    hasCells(
      "A decision only has to resolve v to ±½ out of ≈ N·L (15 for paper-4x8)",
      "paper-4x8 needs five cells of three designs: `add0` (v ≤ 14), `add1`…`add3` (v ≤ 15, one design with three copies) and `divide0` (v = 4·t₁ + t₀,",
      "critical path: 4 cells, 3 O-E-O regenerations.",
    );
  });

  it("§2.2: the threshold margin (s − c)/2 = 1.75 at s = 4, c = ½, and the 10 % headroom |σ| ≤ 0.9", () => {
    expect([THRESHOLD_SLOPE, STEP_KNEE]).toEqual([4, 0.5]);
    hasCells(`margin of (s − c)/2 = ${(THRESHOLD_SLOPE - STEP_KNEE) / 2} (s = ${THRESHOLD_SLOPE}, c = ½)`);
    hasCells(
      `|σ| ≤ ${CELL_HEADROOM} — convex in log scales`,
      `The ${Math.round(100 * (1 - CELL_HEADROOM))} % headroom is what calibration uses`,
    );
  });
});

describe("docs/design/digit-cells.md §3: costs per route", () => {
  it("the table's counted rows are the emitted files' counts", () => {
    const cf = quickStartPam4().report;
    const rb = compiledExample("paper-4x8-robust").report;
    const tr = design(exampleSpec("paper-4x8-trained"));
    // Its hidden layers are `auto` (docs/design/onn.md §4): one activation per hidden neuron.
    const activations = autoHidden(flatUnit(4, 8, 4, "nearest-even")).reduce((a, b) => a + b, 0);
    const copies = (r: typeof cf) => r.cells.reduce((a, c) => a + c.copies, 0);
    const ns = (r: typeof cf) => Math.round(r.hardware.oeoOnCriticalPath * OEO_HOP_SECONDS * 1e9);
    hasCells(
      `| tunable MZIs | ${commas(tr.mzi)} | ${cf.hardware.mzi} | ${rb.hardware.mzi} |`,
      `| fixed couplers | ${commas(tr.segmentCouplers)} | ${cf.hardware.fixedCouplers} | ${rb.hardware.fixedCouplers} |`,
      `| optical activations | ${activations} | ${cf.hardware.activations} | ${rb.hardware.activations} |`,
      `| cell designs (physical copies) | 1 unit | ${cf.cells.length} (${copies(cf)}) | ${rb.cells.length} (${copies(rb)}) |`,
      `| cells / units on the critical path | 1 | ${cf.hardware.cellsOnCriticalPath} | ${rb.hardware.cellsOnCriticalPath} |`,
      `| O-E-O regenerations on the critical path | 0 | ${cf.hardware.oeoOnCriticalPath} (≈ ${ns(cf)} ns at an assumed ${OEO_HOP_SECONDS * 1e9} ns each) | ${rb.hardware.oeoOnCriticalPath} (≈ ${ns(rb)} ns) |`,
    );
  });
});

describe("docs/design/robustness.md §1: how yields and tolerances are stated", () => {
  it("the order-statistic table: K = 20, 100, 299, 1000", () => {
    for (const k of [20, 100, 299]) has(`| ${k} | x_(1) | ${(100 * orderStatisticConfidence(k, 0.01)).toFixed(1)} % |`);
    const q = toleranceQuantile(Array.from({ length: 1000 }, (_, i) => i));
    expect(q.lowerBound.confidence).toBeGreaterThanOrEqual(0.95);
    has(`| 1000 | x_(${q.lowerBound.rank}) | ≥ 95 % |`);
  });

  it("the yield target: 0.05^(1/100) = 97.0 %, 299 chips, and compile's 100 then 299", () => {
    expect(drawsForConfidence(0.01, 0.95)).toBe(299);
    has(`bound the yield below by 0.05^(1/100) = ${(100 * 0.05 ** (1 / 100)).toFixed(1)} %, so 100`);
    has(`chips cannot show 99 %: ${drawsForConfidence(0.01, 0.95)} of ${drawsForConfidence(0.01, 0.95)} would.`);
    expect(CHIP_TRIALS).toBe(100);
    has(`${CHIP_TRIALS} chips, and only when all are exact on to the 299 that can`);
    expect(CLOSED_FORM_TOLERANCE_TRIALS).toBe(20);
    has(`compile's ${CLOSED_FORM_TOLERANCE_TRIALS} dies are a quick estimate`, "(K ≥ 299 at Y = 99 %)");
  });

  it("Clopper–Pearson: binom.test(5, 20), 100/100 and 0/100", () => {
    const i = clopperPearson(5, 20);
    has(`\`binom.test(5, 20)\` (${i.lower.toFixed(4)}–${i.upper.toFixed(4)})`);
    has(`"${yieldText(100, 100)}"`);
    has(`0/100 means a true yield below ${(100 * clopperPearson(0, 100).upper).toFixed(1)} %`);
  });

  it("the DAC's rounding on the quick-start chip's shifters; z for 1,281 shifters; the search's brackets", () => {
    const shifters = quickStartPam4().report.hardware.phaseShifters;
    has(`±${((1000 * Math.PI) / 2 ** 10).toFixed(2)} mrad on each of ${shifters} shifters at any scale`);
    has(`σ99 = δ/z (z ≈ ${coverageZ(1281, 0.01).toFixed(1)} for 1,281 shifters)`);
    expect(REPORT_TOLERANCE_RTOL).toBe(0.1);
    has(`(2 % in \`optinc verify\`, ${100 * REPORT_TOLERANCE_RTOL} % in the compile report)`);
    expect([REPORT_TOLERANCE_TRIALS, REPORT_CERTIFY_BUDGET]).toEqual([2, 2e8]);
    has(
      `section uses ${REPORT_TOLERANCE_TRIALS} dies per random axis, brackets of ±${100 * REPORT_TOLERANCE_RTOL} %`,
      "exceeds 2·10⁸ multiply-adds",
    );
    hasCells(`A 12-bit phase DAC's step alone is 2π/2¹² = ${((2000 * Math.PI) / 2 ** 12).toFixed(1)} mrad`);
  });
});

describe("docs/design/robustness.md §3: technology presets and the fabricated die", () => {
  it("the preset table is dsl/technology-presets.ts", () => {
    const mrad = (x: number) => `${1000 * x} mrad`;
    for (const [name, { levels: t }] of Object.entries(TECHNOLOGY_PRESETS)) {
      if (name === "ideal") {
        has("| `ideal` | 0 | 0 | 0 | 0 | none | 0 |");
        continue;
      }
      const spread = t.lossSpreadDb ? `${t.lossSpreadDb} dB per arm (assumed)` : "0";
      has(
        `| \`${name}\` | ${t.mziLossDb} dB | ${spread} | ±${t.splitterImbalance} | ${mrad(t.phaseNoise)} | ${t.dacBits} bits | ${t.detectorNoise} step |`,
      );
    }
    has(`rounding within ±π/1024 ≈ ${((1000 * Math.PI) / 1024).toFixed(1)} mrad`);
  });

  it("the fabricated die's table is fab/technology.ts's foundry", () => {
    const f = FAB_TECHNOLOGIES.foundry!;
    const fullScaleMw = (f.heater.rangeRad / Math.PI) * f.heater.pPiMw;
    has(
      `| heater P_π (mean) | ${f.heater.pPiMw} mW |`,
      `| efficiency spread η_i | σ ${100 * f.heater.etaSpread} % (clipped at 3σ) |`,
      `| drive | ${f.heater.driveBits}-bit voltage DAC, P ∝ code², full scale ${f.heater.rangeRad / Math.PI}π at mean η (${fullScaleMw} mW) |`,
      `κ = ${f.crosstalk.kappa}·e^{−(d − ${f.crosstalk.atUm} µm)/${f.crosstalk.decayUm} µm}, dropped below 10⁻${"⁰¹²³⁴⁵⁶⁷⁸⁹"[-Math.log10(f.crosstalk.cutoff)]}`,
      `| couplers | σ ${f.couplerSigma} in power coupling`,
      `| loss | ${f.mziLossDb} dB on each MZI arm |`,
      `| detector | ${f.detector.responsivityAW} A/W (σ ${100 * f.detector.responsivitySpread} % assumed)`,
      `noise σ ${f.detector.noiseA * 1e12} pA plus shot noise, ${f.detector.adcBits}-bit ADC on autoranged decades up to ${f.detector.fullScaleA * 1e3} mA`,
      `| monitor photodiodes | one per monitor site: ${f.monitor.responsivityAW} A/W (σ ${100 * f.monitor.responsivitySpread} %)`,
      `| laser | ${f.laser.powerMw} mW per lit port, random-walk drift σ ${100 * f.laser.driftRelPerStep} % per step |`,
    );
    // Dark current 1.3 nA × U(0.5, 1.5), as the table gives it.
    has(`dark ${(f.detector.darkA * 0.5e9).toFixed(2)}–${(f.detector.darkA * 1.5e9).toFixed(2)} nA`);
  });

  it("fails on a doctored copy: a changed count or preset level is named", () => {
    const cf = quickStartPam4().report;
    const row = `| tunable MZIs | 5,230 | ${cf.hardware.mzi} | `;
    expect(missingClaims(cellsDoc, [row])).toEqual([]);
    expect(missingClaims(cellsDoc.replace(row, "| tunable MZIs | 5,230 | 335 | "), [row])).toEqual([row]);
    const preset = "| `calibrated` | 0.1 dB |";
    expect(missingClaims(doc.replace(preset, "| `calibrated` | 0.2 dB |"), [preset])).toEqual([preset]);
  });
});
