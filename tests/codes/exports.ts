import type { CATALOGUE } from "../../codes/catalogue.ts";

/** The exported constant of each catalogue group (codes/catalogue.ts). */
export const EXPORTS: Record<keyof typeof CATALOGUE, string> = {
  io: "IO",
  syntax: "SYNTAX",
  spec: "SPEC",
  compile: "COMPILE",
  decompose: "DECOMPOSE",
  chipFile: "CHIP_FILE",
  export: "EXPORT",
  verify: "VERIFY",
  die: "DIE",
  fab: "FAB",
  lab: "LAB",
  allreduce: "ALLREDUCE",
  layout: "LAYOUT",
};
