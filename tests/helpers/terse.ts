// The terminal-summary discipline (docs/reference/cli.md §1): by default a command prints at most 6
// lines of at most 100 characters; --verbose prints the detail.

/** The lines that break the discipline: too many, or too long (empty when it holds). */
export function terseProblems(text: string, maxLines = 6, maxWidth = 100): string[] {
  const lines = text.split("\n").filter((l) => l !== "");
  const out = lines.filter((l) => [...l].length > maxWidth).map((l) => `${[...l].length} characters: ${l}`);
  if (lines.length > maxLines) out.push(`${lines.length} lines`);
  return out;
}
