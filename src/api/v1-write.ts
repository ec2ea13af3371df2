import type { FastifyInstance } from 'fastify';
import { type DecodedSeries, decodeWriteRequestBody, RemoteWriteDecodeError } from '../remote/index.ts';
import { AppendError, type Appendable } from '../tsdb/interfaces.ts';

/**
 * Remote write 1.0 receiver: protobuf WriteRequest, snappy block format.
 * Samples are appended through the same Appender as scrapes; 204 only after commit.
 */
export function registerRemoteWriteRoute(app: FastifyInstance, appendable: Appendable): void {
  app.post('/api/v1/write', async (req, reply) => {
    const body = req.body;
    if (!(body instanceof Buffer)) {
      return reply.code(400).type('text/plain').send('snappy: corrupt input\n');
    }
    const enc = req.headers['content-encoding'];
    if (enc !== undefined && enc !== 'snappy') {
      return reply.code(415).type('text/plain').send(`unsupported compression: ${enc}. Only snappy is supported\n`);
    }
    const ct = String(req.headers['content-type'] ?? 'application/x-protobuf');
    const proto = /proto=([^;\s]+)/.exec(ct)?.[1];
    if (proto && proto !== 'prometheus.WriteRequest') {
      return reply.code(415).type('text/plain').send(`unsupported remote write protobuf message: ${proto}\n`);
    }
    let series: DecodedSeries[];
    try {
      series = decodeWriteRequestBody(body);
    } catch (e) {
      const msg = e instanceof RemoteWriteDecodeError ? e.message : `snappy: ${(e as Error).message}`;
      return reply.code(400).type('text/plain').send(`${msg}\n`);
    }
    const app_ = appendable.appender();
    let outOfOrder = 0;
    let firstErr = '';
    for (const s of series) {
      let ref = 0;
      for (let i = 0; i < s.timestamps.length; i++) {
        try {
          ref = app_.append(ref, s.labels, s.timestamps[i], s.values[i]);
        } catch (e) {
          if (!(e instanceof AppendError)) throw e;
          outOfOrder++;
          if (!firstErr) firstErr = `${e.message} for series ${s.labels.toString()}`;
        }
      }
    }
    app_.commit();
    if (outOfOrder > 0) {
      // Prometheus answers 400 for out-of-order samples so the sender drops (does not retry) them.
      return reply.code(400).type('text/plain').send(`${firstErr}\n`);
    }
    return reply.code(204).send();
  });
}
