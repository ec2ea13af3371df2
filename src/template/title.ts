/**
 * Title-casing of words. Prometheus uses strings.Title semantics (upper-case the first letter of each
 * word, leave the rest); Alertmanager uses golang.org/x/text/cases.Title, which also lower-cases the rest.
 * A word is a run of letters, digits, marks, '_' and apostrophes or dots between letters.
 */
function isWordRune(ch: string): boolean {
  return /[\p{L}\p{N}\p{M}_]/u.test(ch);
}

export function titleCase(s: string, lowerRest: boolean): string {
  const chars = [...s];
  let out = '';
  let inWord = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    let word = isWordRune(ch);
    if (
      !word &&
      lowerRest &&
      (ch === "'" || ch === '.' || ch === '’') &&
      inWord &&
      i + 1 < chars.length &&
      /\p{L}/u.test(chars[i + 1])
    ) {
      word = true;
    }
    if (word && !inWord) out += ch.toUpperCase();
    else if (word && lowerRest) out += ch.toLowerCase();
    else out += ch;
    inWord = word;
  }
  return out;
}
