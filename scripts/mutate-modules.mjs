// The core modules under mutation testing (docs/design/testing.md §3): what each one is, the files Stryker
// mutates, and the only test files it runs against them, so one module takes minutes on 2 cores.
// Used by stryker.config.mjs and scripts/mutate.mjs.
export const MODULES = {
  golden: {
    what: "the golden function and unit functions",
    mutate: ["aggregate/golden.ts", "aggregate/wire-codec.ts", "aggregate/unit.ts"],
    testFiles: ["tests/aggregate/golden.test.ts", "tests/aggregate/wire-codec.test.ts", "tests/aggregate/unit.test.ts"],
  },
  models: {
    what: "the MZI convention and the primitive component models",
    mutate: ["netlist/mzi.ts", "netlist/models.ts", "netlist/subcircuits.ts"],
    testFiles: [
      "tests/netlist/models.test.ts",
      "tests/netlist/primitives.test.ts",
      "tests/netlist/detector.test.ts",
      "tests/mesh/convention.test.ts",
    ],
  },
  simulator: {
    what: "the simulator's propagation and detector",
    mutate: ["netlist/sim/simulate.ts", "netlist/sim/propagate.ts"],
    testFiles: [
      "tests/netlist/simulate.test.ts",
      "tests/netlist/detector.test.ts",
      "tests/netlist/physics.test.ts",
      "tests/netlist/propagate.test.ts",
    ],
  },
  // The planned cost model (compiler/onn/hardware.ts) and every figure report.json prints, counted
  // on the emitted circuit (netlist/inventory.ts, emittedHardware).
  hardware: {
    what: "hardware counting: the cost model and the counts of the emitted circuit",
    mutate: ["compiler/onn/hardware.ts", "netlist/inventory.ts"],
    testFiles: [
      "tests/onn/hardware.test.ts",
      "tests/netlist/inventory.test.ts",
      "tests/netlist/report-counts.test.ts",
      "tests/calibrate/trees.test.ts",
    ],
  },
  ring: {
    what: "the ring executor and the allreduce run (busiest-worker counts)",
    mutate: ["system/ring/chunks.ts", "system/ring/ring-allreduce.ts", "system/ring/allreduce-run.ts"],
    testFiles: [
      "tests/system/ring/ring-allreduce.test.ts",
      "tests/system/ring/ring-counts.test.ts",
      "tests/system/ring/allreduce-run.test.ts",
    ],
  },
  "cost-models": {
    what: "the all-reduce cost models",
    mutate: ["system/models/*.ts"],
    testFiles: ["tests/system/models/models.test.ts", "tests/system/models/terms.test.ts", "tests/system/ring/ring-counts.test.ts"],
  },
  // The closed-form construction (the lead's route = closed-form): the digit-cell decomposition,
  // and the cells' sparse passive circuits.
  "closed-form": {
    what: "the closed-form construction: digit cells",
    mutate: ["aggregate/digit-chip.ts"],
    testFiles: ["tests/aggregate/digit-chip.test.ts"],
  },
  cells: {
    what: "the closed-form construction: cell circuits",
    mutate: ["compiler/cells/*.ts"],
    testFiles: [
      "tests/cells/sparse-stage.test.ts",
      "tests/cells/balance.test.ts",
      "tests/cells/cell-network.test.ts",
      "tests/cells/cell-circuit.test.ts",
      "tests/cells/chip-circuits.test.ts",
    ],
  },
};
