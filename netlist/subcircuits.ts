// Composite components written as netlists of primitives (couplers, phase shifters, waveguides,
// terminators). They are plain data; netlist/models.ts evaluates them with the same propagation
// engine the simulator uses, so an "mzi" instance and its spliced sub-circuit agree by construction.
import type { Instance, Netlist } from "./ir.ts";
import { inPort, outPort } from "./ports.ts";

export interface MziParts {
  theta: number;
  phi: number;
  /** Power coupling of the first and second coupler (0.5 nominal). */
  couplingA?: number;
  couplingB?: number;
  /** Insertion loss of the MZI in dB, applied as amplitude 10^(−dB/20) on both arms. */
  lossDb?: number;
}

/**
 * The MZ-in MZI: T(θ, φ) = B · P(θ) · B · P(φ), P on the top arm.
 *
 *   o2 ── phi ──┐        ┌── theta (top arm) ──┐        ┌── o3
 *               │  bsA   │                     │  bsB   │
 *   o1 ─────────┘        └── ref (bottom arm) ─┘        └── o4
 *
 * Instance names are fixed: phi, bsA, theta, ref, bsB; builders prefix them (e.g. "e5_phi").
 */
export function mziNetlist(p: MziParts): Netlist {
  const loss = p.lossDb ?? 0;
  const instances: Record<string, Instance> = {
    phi: { component: "phase", settings: { phi: p.phi } },
    bsA: { component: "coupler", settings: { coupling: p.couplingA ?? 0.5 } },
    theta: { component: "phase", settings: { phi: p.theta, arm: "top", loss_db: loss } },
    ref: { component: "waveguide", settings: { arm: "bottom", loss_db: loss } },
    bsB: { component: "coupler", settings: { coupling: p.couplingB ?? 0.5 } },
  };
  return {
    instances,
    connections: {
      "phi,o2": "bsA,o2",
      "bsA,o3": "theta,o1",
      "bsA,o4": "ref,o1",
      "theta,o2": "bsB,o2",
      "ref,o2": "bsB,o1",
    },
    ports: { o1: "bsA,o1", o2: "phi,o1", o3: "bsB,o3", o4: "bsB,o4" },
  };
}

/** A 1 → 1 tree: one waveguide. */
function singleWaveguide(): Netlist {
  return {
    instances: { wg: { component: "waveguide", settings: {} } },
    connections: {},
    ports: { [inPort(0)]: "wg,o1", [outPort(0)]: "wg,o2" },
  };
}

/**
 * A 1 → n splitter tree of 50:50 couplers (n a power of two). Light enters the top input of the
 * root coupler; coupler (level l, j) feeds modes [j·n/2^l, (j+1)·n/2^l). Unused inputs are
 * terminated. Every output carries amplitude 1/√n (with a coupler phase of i per cross).
 */
export function splitterTreeNetlist(n: number): Netlist {
  assertPowerOfTwo(n, "splitter_tree");
  const instances: Record<string, Instance> = {};
  const connections: Record<string, string> = {};
  const ports: Record<string, string> = {};
  if (n === 1) return singleWaveguide();
  const levels = Math.log2(n);
  for (let l = 0; l < levels; l++) {
    for (let j = 0; j < 2 ** l; j++) {
      const name = `c${l}_${j}`;
      instances[name] = { component: "coupler", settings: { coupling: 0.5 } };
      instances[`t${l}_${j}`] = { component: "terminator", settings: {} };
      connections[`t${l}_${j},o1`] = `${name},o1`;
      if (l > 0) connections[`c${l - 1}_${j >> 1},${j % 2 === 0 ? "o3" : "o4"}`] = `${name},o2`;
    }
  }
  ports[inPort(0)] = "c0_0,o2";
  for (let j = 0; j < 2 ** (levels - 1); j++) {
    ports[outPort(2 * j)] = `c${levels - 1}_${j},o3`;
    ports[outPort(2 * j + 1)] = `c${levels - 1}_${j},o4`;
  }
  return { instances, connections, ports };
}

/**
 * An n → 1 combiner: the mirror of the splitter tree. Each coupler keeps its top output (o3)
 * and dumps the bottom one into a terminator, so for inputs in phase the output is Σx/√n.
 */
export function combinerNetlist(n: number): Netlist {
  assertPowerOfTwo(n, "combiner");
  const instances: Record<string, Instance> = {};
  const connections: Record<string, string> = {};
  const ports: Record<string, string> = {};
  if (n === 1) return singleWaveguide();
  const levels = Math.log2(n);
  // Level l has 2^(levels-1-l) couplers; level 0 takes the inputs.
  for (let l = 0; l < levels; l++) {
    const count = 2 ** (levels - 1 - l);
    for (let j = 0; j < count; j++) {
      const name = `c${l}_${j}`;
      // A 50:50 coupler sends (a + i b)/√2 to o3; a phase −π/2 on the bottom input makes it (a + b)/√2.
      instances[name] = { component: "coupler", settings: { coupling: 0.5 } };
      instances[`p${l}_${j}`] = { component: "phase", settings: { phi: (3 * Math.PI) / 2 } };
      instances[`t${l}_${j}`] = { component: "terminator", settings: {} };
      connections[`p${l}_${j},o2`] = `${name},o1`;
      connections[`${name},o4`] = `t${l}_${j},o1`;
      if (l === 0) {
        ports[inPort(2 * j)] = `${name},o2`;
        ports[inPort(2 * j + 1)] = `p${l}_${j},o1`;
      } else {
        connections[`c${l - 1}_${2 * j},o3`] = `${name},o2`;
        connections[`c${l - 1}_${2 * j + 1},o3`] = `p${l}_${j},o1`;
      }
    }
  }
  ports[outPort(0)] = `c${levels - 1}_0,o3`;
  return { instances, connections, ports };
}

function assertPowerOfTwo(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
    throw new RangeError(`${what}: n must be a power of two ≥ 1, got ${n}`);
  }
}
