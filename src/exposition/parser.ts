import { Labels, METRIC_NAME } from '../model/index.ts';
import { checkWellFormed, decodeExposition } from './decode.ts';
import { detachString } from './detach.ts';
import { floatError, formatOpenMetricsFloat, parseGoFloat } from './float.ts';
import { familyTypeOf } from './suffixes.ts';
import {
  type EntryKind,
  ExpositionError,
  type ExpositionFormat,
  type ExpositionParser,
  type MetricType,
} from './types.ts';

export interface ParserOptions {
  /**
   * OpenMetrics only: do not return `<family>_created` series of counters, histograms, summaries and
   * gauge histograms (what Prometheus does with created-timestamp-zero-ingestion enabled). Default false,
   * as in Prometheus without that feature flag.
   */
  skipCreatedSeries?: boolean;
  /**
   * Keep unknown escapes in label values (`\t` stays backslash + t), as Prometheus's own parser does.
   * Default false: only `\\`, `\"` and `\n` are accepted, as both format specifications say.
   */
  lenientEscapes?: boolean;
}

/** The parser with the members it has beyond the ExpositionParser contract. */
export interface ExpositionTextParser extends ExpositionParser {
  /** After 'series': the type of the family the series belongs to (by name and suffix), else 'unknown'. */
  metricType(): MetricType;
  /** After 'series': the metric name (unescaped, detached from the page). Allocates. */
  metricName(): string;
  /**
   * Announces the series text (a seriesKey() of an earlier, successfully parsed line: starting with an
   * unquoted metric name, without line breaks) that the next series line probably starts with. When it
   * does, that line's label block is not parsed again (it was valid when first seen), and keyMatched()
   * says so after next() returns 'series'; labels() still works (it parses the block on demand).
   * This is the scrape cache's fast path: a known series costs a comparison of its text, no allocation.
   */
  expectKey(key: string): void;
  /** After 'series': whether the line started with the key given to expectKey(). */
  keyMatched(): boolean;
}

// Character codes.
const TAB = 9;
const NL = 10;
const SP = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQ = 61;
const BSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

// Per-label slots in the offsets array.
const SLOTS = 5; // nameStart, nameEnd, valueStart, valueEnd, flags
const F_NAME_ESC = 1; // quoted name containing escapes
const F_VALUE_ESC = 2; // value containing escapes

const TEXT_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};
const OM_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  info: 'info',
  stateset: 'stateset',
  unknown: 'unknown',
};

/** Creates a pull parser over one page in Prometheus text 0.0.4 or OpenMetrics 1.0 format. */
export function createParser(
  input: string | Uint8Array,
  format: ExpositionFormat,
  options?: ParserOptions,
): ExpositionTextParser {
  return new Parser(input, format, options);
}

class Parser implements ExpositionTextParser {
  private s: string;
  private readonly n: number;
  private readonly om: boolean;
  private readonly skipCreated: boolean;
  private readonly lenient: boolean;
  private pos = 0;
  /** Line number of lineStart. */
  private lineNo = 1;
  private lineStart = 0;
  private entryLine = 0;
  private finished = false;
  private decodeError: ExpositionError | null = null;

  // Current series.
  private keyStart = 0;
  private keyEnd = 0;
  private nameStart = -1;
  private nameEnd = -1;
  private nameEsc = false;
  private offs = new Int32Array(16 * SLOTS);
  private nLabels = 0;
  private val = 0;
  private ts = 0;
  private hasTs = false;
  private seriesTypeCache: MetricType | null = null;
  /** See expectKey(); consumed by the next series line. */
  private hint: string | null = null;
  private matched = false;
  /** The current series came through the expectKey() fast path: its label offsets are not filled yet. */
  private labelsPending = false;

  // Current metadata entry.
  private metaStart = 0;
  private metaEnd = 0;
  private metaEsc = false;
  private textStart = 0;
  private textEnd = 0;
  private curType: MetricType = 'unknown';

  // Family of the last TYPE line, used for suffix handling.
  private famName = '';
  private famType: MetricType = 'unknown';

  constructor(input: string | Uint8Array, format: ExpositionFormat, options?: ParserOptions) {
    this.om = format === 'openmetrics';
    this.skipCreated = options?.skipCreatedSeries === true;
    this.lenient = options?.lenientEscapes === true;
    if (typeof input === 'string') {
      this.s = input;
      try {
        checkWellFormed(input);
      } catch (e) {
        this.decodeError = e as ExpositionError;
      }
    } else {
      try {
        this.s = decodeExposition(input);
      } catch (e) {
        this.s = '';
        this.decodeError = e as ExpositionError;
      }
    }
    this.n = this.s.length;
  }

  next(): EntryKind | null {
    if (this.finished) return null;
    if (this.decodeError !== null) {
      this.finished = true;
      throw this.decodeError;
    }
    try {
      return this.om ? this.nextOpenMetrics() : this.nextText();
    } catch (e) {
      this.finished = true;
      throw e;
    }
  }

  // ---- Prometheus text 0.0.4 ----

  private nextText(): EntryKind | null {
    const s = this.s;
    const n = this.n;
    for (;;) {
      let p = this.pos;
      if (p >= n) {
        this.finished = true;
        return null;
      }
      this.entryLine = this.lineNo;
      let c = s.charCodeAt(p);
      while (c === SP || c === TAB) c = s.charCodeAt(++p);
      if (c === NL) {
        this.newline(p);
        continue;
      }
      if (p >= n) {
        this.pos = p;
        continue;
      }
      if (c === HASH) {
        const kind = this.textComment(p);
        if (kind !== null) return kind;
        continue;
      }
      // Prometheus makes leading blanks part of the metric name, which then fails validation.
      if (p !== this.pos) this.fail(this.pos, 'unexpected whitespace before the metric name');
      this.parseSeries(p);
      return 'series';
    }
  }

  /** Marks the newline at p as consumed. */
  private newline(p: number): void {
    this.pos = p + 1;
    this.lineNo++;
    this.lineStart = p + 1;
  }

  /** Text format line starting with '#': HELP, TYPE or a comment. Returns null for a skipped comment. */
  private textComment(p: number): EntryKind | null {
    const s = this.s;
    let q = p + 1;
    let c = s.charCodeAt(q);
    if (c === SP || c === TAB) {
      while (c === SP || c === TAB) c = s.charCodeAt(++q);
      let kind: 'help' | 'type' | null = null;
      if (this.startsWith(q, 'HELP')) kind = 'help';
      else if (this.startsWith(q, 'TYPE')) kind = 'type';
      if (kind !== null) {
        const after = s.charCodeAt(q + 4);
        if (after === SP || after === TAB) {
          q += 4;
          while (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB) q++;
          return this.textMeta(kind, q);
        }
      }
    }
    // A plain comment: skip to the end of the line.
    const end = this.lineEnd(q);
    this.textStart = q;
    this.textEnd = end;
    this.finishLine(end);
    return 'comment';
  }

  private textMeta(kind: 'help' | 'type', q: number): EntryKind {
    const s = this.s;
    q = this.metaName(q, kind === 'help' ? 'HELP' : 'TYPE');
    const end = this.lineEnd(q);
    // Prometheus takes the character after the name as the separator, whatever it is, and the rest of
    // the line verbatim: "# TYPE a  counter" has the type " counter" (invalid), and extra blanks
    // before a HELP text are kept.
    this.textStart = q < end ? q + 1 : end;
    this.textEnd = end;
    if (kind === 'type') {
      // Trailing blanks are part of the word, so "counter " is invalid, as in Prometheus.
      const word = s.slice(this.textStart, end);
      const t = TEXT_TYPES[word];
      if (t === undefined) this.fail(this.textStart, `invalid metric type ${JSON.stringify(word)}`);
      this.setType(t);
    }
    this.finishLine(end);
    return kind;
  }

  // ---- OpenMetrics 1.0 ----

  private nextOpenMetrics(): EntryKind | null {
    const s = this.s;
    for (;;) {
      const p = this.pos;
      if (p >= this.n) this.fail(p, 'data does not end with # EOF');
      this.entryLine = this.lineNo;
      const c = s.charCodeAt(p);
      if (c === HASH) {
        if (s.charCodeAt(p + 1) !== SP)
          this.fail(p, 'invalid comment: OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF');
        const q = p + 2;
        if (this.startsWith(q, 'EOF')) {
          let e = q + 3;
          if (e < this.n && s.charCodeAt(e) === NL) e++;
          else if (e < this.n) this.fail(e, 'expected line break after # EOF');
          if (e < this.n) {
            this.lineNo++;
            this.lineStart = e;
            this.fail(e, 'unexpected data after # EOF');
          }
          this.pos = e;
          this.finished = true;
          return 'eof';
        }
        let kind: 'help' | 'type' | 'unit' | null = null;
        if (this.startsWith(q, 'HELP ')) kind = 'help';
        else if (this.startsWith(q, 'TYPE ')) kind = 'type';
        else if (this.startsWith(q, 'UNIT ')) kind = 'unit';
        if (kind === null) this.fail(p, 'invalid comment: OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF');
        return this.omMeta(kind, q + 5);
      }
      if (c === NL) this.fail(p, 'empty line is not allowed in OpenMetrics');
      if (c === SP || c === TAB) this.fail(p, 'unexpected whitespace at start of line');
      this.parseSeries(p);
      if (this.skipCreated && this.isCreatedSeries()) continue;
      return 'series';
    }
  }

  private omMeta(kind: 'help' | 'type' | 'unit', q: number): EntryKind {
    const s = this.s;
    const word = kind.toUpperCase();
    q = this.metaName(q, word);
    const end = this.lineEnd(q);
    if (end >= this.n) this.fail(end, 'data does not end with # EOF');
    if (q === end) this.fail(q, `expected text in ${word}`);
    if (s.charCodeAt(q) !== SP) this.fail(q, `expected a space after metric name in ${word}`);
    this.textStart = q + 1;
    this.textEnd = end;
    if (kind === 'type') {
      const t = OM_TYPES[s.slice(q + 1, end)];
      if (t === undefined) this.fail(q + 1, `invalid metric type ${JSON.stringify(s.slice(q + 1, end))}`);
      this.setType(t);
    } else if (kind === 'unit') {
      const unit = s.slice(q + 1, end);
      const name = this.familyName();
      if (unit !== '' && !(name.length > unit.length + 1 && name.endsWith(`_${unit}`))) {
        this.fail(q + 1, `unit ${JSON.stringify(unit)} is not a suffix of metric ${JSON.stringify(name)}`);
      }
    }
    this.finishLine(end);
    return kind;
  }

  private isCreatedSeries(): boolean {
    const t = this.famType;
    if (t !== 'counter' && t !== 'histogram' && t !== 'summary' && t !== 'gaugehistogram') return false;
    const fl = this.famName.length;
    if (this.nameEnd - this.nameStart !== fl + 8 || this.nameEsc) return false;
    return this.startsWith(this.nameStart, this.famName) && this.startsWith(this.nameStart + fl, '_created');
  }

  // ---- shared pieces ----

  private setType(t: MetricType): void {
    this.curType = t;
    this.famName = this.familyName();
    this.famType = t;
  }

  /** Parses the metric name of a HELP/TYPE/UNIT line at q; returns the position after it. */
  private metaName(q: number, word: string): number {
    const s = this.s;
    const c = s.charCodeAt(q);
    if (c === QUOTE) {
      const e = this.quoted(q, false, 'metric name');
      this.metaStart = q + 1;
      this.metaEnd = e - 1;
      this.metaEsc = this.lastQuotedEsc;
      if (e - 2 === q) this.fail(q, 'empty metric name');
      return e;
    }
    if (!isNameStart(c)) this.fail(q, `expected metric name after ${word}`);
    let e = q + 1;
    while (isNameChar(s.charCodeAt(e))) e++;
    this.metaStart = q;
    this.metaEnd = e;
    this.metaEsc = false;
    return e;
  }

  expectKey(key: string): void {
    this.hint = key;
  }

  keyMatched(): boolean {
    return this.matched;
  }

  /**
   * The expectKey() fast path: when the line at p starts with the expected key, followed by what may
   * follow a complete series text, records the key and name positions and returns the position after
   * the key; otherwise returns -1.
   */
  private matchHint(p: number, hint: string): number {
    const s = this.s;
    const e = p + hint.length;
    // A slice and === is a native compare (startsWith(hint, p) measured several times slower here).
    if (s.slice(p, e) !== hint) return -1;
    let c = s.charCodeAt(e);
    if (c !== SP && (c !== TAB || this.om)) return -1;
    if (!this.om) {
      // "name {...}" in the text format: the key of this line would include the label block.
      let q = e;
      while (c === SP || c === TAB) c = s.charCodeAt(++q);
      if (c === LBRACE) return -1;
    }
    let n = p;
    if (!isNameStart(s.charCodeAt(n))) return -1;
    n++;
    while (isNameChar(s.charCodeAt(n))) n++;
    this.keyStart = p;
    this.keyEnd = e;
    this.nameStart = p;
    this.nameEnd = n;
    this.nameEsc = false;
    this.nLabels = 0;
    this.labelsPending = n < e;
    this.seriesTypeCache = null;
    return e;
  }

  /** Fills the label offsets of a series taken through the fast path (for labels()). */
  private parsePendingLabels(): void {
    this.labelsPending = false;
    const s = this.s;
    let p = this.nameEnd;
    let c = s.charCodeAt(p);
    while (c === SP || c === TAB) c = s.charCodeAt(++p);
    if (c === LBRACE) this.labelBlock(p);
  }

  /** Series line: name, optional label block, value, optional timestamp (and exemplar in OpenMetrics). */
  private parseSeries(p: number): void {
    const s = this.s;
    const om = this.om;
    const hint = this.hint;
    this.matched = false;
    this.labelsPending = false;
    if (hint !== null) {
      this.hint = null;
      const e = this.matchHint(p, hint);
      if (e >= 0) {
        this.matched = true;
        this.parseValue(e);
        return;
      }
    }
    this.keyStart = p;
    this.nameStart = -1;
    this.nameEsc = false;
    this.nLabels = 0;
    this.seriesTypeCache = null;
    let c = s.charCodeAt(p);
    if (isNameStart(c)) {
      let e = p + 1;
      while (isNameChar(s.charCodeAt(e))) e++;
      this.nameStart = p;
      this.nameEnd = e;
      p = e;
      this.keyEnd = p;
      c = s.charCodeAt(p);
      if (!om) while (c === SP || c === TAB) c = s.charCodeAt(++p);
      if (c === LBRACE) {
        p = this.labelBlock(p);
        this.keyEnd = p;
      }
    } else if (c === LBRACE) {
      p = this.labelBlock(p);
      this.keyEnd = p;
      if (this.nameStart < 0) this.fail(this.keyStart, 'metric name not set');
    } else if (c === 60 /* < */ && this.keyStart === 0) {
      this.fail(p, 'expected a metric name, got "<" (is this an HTML page?)');
    } else {
      this.fail(p, `expected a metric name or "{", got ${describe(s, p)}`);
    }
    this.parseValue(p);
  }

  /** The value, timestamp (and exemplar) after the series text at p. */
  private parseValue(p: number): void {
    const s = this.s;
    const om = this.om;
    let c = s.charCodeAt(p);
    if (om) {
      if (c !== SP) this.fail(p, `expected a space and a value after the metric, got ${describe(s, p)}`);
      p++;
    } else {
      while (c === SP || c === TAB) c = s.charCodeAt(++p);
    }
    const vs = p;
    while (p < this.n && (c = s.charCodeAt(p)) !== SP && c !== NL && (c !== TAB || om)) p++;
    if (p === vs) this.fail(p, `expected a value after the metric, got ${describe(s, p)}`);
    this.val = parseGoFloat(s, vs, p);
    if (floatError !== '') this.fail(vs, floatError);
    this.hasTs = false;
    if (om) this.omAfterValue(p);
    else this.textAfterValue(p);
  }

  private textAfterValue(p: number): void {
    const s = this.s;
    let c = s.charCodeAt(p);
    while (c === SP || c === TAB) c = s.charCodeAt(++p);
    if (p >= this.n || c === NL) {
      this.finishLine(p);
      return;
    }
    const tsStart = p;
    while (c >= 48 && c <= 57) c = s.charCodeAt(++p);
    if (p === tsStart) {
      this.fail(tsStart, `expected a timestamp or end of line after the value, got ${describe(s, tsStart)}`);
    }
    if (p < this.n && c !== NL && c !== SP && c !== TAB) {
      this.fail(p, `invalid timestamp: unexpected ${describe(s, p)} (text format timestamps are integer milliseconds)`);
    }
    this.ts = parseIntMs(s, tsStart, p);
    if (Number.isNaN(this.ts)) this.fail(tsStart, 'timestamp out of range');
    this.hasTs = true;
    while (c === SP || c === TAB) c = s.charCodeAt(++p);
    if (p < this.n && c !== NL) this.fail(p, `expected end of line after the timestamp, got ${describe(s, p)}`);
    this.finishLine(p);
  }

  private omAfterValue(p: number): void {
    const s = this.s;
    if (p >= this.n) this.fail(p, 'data does not end with # EOF');
    let c = s.charCodeAt(p);
    if (c === SP) {
      p++;
      c = s.charCodeAt(p);
      if (c !== HASH) {
        const ts = p;
        while (p < this.n && (c = s.charCodeAt(p)) !== SP && c !== NL) p++;
        if (p === ts) this.fail(p, 'expected a timestamp after the value');
        const secs = parseGoFloat(s, ts, p);
        if (floatError !== '') this.fail(ts, `invalid timestamp: ${floatError}`);
        if (Number.isNaN(secs) || secs === Number.POSITIVE_INFINITY || secs === Number.NEGATIVE_INFINITY) {
          this.fail(ts, `invalid timestamp ${s.slice(ts, p)}`);
        }
        this.ts = secondsToMs(secs);
        this.hasTs = true;
        if (p >= this.n) this.fail(p, 'data does not end with # EOF');
        if (c === SP) {
          p++;
          if (s.charCodeAt(p) !== HASH)
            this.fail(p, `expected an exemplar ("# {...}") after the timestamp, got ${describe(s, p)}`);
        }
      }
      if (s.charCodeAt(p) === HASH) {
        if (!this.exemplarAllowed()) {
          this.fail(
            p,
            `exemplars are only allowed on _total, _bucket and _count series, not ${JSON.stringify(this.metricName())}`,
          );
        }
        p = this.exemplar(p);
      }
      c = s.charCodeAt(p);
    }
    if (p >= this.n) this.fail(p, 'data does not end with # EOF');
    if (c !== NL) this.fail(p, `expected end of line, got ${describe(s, p)}`);
    this.finishLine(p);
  }

  /** Prometheus accepts exemplars by series name suffix, whatever the declared type. */
  private exemplarAllowed(): boolean {
    const name = this.nameEsc ? this.metricName() : null;
    const s = name ?? this.s;
    const a = name === null ? this.nameStart : 0;
    const b = name === null ? this.nameEnd : name.length;
    return endsWithAt(s, a, b, '_total') || endsWithAt(s, a, b, '_bucket') || endsWithAt(s, a, b, '_count');
  }

  /** Validates and skips an OpenMetrics exemplar "# {labels} value [timestamp]" at p ('#'). */
  private exemplar(p: number): number {
    const s = this.s;
    if (s.charCodeAt(p + 1) !== SP || s.charCodeAt(p + 2) !== LBRACE) this.fail(p, 'invalid exemplar: expected "# {"');
    p += 3;
    let first = true;
    for (;;) {
      let c = s.charCodeAt(p);
      if (c === RBRACE) {
        p++;
        break;
      }
      if (!first) {
        if (c !== COMMA) this.fail(p, `invalid exemplar: expected "," or "}", got ${describe(s, p)}`);
        c = s.charCodeAt(++p);
      }
      first = false;
      if (c === QUOTE) p = this.quoted(p, false, 'exemplar label name');
      else if (isLabelStart(c)) {
        p++;
        while (isLabelChar(s.charCodeAt(p))) p++;
      } else this.fail(p, `invalid exemplar: expected label name, got ${describe(s, p)}`);
      if (s.charCodeAt(p) !== EQ) this.fail(p, `invalid exemplar: expected "=", got ${describe(s, p)}`);
      p++;
      if (s.charCodeAt(p) !== QUOTE) this.fail(p, `invalid exemplar: expected label value, got ${describe(s, p)}`);
      p = this.quoted(p, false, 'exemplar label value');
    }
    if (s.charCodeAt(p) !== SP) this.fail(p, 'invalid exemplar: expected a space and a value');
    p++;
    let c = 0;
    const vs = p;
    while (p < this.n && (c = s.charCodeAt(p)) !== SP && c !== NL) p++;
    parseGoFloat(s, vs, p);
    if (p === vs || floatError !== '') this.fail(vs, `invalid exemplar value: ${floatError || 'empty'}`);
    if (c === SP && p < this.n) {
      p++;
      const ts = p;
      while (p < this.n && (c = s.charCodeAt(p)) !== SP && c !== NL) p++;
      const t = parseGoFloat(s, ts, p);
      if (p === ts || floatError !== '') this.fail(ts, `invalid exemplar timestamp: ${floatError || 'empty'}`);
      if (Number.isNaN(t) || t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) {
        this.fail(ts, `invalid exemplar timestamp ${s.slice(ts, p)}`);
      }
    }
    return p;
  }

  /**
   * Parses the label block at p ('{'); records label offsets and a quoted metric name.
   * Returns the position after '}'.
   */
  private labelBlock(p: number): number {
    const s = this.s;
    const om = this.om;
    p++;
    let needComma = false;
    for (;;) {
      let c = s.charCodeAt(p);
      if (!om) while (c === SP || c === TAB) c = s.charCodeAt(++p);
      if (c === RBRACE) return this.endLabels(p + 1);
      if (needComma) {
        if (c === COMMA) {
          c = s.charCodeAt(++p);
          if (!om) while (c === SP || c === TAB) c = s.charCodeAt(++p);
          // A trailing comma is fine in the text format, not in OpenMetrics.
          if (c === RBRACE && !om) return this.endLabels(p + 1);
        } else if (om || p >= this.n || c === NL) {
          // The text format lets the comma between labels out (as Prometheus's parser does).
          if (p >= this.n || c === NL) this.fail(p, 'unterminated label block: expected "}"');
          this.fail(p, `expected "," or "}" after label, got ${describe(s, p)}`);
        }
      }
      needComma = true;
      let ns: number;
      let ne: number;
      let flags = 0;
      if (c === QUOTE) {
        const e = this.quoted(p, !om, 'label name');
        ns = p + 1;
        ne = e - 1;
        if (this.lastQuotedEsc) flags |= F_NAME_ESC;
        p = e;
        c = s.charCodeAt(p);
        if (!om) while (c === SP || c === TAB) c = s.charCodeAt(++p);
        if (c === COMMA || c === RBRACE) {
          // A quoted string alone is the metric name (Prometheus 3 UTF-8 names).
          if (this.nameStart >= 0) this.fail(ns - 1, 'metric name already set');
          if (ne === ns) this.fail(ns - 1, 'empty metric name');
          this.nameStart = ns;
          this.nameEnd = ne;
          this.nameEsc = (flags & F_NAME_ESC) !== 0;
          continue;
        }
        if (ne === ns) this.fail(ns - 1, 'empty label name');
      } else if (isLabelStart(c)) {
        ns = p;
        p++;
        while (isLabelChar(s.charCodeAt(p))) p++;
        ne = p;
        c = s.charCodeAt(p);
        if (!om) while (c === SP || c === TAB) c = s.charCodeAt(++p);
      } else {
        if (p >= this.n || c === NL) this.fail(p, 'unterminated label block: expected "}"');
        this.fail(p, `expected label name, got ${describe(s, p)}`);
      }
      if (c !== EQ) this.fail(p, `expected "=" after label name, got ${describe(s, p)}`);
      c = s.charCodeAt(++p);
      if (!om) while (c === SP || c === TAB) c = s.charCodeAt(++p);
      if (c !== QUOTE) this.fail(p, `expected label value (a quoted string), got ${describe(s, p)}`);
      const e = this.quoted(p, !om, 'label value');
      if (this.lastQuotedEsc) flags |= F_VALUE_ESC;
      this.addLabel(ns, ne, p + 1, e - 1, flags);
      p = e;
    }
  }

  private endLabels(p: number): number {
    this.checkDuplicates();
    return p;
  }

  private addLabel(ns: number, ne: number, vs: number, ve: number, flags: number): void {
    let o = this.offs;
    const at = this.nLabels * SLOTS;
    if (at + SLOTS > o.length) {
      const g = new Int32Array(o.length * 2);
      g.set(o);
      this.offs = o = g;
    }
    o[at] = ns;
    o[at + 1] = ne;
    o[at + 2] = vs;
    o[at + 3] = ve;
    o[at + 4] = flags;
    this.nLabels++;
  }

  private checkDuplicates(): void {
    const o = this.offs;
    const k = this.nLabels;
    const s = this.s;
    for (let i = 1; i < k; i++) {
      const ai = i * SLOTS;
      const an = o[ai + 1] - o[ai];
      for (let j = 0; j < i; j++) {
        const bj = j * SLOTS;
        if ((o[ai + 4] | o[bj + 4]) & F_NAME_ESC) {
          if (this.labelName(ai) === this.labelName(bj)) this.duplicate(ai);
          continue;
        }
        if (o[bj + 1] - o[bj] !== an) continue;
        let same = true;
        for (let x = 0; x < an; x++) {
          if (s.charCodeAt(o[ai] + x) !== s.charCodeAt(o[bj] + x)) {
            same = false;
            break;
          }
        }
        if (same) this.duplicate(ai);
      }
    }
    // A __name__ label would duplicate the metric name.
    for (let i = 0; i < k; i++) {
      const ai = i * SLOTS;
      if (o[ai + 1] - o[ai] === 8 && this.startsWith(o[ai], METRIC_NAME)) this.duplicate(ai);
    }
  }

  private duplicate(at: number): never {
    const o = this.offs;
    const quoted = this.s.charCodeAt(o[at] - 1) === QUOTE;
    this.fail(quoted ? o[at] - 1 : o[at], `duplicate label name ${JSON.stringify(this.labelName(at))}`);
  }

  /** Set by quoted(): whether the string just scanned contained a backslash escape. */
  private lastQuotedEsc = false;
  /** Cached positions of the next backslash and line break at or after some earlier point (see quoted()). */
  private nextBackslash = -1;
  private nextNewline = -1;

  /**
   * Scans a quoted string at p ('"'); returns the position after the closing quote.
   * Raw newlines are allowed only where Prometheus's text lexer allows them (multiline = true).
   */
  private quoted(p: number, multiline: boolean, what: string): number {
    const s = this.s;
    const n = this.n;
    const open = p;
    // Fast path: find the closing quote natively; take it when no backslash or line break comes first.
    // The next backslash and line break positions are cached, so a page without escapes costs one
    // indexOf('\\') in total and one indexOf('\n') per line.
    const close = s.indexOf('"', p + 1);
    if (close >= 0) {
      if (this.nextBackslash < p) {
        const b = s.indexOf('\\', p);
        this.nextBackslash = b < 0 ? n : b;
      }
      if (this.nextNewline < p) {
        const b = s.indexOf('\n', p);
        this.nextNewline = b < 0 ? n : b;
      }
      if (this.nextBackslash > close && this.nextNewline > close) {
        this.lastQuotedEsc = false;
        return close + 1;
      }
    }
    let esc = false;
    p++;
    for (;;) {
      if (p >= n) this.fail(open, `unterminated ${what}`);
      const c = s.charCodeAt(p);
      if (c === QUOTE) {
        this.lastQuotedEsc = esc;
        return p + 1;
      }
      if (c === BSLASH) {
        const d = s.charCodeAt(p + 1);
        if (d !== BSLASH && d !== QUOTE && d !== 110 /* n */) {
          if (p + 1 >= n) this.fail(open, `unterminated ${what}`);
          if (!this.lenient)
            this.fail(p, `invalid escape sequence "\\${s[p + 1]}" in ${what} (only \\\\, \\" and \\n are allowed)`);
        }
        esc = true;
        p += 2;
        continue;
      }
      if (c === NL) {
        if (!multiline) this.fail(open, `unterminated ${what}: line break inside quotes`);
        this.lineNo++;
        this.lineStart = p + 1;
      }
      p++;
    }
  }

  /** End of the current line (index of '\n' or input length) from q. */
  private lineEnd(q: number): number {
    const i = this.s.indexOf('\n', q);
    return i < 0 ? this.n : i;
  }

  /** Consumes the line break at p (if any) and moves to the next line. */
  private finishLine(p: number): void {
    if (p < this.n) this.newline(p);
    else this.pos = p;
  }

  private startsWith(q: number, word: string): boolean {
    const s = this.s;
    if (q + word.length > this.n) return false;
    for (let i = 0; i < word.length; i++) if (s.charCodeAt(q + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  private fail(p: number, msg: string): never {
    let line = this.lineNo;
    let ls = this.lineStart;
    if (p < ls) {
      // An earlier position (e.g. the opening quote of a multi-line label value): recount.
      line = this.lineOf(p);
      ls = this.s.lastIndexOf('\n', p - 1) + 1;
    }
    throw new ExpositionError(line, p - ls + 1, msg);
  }

  private lineOf(p: number): number {
    let line = 1;
    for (let i = this.s.indexOf('\n'); i >= 0 && i < p; i = this.s.indexOf('\n', i + 1)) line++;
    return line;
  }

  // ---- accessors ----

  seriesKey(): string {
    return this.s.slice(this.keyStart, this.keyEnd);
  }

  metricName(): string {
    const raw = this.s.slice(this.nameStart, this.nameEnd);
    return detachString(this.nameEsc ? unescapeQuoted(raw) : raw);
  }

  labels(): Labels {
    if (this.labelsPending) this.parsePendingLabels();
    const k = this.nLabels;
    const o = this.offs;
    const flat: string[] = new Array((k + 1) * 2);
    let len = 0;
    const name = this.metricName();
    const normalize = this.normalizedLabel();
    for (let i = 0; i < k; i++) {
      const at = i * SLOTS;
      let v = this.s.slice(o[at + 2], o[at + 3]);
      if (v === '') continue; // empty values mean "no label", as in Prometheus
      if (o[at + 4] & F_VALUE_ESC) v = unescapeQuoted(v);
      const ln = this.labelName(at);
      if (normalize !== '' && ln === normalize) v = normalizeFloat(v);
      v = detachString(v);
      // insertion into the sorted flat array
      let j = len;
      while (j > 0 && flat[j - 2] > ln) {
        flat[j] = flat[j - 2];
        flat[j + 1] = flat[j - 1];
        j -= 2;
      }
      flat[j] = ln;
      flat[j + 1] = v;
      len += 2;
    }
    // __name__ sorts before lower-case names but after upper-case ones and some symbols.
    let j = len;
    while (j > 0 && flat[j - 2] > METRIC_NAME) {
      flat[j] = flat[j - 2];
      flat[j + 1] = flat[j - 1];
      j -= 2;
    }
    flat[j] = METRIC_NAME;
    flat[j + 1] = name;
    len += 2;
    flat.length = len;
    return Labels.fromSortedFlat(flat);
  }

  /**
   * Prometheus 3 normalises `le` when the last TYPE was histogram and `quantile` when it was summary to
   * the OpenMetrics float form ("1" -> "1.0"), in both text formats. Like Prometheus, this goes by the
   * last TYPE line and the label name only. Returns the label to normalise, or ''.
   */
  private normalizedLabel(): string {
    const t = this.famType;
    return t === 'histogram' ? 'le' : t === 'summary' ? 'quantile' : '';
  }

  private labelName(at: number): string {
    const o = this.offs;
    const raw = this.s.slice(o[at], o[at + 1]);
    return detachString(o[at + 4] & F_NAME_ESC ? unescapeQuoted(raw) : raw);
  }

  value(): number {
    return this.val;
  }

  timestamp(): number | undefined {
    return this.hasTs ? this.ts : undefined;
  }

  metricType(): MetricType {
    if (this.seriesTypeCache !== null) return this.seriesTypeCache;
    let t: MetricType = 'unknown';
    if (this.famName !== '') {
      const name = this.nameEsc ? this.metricName() : null;
      t =
        name !== null
          ? familyTypeOf(name, 0, name.length, this.famName, this.famType)
          : familyTypeOf(this.s, this.nameStart, this.nameEnd, this.famName, this.famType);
    }
    this.seriesTypeCache = t;
    return t;
  }

  familyName(): string {
    const raw = this.s.slice(this.metaStart, this.metaEnd);
    return detachString(this.metaEsc ? unescapeQuoted(raw) : raw);
  }

  help(): string {
    const raw = this.s.slice(this.textStart, this.textEnd);
    if (raw.indexOf('\\') < 0) return detachString(raw);
    return detachString(this.om ? unescapeQuoted(raw) : unescapeHelpText(raw));
  }

  type(): MetricType {
    return this.curType;
  }

  unit(): string {
    return detachString(this.s.slice(this.textStart, this.textEnd));
  }

  line(): number {
    return this.entryLine;
  }
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;
}

function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** A short description of the character at p for error messages. */
function describe(s: string, p: number): string {
  if (p >= s.length) return 'end of input';
  const c = s.charCodeAt(p);
  if (c === NL) return 'end of line';
  return JSON.stringify(String.fromCodePoint(s.codePointAt(p)!));
}

/** Unescapes \\, \" and \n; any other backslash sequence is kept as written. */
function unescapeQuoted(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = raw.indexOf('\\'); i >= 0 && i < raw.length - 1; i = raw.indexOf('\\', i)) {
    const d = raw.charCodeAt(i + 1);
    const rep = d === BSLASH ? '\\' : d === QUOTE ? '"' : d === 110 ? '\n' : null;
    if (rep === null) {
      i += 2;
      continue;
    }
    out += raw.slice(from, i) + rep;
    i += 2;
    from = i;
  }
  return out + raw.slice(from);
}

/** Text-format HELP escapes only \\ and \n. */
function unescapeHelpText(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = raw.indexOf('\\'); i >= 0 && i < raw.length - 1; i = raw.indexOf('\\', i)) {
    const d = raw.charCodeAt(i + 1);
    const rep = d === BSLASH ? '\\' : d === 110 ? '\n' : null;
    if (rep === null) {
      i += 2;
      continue;
    }
    out += raw.slice(from, i) + rep;
    i += 2;
    from = i;
  }
  return out + raw.slice(from);
}

function normalizeFloat(v: string): string {
  const f = parseGoFloat(v, 0, v.length);
  return floatError === '' ? formatOpenMetricsFloat(f) : v;
}

/** Integer milliseconds in s[a, b) (optional '-'); NaN when outside int64. */
function parseIntMs(s: string, a: number, b: number): number {
  const neg = s.charCodeAt(a) === 45;
  let i = neg ? a + 1 : a;
  if (b - i <= 15) {
    let v = 0;
    for (; i < b; i++) v = v * 10 + (s.charCodeAt(i) - 48);
    return neg ? -v : v;
  }
  const big = BigInt(s.slice(a, b));
  if (big > 9223372036854775807n || big < -9223372036854775808n) return Number.NaN;
  return Number(big);
}

/**
 * OpenMetrics seconds to integer ms. Prometheus truncates secs*1000; we do too, except when the product
 * is within a few ulps of an integer, so "1395066363.123" gives ...123 and not ...122 through float error.
 */
function secondsToMs(secs: number): number {
  const ms = secs * 1000;
  const r = Math.round(ms);
  if (Math.abs(ms - r) <= Math.abs(ms) * 1e-15) return r;
  return Math.trunc(ms);
}

/** Whether s[a, b) ends with suffix. */
function endsWithAt(s: string, a: number, b: number, suffix: string): boolean {
  const k = suffix.length;
  if (b - a < k) return false;
  for (let i = 0; i < k; i++) if (s.charCodeAt(b - k + i) !== suffix.charCodeAt(i)) return false;
  return true;
}
