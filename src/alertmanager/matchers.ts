/**
 * Alertmanager's matcher syntax (UTF-8 parser with classic fallback) producing model Matchers on RE2.
 * The parser itself lives in src/config (alertmanager.yml needs it, and config may not import this folder);
 * this module is the alert manager's entry point to it, plus the API's matcher JSON shape.
 */
import { Matcher, MatchType } from '../model/index.ts';

export {
  MatcherParseError,
  matchersMatch,
  matchersToString,
  matcherToString,
  parseMatcher,
  parseMatchers,
  sortMatchers,
} from '../config/alertmanager-index.ts';

/** The API v2 `matcher` object. */
export interface ApiMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export function matcherToApi(m: Matcher): Required<ApiMatcher> {
  return {
    name: m.name,
    value: m.value,
    isRegex: m.type === MatchType.Regex || m.type === MatchType.NotRegex,
    isEqual: m.type === MatchType.Equal || m.type === MatchType.Regex,
  };
}

/** Throws RegexError for a bad regex. isEqual defaults to true. */
export function matcherFromApi(m: ApiMatcher): Matcher {
  const eq = m.isEqual ?? true;
  const type = m.isRegex ? (eq ? MatchType.Regex : MatchType.NotRegex) : eq ? MatchType.Equal : MatchType.NotEqual;
  return new Matcher(type, m.name, m.value);
}
