import type { FastifyInstance } from 'fastify';
import {
  type DecodedSeries,
  decodeWriteRequestBody,
  decodeWriteV2RequestBody,
  HEADER_EXEMPLARS_WRITTEN,
  HEADER_HISTOGRAMS_WRITTEN,
  HEADER_SAMPLES_WRITTEN,
  PROTO_V1,
  PROTO_V2,
  RemoteWriteDecodeError,
} from '../remote/index.ts';
import { type Appendable, AppendError } from '../tsdb/interfaces.ts';

/**
 * Remote write receiver, 1.0 (prometheus.WriteRequest) and 2.0 (io.prometheus.write.v2.Request), chosen by the
 * `proto=` parameter of Content-Type as the 2.0 spec says (none means 1.0); snappy block format.
 * Samples are appended through the same Appender as scrapes; 204 only after commit. 2.0 answers carry the
 * X-Prometheus-Remote-Write-*-Written headers.
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
    const proto = /proto=([^;\s]+)/.exec(ct)?.[1] ?? PROTO_V1;
    if (proto !== PROTO_V1 && proto !== PROTO_V2) {
      return reply.code(415).type('text/plain').send(`unsupported remote write protobuf message: ${proto}\n`);
    }
    const v2 = proto === PROTO_V2;
    let series: DecodedSeries[];
    let histograms = 0;
    try {
      if (v2) {
        const r = decodeWriteV2RequestBody(body);
        series = r.series;
        histograms = r.histograms;
      } else {
        series = decodeWriteRequestBody(body);
      }
    } catch (e) {
      const msg = e instanceof RemoteWriteDecodeError ? e.message : `snappy: ${(e as Error).message}`;
      if (v2) writtenHeaders(reply, 0);
      return reply.code(400).type('text/plain').send(`${msg}\n`);
    }
    const app_ = appendable.appender();
    let rejected = 0;
    let written = 0;
    let firstErr = '';
    for (const s of series) {
      let ref = 0;
      for (let i = 0; i < s.timestamps.length; i++) {
        try {
          ref = app_.append(ref, s.labels, s.timestamps[i], s.values[i]);
          written++;
        } catch (e) {
          if (!(e instanceof AppendError)) throw e;
          rejected++;
          if (!firstErr) firstErr = `${e.message} for series ${s.labels.toString()}`;
        }
      }
    }
    app_.commit();
    if (v2) writtenHeaders(reply, written);
    if (rejected > 0) {
      // Prometheus answers 400 for out-of-order samples so the sender drops (does not retry) them.
      return reply.code(400).type('text/plain').send(`${firstErr}\n`);
    }
    if (histograms > 0) {
      return reply
        .code(400)
        .type('text/plain')
        .send(`${histograms} native histogram series not written: Osprey stores float samples only\n`);
    }
    return reply.code(204).send();
  });
}

function writtenHeaders(reply: { header(k: string, v: string): unknown }, samples: number): void {
  reply.header(HEADER_SAMPLES_WRITTEN, String(samples));
  reply.header(HEADER_HISTOGRAMS_WRITTEN, '0');
  reply.header(HEADER_EXEMPLARS_WRITTEN, '0');
}
