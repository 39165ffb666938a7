// All-or-nothing output. Every command that writes files hands its whole output set to commitFiles:
// the files are written into a staging directory on the same filesystem, then moved into place,
// with every replaced file kept aside until the last move succeeds. On any failure the previous
// contents are restored and nothing new remains. Synchronous on purpose: in the CLI this runs on
// the supervising thread (cli/supervisor.ts), so a SIGINT is handled before or after a commit,
// never in the middle of one.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** A file's contents: text (written as UTF-8) or bytes (a GDSII stream). */
export type FileBody = string | Uint8Array;

export class CommitError extends Error {}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Create `dir` and its missing ancestors; returns the ones created, deepest last (for rollback). */
function mkdirs(dir: string): string[] {
  const missing: string[] = [];
  for (let p = resolve(dir); !exists(p); p = dirname(p)) missing.unshift(p);
  for (const p of missing) mkdirSync(p);
  return missing;
}

function plainName(name: string): void {
  if (name !== basename(name) || name === "" || name === "." || name === "..")
    throw new CommitError(`output name "${name}" must be a plain file name`);
}

/** Write `files` (name → text) into `dir`, all or nothing. Returns the paths written. */
export function commitFiles(dir: string, files: ReadonlyMap<string, FileBody>): string[] {
  for (const name of files.keys()) plainName(name);
  const target = resolve(dir);
  if (!exists(target)) {
    // A new directory appears in one rename, complete.
    const created = mkdirs(dirname(target));
    let stage: string | null = null;
    try {
      stage = mkdtempSync(join(dirname(target), `.${basename(target)}.optinc-staging-`));
      for (const [name, text] of files) writeFileSync(join(stage, name), text);
      renameSync(stage, target);
      stage = null;
    } catch (e) {
      if (stage) rmSync(stage, { recursive: true, force: true });
      for (const p of created.reverse()) rmSync(p, { recursive: true, force: true });
      throw e;
    }
    return [...files.keys()].map((n) => join(target, n));
  }
  for (const name of files.keys()) {
    const p = join(target, name);
    if (exists(p) && !lstatSync(p).isFile() && !lstatSync(p).isSymbolicLink())
      throw new CommitError(`'${p}' exists and is not a regular file`);
  }
  const stage = mkdtempSync(join(target, ".optinc-staging-"));
  const aside = mkdtempSync(join(target, ".optinc-replaced-"));
  const moved: { name: string; hadOld: boolean }[] = [];
  try {
    for (const [name, text] of files) writeFileSync(join(stage, name), text);
    for (const name of files.keys()) {
      const p = join(target, name);
      const hadOld = exists(p);
      if (hadOld) renameSync(p, join(aside, name));
      moved.push({ name, hadOld });
      renameSync(join(stage, name), p);
    }
  } catch (e) {
    for (const { name, hadOld } of moved.reverse()) {
      const p = join(target, name);
      // The new file reached its place when it is gone from the staging directory.
      if (!exists(join(stage, name))) rmSync(p, { force: true });
      if (hadOld) renameSync(join(aside, name), p);
    }
    throw e;
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(aside, { recursive: true, force: true });
  }
  return [...files.keys()].map((n) => join(target, n));
}

/**
 * Replace one file atomically. A symlink is followed (the link stays, its target is rewritten) and
 * the file's permission bits are kept.
 */
export function commitFile(path: string, text: string): string {
  let real = resolve(path);
  let mode: number | null = null;
  if (exists(real)) {
    real = realpathSync(real);
    mode = statSync(real).mode & 0o7777;
  }
  const dir = dirname(real);
  const created = mkdirs(dir);
  const stage = mkdtempSync(join(dir, `.${basename(real)}.optinc-staging-`));
  try {
    const tmp = join(stage, basename(real));
    writeFileSync(tmp, text);
    if (mode !== null) chmodSync(tmp, mode);
    renameSync(tmp, real);
  } catch (e) {
    for (const p of created.reverse()) rmSync(p, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return real;
}
