// A test-side reader that follows the rules of simphony's SiEPIC SPICE grammar (BYUCamachoLab/
// simphony v0.6.1, simphony/plugins/siepic/parser.py: a parsimonious PEG) and of its visitor, written
// independently of netlist/formats/spice-read.ts. It is a small PEG engine with the same semantics as
// parsimonious: ordered choice, greedy repetition that never gives back what it matched, regex
// terminals matched at the current position (Python `re.match` semantics), and a whole-text
// match (an unconsumed tail is an IncompleteParseError). On the finished tree (never on branches the
// parser tried and dropped) it then does what simphony's visitor does: `.subckt`/`.ends` names must
// agree, `.INCLUDE` loads the named file, and every number goes through simphony.tools.str2float
// (one match of its pattern, a known SI suffix).
//
// The rules, in words (parsimonious's `ws` is horizontal whitespace, `newline` is "\n"):
//   file      := (directive | circuit | comment | emptyline)*
//   directive := ona | include | subckt
//   ona       := ".ona" ws+ pair* newline (options newline)*     options := ws? "+" ws* pair*
//   include   := ".INCLUDE" ws+ quoted newline
//   subckt    := ".subckt" ws+ header param* component* footer
//   header    := word ws+ (word ws*)* newline                     param := ".param" ws+ pair newline
//   component := ws* word ws+ ports word ws+ pair* newline
//   ports     := ((external | internal) ws?)+
//   external  := /[-\w$]+(detector|laser)\d?/                     internal := /N\$[-\d]+/
//   footer    := ".ends" ws+ word ws? newline
//   circuit   := word ws+ ports word ws* pair* newline
//   pair      := key equal value ws?      key := list | word      value := quoted | number | word
//   list      := word "(" number ")"      equal := ws? "=" ws?
//   quoted    := /"[^"]+"/   number := /[-+]?[0-9]+[.]?[0-9]*((?:[eE][-+]?[0-9]+)|[a-zA-Z])?/   word := /[-\w,$]+/
//   comment   := /\*[^\n]*/  emptyline := ws* newline

type Node = { end: number; value: unknown };
type Rule = (text: string, at: number) => Node | null;

const re = (pattern: string, value: (m: string) => unknown = (m) => m): Rule => {
  const rx = new RegExp(pattern, "y");
  return (text, at) => {
    rx.lastIndex = at;
    const m = rx.exec(text);
    return m ? { end: at + m[0].length, value: value(m[0]) } : null;
  };
};
const lit =
  (s: string): Rule =>
  (text, at) =>
    text.startsWith(s, at) ? { end: at + s.length, value: s } : null;
/**
 * A rule's thunk, resolved on first use and then kept: every thunk builds the same rule each time
 * (G is complete before parsing starts), so resolving once only saves rebuilding it per character.
 */
const once = (thunk: () => Rule): (() => Rule) => {
  let rule: Rule | undefined;
  return () => {
    rule ??= thunk();
    return rule;
  };
};
const seq = (...thunks: (() => Rule)[]): Rule => {
  const rules = thunks.map(once);
  return (text, at) => {
    const values: unknown[] = [];
    let pos = at;
    for (const r of rules) {
      const n = r()(text, pos);
      if (!n) return null;
      values.push(n.value);
      pos = n.end;
    }
    return { end: pos, value: values };
  };
};
const choice = (...thunks: (() => Rule)[]): Rule => {
  const rules = thunks.map(once);
  return (text, at) => {
    for (const r of rules) {
      const n = r()(text, at);
      if (n) return n;
    }
    return null;
  };
};
/** Greedy `*` (min 0) or `+` (min 1): takes as many as match, never backtracks into them. */
const many = (thunk: () => Rule, min: number): Rule => {
  const rule = once(thunk);
  return (text, at) => {
    const values: unknown[] = [];
    let pos = at;
    for (;;) {
      const n = rule()(text, pos);
      if (!n || n.end === pos) break;
      values.push(n.value);
      pos = n.end;
    }
    return values.length >= min ? { end: pos, value: values } : null;
  };
};
const opt = (thunk: () => Rule): Rule => {
  const rule = once(thunk);
  return (text, at) => rule()(text, at) ?? { end: at, value: null };
};
const map = (thunk: () => Rule, f: (v: unknown) => unknown): Rule => {
  const rule = once(thunk);
  return (text, at) => {
    const n = rule()(text, at);
    return n ? { end: n.end, value: f(n.value) } : null;
  };
};

// simphony.tools.str2float: exactly one match of its number pattern, an exponent or a known suffix.
// Suffixes become exponent text appended to the digits, as simphony does (so "20u" is exactly 2e-5).
const SUFFIX: Record<string, string> = {
  f: "e-15",
  p: "e-12",
  n: "e-9",
  u: "e-6",
  m: "e-3",
  c: "e-2",
  k: "e3",
  M: "e6",
  G: "e9",
  T: "e12",
};
export function str2float(num: string): number {
  const all = [...num.matchAll(/([-+]?[0-9]+(?:[.][0-9]+)?)((?:[eE][-+]?[0-9]+)|(?:[a-zA-Z]))?/g)];
  if (all.length !== 1) throw new SiepicLoadError(`'${num}' is malformed`);
  const [, n, suffix = ""] = all[0];
  if (suffix === "" || /^[eE]/.test(suffix)) return Number(n + suffix);
  if (!(suffix in SUFFIX)) throw new SiepicLoadError(`suffix '${suffix}' in '${num}' not recognized`);
  return Number(n + SUFFIX[suffix]);
}

export class SiepicLoadError extends Error {}

export interface Component {
  name: string;
  model: string;
  ports: string[];
  params: Record<string, unknown>;
}
export interface Subcircuit {
  name: string;
  ports: string[];
  components: Component[];
  params: Record<string, unknown>;
}
export interface Loaded {
  circuits: { name: string; ports: string[]; subcircuits: string; params: { name: string; value: unknown }[] }[];
  subcircuits: Subcircuit[];
  analyses: { definition: Record<string, unknown>; params: Record<string, unknown> }[];
}

type Pair = { name: string; order?: number; value: unknown };

class LazyNumber {
  constructor(readonly text: string) {}
}

/** The visitor's conversions, applied to the finished tree only. */
function force(v: unknown): unknown {
  if (v instanceof LazyNumber) return str2float(v.text);
  if (Array.isArray(v)) return v.map(force);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, force(x)]));
  return v;
}
type Item =
  | { kind: "subckt"; footer: string; value: Subcircuit }
  | { kind: "ona"; value: Loaded["analyses"][number] }
  | { kind: "include"; file: string }
  | { kind: "circuit"; value: Loaded["circuits"][number] }
  | null;

function grammar() {
  const G: Record<string, Rule> = {};
  const r = (name: string) => () => G[name];
  G.ws = re("(?:(?![\\n\\r])\\s)+");
  G.newline = lit("\n");
  G.word = re("[-\\w,$]+");
  // Numbers are converted when the finished tree is visited (see force()).
  G.number = re("[-+]?[0-9]+[.]?[0-9]*((?:[eE][-+]?[0-9]+)|[a-zA-Z])?", (m) => new LazyNumber(m));
  G.quoted = re('"[^"]+"', (m) => m.slice(1, -1));
  G.comment = re("\\*[^\\n]*", () => null);
  G.emptyline = map(
    () => seq(() => many(r("ws"), 0), r("newline")),
    () => null,
  );
  G.equal = seq(
    () => opt(r("ws")),
    () => lit("="),
    () => opt(r("ws")),
  );
  G.list = map(
    () =>
      seq(
        r("word"),
        () => lit("("),
        r("number"),
        () => lit(")"),
      ),
    (v) => {
      const [name, , order] = v as [string, string, number];
      return { name, order: Number(force(order)) };
    },
  );
  G.key = map(
    () => choice(r("list"), r("word")),
    (v) => (typeof v === "string" ? { name: v } : v),
  );
  G.value = choice(r("quoted"), r("number"), r("word"));
  G.pair = map(
    () => seq(r("key"), r("equal"), r("value"), () => opt(r("ws"))),
    (v) => {
      const [key, , value] = v as [{ name: string; order?: number }, unknown, unknown];
      return { ...key, value } satisfies Pair;
    },
  );
  G.external = re("[-\\w$]+(detector|laser)\\d?");
  G.internal = re("N\\$[-\\d]+");
  G.ports = map(
    () =>
      many(
        () =>
          seq(
            () => choice(r("external"), r("internal")),
            () => opt(r("ws")),
          ),
        1,
      ),
    (v) => (v as [string, unknown][]).map((p) => p[0]),
  );
  G.component = map(
    () =>
      seq(
        () => many(r("ws"), 0),
        r("word"),
        () => many(r("ws"), 1),
        r("ports"),
        r("word"),
        () => many(r("ws"), 1),
        () => many(r("pair"), 0),
        r("newline"),
      ),
    (v) => {
      const [, name, , ports, model, , pairs] = v as [unknown, string, unknown, string[], string, unknown, Pair[]];
      return { name, model, ports, params: Object.fromEntries(pairs.map((p) => [p.name, p.value])) } satisfies Component;
    },
  );
  G.header = map(
    () =>
      seq(
        r("word"),
        () => many(r("ws"), 1),
        () => many(() => seq(r("word"), () => many(r("ws"), 0)), 0),
        r("newline"),
      ),
    (v) => {
      const [name, , words] = v as [string, unknown, [string, unknown][]];
      return { name, ports: words.map((w) => w[0]) };
    },
  );
  G.param = map(
    () =>
      seq(
        () => lit(".param"),
        () => many(r("ws"), 1),
        r("pair"),
        r("newline"),
      ),
    (v) => (v as unknown[])[2],
  );
  G.footer = map(
    () =>
      seq(
        () => lit(".ends"),
        () => many(r("ws"), 1),
        r("word"),
        () => opt(r("ws")),
        r("newline"),
      ),
    (v) => (v as unknown[])[2],
  );
  G.subckt = map(
    () =>
      seq(
        () => lit(".subckt"),
        () => many(r("ws"), 1),
        r("header"),
        () => many(r("param"), 0),
        () => many(r("component"), 0),
        r("footer"),
      ),
    (v) => {
      const [, , header, params, components, footer] = v as [
        unknown,
        unknown,
        { name: string; ports: string[] },
        Pair[],
        Component[],
        string,
      ];
      return {
        kind: "subckt",
        footer,
        value: { name: header.name, ports: header.ports, components, params: Object.fromEntries(params.map((p) => [p.name, p.value])) },
      } satisfies Item;
    },
  );
  G.options = map(
    () =>
      seq(
        () => opt(r("ws")),
        () => lit("+"),
        () => many(r("ws"), 0),
        () => many(r("pair"), 0),
      ),
    (v) => (v as unknown[])[3],
  );
  G.ona = map(
    () =>
      seq(
        () => lit(".ona"),
        () => many(r("ws"), 1),
        () => many(r("pair"), 0),
        r("newline"),
        () => many(() => seq(r("options"), r("newline")), 0),
      ),
    (v) => {
      const [, , defs, , opts] = v as [unknown, unknown, Pair[], unknown, [Pair[], unknown][]];
      const ona = { definition: Object.fromEntries(defs.map((p) => [p.name, p.value])), params: {} as Record<string, unknown> };
      for (const [pairs] of opts) {
        for (const p of pairs) {
          if (p.order === undefined) ona.params[p.name] = p.value;
          else {
            const list = (ona.params[p.name] as unknown[] | undefined) ?? [];
            list[p.order - 1] = p.value; // the file counts from 1
            ona.params[p.name] = list;
          }
        }
      }
      return { kind: "ona", value: ona } satisfies Item;
    },
  );
  G.include = map(
    () =>
      seq(
        () => lit(".INCLUDE"),
        () => many(r("ws"), 1),
        r("quoted"),
        r("newline"),
      ),
    (v) => ({ kind: "include", file: (v as string[])[2] }) satisfies Item,
  );
  G.directive = choice(r("ona"), r("include"), r("subckt"));
  G.circuit = map(
    () =>
      seq(
        r("word"),
        () => many(r("ws"), 1),
        r("ports"),
        r("word"),
        () => many(r("ws"), 0),
        () => many(r("pair"), 0),
        r("newline"),
      ),
    (v) => {
      const [name, , ports, sub, , params] = v as [string, unknown, string[], string, unknown, Pair[]];
      return {
        kind: "circuit",
        value: { name, ports, subcircuits: sub, params: params.map((p) => ({ name: p.name, value: p.value })) },
      } satisfies Item;
    },
  );
  G.file = many(() => choice(r("directive"), r("circuit"), r("comment"), r("emptyline")), 0);
  return G;
}

/**
 * Load a SiEPIC SPICE text the way simphony 0.6.1 does. Throws SiepicLoadError with the line of
 * the first unconsumed character when the grammar does not cover the whole text.
 */
export function loadSiepic(
  raw: string,
  include: (file: string) => string = () => {
    throw new SiepicLoadError("no .INCLUDE resolver");
  },
): Loaded {
  // `_main.spi` includes the `.spi` just loaded on its own (simphony-view.ts): the last result of a
  // text without .INCLUDE (a pure function of the text; callers only read it) is kept, so the big
  // file is parsed once.
  if (last?.raw === raw) return last.loaded;
  const loaded = parse(raw, include);
  if (!raw.includes(".INCLUDE")) last = { raw, loaded };
  return loaded;
}

let last: { raw: string; loaded: Loaded } | undefined;

function parse(raw: string, include: (file: string) => string): Loaded {
  // simphony opens the file in Python's text mode, whose universal newlines turn \r\n and \r into \n.
  const text = raw.replace(/\r\n?/g, "\n");
  const n = grammar().file(text, 0)!;
  if (n.end !== text.length) {
    const line = text.slice(0, n.end).split("\n").length;
    throw new SiepicLoadError(
      `IncompleteParseError: the grammar stops at line ${line}: ${JSON.stringify(text.split("\n")[line - 1]?.slice(0, 80))}`,
    );
  }
  const out: Loaded = { circuits: [], subcircuits: [], analyses: [] };
  for (const item of n.value as Item[]) {
    if (!item) continue;
    if (item.kind === "subckt") {
      if (item.value.name !== item.footer)
        throw new SiepicLoadError(`Invalid netlist (name in header ${item.value.name} and footer ${item.footer} does not match).`);
      out.subcircuits.push(force(item.value) as Subcircuit);
    } else if (item.kind === "ona") out.analyses.push(force(item.value) as Loaded["analyses"][number]);
    else if (item.kind === "circuit") out.circuits.push(force(item.value) as Loaded["circuits"][number]);
    else {
      const inc = loadSiepic(include(item.file), include);
      out.circuits.push(...inc.circuits);
      out.subcircuits.push(...inc.subcircuits);
      out.analyses.push(...inc.analyses);
    }
  }
  return out;
}
