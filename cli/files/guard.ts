// The one output guard: no command may write over what it reads. Every input (a file, or a
// directory whose files the command reads, such as a compile output directory) is resolved to its
// real path, symlinks included, and an output is refused when it is an input, contains one, or lies
// inside an input directory. A commit rewrites whole files, so any such output would lose data.
import { lstatSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";

export interface GuardedInput {
  /** The real path (symlinks resolved); the resolved path when it does not exist. */
  real: string;
  /** As the user typed it (for messages). */
  shown: string;
  kind: "file" | "dir";
  /** What the input is, e.g. "--die" or "the compile directory". */
  role: string;
  /** An input the command extends and replaces whole (measure --readings r.json -o r.json). */
  replaceable?: boolean;
}

/** Why an output cannot be used; the command reports it with IO.outputIsInput, exit 2. */
export interface GuardProblem {
  message: string;
  hint: string;
}

/**
 * The real path a write to `path` lands on: the path with every existing prefix resolved through
 * symlinks (the deepest existing ancestor, then the missing rest, or the whole path when it exists).
 */
export function landing(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest);
    } catch {
      if (dirname(p) === p) return abs;
      rest.unshift(basename(p));
    }
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

/**
 * The problem with writing `output` (a file the command writes, or the directory it writes into),
 * or null. `shown` is the output as typed; `flag` the option that named it (for the hint).
 */
export function outputClash(
  output: string,
  kind: "file" | "dir",
  shown: string,
  inputs: readonly GuardedInput[],
  flag = "-o",
): GuardProblem | null {
  const real = landing(output);
  for (const i of inputs) {
    const what = `${i.role} '${i.shown}'`;
    if (real === i.real) {
      if (i.replaceable && kind === "file" && i.kind === "file") continue;
      return {
        message: `the output '${shown}' is the input ${what}${isLink(output) ? " (through a symlink)" : ""}: writing it would destroy what the command reads`,
        hint: `write to another path with ${flag} (nothing was written)`,
      };
    }
    // A directory may hold inputs beside what it receives (decompose m.csv -o .): the files a
    // commit writes into it are checked one by one.
    if (kind === "file" && within(i.real, real))
      return {
        message: `the output '${shown}' contains the input ${what}`,
        hint: `write to a path outside the inputs with ${flag} (nothing was written)`,
      };
    if (i.kind === "dir" && within(real, i.real))
      return {
        message: `the output '${shown}' lies inside the input ${what}${kind === "dir" ? "" : ", among the files the command reads"}`,
        hint: `write outside the input directory with ${flag} (nothing was written)`,
      };
  }
  return null;
}

/** A file the command reads. */
export function inputFile(path: string, shown: string, role: string, replaceable = false): GuardedInput {
  return { real: landing(path), shown, kind: "file", role, ...(replaceable ? { replaceable } : {}) };
}

/** A directory whose files the command reads (a compile output directory). */
export function inputDir(path: string, shown: string, role: string): GuardedInput {
  return { real: landing(path), shown, kind: "dir", role };
}
