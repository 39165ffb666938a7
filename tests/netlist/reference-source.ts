// The reference simulator's Python source, as docs/reference/netlists.md shows it (between its markers).
import { readFileSync } from "node:fs";

/** The fenced python block between the reference-simulator markers of docs/reference/netlists.md. */
export function referenceSimulatorSource(): string {
  const doc = readFileSync(new URL("../../docs/reference/netlists.md", import.meta.url), "utf8");
  const m = /<!-- reference-simulator:begin -->\n```python\n([\s\S]*?)```\n<!-- reference-simulator:end -->/.exec(doc);
  if (!m) throw new Error("docs/reference/netlists.md has no reference-simulator block");
  return m[1]!;
}
