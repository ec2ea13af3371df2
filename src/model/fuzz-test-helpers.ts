import fc from 'fast-check';

/**
 * Fuzz input for text parsers: a seed with random edits (delete up to `maxDelete` characters at a position, insert
 * a piece or a short random string), since the interesting inputs are almost valid.
 */
export function mutatedText(
  seeds: readonly string[],
  pieces: readonly string[],
  opts: { maxDelete: number; maxInsert: number; maxEdits: number },
): fc.Arbitrary<string> {
  const insert = fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: opts.maxInsert }));
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.nat(opts.maxDelete), insert), { maxLength: opts.maxEdits }),
    )
    .map(([seed, edits]) => {
      let s = seed;
      for (const [at, del, ins] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ins + s.slice(i + del);
      }
      return s;
    });
}
