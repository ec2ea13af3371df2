import { createParser } from '../../exposition/index.ts';
import { Head } from '../../tsdb/index.ts';
import { ScrapeLoop } from '../scrape-loop.ts';
import { newScrapeStats } from '../scrape-loop.ts';
import { loopSettings } from '../scrape-pool.ts';
import { Target } from '../target.ts';
import { populateLabels } from '../target.ts';
import { scrapeConfig } from '../test-helpers.ts';

const S = 2000, T = 50;
function page(target: number, n: number): string {
  const parts: string[] = [];
  for (let k = 0; k < S; k++) parts.push(`bench_requests_${k%40}_total{handler="/api/v1/endpoint_${k % 97}",method="${k % 3 === 0 ? 'POST' : 'GET'}",code="${200 + (k % 5)}",shard="${target}",id="${k}"} ${n * ((k % 7) + 1) + (k % 13)}\n`);
  return parts.join('');
}
const head = new Head();
const cfg = scrapeConfig({ job_name: 'b', scrape_interval: 5000, scrape_timeout: 5000 });
const loops: ScrapeLoop[] = [];
let n = 0;
for (let i = 0; i < T; i++) {
  const r = populateLabels({ __address__: `h${i}:1` }, {}, cfg, []);
  const t = new Target(r.labels!, r.discovered, 'b', {});
  loops.push(new ScrapeLoop({ target: t, appendable: head, fetch: async () => ({ body: page(i, n), contentType: 'text/plain' }), settings: loopSettings(cfg, []), stats: newScrapeStats(), logger: console as any }));
}
const mode = process.argv[2] ?? 'full';
let now = 1_700_000_000_000;
for (let round = 0; round < Number(process.env.ROUNDS ?? 30); round++) {
  n++;
  const pages = loops.map((_, i) => page(i, n));
  const t0 = process.cpuUsage();
  if (mode === 'parse') {
    for (const p of pages) { const ps = createParser(p, 'text'); let c = 0; for (let e = ps.next(); e !== null; e = ps.next()) { if (e === 'series') { ps.seriesKey(); ps.value(); ps.timestamp(); c++; } } }
  } else {
    for (let i = 0; i < T; i++) { (loops[i] as any).fetchPage = async () => ({ body: pages[i], contentType: 'text/plain' }); await loops[i].scrapeAndReport(now); }
  }
  const d = process.cpuUsage(t0);
  now += 5000;
  if (round % 5 === 4 || round < 2) console.log(mode, round, ((d.user + d.system) / (S * T)).toFixed(3), 'µs/sample');
}
