// `<name>.ngspice.cir`: each linear stage as a DC circuit for ngspice (anchors §4.2a). A complex
// field is a pair of nodes (<net>r, <net>i); every linear combination is a chain of voltage-
// controlled voltage sources whose gains are brace expressions ngspice evaluates itself
// ({cos(φ)}, {sqrt(1-k)}), so the trigonometry is independent of our code. Numbers are written
// with 17 significant digits (no `pi` inside braces: ngspice does not define it there).
// One deck per linear stage; `.param col=k` selects which input carries the unit field.
import type { Circuit, Netlist } from "./ir.ts";
import { num } from "./models.ts";
import { flatten, instancePorts, netlistPortSpec, resolveInstance, type SubcircuitLookup } from "./propagate.ts";
import { circuitLookup } from "./spice-write.ts";

export const DECK_SEPARATOR = "* ---- optinc deck ----";

const lit = (x: number): string => (x === 0 ? "0" : x.toPrecision(17));

/** Netlists (other than the top) that contain only linear optical components. */
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

/** Re/Im gain terms of one output of a leaf: sum over inputs of (expr × V(input part)). */
type Term = [gain: string, node: string];

export function ngspiceStageDeck(circuit: Circuit, stage: string, column = 0): string {
  const lookup = circuitLookup(circuit);
  const nl = circuit.netlists[stage];
  if (!nl) throw new Error(`no netlist "${stage}" in circuit`);
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
    return v;
  };
  const out: string[] = [
    `* optinc ngspice cross-check: stage ${stage} of ${circuit.name} (${spec.inputs.length} in, ${spec.outputs.length} out)`,
    "* (Re, Im) node pairs; VCVS chains with ngspice-evaluated gains; DC operating point.",
    `.param col=${column}`,
  ];
  const driven = new Set<string>();
  spec.inputs.forEach((p, k) => {
    const node = nodeOf(flat.ports[p]);
    out.push(`Vr_${node} ${node}r 0 DC {col==${k} ? 1 : 0}`, `Vi_${node} ${node}i 0 DC 0`);
    driven.add(node);
  });
  let e = 0;
  let k = 0;
  const emit = (target: string, terms: Term[]): void => {
    if (terms.length === 0) {
      out.push(`V${e++} ${target} 0 DC 0`);
      return;
    }
    let from = "0";
    terms.forEach(([g, ctrl], i) => {
      const to = i === terms.length - 1 ? target : `k${k++}`;
      out.push(`E${e++} ${to} ${from} ${ctrl} 0 {${g}}`);
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
    out.push(`* ${iname}: ${inst.component}${Object.keys(s).length ? " " + Object.entries(s).map(([a, b]) => `${a}=${String(b)}`).join(" ") : ""}`);
    if (inst.component === "coupler") {
      const kk = lit(num(s, "coupling", 0.5) + num(s, "imbalance", 0));
      const t = `sqrt(1-(${kk}))`;
      const c = `sqrt(${kk})`;
      const [a, b] = ins;
      const [y3, y4] = outs;
      // o3 = t·a + i·c·b ; o4 = i·c·a + t·b
      emit(`${y3}r`, [[t, `${a}r`], [`-${c}`, `${b}i`]]);
      emit(`${y3}i`, [[t, `${a}i`], [c, `${b}r`]]);
      emit(`${y4}r`, [[`-${c}`, `${a}i`], [t, `${b}r`]]);
      emit(`${y4}i`, [[c, `${a}r`], [t, `${b}i`]]);
    } else if (inst.component === "phase") {
      const phi = lit(num(s, "phi"));
      const amp = ampExpr(num(s, "loss_db", 0));
      const [x] = ins;
      const [y] = outs;
      emit(`${y}r`, [[`${amp}cos(${phi})`, `${x}r`], [`-${amp}sin(${phi})`, `${x}i`]]);
      emit(`${y}i`, [[`${amp}sin(${phi})`, `${x}r`], [`${amp}cos(${phi})`, `${x}i`]]);
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
  const saves = spec.outputs.flatMap((p) => [`v(${nodeOf(flat.ports[p])}r)`, `v(${nodeOf(flat.ports[p])}i)`]);
  out.push(`.save ${saves.join(" ")}`, ".op", ".end", "");
  return out.join("\n");
}

function ampExpr(lossDb: number): string {
  return lossDb === 0 ? "" : `exp(-(${lit(lossDb)})/20*ln(10))*`;
}

/** All linear-stage decks of the circuit, separated by DECK_SEPARATOR lines. */
export function writeNgspice(circuit: Circuit): string {
  return linearStageNames(circuit)
    .map((s) => `${DECK_SEPARATOR} ${s}\n${ngspiceStageDeck(circuit, s, 0)}`)
    .join("\n");
}

/** Split an emitted `.ngspice.cir` back into {stage → deck text}. */
export function splitNgspiceDecks(text: string): Map<string, string> {
  const decks = new Map<string, string>();
  for (const chunk of text.split(`${DECK_SEPARATOR} `).slice(1)) {
    const nl = chunk.indexOf("\n");
    decks.set(chunk.slice(0, nl), chunk.slice(nl + 1).replace(/\n+$/, "\n"));
  }
  return decks;
}

/** The same deck with another input column selected. */
export function withColumn(deck: string, column: number): string {
  return deck.replace(/^\.param col=\d+$/m, `.param col=${column}`);
}
