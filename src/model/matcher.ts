import { RE2JS } from 're2js';

/**
 * Label matchers (=, !=, =~, !~) with RE2 regular expressions, fully anchored as in Prometheus.
 * JavaScript's RegExp never sees a user's pattern; literal and alternation patterns take fast paths.
 */
export enum MatchType {
  Equal = '=',
  NotEqual = '!=',
  Regex = '=~',
  NotRegex = '!~',
}

export class RegexError extends Error {}

/** A compiled, fully anchored RE2 regular expression with fast paths. */
export class AnchoredRegex {
  readonly source: string;
  private readonly re: RE2JS | null;
  /** Set when the pattern is a plain literal or alternation of literals. */
  private readonly literals: Set<string> | null;
  private readonly matchesAll: boolean;
  private readonly prefix: string | null;

  constructor(source: string) {
    this.source = source;
    let re: RE2JS;
    try {
      re = RE2JS.compile(`^(?s:${source})$`);
    } catch (e) {
      throw new RegexError(`error parsing regexp: ${stripRe2Prefix((e as Error).message, source)}`);
    }
    this.matchesAll = source === '.*' || source === '(?s:.*)';
    this.literals = literalAlternation(source);
    this.prefix = this.literals ? null : literalPrefixDotStar(source);
    this.re = this.literals || this.matchesAll || this.prefix !== null ? null : re;
  }

  matches(s: string): boolean {
    if (this.matchesAll) return true;
    if (this.literals) return this.literals.has(s);
    if (this.prefix !== null) return s.startsWith(this.prefix);
    return this.re!.matches(s);
  }

  /** For relabeling: the capture groups of a full match, or null. Index 0 is the whole match. */
  exec(s: string): string[] | null {
    const re = this.re ?? RE2JS.compile(`^(?s:${this.source})$`);
    const m = re.matcher(s);
    if (!m.matches()) return null;
    const out: string[] = [];
    for (let i = 0; i <= m.groupCount(); i++) out.push(m.group(i) ?? '');
    return out;
  }

  /** Named groups of the pattern, name -> index. */
  namedGroups(): Record<string, number> {
    const re = this.re ?? RE2JS.compile(`^(?s:${this.source})$`);
    return re.namedGroups() as Record<string, number>;
  }

  /** The literal values this regex can match, when it is a plain alternation of literals. */
  setMatches(): string[] | null {
    return this.literals ? [...this.literals] : null;
  }
}

function stripRe2Prefix(msg: string, _src: string): string {
  return msg.replace(/^error parsing regexp: /, '');
}

const META = /[\\.+*?()|[\]{}^$]/;

/** "a|b|c" with no metacharacters -> Set{a,b,c}. */
function literalAlternation(src: string): Set<string> | null {
  if (src === '') return new Set(['']);
  const parts = src.split('|');
  for (const p of parts) if (META.test(p)) return null;
  return new Set(parts);
}

/** "foo.*" with a literal prefix -> "foo". (?s) makes . match newlines, so .* matches any suffix. */
function literalPrefixDotStar(src: string): string | null {
  if (!src.endsWith('.*')) return null;
  const p = src.slice(0, -2);
  if (p === '' || META.test(p)) return null;
  return p;
}

export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  private readonly re: AnchoredRegex | null;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.re = type === MatchType.Regex || type === MatchType.NotRegex ? new AnchoredRegex(value) : null;
  }

  matches(v: string): boolean {
    switch (this.type) {
      case MatchType.Equal:
        return v === this.value;
      case MatchType.NotEqual:
        return v !== this.value;
      case MatchType.Regex:
        return this.re!.matches(v);
      case MatchType.NotRegex:
        return !this.re!.matches(v);
    }
  }

  /** True when the matcher accepts the empty string (so it also matches series without the label). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** Literal values for =~ "a|b" matchers; null otherwise. */
  setMatches(): string[] | null {
    return this.re ? this.re.setMatches() : null;
  }

  toString(): string {
    const n = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.name) ? this.name : JSON.stringify(this.name);
    return `${n}${this.type}${JSON.stringify(this.value)}`;
  }
}

export function equalMatcher(name: string, value: string): Matcher {
  return new Matcher(MatchType.Equal, name, value);
}
