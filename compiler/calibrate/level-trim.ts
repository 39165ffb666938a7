// A receiver's decision levels trimmed from readings (docs/design/calibration.md §11.2, "The receiver's levels
// trimmed"): per decoded detector mode, the step and offset the estimate gives are moved so that a
// level read in the lab maps onto the digit it was driven for. A lab sets a slicer's levels from a
// known training pattern the same way; here the pattern is a failed acceptance round, and a fresh
// acceptance round then judges the trimmed program (compiler/calibrate/lab/trim-round.ts).

/** Per decoded mode of the cell's detector: step' = scale · step, offset' = offset + shift · step. */
export interface LevelTrim {
  scale: number[];
  shift: number[];
}

/** The thresholds with a trim applied (none: unchanged). */
export function trimThresholds(
  t: { step: number[]; offset: number[] },
  trim: LevelTrim | null | undefined,
): { step: number[]; offset: number[] } {
  if (!trim) return t;
  if (trim.scale.length !== t.step.length) throw new Error(`level trim: ${trim.scale.length} modes for a detector of ${t.step.length}`);
  return {
    step: t.step.map((s, m) => s * trim.scale[m]!),
    offset: t.offset.map((o, m) => o + trim.shift[m]! * t.step[m]!),
  };
}

/** Trim `then` applied after `first` (both relative to the estimate's own thresholds). */
export function composeTrims(first: LevelTrim | null, then: LevelTrim): LevelTrim {
  if (!first) return then;
  return {
    scale: first.scale.map((a, m) => a * then.scale[m]!),
    shift: first.shift.map((b, m) => b + then.shift[m]! * first.scale[m]!),
  };
}
