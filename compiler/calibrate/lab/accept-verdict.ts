// What the acceptance round (accept.ts) concludes from its readings: kept apart so the session's
// state can hold a verdict without importing the round that judges it.

export interface AcceptFailure {
  /** Index of the case in the round (0 …). */
  case: number;
  /** Digit per cell port. */
  inputs: number[];
  expected: number[];
  /** Decision level read per detector mode (the digit is its rounding). */
  read: number[];
  /** Margin per mode, steps: distance inside the expected digit's interval (negative: decodes wrongly). */
  margin: number[];
}

export interface AcceptVerdict {
  pass: boolean;
  cases: number;
  /** Cases whose every mode cleared its guard. */
  accepted: number;
  /** Cases that decode wrongly as read (margin < 0 on some mode). */
  wrong: number;
  /** Per detector mode: smallest margin over every case, steps. */
  worstMarginSteps: number[];
  /** Per detector mode: the guard the margins were held to, steps. */
  guardSteps: number[];
  /** Per detector mode: largest level change between a repeated case's two readings, steps. */
  repeatSpreadSteps: number[];
  /** Per detector mode: receiver responsivity read from its local oscillator, A/W. */
  responsivityAW: number[];
  /** Input coupling at the round's start and end against the first theta round (null: no reference step). */
  coupling: number[] | null;
  /** The failing cases, worst first. */
  failing: AcceptFailure[];
}
