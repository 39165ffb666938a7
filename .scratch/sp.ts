import { smallestPassing } from "../verify/tolerance/search.ts";
let bad = 0;
for (let crit = 1; crit <= 25; crit++) for (let guess = 1; guess <= 24; guess++) {
  const r = smallestPassing((b) => b >= crit, 1, 24, guess);
  const want = crit <= 24 ? crit : null;
  if (r.bits !== want) { bad++; console.log(crit, guess, r); }
}
console.log("bad", bad);
