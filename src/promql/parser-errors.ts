/** PromQL parse errors, formatted like Prometheus's (`1:14: parse error: ...`). */
import type { PosRange, ValueType } from './ast.ts';

export class PromQLParseError extends Error {
  readonly positionRange: PosRange;
  /** 1-based line and column (in bytes, like Prometheus) of the error position. */
  readonly line: number;
  readonly col: number;
  /** The message without the position prefix. */
  readonly rawMessage: string;
  readonly query: string;

  constructor(rawMessage: string, positionRange: PosRange, query: string) {
    const { line, col } = lineCol(query, positionRange.start);
    super(`${line}:${col}: parse error: ${rawMessage}`);
    this.name = 'PromQLParseError';
    this.rawMessage = rawMessage;
    this.positionRange = positionRange;
    this.line = line;
    this.col = col;
    this.query = query;
  }
}

function lineCol(query: string, pos: number): { line: number; col: number } {
  const p = Math.max(0, Math.min(pos, query.length));
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < p; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, col: Buffer.byteLength(query.slice(lastBreak + 1, p)) + 1 };
}

/** How Prometheus names value types in error messages. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}
