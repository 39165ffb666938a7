// The .optinc grammar (Chevrotain CstParser with error recovery). The grammar is deliberately generic,
// `name = value` settings and `name { ... }` blocks, so that unknown or misspelt options are reported
// by the semantic checker with a did-you-mean instead of an opaque syntax error.
//
//   spec    := 'aggregator' Identifier '{' entry* '}'
//   entry   := Identifier ( '=' value | '{' entry* '}' )
//   value   := number | Identifier | list
//   number  := NumberLiteral unitWord*        (unit words, '/' and '%', must sit on the number's line)
//   list    := '[' ( value ( ',' value )* )? ']'
import { CstParser, type IToken, type TokenType } from "chevrotain";
import {
  Aggregator,
  allTokens,
  Colon,
  Comma,
  Equals,
  Identifier,
  LBracket,
  LCurly,
  NumberLiteral,
  RBracket,
  RCurly,
  Slash,
  Percent,
} from "./tokens.ts";
import { syntaxMessages } from "./syntax-messages.ts";

/** Syntax errors after which parsing stops: recovery costs time per error, and 100 are shown. */
export const MAX_SYNTAX_ERRORS = 500;

/** Thrown out of the parser when MAX_SYNTAX_ERRORS is reached (parse.ts reports what it has). */
export class TooManySyntaxErrors extends Error {}

export class SpecParser extends CstParser {
  constructor() {
    super(allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "full",
      maxLookahead: 2,
      errorMessageProvider: syntaxMessages,
    });
    this.performSelfAnalysis();
    // Chevrotain records every recognition error through SAVE_ERROR (not in its typings).
    const self = this as unknown as { SAVE_ERROR(e: unknown): unknown; _errors: unknown[] };
    const save = self.SAVE_ERROR.bind(this);
    self.SAVE_ERROR = (e: unknown) => {
      if (self._errors.length >= MAX_SYNTAX_ERRORS) throw new TooManySyntaxErrors();
      return save(e);
    };
  }

  public spec = this.RULE("spec", () => {
    this.CONSUME(Aggregator);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.entry));
    this.CONSUME(RCurly);
  });

  public entry = this.RULE("entry", () => {
    this.CONSUME(Identifier, { LABEL: "key" });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Equals);
          this.SUBRULE(this.value);
        },
      },
      { ALT: () => this.SUBRULE(this.block) },
    ]);
  });

  public block = this.RULE("block", () => {
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.entry));
    this.CONSUME(RCurly);
  });

  public value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.number) },
      // A word followed by `=` or `{` starts the next entry: the value is missing, not this word.
      { GATE: () => !startsEntry(this.LA(2).tokenType), ALT: () => this.CONSUME(Identifier, { LABEL: "word" }) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  public number = this.RULE("number", () => {
    this.CONSUME(NumberLiteral);
    this.MANY({
      GATE: () => this.atUnitWord(),
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME2(Identifier, { LABEL: "unit" }) },
          { ALT: () => this.CONSUME(Slash, { LABEL: "unit" }) },
          { ALT: () => this.CONSUME(Percent, { LABEL: "unit" }) },
        ]);
      },
    });
  });

  public list = this.RULE("list", () => {
    this.CONSUME(LBracket);
    this.MANY_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.value) });
    this.CONSUME(RBracket);
  });

  /**
   * A word right after a number is one of its unit words when it is on the same line as the previous
   * token and does not start the next entry (`key =` or `key {`). Newlines are skipped by the lexer,
   * so this positional rule is what separates `800 Gb/s` from `4⏎precision = 8 bits`.
   */
  private atUnitWord(): boolean {
    const next = this.LA(1);
    const prev = this.LA(0);
    if (next.tokenType !== Identifier && next.tokenType !== Slash && next.tokenType !== Percent) return false;
    if (!sameLine(prev, next)) return false;
    if (next.tokenType === Slash || next.tokenType === Percent) return true;
    return !startsEntry(this.LA(2).tokenType);
  }
}

function startsEntry(after: TokenType): boolean {
  return after === Equals || after === LCurly || after === Colon;
}

function sameLine(a: IToken, b: IToken): boolean {
  const aLine = a.endLine ?? a.startLine;
  return Number.isFinite(aLine) && aLine === b.startLine;
}

let parser: SpecParser | undefined;
/** One parser per process, built on first use (as the lexer); reset by assigning `input`. */
export function specParser(): SpecParser {
  parser ??= new SpecParser();
  return parser;
}
