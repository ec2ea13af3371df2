/** Public surface of the PromQL parser (re-exported by src/promql/index.ts). */
export * from './ast.ts';
export { describeToken, goQuote, KEYWORDS, type Token, type TokenKind, tokenize } from './lexer.ts';
export { exprToJSON, type JSONValue } from './parse-json.ts';
export {
  documentedType,
  PromQLParseError,
  parseDurationExpr,
  parseExpr,
  parseMetricSelector,
  parseNumberText,
} from './parser.ts';
export {
  durationExprToString,
  exprToString,
  formatFloat,
  formatLabelName,
  MAX_CHARACTERS_PER_LINE,
  prettify,
} from './printer.ts';
