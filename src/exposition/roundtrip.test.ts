import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Labels } from '../model/index.ts';
import { createParser, type ExpositionFormat, type MetricFamily, writeOpenMetrics, writeText } from './index.ts';

// Awkward strings: escapes, quotes, braces, commas, '#', non-ASCII and astral characters.
const awkwardChar = fc.constantFrom('\\', '"', '\n', '{', '}', ',', '=', '#', ' ', '\t', 'é', '€', '😀', 'a', 'Z', '0');
const labelValue = fc.oneof(
  fc.string({
    unit: fc.oneof(awkwardChar, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    minLength: 1,
    maxLength: 12,
  }),
  fc.constantFrom('0', '+Inf', 'NaN', 'x'),
);
const legacyName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
const utf8Name = fc.string({ unit: fc.oneof(awkwardChar, fc.constantFrom('.', '-', '/')), minLength: 1, maxLength: 8 });
const labelName = fc
  .oneof({ weight: 4, arbitrary: legacyName }, { weight: 1, arbitrary: utf8Name })
  .filter((n) => n !== '__name__');
const metricName = fc.oneof({ weight: 4, arbitrary: legacyName }, { weight: 1, arbitrary: utf8Name });
const value = fc.oneof(
  fc.double(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e21, 1e-7),
);
// Text-format timestamps are unsigned in Prometheus's parser, so only the epoch onwards.
const timestamp = fc.option(fc.integer({ min: 0, max: 4e12 }), { nil: undefined });

const sample = fc.record({
  name: metricName,
  labels: fc.dictionary(labelName, labelValue, { maxKeys: 4 }),
  value,
  timestamp,
});
const families = fc.array(
  fc.record({
    name: metricName,
    help: fc.string({
      unit: fc.oneof(awkwardChar, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
      maxLength: 20,
    }),
    type: fc.constantFrom('counter', 'gauge', 'unknown', 'info', 'stateset') as fc.Arbitrary<MetricFamily['type']>,
    samples: fc.array(sample, { minLength: 1, maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 4 },
);

type GenFamilies = typeof families extends fc.Arbitrary<infer T> ? T : never;

function toFamilies(fs: GenFamilies): MetricFamily[] {
  return fs.map((f) => ({
    name: f.name,
    help: f.help,
    type: f.type,
    samples: f.samples.map((s) => ({
      labels: Labels.fromObject({ ...s.labels, __name__: s.name }),
      value: s.value,
      timestamp: s.timestamp,
    })),
  }));
}

function roundTrip(format: ExpositionFormat, write: (f: MetricFamily[]) => string) {
  fc.assert(
    fc.property(families, (fs) => {
      const fams = toFamilies(fs);
      const page = write(fams);
      const expected = fams.flatMap((f) => f.samples);
      const p = createParser(page, format);
      let i = 0;
      const helps: string[] = [];
      for (let e = p.next(); e !== null; e = p.next()) {
        if (e === 'help') helps.push(p.help());
        if (e !== 'series') continue;
        const want = expected[i++];
        assert.deepEqual(p.labels().flat, want.labels.flat);
        assert.ok(Object.is(p.value(), want.value), `value ${p.value()} vs ${want.value}`);
        assert.equal(p.timestamp(), want.timestamp);
      }
      assert.equal(i, expected.length);
      assert.deepEqual(
        helps,
        fams.filter((f) => f.help !== '').map((f) => f.help),
      );
    }),
    { numRuns: 300 },
  );
}

test('families -> writeText -> parse gives the same samples', () => {
  roundTrip('text', writeText);
});

test('families -> writeOpenMetrics -> parse gives the same samples', () => {
  roundTrip('openmetrics', writeOpenMetrics);
});

test('arbitrary bytes never crash the parser: they parse or raise ExpositionError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom('text', 'openmetrics'), (bytes, format) => {
      try {
        const p = createParser(bytes, format as ExpositionFormat);
        while (p.next() !== null) {
          p.seriesKey();
          p.labels();
        }
      } catch (e) {
        assert.equal((e as Error).name, 'Error');
        assert.match((e as Error).message, /^\d+:\d+: /);
      }
    }),
    { numRuns: 500 },
  );
});
