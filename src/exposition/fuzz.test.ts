/**
 * Fuzzing the exposition parser with hostile scrape bodies: it either parses or throws ExpositionError,
 * never anything else; every input finishes within a time budget; the number of entries is bounded by
 * the input length. Short by default; FUZZ_RUNS=<n> runs longer (npm run fuzz).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutatedText } from '../model/fuzz-test-helpers.ts';
import { createParser } from './parser.ts';
import { ExpositionError, type ExpositionFormat } from './types.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
// Long runs (npm run fuzz) have no per-test timeout; the short default must finish in seconds.
// Generous under a loaded CI machine; a hang still fails.
const TIMEOUT = process.env.FUZZ_RUNS ? Number.POSITIVE_INFINITY : 60_000;
// A hang guard, not a performance target: loose enough for a loaded CI machine.
const BUDGET_MS = 5000; // catches super-linear blow-ups (minutes), not slowness on a loaded machine

const SEEDS = [
  '# HELP http_requests_total Total.\n# TYPE http_requests_total counter\nhttp_requests_total{method="get",code="200"} 1027 1395066363000\n',
  '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n',
  '# TYPE s summary\ns{quantile="0.9"} NaN\ns_sum -Inf\ns_count 0\n',
  '# TYPE foo counter\n# UNIT foo seconds\nfoo_total 1.5e3 # {trace_id="abc"} 1 1.0\nfoo_created 1\n# EOF\n',
  '{"utf8.metric", "a\\\\b"="c\\"d\\n"} 1\n',
];

const PIECES = [
  '#',
  ' ',
  '\n',
  '{',
  '}',
  '=',
  '"',
  ',',
  '\\',
  'le',
  '_total',
  'NaN',
  '+Inf',
  '1e308',
  '# EOF',
  '# TYPE',
  '# HELP',
  '# UNIT',
  'a',
  '0',
  '-',
  '.',
  '\t',
  '\u00ff',
  '\u{1F600}',
];

/** Seeds with random edits: the interesting inputs are almost valid. */
const mutated = mutatedText(SEEDS, PIECES, { maxDelete: 4, maxInsert: 3, maxEdits: 8 });

const input = fc.oneof(
  mutated,
  fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join('')),
  fc.string({ maxLength: 200, unit: 'binary' }),
);

function drain(text: string | Uint8Array, format: ExpositionFormat): number {
  const p = createParser(text, format);
  let n = 0;
  for (let e = p.next(); e !== null; e = p.next()) {
    n++;
    if (e === 'series') {
      p.seriesKey();
      p.labels();
      p.value();
      p.timestamp();
    }
  }
  return n;
}

for (const format of ['text', 'openmetrics'] as const) {
  test(`exposition ${format}: only ExpositionError, bounded time and output`, { timeout: TIMEOUT }, () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(input, fc.boolean(), fc.boolean(), (raw, asBytes, eof) => {
        // OpenMetrics needs the # EOF line; add it to half the inputs so both outcomes are reached.
        const text = eof ? `${raw}${raw.endsWith('\n') ? '' : '\n'}# EOF\n` : raw;
        const t = performance.now();
        try {
          const n = drain(asBytes ? new TextEncoder().encode(text) : text, format);
          assert.ok(n <= text.length + 1, `${n} entries from ${text.length} characters`);
          accepted++;
        } catch (e) {
          if (!(e instanceof ExpositionError)) throw e;
          assert.ok(e.message.length > 0 && e.message.length < 2000, 'error message is short and not empty');
          rejected++;
        }
        assert.ok(performance.now() - t < BUDGET_MS, `took ${performance.now() - t} ms`);
      }),
      { numRuns: RUNS },
    );
    // The generators must reach both outcomes, or the fuzzer tests nothing.
    assert.ok(accepted > 0 && rejected > 0, `accepted ${accepted}, rejected ${rejected}`);
  });
}

test('exposition: huge label values and many labels stay linear', { timeout: TIMEOUT }, () => {
  const labels = Array.from({ length: 5000 }, (_, i) => `l${i}="${i}"`).join(',');
  const big = `m{${labels}} 1\nv{a="${'x'.repeat(1_000_000)}"} 2\n`;
  const t = performance.now();
  assert.equal(drain(big, 'text'), 2);
  assert.ok(performance.now() - t < 1000);
});
