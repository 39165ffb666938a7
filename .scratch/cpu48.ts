import { readFileSync } from "node:fs";
import { readNetlistJson } from "../netlist/json-io.ts";
import { prepareDesign } from "../verify/tolerance/design.ts";
import { evaluateCopy, copyShape } from "../verify/tolerance/trial.ts";
import { certifyContext, certifiedRatio } from "../verify/tolerance/certify/certify.ts";
const circuit = readNetlistJson(readFileSync("/tmp/tol/b48/paper_4x8.netlist.json", "utf8"), "x");
let c0 = process.cpuUsage();
const cpu = () => { const c = process.cpuUsage(c0); c0 = process.cpuUsage(); return ((c.user + c.system) / 1e6).toFixed(2); };
const design = prepareDesign([{ name: "b", circuit, rounding: "nearest-even", preprocess: true, maxCases: 1e6 }], 1);
console.log("prepare", cpu());
const u = design.units[0];
const sh = copyShape(u, 1, 0, 0, false);
console.log("shape", cpu());
for (let i = 0; i < 3; i++) { evaluateCopy(u, sh.die, null, { levels: { couplerImbalance: 1e-7 }, dacBits: null, detectorNoise: 0 }, true); console.log("sim", cpu()); }
const cx = certifyContext(design, true);
console.log("certify ctx", cpu());
for (let i = 0; i < 2; i++) { certifiedRatio(cx, { coupler: 1e-10, phase: 0, loss: 0 }, 0); console.log("walk", cpu()); }
