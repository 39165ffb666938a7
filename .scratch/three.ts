import { threeWorkerCircuit, tinyDesign } from "../tests/verify/tolerance/helpers.ts";
const d = tinyDesign(threeWorkerCircuit());
console.log(d.units[0].exact, d.units[0].failures, d.units[0].set.cases, d.units[0].set.description);
