/**
 * Parser for the PromQL test-script language used by upstream Prometheus
 * (load / load_with_nhcb / clear / eval …). See shared/conformance/README.md section 1.
 * Native-histogram literals `{{…}}` are recognised but not interpreted: loads skip them
 * and expectations holding them are marked so the runner can report them.
 */
import { type Labels, LabelsBuilder, parseDuration } from '../model/index.ts';

/**
 * One position in a value sequence: a float, undefined (no sample), a staleness marker or a
 * histogram placeholder. Staleness stays a symbol until it is appended, because plain JS arrays
 * may canonicalize NaNs and so lose the marker's bit pattern.
 */
export type SeqValue = number | undefined | typeof HISTOGRAM | typeof STALE;
export const HISTOGRAM: unique symbol = Symbol('histogram');
export const STALE: unique symbol = Symbol('stale');

export interface SeriesLine {
  labels: Labels;
  values: SeqValue[];
  line: number;
}

export interface LoadCommand {
  kind: 'load';
  line: number;
  interval: number;
  nhcb: boolean;
  series: SeriesLine[];
  /** True when the block has `@st` start-timestamp lines. */
  startTimestamps: boolean;
}

export interface ClearCommand {
  kind: 'clear';
  line: number;
}

export interface Expectation {
  kind: 'msg' | 'regex' | 'any';
  text: string;
}

export interface EvalCommand {
  kind: 'eval';
  line: number;
  instant: boolean;
  /** Instant: evaluation time. Range: start, end, step. All ms. */
  time: number;
  start: number;
  end: number;
  step: number;
  expr: string;
  fail: Expectation | null;
  warn: Expectation[];
  noWarn: boolean;
  info: Expectation[];
  noInfo: boolean;
  ordered: boolean;
  rangeVector: { start: number; end: number; step: number } | null;
  expectString: string | null;
  scalar: number | null;
  series: SeriesLine[];
  /** The expectation contains `{{…}}` histograms. */
  histograms: boolean;
}

export type Command = LoadCommand | ClearCommand | EvalCommand;

export class ScriptError extends Error {
  constructor(line: number, msg: string) {
    super(`line ${line}: ${msg}`);
  }
}

export function parseScript(text: string): Command[] {
  const lines = text.split('\n').map((l) => l.trim());
  const cmds: Command[] = [];
  let i = 0;
  const isBlank = (l: string) => l === '' || l.startsWith('#');
  while (i < lines.length) {
    const l = lines[i];
    if (isBlank(l)) {
      i++;
      continue;
    }
    const start = i;
    i++;
    if (l === 'clear') {
      // clear has no body: the next line may start another command.
      cmds.push({ kind: 'clear', line: start + 1 });
      continue;
    }
    const body: { text: string; line: number }[] = [];
    while (i < lines.length && !isBlank(lines[i])) {
      body.push({ text: lines[i], line: i + 1 });
      i++;
    }
    const word = l.split(/\s+/, 1)[0];
    switch (word) {
      case 'load':
      case 'load_with_nhcb':
        cmds.push(parseLoad(l, start + 1, body, word === 'load_with_nhcb'));
        break;
      case 'clear':
        cmds.push({ kind: 'clear', line: start + 1 });
        break;
      case 'eval':
      case 'eval_fail':
      case 'eval_warn':
      case 'eval_info':
      case 'eval_ordered':
        cmds.push(parseEval(l, start + 1, body));
        break;
      default:
        throw new ScriptError(start + 1, `unknown command ${JSON.stringify(word)}`);
    }
  }
  return cmds;
}

function parseLoad(header: string, line: number, body: { text: string; line: number }[], nhcb: boolean): LoadCommand {
  const parts = header.split(/\s+/);
  if (parts.length !== 2) throw new ScriptError(line, 'invalid load command');
  const interval = parseDuration(parts[1]);
  const series: SeriesLine[] = [];
  let startTimestamps = false;
  for (const b of body) {
    const { labels, rest, st } = parseSeriesDesc(b.text, b.line);
    if (st) {
      startTimestamps = true;
      continue;
    }
    series.push({ labels, values: parseValues(rest, b.line), line: b.line });
  }
  return { kind: 'load', line, interval, nhcb, series, startTimestamps };
}

const INSTANT_RE = /^(\S+)\s+instant\s+at\s+(\S+)\s+(.+)$/;
const RANGE_RE = /^(\S+)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/;

function parseEval(header: string, line: number, body: { text: string; line: number }[]): EvalCommand {
  const cmd: EvalCommand = {
    kind: 'eval',
    line,
    instant: true,
    time: 0,
    start: 0,
    end: 0,
    step: 0,
    expr: '',
    fail: null,
    warn: [],
    noWarn: false,
    info: [],
    noInfo: false,
    ordered: false,
    rangeVector: null,
    expectString: null,
    scalar: null,
    series: [],
    histograms: false,
  };
  let m = INSTANT_RE.exec(header);
  let word: string;
  if (m) {
    word = m[1];
    cmd.time = parseDuration(m[2]);
    cmd.expr = m[3];
  } else {
    m = RANGE_RE.exec(header);
    if (!m) throw new ScriptError(line, `invalid eval command: ${header}`);
    word = m[1];
    cmd.instant = false;
    cmd.start = parseDuration(m[2]);
    cmd.end = parseDuration(m[3]);
    cmd.step = parseDuration(m[4]);
    cmd.expr = m[5];
    if (cmd.end < cmd.start) throw new ScriptError(line, 'invalid test definition, end timestamp before start');
  }
  if (word === 'eval_fail') cmd.fail = { kind: 'any', text: '' };
  if (word === 'eval_warn') cmd.warn.push({ kind: 'any', text: '' });
  if (word === 'eval_info') cmd.info.push({ kind: 'any', text: '' });
  if (word === 'eval_ordered') cmd.ordered = true;

  for (let k = 0; k < body.length; k++) {
    const t = body[k].text;
    const bl = body[k].line;
    if (t.startsWith('expected_fail_message ')) {
      cmd.fail = { kind: 'msg', text: t.slice('expected_fail_message '.length).trim() };
      continue;
    }
    if (t.startsWith('expected_fail_regexp ')) {
      cmd.fail = { kind: 'regex', text: t.slice('expected_fail_regexp '.length).trim() };
      continue;
    }
    if (t.startsWith('expect ')) {
      parseExpectLine(cmd, t.slice(7).trim(), bl);
      continue;
    }
    const num = parseNumber(t);
    if (num !== null) {
      cmd.scalar = num;
      break; // a bare number ends the block
    }
    const { labels, rest } = parseSeriesDesc(t, bl);
    if (rest.includes('{{')) cmd.histograms = true;
    cmd.series.push({ labels, values: parseValues(rest, bl), line: bl });
  }
  return cmd;
}

function parseExpectation(rest: string, line: number): Expectation {
  if (rest === '') return { kind: 'any', text: '' };
  if (rest.startsWith('msg:')) return { kind: 'msg', text: rest.slice(4).trim() };
  if (rest.startsWith('regex:')) return { kind: 'regex', text: rest.slice(6).trim() };
  throw new ScriptError(line, `invalid expect line: ${rest}`);
}

function parseExpectLine(cmd: EvalCommand, t: string, line: number): void {
  const sp = t.indexOf(' ');
  const word = sp < 0 ? t : t.slice(0, sp);
  const rest = sp < 0 ? '' : t.slice(sp + 1).trim();
  switch (word) {
    case 'fail':
      if (cmd.fail) throw new ScriptError(line, 'two expect fail lines');
      cmd.fail = parseExpectation(rest, line);
      return;
    case 'warn':
      cmd.warn.push(parseExpectation(rest, line));
      return;
    case 'info':
      cmd.info.push(parseExpectation(rest, line));
      return;
    case 'no_warn':
      cmd.noWarn = true;
      return;
    case 'no_info':
      cmd.noInfo = true;
      return;
    case 'ordered':
      cmd.ordered = true;
      return;
    case 'range': {
      const m = /^vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/.exec(rest);
      if (!m) throw new ScriptError(line, `invalid expect range vector line: ${t}`);
      cmd.rangeVector = { start: parseDuration(m[1]), end: parseDuration(m[2]), step: parseDuration(m[3]) };
      return;
    }
    case 'string':
      cmd.expectString = goUnquote(rest, line);
      return;
    default:
      throw new ScriptError(line, `invalid expect line: ${t}`);
  }
}

const NUM_SRC = '(?:[iI][nN][fF]|[nN][aA][nN]|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const SIGNED_NUM_RE = new RegExp(`^[+-]?${NUM_SRC}$`);
const ITEM_RE = new RegExp(`^([+-]?${NUM_SRC})(?:([+-])(${NUM_SRC})x(\\d+)|x(\\d+))?$`);

/** A bare number such as 3000, -Inf or NaN; null otherwise. */
export function parseNumber(s: string): number | null {
  if (!SIGNED_NUM_RE.test(s)) return null;
  return parseFloatToken(s);
}

function parseFloatToken(s: string): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf') return Number.POSITIVE_INFINITY;
  if (l === '-inf') return Number.NEGATIVE_INFINITY;
  if (l === 'nan' || l === '+nan' || l === '-nan') return Number.NaN;
  return Number(s);
}

/** Expands a whitespace-separated value sequence. */
export function parseValues(s: string, line: number): SeqValue[] {
  const out: SeqValue[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    let j = i;
    if (s.startsWith('{{', i)) {
      // Histogram item, possibly {{A}}+{{B}}xK or {{A}}xK: scan to the end of the item.
      j = scanHistogramItem(s, i, line);
      const item = s.slice(i, j);
      const m = /(?:x(\d+))$/.exec(item.endsWith('}}') ? '' : item);
      const n = m ? Number(m[1]) + 1 : 1;
      for (let k = 0; k < n; k++) out.push(HISTOGRAM);
      i = j;
      continue;
    }
    while (j < s.length && s[j] !== ' ' && s[j] !== '\t') j++;
    const item = s.slice(i, j);
    i = j;
    if (item === '_') {
      out.push(undefined);
      continue;
    }
    if (item.startsWith('_x')) {
      const k = Number(item.slice(2));
      if (!Number.isInteger(k)) throw new ScriptError(line, `invalid item ${item}`);
      for (let q = 0; q < k; q++) out.push(undefined);
      continue;
    }
    if (item === 'stale') {
      out.push(STALE);
      continue;
    }
    const m = ITEM_RE.exec(item);
    if (!m) throw new ScriptError(line, `invalid value item ${JSON.stringify(item)}`);
    const a = parseFloatToken(m[1]);
    if (m[4] !== undefined) {
      let b = parseFloatToken(m[3]);
      if (m[2] === '-') b = -b;
      const k = Number(m[4]);
      let v = a;
      out.push(v);
      for (let q = 0; q < k; q++) {
        v += b;
        out.push(v);
      }
    } else if (m[5] !== undefined) {
      const k = Number(m[5]);
      for (let q = 0; q <= k; q++) out.push(a);
    } else {
      out.push(a);
    }
  }
  return out;
}

function scanHistogramItem(s: string, i: number, line: number): number {
  let j = i;
  for (;;) {
    const close = s.indexOf('}}', j);
    if (close < 0) throw new ScriptError(line, 'unterminated histogram literal');
    j = close + 2;
    if (s[j] === '+' || s[j] === '-') {
      if (s.startsWith('{{', j + 1)) {
        j++;
        continue;
      }
    }
    while (j < s.length && s[j] !== ' ' && s[j] !== '\t') j++;
    return j;
  }
}

/** Parses `name{l="v", …}` (name optional) at the start of s; returns the labels and the rest. */
export function parseSeriesDesc(s: string, line: number): { labels: Labels; rest: string; st: boolean } {
  const b = new LabelsBuilder();
  let i = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:.]*/.exec(s);
  if (nameMatch) {
    b.set('__name__', nameMatch[0]);
    i = nameMatch[0].length;
  }
  if (s[i] === '{') {
    i++;
    for (;;) {
      while (s[i] === ' ' || s[i] === '\t' || s[i] === ',') i++;
      if (i >= s.length) throw new ScriptError(line, 'unterminated label set');
      if (s[i] === '}') {
        i++;
        break;
      }
      let name: string;
      if (s[i] === '"' || s[i] === "'" || s[i] === '`') {
        const r = readQuoted(s, i, line);
        name = r.value;
        i = r.end;
      } else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
        if (!m) throw new ScriptError(line, `invalid label name at ${s.slice(i)}`);
        name = m[0];
        i += name.length;
      }
      while (s[i] === ' ') i++;
      if (s[i] === ',' || s[i] === '}') {
        // {"metric name"} form: a bare quoted string is the metric name
        b.set('__name__', name);
        continue;
      }
      if (s[i] !== '=') throw new ScriptError(line, `expected = in label set: ${s}`);
      i++;
      while (s[i] === ' ') i++;
      const r = readQuoted(s, i, line);
      b.set(name, r.value);
      i = r.end;
    }
  }
  let st = false;
  if (s.startsWith('@st', i)) {
    st = true;
    i += 3;
  }
  if (i === 0) throw new ScriptError(line, `invalid series description: ${s}`);
  return { labels: b.labels(), rest: s.slice(i).trim(), st };
}

function readQuoted(s: string, i: number, line: number): { value: string; end: number } {
  const q = s[i];
  if (q !== '"' && q !== "'" && q !== '`') throw new ScriptError(line, `expected quoted string at ${s.slice(i)}`);
  let j = i + 1;
  while (j < s.length && s[j] !== q) {
    if (s[j] === '\\' && q !== '`') j++;
    j++;
  }
  if (j >= s.length) throw new ScriptError(line, 'unterminated string');
  return { value: goUnquote(s.slice(i, j + 1), line), end: j + 1 };
}

/** Go's strconv.Unquote for "…", '…' and `…`. */
export function goUnquote(s: string, line: number): string {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) throw new ScriptError(line, `invalid quoted string ${s}`);
  const body = s.slice(1, -1);
  if (q === '`') return body;
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n':
        flushBytes();
        out += '\n';
        break;
      case 't':
        flushBytes();
        out += '\t';
        break;
      case 'r':
        flushBytes();
        out += '\r';
        break;
      case 'a':
        flushBytes();
        out += '\x07';
        break;
      case 'b':
        flushBytes();
        out += '\b';
        break;
      case 'f':
        flushBytes();
        out += '\f';
        break;
      case 'v':
        flushBytes();
        out += '\v';
        break;
      case '\\':
      case '"':
      case "'":
        flushBytes();
        out += e;
        break;
      case 'x':
        bytes.push(Number.parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        flushBytes();
        out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        flushBytes();
        out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      default:
        if (e >= '0' && e <= '7') {
          bytes.push(Number.parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else {
          throw new ScriptError(line, `invalid escape \\${e}`);
        }
    }
  }
  flushBytes();
  return out;
}
