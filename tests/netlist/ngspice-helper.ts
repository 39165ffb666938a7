// Runs our ngspice decks two ways: Debian's ngspice binary on the file exactly as written (its
// printed tables are parsed here), and the WebAssembly build (eecircuit-engine) for fast unit
// tests, which returns the sweep vectors instead of printing them (the `.control` block, which
// only prints, is replaced by the same `.dc` line).
import { spawnSync } from "node:child_process";
import { Simulation } from "eecircuit-engine";

export interface Matrix {
  re: number[][];
  im: number[][];
}

let sim: Simulation | null = null;

async function engine(): Promise<Simulation> {
  if (!sim) {
    sim = new Simulation();
    await sim.start();
  }
  return sim;
}

/** Stage order, names and sizes from the deck's header comments. */
function deckStages(deck: string): { name: string; inputs: number; outputs: number; prefix: string }[] {
  return [...deck.matchAll(/^\* stage (\d+) = (\S+) \((\d+) in, (\d+) out\), nodes (\S+)\*$/gm)].map((m) => ({
    name: m[2],
    inputs: Number(m[3]),
    outputs: Number(m[4]),
    prefix: m[5],
  }));
}

function empty(rows: number, cols: number): Matrix {
  return {
    re: Array.from({ length: rows }, () => new Array<number>(cols).fill(NaN)),
    im: Array.from({ length: rows }, () => new Array<number>(cols).fill(NaN)),
  };
}

/** Every stage's matrix (outputs × inputs) from the WebAssembly ngspice. */
export async function wasmStageMatrices(deck: string): Promise<Map<string, Matrix>> {
  const stages = deckStages(deck);
  const sweep = /^dc (Vcolsel \S+ \S+ \S+)$/m.exec(deck);
  if (!sweep) throw new Error("deck has no `dc Vcolsel …` line");
  const batch = deck.replace(/^\.control$[\s\S]*?^\.endc$/m, `.dc ${sweep[1]}`);
  const s = await engine();
  s.setNetList(batch);
  const r = await s.runSim();
  const v = new Map<string, number[]>();
  for (const d of r.data as { name: string; values: unknown[] }[]) v.set(d.name.toLowerCase(), d.values.map(Number));
  const out = new Map<string, Matrix>();
  for (const st of stages) {
    const m = empty(st.outputs, st.inputs);
    for (let q = 0; q < st.outputs; q++) {
      const a = v.get(`v(${st.prefix}out${q}r)`);
      const b = v.get(`v(${st.prefix}out${q}i)`);
      if (!a || !b) throw new Error(`ngspice result lacks v(${st.prefix}out${q}r/i)`);
      for (let k = 0; k < st.inputs; k++) {
        m.re[q][k] = a[k];
        m.im[q][k] = b[k];
      }
    }
    out.set(st.name, m);
  }
  return out;
}

/**
 * Run `ngspice -b file` and parse what it prints: after each `optinc stage <name> inputs <n>
 * outputs <m>` line, tables whose row k holds column k as v(<prefix>out<q>r/i) columns.
 */
export function runNgspiceBinary(
  file: string,
  cwd?: string,
): { status: number | null; stdout: string; stderr: string; matrices: Map<string, Matrix> } {
  const r = spawnSync("ngspice", ["-b", file], { cwd, encoding: "utf8", maxBuffer: 1 << 30, timeout: 600_000 });
  const matrices = new Map<string, Matrix>();
  let cur: Matrix | null = null;
  let header: ({ q: number; part: "r" | "i" } | null)[] = [];
  for (const line of (r.stdout ?? "").split("\n")) {
    const st = /^optinc stage (\S+) inputs (\d+) outputs (\d+)\s*$/.exec(line);
    if (st) {
      cur = empty(Number(st[3]), Number(st[2]));
      matrices.set(st[1], cur);
      header = [];
      continue;
    }
    if (!cur) continue;
    if (/^Index\s/.test(line)) {
      header = line
        .trim()
        .split(/\s+/)
        .slice(2)
        .map((h) => {
          const m = /^v\(\w+?out(\d+)([ri])\)/.exec(h);
          return m ? { q: Number(m[1]), part: m[2] as "r" | "i" } : null;
        });
      continue;
    }
    const row = /^(\d+)\t/.exec(line);
    if (!row) continue;
    const k = Number(row[1]);
    const cells = line
      .split("\t")
      .slice(2)
      .map((c) => c.trim());
    cells.forEach((c, j) => {
      const h = header[j];
      if (!h || c === "" || k >= cur!.re[0]!.length) return;
      (h.part === "r" ? cur!.re : cur!.im)[h.q]![k] = Number(c);
    });
  }
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", matrices };
}
