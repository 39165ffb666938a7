// Output paths are checked before any work starts: a compile that trains for minutes must not fail
// at the end because `-o` names a file, a read-only directory or /proc. Every check here is
// synchronous and leaves nothing behind (the write probe removes what it creates).
import { mkdtempSync, realpathSync, rmdirSync, statfsSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";

/** Why an output path cannot be used; the command turns it into an exit-2 diagnostic. */
export interface OutputProblem {
  message: string;
  hint: string;
}

// statfs magic numbers of kernel pseudo-filesystems (linux/magic.h): writing there is never an output.
const SPECIAL_FS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0x62656570, "configfs"],
  [0xcafe4a11, "bpf"],
  [0x6165676c, "pstore"],
  [0xde5e81e4, "efivarfs"],
]);

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The deepest existing ancestor of `path` (itself when it exists), resolved through symlinks. */
function existingAncestor(path: string): string {
  let p = resolve(path);
  for (;;) {
    if (statOrNull(p)) return realpathSync(p);
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

function specialFilesystem(dir: string): string | null {
  if (dir === "/dev" || (dir.startsWith(`/dev${sep}`) && !dir.startsWith(`/dev${sep}shm`))) return "devices (/dev)";
  try {
    return SPECIAL_FS.get(Number(statfsSync(dir).type)) ?? null;
  } catch {
    return null;
  }
}

/** Try to create (and remove) a directory: the only honest writability test (root ignores modes, EROFS). */
function probeWritable(dir: string): string | null {
  try {
    rmdirSync(mkdtempSync(join(dir, ".optinc-probe-")));
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

/** `shown` is the path as the user typed it (for messages). */
export function checkOutputDir(dir: string, shown: string): OutputProblem | null {
  const st = statOrNull(dir);
  if (st && !st.isDirectory())
    return {
      message: `output directory '${shown}' exists and is not a directory`,
      hint: "pass a directory (it is created when missing), or remove the file",
    };
  const base = existingAncestor(dir);
  const baseSt = statOrNull(base);
  if (!baseSt?.isDirectory())
    return {
      message: `cannot create output directory '${shown}': '${base}' is not a directory`,
      hint: "pass a path whose parent is a directory",
    };
  const special = specialFilesystem(base);
  if (special)
    return { message: `output directory '${shown}' is on the ${special} pseudo-filesystem`, hint: "write to a normal directory" };
  const why = probeWritable(base);
  if (why) return { message: `output directory '${shown}' is not writable (${why})`, hint: "pass a path in a directory you can write to" };
  return null;
}

/** An output file: absent or a regular file, in a usable directory. */
export function checkOutputFile(file: string, shown: string): OutputProblem | null {
  const st = statOrNull(file);
  if (st && !st.isFile())
    return {
      message: `output file '${shown}' exists and is not a regular file`,
      hint: st.isDirectory() ? "pass a file name inside the directory" : "pass a normal file path",
    };
  const dirProblem = checkOutputDir(dirname(resolve(file)), dirname(shown) || ".");
  if (dirProblem) return dirProblem;
  if (basename(file) === "") return { message: `output file '${shown}' has no file name`, hint: "pass a file path" };
  return null;
}
