import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createParser } from '../../exposition/index.ts';
import { makeFakeTree, seriesValue, viewFamilies } from '../test-util.ts';
import { HostCollector } from './index.ts';

const parser = (t: string) => createParser(t, 'text');

test('textfile: *.prom files exposed with their types, mtime per file, errors flagged', async () => {
  const t = await makeFakeTree({
    'text/a.prom': '# HELP jobs_done Jobs done.\n# TYPE jobs_done counter\njobs_done{q="x"} 7\nplain 2\n',
    'text/b.prom': '# TYPE lat summary\nlat{quantile="0.5"} 0.2\nlat_sum 9\nlat_count 30\n',
    'text/stamped.prom': 'with_ts 1 1700000000000\n',
    'text/notes.txt': 'ignored 1\n',
  });
  try {
    const errors: string[] = [];
    const dir = join(t.root, 'text');
    const c = new HostCollector({
      procPath: t.proc,
      enabled: ['textfile'],
      textfileDirectory: dir,
      textfileParser: parser,
      onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    });
    const raw = await c.collect();
    const f = viewFamilies(raw);
    assert.equal(seriesValue(f, 'jobs_done', '{q="x"}'), 7);
    assert.equal(f.get('jobs_done')!.type, 'counter');
    assert.equal(f.get('jobs_done')!.help, 'Jobs done.');
    assert.equal(f.get('plain')!.type, 'unknown');
    assert.equal(f.get('plain')!.help, `Metric read from ${join(dir, 'a.prom')}`);
    const lat = raw.find((x) => x.name === 'lat')!;
    assert.equal(lat.type, 'summary');
    assert.deepEqual(
      lat.samples.map((s) => s.labels.metricName),
      ['lat', 'lat_sum', 'lat_count'],
    );
    assert.equal(f.has('with_ts'), false, 'a file with timestamps is rejected whole');
    assert.equal(f.has('ignored'), false);
    assert.equal(seriesValue(f, 'node_textfile_scrape_error'), 1);
    const mtime = Math.floor((await stat(join(dir, 'a.prom'))).mtimeMs / 1000);
    assert.equal(seriesValue(f, 'node_textfile_mtime_seconds', `{file="${join(dir, 'a.prom')}"}`), mtime);
    assert.equal(f.get('node_textfile_mtime_seconds')!.series.size, 2);
    assert.equal(seriesValue(f, 'node_scrape_collector_success', '{collector="textfile"}'), 1);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^textfile: .*timestamps/);
  } finally {
    await t.cleanup();
  }
});

test('textfile: a missing directory is a scrape error, not a failed collector', async () => {
  const t = await makeFakeTree();
  try {
    const c = new HostCollector({
      enabled: ['textfile'],
      textfileDirectory: join(t.root, 'nope'),
      textfileParser: parser,
    });
    const f = viewFamilies(await c.collect());
    assert.equal(seriesValue(f, 'node_textfile_scrape_error'), 1);
    assert.equal(seriesValue(f, 'node_scrape_collector_success', '{collector="textfile"}'), 1);
  } finally {
    await t.cleanup();
  }
});

test('textfile needs both a directory and a parser', () => {
  assert.throws(() => new HostCollector({ textfileDirectory: '/tmp' }), /must be given together/);
  assert.throws(() => new HostCollector({ enabled: ['textfile'] }), /unknown host collector/);
});
