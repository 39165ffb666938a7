// How many readings one heater's fringe needs at the foundry detector (noise σ 0.1 % of full scale,
// 16-bit ADC; fab/technology.ts): RMS phase error of fitFringe over 50 seeded sweeps,
// by fringe amplitude (fraction of full scale) and readings per sweep (uniform in P ∝ code²).
//
//   npx tsx scripts/fringe-readings.ts
import { createRng } from "../math/rng.ts";
import { fitFringe } from "../compiler/calibrate/lab/fringe-fit.ts";
import { FAB_TECHNOLOGIES } from "../fab/technology.ts";

const d = FAB_TECHNOLOGIES.foundry!.detector;
const noise = d.noiseA / d.fullScaleA;
const lsb = 1 / 2 ** d.adcBits;
const eta0 = Math.PI / FAB_TECHNOLOGIES.foundry!.heater.pPiMw;
const pMax = FAB_TECHNOLOGIES.foundry!.heater.rangeRad / eta0;
console.log(`| fringe amplitude (of full scale) | ${[16, 32, 64, 128].map((n) => `${n} readings`).join(" | ")} |`);
console.log(`|---|---|---|---|---|`);
for (const b of [0.2, 0.05, 0.01]) {
  const cells: string[] = [];
  for (const n of [16, 32, 64, 128]) {
    let se = 0;
    for (let k = 0; k < 50; k++) {
      const rng = createRng(1000 * n + k);
      const psi = 2 * Math.PI * rng.next();
      const eta = eta0 * (1 + 0.05 * rng.normal());
      const p = Float64Array.from({ length: n }, (_, i) => (pMax * i) / (n - 1));
      const r = Float64Array.from(p, (x) =>
        Math.min(1, Math.max(0, Math.round((1.1 * b + b * Math.cos(psi + eta * x) + noise * rng.normal()) / lsb) * lsb)),
      );
      const f = fitFringe(p, r, eta0 * 0.8, eta0 * 1.2);
      se += Math.atan2(Math.sin(f.psiRad - psi), Math.cos(f.psiRad - psi)) ** 2;
    }
    cells.push(`${(1000 * Math.sqrt(se / 50)).toFixed(2)} mrad`);
  }
  console.log(`| ${b} | ${cells.join(" | ")} |`);
}
