import type { FastifyInstance } from 'fastify';
import { type Labels, LabelsBuilder, type Matcher } from '../model/index.ts';
import {
  decodeReadRequestBody,
  encodeReadResponseBody,
  RESPONSE_SAMPLES,
  type ReadSeries,
  RemoteWriteDecodeError,
} from '../remote/index.ts';
import type { Queryable } from '../tsdb/interfaces.ts';

export interface RemoteReadRouteOptions {
  storage: Queryable;
  /** global.external_labels, read per request so reloads apply. */
  externalLabels: () => Labels;
  /** --storage.remote.read-sample-limit (default 5e7; 0 = none). */
  sampleLimit?: number;
}

/**
 * POST /api/v1/read: the remote-read protocol's SAMPLES response (snappy-compressed protobuf ReadResponse).
 * Matchers on external label names that match the external value are ignored; results carry the external labels.
 */
export function registerRemoteReadRoute(app: FastifyInstance, opts: RemoteReadRouteOptions): void {
  if (!app.hasContentTypeParser('application/x-protobuf')) {
    app.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }
  app.post('/api/v1/read', async (req, reply) => {
    const body = req.body;
    if (!(body instanceof Buffer)) return reply.code(400).type('text/plain').send('snappy: corrupt input\n');
    let parsed: ReturnType<typeof decodeReadRequestBody>;
    try {
      parsed = decodeReadRequestBody(body);
    } catch (e) {
      const msg = e instanceof RemoteWriteDecodeError ? e.message : String(e);
      return reply.code(400).type('text/plain').send(`${msg}\n`);
    }
    const types = parsed.acceptedResponseTypes;
    if (types.length > 0 && !types.includes(RESPONSE_SAMPLES)) {
      return reply
        .code(400)
        .type('text/plain')
        .send(`unsupported response types ${types.join(',')}; only SAMPLES\n`);
    }
    const ext = opts.externalLabels();
    const limit = opts.sampleLimit ?? 5e7;
    let total = 0;
    const querier = opts.storage.querier();
    const results: ReadSeries[][] = [];
    for (const q of parsed.queries) {
      const ms: Matcher[] = [];
      let none = false;
      for (const m of q.matchers) {
        if (ext.has(m.name)) {
          if (m.matches(ext.get(m.name))) continue;
          none = true;
        }
        ms.push(m);
      }
      const out: ReadSeries[] = [];
      if (!none) {
        for (const s of querier.select(ms, q.start, q.end)) {
          const ts: number[] = [];
          const vs: number[] = [];
          const it = s.iterator();
          while (it.next()) {
            if (it.t > q.end) break;
            if (it.t < q.start) continue;
            ts.push(it.t);
            vs.push(it.v);
          }
          total += ts.length;
          if (limit > 0 && total > limit) {
            return reply.code(400).type('text/plain').send(`exceeded sample limit (${limit})\n`);
          }
          let labels = s.labels;
          if (ext.flat.length > 0) {
            const lb = new LabelsBuilder(labels);
            ext.forEach((n, v) => {
              if (!labels.has(n)) lb.set(n, v);
            });
            labels = lb.labels();
          }
          out.push({ labels, timestamps: ts, values: Float64Array.from(vs) });
        }
      }
      results.push(out);
    }
    return reply
      .code(200)
      .header('Content-Type', 'application/x-protobuf')
      .header('Content-Encoding', 'snappy')
      .send(Buffer.from(encodeReadResponseBody(results)));
  });
}
