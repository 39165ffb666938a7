// Process entry point (bundled to dist/optinc.mjs).
import { main } from "./main.ts";

process.on("SIGINT", () => process.exit(130));
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
