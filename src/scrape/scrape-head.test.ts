import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { equalMatcher, isStaleNaN } from '../model/index.ts';
import { Head } from '../tsdb/index.ts';
import { ScrapeManager } from './index.ts';
import { prometheusConfig, scrapeConfig, waitFor } from './test-helpers.ts';

function values(head: Head, name: string): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  for (const s of head.querier().select([equalMatcher('__name__', name)], 0, Number.MAX_SAFE_INTEGER)) {
    const it = s.iterator();
    while (it.next()) out.push({ t: it.t, v: it.v });
  }
  return out;
}

test('scraping into the TSDB head: samples, report series and staleness markers are queryable', async () => {
  let page = '# TYPE h gauge\nh{k="a"} 1\nh_gone 3\n';
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const head = new Head();
  const m = new ScrapeManager({ appendable: head });
  try {
    m.applyConfig(
      prometheusConfig([
        scrapeConfig({
          job_name: 'h',
          scrape_interval: 100,
          scrape_timeout: 80,
          static_configs: [{ targets: [addr], labels: {} }],
        }),
      ]),
    );
    await waitFor(() => values(head, 'h_gone').length > 0, 3000, 'first scrape');
    page = '# TYPE h gauge\nh{k="a"} 2\n';
    await waitFor(() => values(head, 'h_gone').some((s) => isStaleNaN(s.v)), 3000, 'stale marker in head');
    const up = values(head, 'up');
    assert.ok(up.length >= 2 && up.every((s) => s.v === 1));
    const h = values(head, 'h');
    assert.equal(h[0].v, 1);
    assert.ok(h.some((s) => s.v === 2));
    // Timestamps increase and are shared by page and report series.
    assert.deepEqual(
      h.map((s) => s.t),
      up.slice(0, h.length).map((s) => s.t),
    );
  } finally {
    await m.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
