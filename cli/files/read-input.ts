// Input files are read only when they are regular files of bounded size: a symlink to /dev/zero,
// a FIFO or a 10 GB file must give a clear error, not a hang or an out-of-memory abort.
import { readFile, stat } from "node:fs/promises";

/** The text, or why it cannot be read (an errno code or a short reason). */
export async function readInputText(path: string, maxBytes: number): Promise<{ text: string } | { error: string }> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return { error: "it is a directory" };
    if (!st.isFile()) return { error: "not a regular file" };
    if (st.size > maxBytes) return { error: `${st.size} bytes, more than the ${Math.round(maxBytes / 1024 ** 2)} MB limit` };
    return { text: await readFile(path, "utf8") };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}
