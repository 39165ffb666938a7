// Builds what the package ships (and what the tests run), into dist/:
//  - the CLI bundled into ESM files (fast start-up: ~0.1 s instead of ~1 s through tsx):
//    dist/optinc.mjs is the small supervising main thread, dist/optinc-worker.mjs the commands it
//    runs in a worker thread (cli/supervisor.ts), so the big bundle is loaded once, by the worker;
//  - the library (api/), dist/index.mjs, which runs the same worker bundle, with its type
//    declarations dist/index.d.ts, dist/types.d.ts and dist/errors.d.ts;
//  - the runtime dependencies are bundled in, so the package has none: their licences are in
//    dist/THIRD-PARTY-LICENSES.txt, and the few files chevrotain reads at run time (the grammar
//    page's diagram scripts) are copied to dist/chevrotain-diagrams/.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

const result = await build({
  absWorkingDir: root,
  entryPoints: { optinc: "cli/bin.ts", "optinc-worker": "cli/worker-entry.ts", index: "api/index.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Whitespace and syntax only, names kept: about a third less to read and parse at every start
  // (the test suite starts the CLI some 600 times); the linked source map still maps every frame.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  metafile: true,
  // Test-only tools, never reached by a command: mnist is the training emulation's data set
  // (installed beside optinc when wanted: docs/reference/api.md).
  external: ["eecircuit-engine", "mnist"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

// ---- the licences of the bundled packages ----
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = join(root, "node_modules", name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"].find((f) => existsSync(join(dir, f)));
  const text = file ? readFileSync(join(dir, file), "utf8").trim() : `${pkg.license} (no licence file in the package)`;
  return `${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
writeFileSync(
  join(dist, "THIRD-PARTY-LICENSES.txt"),
  `optinc's bundles (dist/*.mjs) contain these packages:\n\n${notices.join(`\n${"-".repeat(72)}\n\n`)}`,
);

// ---- chevrotain's diagram scripts, read by `optinc grammar` (dsl/grammar-html.ts) ----
const diagrams = join(dist, "chevrotain-diagrams");
rmSync(diagrams, { recursive: true, force: true });
cpSync(join(root, "node_modules/chevrotain/diagrams"), diagrams, { recursive: true });

// ---- the library's type declarations: api/ only (its types import nothing outside api/) ----
const options = {
  declaration: true,
  emitDeclarationOnly: true,
  strict: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  allowImportingTsExtensions: true,
  types: ["node"],
  lib: ["lib.es2023.d.ts"],
  rootDir: root,
  outDir: join(root, ".dts"),
};
const program = ts.createProgram([join(root, "api/index.ts")], options);
const shipped = ["index", "types", "lab-types", "errors"];
const declared = new Map();
const emit = program.emit(undefined, (file, text) => {
  const rel = relative(join(root, ".dts"), file).split("\\").join("/");
  const m = /^api\/([a-z-]+)\.d\.ts$/.exec(rel);
  if (m) declared.set(m[1], text);
});
const problems = emit.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
if (problems.length) {
  process.stderr.write(
    ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }),
  );
  process.exit(1);
}
for (const name of shipped) {
  // The declarations keep the sources' ".ts" specifiers: a consumer resolves the ".js" beside them.
  const text = declared.get(name)?.replace(/(["'])\.\/([a-z-]+)\.ts\1/g, "$1./$2.js$1");
  if (!text) throw new Error(`build: no declarations for api/${name}.ts`);
  // Every import of a shipped declaration must be another shipped one.
  for (const [, spec] of text.matchAll(/(?:from |import\()"([^"]+)"/g))
    if (!shipped.some((s) => spec === `./${s}.js`)) throw new Error(`build: dist/${name}.d.ts imports ${spec}, which is not shipped`);
  writeFileSync(join(dist, `${name}.d.ts`), text);
}
