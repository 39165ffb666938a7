// `npm test`: the format and lint check (biome ci), the type check and vitest side by side. tsc and
// biome are short and vitest's global setup (the CLI bundle, small compiles) leaves a core idle for
// its first ten seconds, so run one after the other they took some 20 s longer on the 2-core
// machine. All three run to the end; the exit status is biome's when it failed, else tsc's when it
// failed, else vitest's. Arguments go to vitest.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const bin = (pkg, file) => fileURLToPath(new URL(`../node_modules/${pkg}/${file}`, import.meta.url));

/** Run a node script, its output held until it ends (tsc) or passed straight through (vitest). */
const children = [];
// Ctrl-C or SIGTERM: passed on to both (a terminal's Ctrl-C reaches them anyway), and the runner
// ends with their status.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => children.forEach((c) => c.kill(sig)));

function run(script, args, { hold }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: hold ? ["ignore", "pipe", "pipe"] : "inherit" });
    children.push(child);
    let out = "";
    if (hold) {
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
    }
    child.on("close", (code, signal) => resolve({ code: code ?? 128 + (constants.signals[signal] ?? 0), out }));
  });
}

const [biome, tsc, vitest] = await Promise.all([
  run(bin("@biomejs/biome", "bin/biome"), ["ci", "."], { hold: true }),
  run(bin("typescript", "bin/tsc"), ["--noEmit"], { hold: true }),
  run(bin("vitest", "vitest.mjs"), ["run", ...process.argv.slice(2)], { hold: false }),
]);
if (biome.code !== 0) process.stderr.write(`\nbiome ci failed (exit ${biome.code}):\n${biome.out}`);
else process.stdout.write("biome ci: format and lint clean\n");
if (tsc.code !== 0) process.stderr.write(`\ntsc --noEmit failed (exit ${tsc.code}):\n${tsc.out}`);
else process.stdout.write("tsc --noEmit: no type errors\n");
process.exit([biome, tsc, vitest].find((r) => r.code !== 0)?.code ?? 0);
