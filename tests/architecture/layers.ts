// The project's architecture check: every import between the source rooms must run one way down
// the house (docs/architecture.md), and no two files may import each other, directly or round a
// circle. Imports are read with TypeScript's own pre-processor, so comments, strings, type-only
// imports, re-exports and dynamic import() are all seen as the compiler sees them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import ts from "typescript";

/** What each room may import besides itself. Rooms on one floor never import each other. */
export const ALLOWED: Record<string, readonly string[]> = {
  codes: [],
  math: ["codes"],
  dsl: ["codes"],
  runtime: [],
  netlist: ["math", "codes", "runtime"],
  fab: ["netlist", "math", "codes", "runtime"],
  aggregate: ["math", "dsl", "codes", "runtime"],
  compiler: ["netlist", "aggregate", "math", "dsl", "codes", "runtime"],
  verify: ["netlist", "aggregate", "math", "dsl", "codes", "runtime"],
  system: ["aggregate", "math", "dsl", "codes", "runtime"],
  layout: ["netlist", "aggregate", "math", "dsl", "codes", "runtime"],
  pipeline: ["compiler", "verify", "system", "layout", "fab", "netlist", "aggregate", "math", "dsl", "codes", "runtime"],
  cli: ["pipeline", "compiler", "verify", "system", "layout", "fab", "netlist", "aggregate", "math", "dsl", "codes", "runtime"],
  // The library on top: it runs cli/'s commands and imports little else (api/run.ts).
  api: ["cli", "pipeline", "compiler", "verify", "system", "layout", "fab", "netlist", "aggregate", "math", "dsl", "codes", "runtime"],
};

/**
 * Single files a room may import from a room it may not otherwise. The technology vocabulary (the
 * spec's names for the non-idealities) lives on the bottom floor beside the spec, imports nothing,
 * and is the one thing the simulator needs from dsl/: its dies are drawn at those numbers.
 */
export const ALLOWED_FILES: Record<string, readonly string[]> = {
  netlist: ["dsl/technology.ts"],
};

/**
 * Folders sealed from parts of the house they could otherwise reach through a room they may import:
 * nothing a sealed folder imports, directly or through any chain of imports, may lie under one of
 * its listed prefixes. Calibration from readings must never see the world it estimates: the die as
 * fabricated and the simulated lab (fab/), or a die drawn for verify's Monte-Carlo.
 */
export const SEALED: Record<string, readonly string[]> = {
  "compiler/calibrate/lab": ["fab/", "netlist/sim/die-draws.ts"],
};

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

export interface ArchitectureReport {
  files: number;
  edges: number;
  violations: Violation[];
  /** Import circles between files: each is a list of files, every one reachable from the others. */
  cycles: string[][];
}

function sourceFiles(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) sourceFiles(root, rel, out);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(rel.split(sep).join("/"));
  }
}

const roomOf = (file: string): string => file.split("/")[0]!;

/** Checks the rooms of the tree at `root` (each a top-level folder named in `allowed`). */
export function checkArchitecture(
  root: string,
  allowed: Record<string, readonly string[]> = ALLOWED,
  allowedFiles: Record<string, readonly string[]> = ALLOWED_FILES,
  sealed: Record<string, readonly string[]> = SEALED,
): ArchitectureReport {
  const files: string[] = [];
  for (const room of Object.keys(allowed)) {
    try {
      if (statSync(join(root, room)).isDirectory()) sourceFiles(root, room, files);
    } catch {
      // a room that does not exist (in a fixture tree) has nothing to check
    }
  }
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const violations: Violation[] = [];
  let edges = 0;
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
    const targets: string[] = [];
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith(".")) continue; // packages and node: built-ins
      const target = normalize(join(dirname(file), ref.fileName))
        .split(sep)
        .join("/");
      edges++;
      if (target.startsWith("..")) {
        violations.push({ file, imports: ref.fileName, why: "imports from outside the project's rooms" });
        continue;
      }
      const from = roomOf(file);
      const to = roomOf(target);
      if (!(to in allowed))
        violations.push({ file, imports: target, why: `"${to}/" is not a room of the house (tests, scripts and tools sit outside it)` });
      else if (from !== to && !allowed[from]!.includes(to) && !(allowedFiles[from] ?? []).includes(target)) {
        const rooms = allowed[from]!.map((r) => r + "/");
        const files = allowedFiles[from] ?? [];
        const may = [...rooms, ...files];
        violations.push({ file, imports: target, why: `${from}/ may import only ${may.length ? may.join(", ") : "itself"}` });
      }
      if (known.has(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  for (const [folder, prefixes] of Object.entries(sealed)) violations.push(...sealedLeaks(graph, folder, prefixes));
  return { files: files.length, edges, violations, cycles: circles(graph) };
}

/** The files under `folder` that reach a file under one of `prefixes` by a chain of imports. */
function sealedLeaks(graph: Map<string, string[]>, folder: string, prefixes: readonly string[]): Violation[] {
  const out: Violation[] = [];
  for (const start of [...graph.keys()].filter((f) => f.startsWith(folder + "/"))) {
    const via = new Map<string, string>([[start, start]]);
    const queue = [start];
    while (queue.length) {
      const file = queue.shift()!;
      for (const next of graph.get(file) ?? []) {
        if (via.has(next)) continue;
        via.set(next, file);
        if (prefixes.some((p) => next.startsWith(p))) {
          const chain = [next];
          for (let f = file; f !== start; f = via.get(f)!) chain.unshift(f);
          out.push({
            file: start,
            imports: next,
            why: `${folder}/ is sealed from ${prefixes.join(", ")} (reached through ${chain.join(" → ")})`,
          });
        } else queue.push(next);
      }
    }
  }
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** One line per problem, for a failing test's message. */
export function describe(r: ArchitectureReport, root: string): string {
  const lines = r.violations.map((v) => `${v.file}: imports ${v.imports}: ${v.why}`);
  for (const c of r.cycles) lines.push(`import circle: ${c.join(" → ")}`);
  return lines.length ? lines.join("\n") : `ok: ${r.files} files, ${r.edges} imports under ${relative(process.cwd(), root) || "."}`;
}
