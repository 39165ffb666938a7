// A small strict XML well-formedness checker (elements, attributes, entities, comments).
// Returns null when well-formed, else a message with the offset of the problem.

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function checkText(s: string, base: number): string | null {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "<") return `unescaped '<' at ${base + i}`;
    if (s[i] === "&" && !ENTITY.test(s.slice(i))) return `bad entity at ${base + i}`;
  }
  return null;
}

export function xmlError(doc: string): string | null {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < doc.length) {
    const lt = doc.indexOf("<", i);
    const text = doc.slice(i, lt === -1 ? doc.length : lt);
    const te = checkText(text, i);
    if (te) return te;
    if (text.trim() && stack.length === 0) return `text outside the root element at ${i}`;
    if (lt === -1) break;
    i = lt;
    if (doc.startsWith("<!--", i)) {
      const end = doc.indexOf("-->", i + 4);
      if (end === -1) return `unterminated comment at ${i}`;
      if (doc.slice(i + 4, end).includes("--")) return `'--' inside comment at ${i}`;
      i = end + 3;
      continue;
    }
    if (doc.startsWith("</", i)) {
      const m = NAME.exec(doc.slice(i + 2));
      if (!m) return `bad closing tag at ${i}`;
      const after = i + 2 + m[0].length;
      const close = /^\s*>/.exec(doc.slice(after));
      if (!close) return `bad closing tag at ${i}`;
      const open = stack.pop();
      if (open !== m[0]) return `closing </${m[0]}> does not match <${open ?? "nothing"}> at ${i}`;
      i = after + close[0].length;
      continue;
    }
    const m = NAME.exec(doc.slice(i + 1));
    if (!m) return `bad tag at ${i}`;
    let j = i + 1 + m[0].length;
    const seen = new Set<string>();
    for (;;) {
      const ws = /^\s*/.exec(doc.slice(j))![0];
      j += ws.length;
      if (doc.startsWith("/>", j) || doc[j] === ">") break;
      if (!ws) return `missing space before attribute at ${j}`;
      const an = NAME.exec(doc.slice(j));
      if (!an) return `bad attribute at ${j}`;
      if (seen.has(an[0])) return `duplicate attribute ${an[0]} at ${j}`;
      seen.add(an[0]);
      j += an[0].length;
      const eq = /^\s*=\s*/.exec(doc.slice(j));
      if (!eq) return `attribute ${an[0]} without value at ${j}`;
      j += eq[0].length;
      const q = doc[j];
      if (q !== '"' && q !== "'") return `unquoted attribute ${an[0]} at ${j}`;
      const end = doc.indexOf(q, j + 1);
      if (end === -1) return `unterminated attribute at ${j}`;
      const ve = checkText(doc.slice(j + 1, end), j + 1);
      if (ve) return ve;
      j = end + 1;
    }
    if (stack.length === 0) {
      roots++;
      if (roots > 1) return `second root element at ${i}`;
    }
    if (doc.startsWith("/>", j)) {
      i = j + 2;
    } else {
      stack.push(m[0]);
      i = j + 1;
    }
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`;
  if (roots !== 1) return "no root element";
  return null;
}

/** Every <svg>…</svg> block of an HTML page (not nested). */
export function svgBlocks(html: string): string[] {
  return html.match(/<svg[\s>][\s\S]*?<\/svg>/g) ?? [];
}
