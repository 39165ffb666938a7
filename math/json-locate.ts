// Where a JSON value sits in its source text: offsets for paths such as ["re", 2, 3], so a
// bad matrix entry can be reported at file:line:col. A small scanner over valid JSON
// (call it after JSON.parse succeeded); returns undefined when the path does not exist.

export function jsonPathOffset(text: string, path: readonly (string | number)[]): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const skipString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const ch = text[i];
    if (ch === '"') return void skipString();
    if (ch === "{" || ch === "[") {
      const close = ch === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (ch === "{") {
          ws();
          skipString();
          ws();
          i++; // colon
        }
        skipValue();
        ws();
        if (text[i++] === close) return;
      }
    }
    while (i < text.length && !",]} \t\r\n".includes(text[i])) i++;
  };
  for (const key of path) {
    ws();
    const ch = text[i];
    if (typeof key === "number") {
      if (ch !== "[") return undefined;
      i++;
      for (let k = 0; ; k++) {
        ws();
        if (text[i] === "]") return undefined;
        if (k === key) break;
        skipValue();
        ws();
        if (text[i] === ",") i++;
      }
    } else {
      if (ch !== "{") return undefined;
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') return undefined;
        const name = skipString();
        ws();
        i++; // colon
        ws();
        if (name === key) break;
        skipValue();
        ws();
        if (text[i] === ",") i++;
      }
    }
  }
  ws();
  return i;
}
