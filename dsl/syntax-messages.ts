// Wording of syntax errors (Chevrotain's defaults read "Expecting token of type --> RCurly <--").
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";

export function describeToken(t: IToken | undefined): string {
  if (!t || t.tokenType === EOF || t.image === "") return "the end of the file";
  return `'${t.image}'`;
}

function label(t: TokenType): string {
  if (t === EOF) return "the end of the file";
  return t.LABEL ?? t.name;
}

const RULE_EXPECTS: Record<string, string> = {
  entry: "'=' or '{' after the option name",
  value: "a value (a number with an optional unit, a name, or a [list])",
  spec: "'aggregator <name> {'",
  list: "a value or ']'",
};

function firstTokens(paths: TokenType[][][]): string {
  const seen = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) seen.add(label(path[0]));
  const all = [...seen];
  if (all.length <= 1) return all[0] ?? "something else";
  return `${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}`;
}

export const syntaxMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)} after the end of the aggregator`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const want = RULE_EXPECTS[ruleName] ?? firstTokens(expectedPathsPerAlt);
    return `expected ${want} but found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const want = RULE_EXPECTS[ruleName] ?? firstTokens([expectedIterationPaths]);
    return `expected ${want} but found ${describeToken(actual[0])}`;
  },
};
