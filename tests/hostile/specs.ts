// The hostile tests' specs, in a module without vitest so that tests/global-setup.ts can compile them once.
export const TINY = `aggregator tiny {
  route     = trained
  workers   = 2
  precision = 2 bits
  levels    = 2
  network     { hidden = [8] }
  approximate { method = none }
  training    { seed = 3  epochs = 100 }
}
`;

/** Another function (floor rounding) in the same format: its netlist must not pass as tiny's. */
export const OTHER = TINY.replace("aggregator tiny", "aggregator other").replace(
  "  levels    = 2\n",
  "  levels    = 2\n  rounding  = floor\n",
);

/** Trains for minutes: for interrupts in the middle of training. */
export const SLOW = `aggregator slow {
  route     = trained
  workers   = 4
  precision = 8 bits
  levels    = 4
  network     { hidden = [96, 24, 96, 24] }
  training    { seed = 1  epochs = 100000 }
}
`;
