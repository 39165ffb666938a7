// `<name>.ngspice.cir`: every linear stage of a circuit as one DC circuit for stock ngspice
// (anchors §4.2a), written so that `ngspice -b <name>.ngspice.cir` prints every stage's full
// transfer matrix. A complex field is a pair of nodes (<net>r, <net>i); every linear combination
// is a chain of voltage-controlled voltage sources whose gains are brace expressions ngspice
// evaluates itself ({cos(φ)}, {sqrt(1-k)}), so the trigonometry is independent of our code.
// Numbers are written with 17 significant digits (no `pi` inside braces: ngspice does not define
// it there).
//
// Stage i's nodes are prefixed s<i>_. One DC sweep of the selector source `Vcolsel` over
// 0 … (largest input count − 1) computes every column at once: behavioural sources put a unit
// field on input k of every stage while Vcolsel = k (the stages are independent circuits, so
// they share the sweep). The `.control` block prints, per stage, one table whose row k holds
// column k of its matrix as Re/Im voltage pairs. A second `op` after `alter` is pathologically
// slow in ngspice 39 on large decks; one sweep is one analysis and stays linear in size.
import type { Circuit, Netlist } from "../ir.ts";
import { num } from "../models.ts";
import { flatten, instancePorts, netlistPortSpec, resolveInstance, type SubcircuitLookup } from "../sim/propagate.ts";
import { circuitLookup } from "./spice-write.ts";

const lit = (x: number): string => (x === 0 ? "0" : x.toPrecision(17));

/** Netlists (other than the top) that contain only linear optical components, in file order. */
export function linearStageNames(circuit: Circuit): string[] {
  const lookup = circuitLookup(circuit);
  return Object.keys(circuit.netlists).filter((n) => n !== circuit.top && isLinear(circuit.netlists[n], lookup));
}

function isLinear(nl: Netlist, lookup: SubcircuitLookup): boolean {
  return Object.entries(nl.instances).every(([n, i]) => {
    const r = resolveInstance(n, i, lookup);
    return r.netlist ? isLinear(r.netlist, lookup) : r.model.kind === "linear";
  });
}

/** One output of a leaf as a sum over input node parts: [gain expression, controlling node]. */
type Term = [gain: string, node: string];

/** What the deck prints for one stage: its output node names in mode order. */
export interface DeckStage {
  netlist: string;
  prefix: string;
  inputs: number;
  outputs: number;
  /** Node of output q is `${prefix}${outNodes[q]}` + "r" / "i". */
  outNodes: string[];
}

export interface NgspiceDeck {
  text: string;
  stages: DeckStage[];
  /** Sweep points: the largest input count of any stage. */
  columns: number;
}

/** A deck for the given linear stages (default: all of them). */
export function ngspiceDeck(circuit: Circuit, stages: string[] = linearStageNames(circuit)): NgspiceDeck {
  const lookup = circuitLookup(circuit);
  const body: string[] = [];
  const info: DeckStage[] = [];
  const counter = { e: 0, k: 0 };
  stages.forEach((stage, i) => {
    const nl = circuit.netlists[stage];
    if (!nl) throw new Error(`no netlist "${stage}" in circuit`);
    info.push(stageLines(nl, stage, `s${i}_`, lookup, counter, body));
  });
  const columns = Math.max(1, ...info.map((s) => s.inputs));
  const saves = info.flatMap((s) => s.outNodes.flatMap((n) => [`v(${s.prefix}${n}r)`, `v(${s.prefix}${n}i)`]));
  const widest = Math.max(1, ...info.map((s) => 2 * s.outputs));
  const head = [
    `* optinc ngspice deck: the linear stages of ${circuit.name}; run \`ngspice -b <this file>\``,
    "* Fields are (Re, Im) node pairs; each linear combination is a chain of VCVS with ngspice-evaluated gains.",
    `* One DC sweep of Vcolsel over 0..${columns - 1}: at Vcolsel = k input k of every stage carries the unit field,`,
    "* so row k of each printed table is column k of that stage's transfer matrix (rows past a stage's inputs are blank).",
    ...info.map((s, i) => `* stage ${i} = ${s.netlist} (${s.inputs} in, ${s.outputs} out), nodes ${s.prefix}*`),
    "Vcolsel colsel 0 DC 0",
  ];
  const control = [
    ".control",
    "set numdgt=17",
    // Index, sweep and 2 columns per output, 25 characters each: one line per sweep point.
    `set width=${25 * (widest + 2) + 8}`,
    `set height=${columns + 20}`,
    `dc Vcolsel 0 ${columns - 1} 1`,
    ...info.flatMap((s) => {
      // Rows past this stage's inputs would be zero: print only its own columns (ngspice leaves the rest
      // blank). A one-element slice is printed as "name = value", not as a table row, so a stage of
      // one input prints its whole vector (the rows past its input are zeros a reader skips).
      const rows = s.inputs > 1 && s.inputs < columns ? `[0,${s.inputs - 1}]` : "";
      return [
        `echo "optinc stage ${s.netlist} inputs ${s.inputs} outputs ${s.outputs}"`,
        `print ${s.outNodes.map((n) => `v(${s.prefix}${n}r)${rows} v(${s.prefix}${n}i)${rows}`).join(" ")}`,
      ];
    }),
    // Without `quit`, batch mode ends with "no simulations run" and exit status 1.
    "quit",
    ".endc",
  ];
  const text = [...head, ...body, ...chunkedSave(saves), ...control, ".end", ""].join("\n");
  return { text, stages: info, columns };
}

/** `.save` lines of at most 20 vectors each (short lines for every SPICE reader). */
function chunkedSave(vectors: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < vectors.length; i += 20) out.push(`.save ${vectors.slice(i, i + 20).join(" ")}`);
  return out;
}

function stageLines(
  nl: Netlist,
  stage: string,
  prefix: string,
  lookup: SubcircuitLookup,
  counter: { e: number; k: number },
  out: string[],
): DeckStage {
  const spec = netlistPortSpec(nl, lookup);
  const flat = flatten(nl, lookup);
  const net = new Map<string, string>();
  spec.inputs.forEach((p) => net.set(flat.ports[p], p.toLowerCase()));
  spec.outputs.forEach((p) => net.set(flat.ports[p], p.toLowerCase()));
  let n = 0;
  for (const [a, b] of Object.entries(flat.connections)) {
    const name = net.get(a) ?? net.get(b) ?? `n${n++}`;
    net.set(a, name);
    net.set(b, name);
  }
  const nodeOf = (ref: string): string => {
    let v = net.get(ref);
    if (!v) net.set(ref, (v = `u${n++}`));
    return `${prefix}${v}`;
  };
  out.push(`* ---- stage ${stage}: ${spec.inputs.length} in, ${spec.outputs.length} out`);
  const driven = new Set<string>();
  spec.inputs.forEach((p, k) => {
    const node = nodeOf(flat.ports[p]);
    out.push(`Bsel_${node} ${node}r 0 V = abs(v(colsel)-${k}) < 0.5 ? 1 : 0`, `Vi_${node} ${node}i 0 DC 0`);
    driven.add(node);
  });
  const emit = (target: string, terms: Term[]): void => {
    if (terms.length === 0) {
      out.push(`V${counter.e++} ${target} 0 DC 0`);
      return;
    }
    let from = "0";
    terms.forEach(([g, ctrl], i) => {
      const to = i === terms.length - 1 ? target : `k${counter.k++}`;
      out.push(`E${counter.e++} ${to} ${from} ${ctrl} 0 {${g}}`);
      from = to;
    });
  };
  const consumed: string[] = [];
  for (const [iname, inst] of Object.entries(flat.instances)) {
    const r = resolveInstance(iname, inst, lookup);
    if (!r.model || r.model.kind !== "linear") throw new Error(`instance "${iname}": ${inst.component} is not a linear leaf`);
    const ps = instancePorts(iname, inst, lookup);
    const ins = ps.inputs.map((p) => nodeOf(`${iname},${p}`));
    const outs = ps.outputs.map((p) => nodeOf(`${iname},${p}`));
    consumed.push(...ins);
    outs.forEach((o) => driven.add(o));
    const s = inst.settings;
    out.push(
      `* ${iname}: ${inst.component}${
        Object.keys(s).length
          ? " " +
            Object.entries(s)
              .map(([a, b]) => `${a}=${String(b)}`)
              .join(" ")
          : ""
      }`,
    );
    if (inst.component === "coupler") {
      const kk = lit(num(s, "coupling", 0.5) + num(s, "imbalance", 0));
      const t = `sqrt(1-(${kk}))`;
      const c = `sqrt(${kk})`;
      const [a, b] = ins;
      const [y3, y4] = outs;
      // o3 = t·a + i·c·b ; o4 = i·c·a + t·b
      emit(`${y3}r`, [
        [t, `${a}r`],
        [`-${c}`, `${b}i`],
      ]);
      emit(`${y3}i`, [
        [t, `${a}i`],
        [c, `${b}r`],
      ]);
      emit(`${y4}r`, [
        [`-${c}`, `${a}i`],
        [t, `${b}r`],
      ]);
      emit(`${y4}i`, [
        [c, `${a}r`],
        [t, `${b}i`],
      ]);
    } else if (inst.component === "phase") {
      const phi = lit(num(s, "phi"));
      const amp = ampExpr(num(s, "loss_db", 0));
      const [x] = ins;
      const [y] = outs;
      emit(`${y}r`, [
        [`${amp}cos(${phi})`, `${x}r`],
        [`-${amp}sin(${phi})`, `${x}i`],
      ]);
      emit(`${y}i`, [
        [`${amp}sin(${phi})`, `${x}r`],
        [`${amp}cos(${phi})`, `${x}i`],
      ]);
    } else if (inst.component === "waveguide" || inst.component === "amplifier") {
      const g = inst.component === "amplifier" ? lit(num(s, "gain")) : `${ampExpr(num(s, "loss_db", 0))}1`;
      emit(`${outs[0]}r`, [[g, `${ins[0]}r`]]);
      emit(`${outs[0]}i`, [[g, `${ins[0]}i`]]);
    } else if (inst.component !== "terminator") {
      throw new Error(`instance "${iname}": no ngspice encoding for ${inst.component}`);
    }
  }
  // Dark pins (terminated or unconnected inputs) are tied to 0 V.
  for (const node of [...new Set(consumed)]) {
    if (!driven.has(node)) {
      out.push(`Vd_${node}r ${node}r 0 DC 0`, `Vd_${node}i ${node}i 0 DC 0`);
      driven.add(node);
    }
  }
  const outNodes = spec.outputs.map((p) => nodeOf(flat.ports[p]).slice(prefix.length));
  return { netlist: stage, prefix, inputs: spec.inputs.length, outputs: spec.outputs.length, outNodes };
}

function ampExpr(lossDb: number): string {
  return lossDb === 0 ? "" : `exp(-(${lit(lossDb)})/20*ln(10))*`;
}

/** The emitted `<name>.ngspice.cir`: one deck holding every linear stage. */
export function writeNgspice(circuit: Circuit): string {
  return ngspiceDeck(circuit).text;
}
