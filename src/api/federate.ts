import type { FastifyInstance } from 'fastify';
import { CONTENT_TYPE_TEXT, escapeLabelValue, formatGoFloat } from '../exposition/index.ts';
import { compareLabels, isStaleNaN, type Labels, LabelsBuilder, type Matcher } from '../model/index.ts';
import type { Queryable } from '../tsdb/interfaces.ts';
import { paramAll } from './params.ts';

export interface FederateOptions {
  storage: Queryable;
  /** Parses a series selector; throws on bad input. */
  parseSelector: (s: string) => Matcher[];
  /** global.external_labels, read per request so reloads apply. */
  externalLabels: () => Labels;
  /** Lookback window in ms (default 5m, as --query.lookback-delta). */
  lookbackDelta?: number;
}

/**
 * GET /federate?match[]=...: the latest sample of every matching series within the lookback window, in the
 * Prometheus text format with timestamps; external labels are added where a series lacks them
 * (a scraper with honor_labels: true keeps them).
 */
export function registerFederateRoute(app: FastifyInstance, opts: FederateOptions): void {
  app.get('/federate', async (req, reply) => {
    const matchSets = paramAll(req, 'match[]');
    if (matchSets.length === 0) return reply.code(400).type('text/plain').send('no match[] parameter provided\n');
    let sets: Matcher[][];
    try {
      sets = matchSets.map((m) => opts.parseSelector(m));
    } catch (e) {
      return reply
        .code(400)
        .type('text/plain')
        .send(`${(e as Error).message}\n`);
    }
    const now = Date.now();
    const mint = now - (opts.lookbackDelta ?? 5 * 60_000);
    const querier = opts.storage.querier();
    const ext = opts.externalLabels();
    const seen = new Set<string>();
    const rows: { labels: Labels; name: string; t: number; v: number }[] = [];
    for (const ms of sets) {
      for (const s of querier.select(ms, mint, now)) {
        const key = s.labels.toString();
        if (seen.has(key)) continue;
        seen.add(key);
        const it = s.iterator();
        let t = Number.NaN;
        let v = 0;
        while (it.next()) {
          if (it.t > now) break;
          t = it.t;
          v = it.v;
        }
        if (Number.isNaN(t) || t < mint || isStaleNaN(v)) continue;
        let labels = s.labels;
        if (ext.flat.length > 0) {
          const lb = new LabelsBuilder(labels);
          ext.forEach((n, val) => {
            if (!labels.has(n)) lb.set(n, val);
          });
          labels = lb.labels();
        }
        rows.push({ labels, name: labels.get('__name__'), t, v });
      }
    }
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareLabels(a.labels, b.labels)));
    let out = '';
    let last: string | null = null;
    for (const r of rows) {
      if (r.name !== last) {
        out += `# TYPE ${r.name} untyped\n`;
        last = r.name;
      }
      out += r.name;
      let first = true;
      r.labels.forEach((n, val) => {
        if (n === '__name__') return;
        out += `${first ? '{' : ','}${n}="${escapeLabelValue(val)}"`;
        first = false;
      });
      if (!first) out += '}';
      out += ` ${formatGoFloat(r.v)} ${r.t}\n`;
    }
    return reply.code(200).type(CONTENT_TYPE_TEXT).send(out);
  });
}
