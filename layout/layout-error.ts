// The one error the layout throws for a circuit it cannot draw (an unknown component, a feedback
// loop, a design the chip file names but the directory lacks): pipeline/layout turns it into
// OPT8005 (or OPT8006 for --cell). Its own file, so the placer can throw it without importing design.ts.

/** Thrown for a circuit the layout cannot draw (an unknown component, a feedback loop). */
export class LayoutError extends Error {
  constructor(
    message: string,
    /** The design (file stem) that cannot be drawn, when it is one design's netlist. */
    readonly design?: string,
  ) {
    super(message);
  }
}
