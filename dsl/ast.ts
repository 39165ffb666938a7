// The untyped syntax tree both front ends (.optinc via Chevrotain, .yaml via the yaml package) produce.
// Semantic checking (check.ts) runs on this tree only, so both forms get identical meaning and checks.

/** A source range: 1-based line/column of the first character, 0-based offset, length in characters. */
export interface Loc {
  line: number;
  column: number;
  offset: number;
  length: number;
}

export interface NumberValue {
  kind: "number";
  /** The literal as written (e.g. "23_712_932", "2.7e-6"). */
  text: string;
  value: number;
  /** Unit words as written, normalised ("Gb/s", "M params"); absent when none was written. */
  unit?: { text: string; loc: Loc };
  loc: Loc;
}

export interface WordValue {
  kind: "word";
  text: string;
  loc: Loc;
}

export interface ListValue {
  kind: "list";
  items: Value[];
  loc: Loc;
}

export type Value = NumberValue | WordValue | ListValue;

export interface SettingEntry {
  kind: "setting";
  key: string;
  keyLoc: Loc;
  value: Value;
  /** End offset (exclusive) of the whole entry, for comment placement in fmt. */
  end: number;
}

export interface BlockEntry {
  kind: "block";
  key: string;
  keyLoc: Loc;
  entries: Entry[];
  end: number;
}

export type Entry = SettingEntry | BlockEntry;

export interface SpecAst {
  name: string;
  nameLoc: Loc;
  entries: Entry[];
}

/** Convert an AST loc into the public SourceLoc shape. */
export function sourceLoc(file: string, loc: Loc): { file: string; line: number; column: number } {
  return { file, line: loc.line, column: loc.column };
}
