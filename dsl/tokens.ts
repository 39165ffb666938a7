// Lexical structure of .optinc files. Newlines are insignificant; a unit is recognised by position
// (same line as its number, see parser.ts), so unit words are ordinary identifiers here.
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
/** Comments are kept in their own group so `fmt` can put them back. */
export const Comment = createToken({
  name: "Comment",
  pattern: /(?:#|\/\/)[^\r\n]*/,
  group: "comments",
  start_chars_hint: ["#", "/"],
  line_breaks: false,
});
/** Words: option names, choices (offset-binary), unit words (Gb, s, params), names. µ is allowed for µs. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_\u00b5][A-Za-z0-9_\u00b5]*(?:-[A-Za-z0-9_]+)*/,
  label: "a name",
  start_chars_hint: [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_", "\u00b5"],
});
// Keywords come before Identifier and fall back to it when the word is longer (`aggregators`).
export const Aggregator = createToken({ name: "Aggregator", pattern: /aggregator/, longer_alt: Identifier, label: "'aggregator'" });
/** Decimal numbers with optional sign, digit-group underscores and exponent: 4, -0.5, 23_712_932, 2.7e-6. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /[+-]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?/,
  label: "a number",
});
export const LCurly = createToken({ name: "LCurly", pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
/** Only meaningful inside units (Gb/s); the Comment token wins for "//" because it is listed first. */
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
/** The percent sign of a percentage unit: `yield = 99 %`. */
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "'%'" });
/** Not part of the language: lexed so that YAML habits (`workers: 4`) get a precise "expected '='". */
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Aggregator,
  Identifier,
  NumberLiteral,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  Comma,
  Equals,
  Slash,
  Percent,
  Colon,
];

// Only "\n" ends a line ("\r\n" too, through its "\n"), as in editors and in diagnostics' source excerpts;
// Chevrotain's default would also count a lone "\r", putting line numbers past the end of the file.
// Built on first use: its self-analysis takes tens of milliseconds, which every command that reads
// no spec would pay at start-up.
let lexer: Lexer | undefined;
export function specLexer(): Lexer {
  lexer ??= new Lexer(allTokens, {
    ensureOptimizations: true,
    positionTracking: "full",
    lineTerminatorsPattern: /\n/g,
    lineTerminatorCharacters: ["\n"],
  });
  return lexer;
}
