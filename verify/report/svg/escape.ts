// Text escaping and fixed number formatting for deterministic markup.

export function esc(s: string | number): string {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Coordinates with two decimals, no trailing zeros, no "-0". */
export function n(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) || r === 0 ? "0" : String(r);
}

/** A number for labels: fixed decimals, thousands separated by thin spaces when large. */
export function label(x: number, decimals = 2): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(decimals);
  const [int, frac] = s.split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

export function pct(x: number, decimals = 2): string {
  return `${(100 * x).toFixed(decimals)}%`;
}

/** Build an element string: attributes are escaped, undefined ones dropped. */
export function el(tag: string, attrs: Record<string, string | number | undefined>, body?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(typeof v === "number" ? n(v) : v!)}"`)
    .join("");
  return body === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${body}</${tag}>`;
}
