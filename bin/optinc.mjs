#!/usr/bin/env node
// Thin launcher: the bundle is produced by `npm ci` (prepare) or `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/optinc.mjs", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("optinc: the CLI bundle is missing; run `npm run build` (or `npm ci`) first.\n");
  process.exit(70);
}
await import(bundle);
