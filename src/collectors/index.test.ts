import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricFamily } from '../exposition/types.ts';
import { Labels } from '../model/index.ts';
import { type Collector, collectToFamilies } from './index.ts';

function fixed(name: string, families: MetricFamily[]): Collector {
  return { name, collect: async () => families };
}

const gauge = (name: string, value: number, ...pairs: string[]): MetricFamily => ({
  name,
  help: `${name} help`,
  type: 'gauge',
  samples: [{ labels: Labels.fromPairs(['__name__', name, ...pairs]), value }],
});

test('collectToFamilies merges families of the same name and keeps going when one collector fails', async () => {
  const a = gauge('up_things', 1, 'src', 'a');
  const errors: string[] = [];
  const out = await collectToFamilies(
    [
      fixed('a', [a]),
      { name: 'broken', collect: () => Promise.reject(new Error('boom')) },
      fixed('b', [gauge('up_things', 2, 'src', 'b'), gauge('other', 3)]),
    ],
    (name, err) => errors.push(`${name}: ${(err as Error).message}`),
  );
  assert.deepEqual(
    out.map((f) => [f.name, f.samples.map((s) => `${s.labels.get('src')}=${s.value}`)]),
    [
      ['up_things', ['a=1', 'b=2']],
      ['other', ['=3']],
    ],
  );
  assert.deepEqual(errors, ['broken: boom']);
  assert.equal(a.samples.length, 1, "the collector's own family is not mutated");
});
