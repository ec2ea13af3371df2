import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RemoteReadConfig, RemoteWriteConfig } from '../config/types.ts';
import { type DecodedSeries, decodeWriteRequestBody } from './write-request.ts';
import { decodeWriteV2RequestBody, HEADER_SAMPLES_WRITTEN, PROTO_V2 } from './write-v2.ts';

/** A remote_write entry with Prometheus's defaults, for tests and benchmarks. */
export function remoteWriteConfig(url: string, over: Partial<RemoteWriteConfig> = {}): RemoteWriteConfig {
  return {
    url,
    remote_timeout: 30_000,
    headers: {},
    write_relabel_configs: [],
    send_exemplars: false,
    send_native_histograms: false,
    protobuf_message: 'prometheus.WriteRequest',
    round_robin_dns: false,
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    follow_redirects: true,
    enable_http2: true,
    metadata_config: { send: true, send_interval: 60_000, max_samples_per_send: 500 },
    ...over,
    queue_config: {
      capacity: 10_000,
      max_shards: 50,
      min_shards: 1,
      max_samples_per_send: 2000,
      batch_send_deadline: 50,
      min_backoff: 10,
      max_backoff: 100,
      retry_on_http_429: false,
      sample_age_limit: 0,
      ...over.queue_config,
    },
  };
}

/** A remote_read entry with Prometheus's defaults, for tests. */
export function remoteReadConfig(url: string, over: Partial<RemoteReadConfig> = {}): RemoteReadConfig {
  return {
    url,
    remote_timeout: 60_000,
    headers: {},
    read_recent: false,
    required_matchers: {},
    filter_external_labels: true,
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    follow_redirects: true,
    enable_http2: true,
    ...over,
  };
}

export interface ReceivedRequest {
  headers: IncomingMessage['headers'];
  series: DecodedSeries[];
}

/**
 * A remote-write receiver on 127.0.0.1 that decodes every request; `respond` picks the status code.
 * `v2`: 'accept' decodes 2.0 requests and answers with the Written headers (the default); 'reject' answers 415 as a
 * 1.0-only receiver following the spec does; 'ignore' decodes every body as 1.0, as old receivers do.
 */
export async function startReceiver(
  respond: (n: number) => number = () => 204,
  opts: { v2?: 'accept' | 'reject' | 'ignore' } = {},
): Promise<{
  url: string;
  requests: ReceivedRequest[];
  /** Samples of accepted requests, by series string, in arrival order. */
  samples: Map<string, { t: number; v: number }[]>;
  close(): Promise<void>;
  server: Server;
}> {
  const requests: ReceivedRequest[] = [];
  const samples = new Map<string, { t: number; v: number }[]>();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const isV2 = String(req.headers['content-type']).includes(`proto=${PROTO_V2}`);
      const mode = opts.v2 ?? 'accept';
      if (isV2 && mode === 'reject') {
        requests.push({ headers: req.headers, series: [] });
        res.statusCode = 415;
        res.end('unsupported');
        return;
      }
      const status = respond(count++);
      const body = Buffer.concat(chunks);
      const series = isV2 && mode === 'accept' ? decodeWriteV2RequestBody(body).series : decodeWriteRequestBody(body);
      requests.push({ headers: req.headers, series });
      if (isV2 && mode === 'accept') {
        let n = 0;
        for (const s of series) n += s.timestamps.length;
        res.setHeader(HEADER_SAMPLES_WRITTEN, String(status < 300 ? n : 0));
      }
      if (status < 300) {
        for (const s of series) {
          const k = s.labels.toString();
          let list = samples.get(k);
          if (!list) samples.set(k, (list = []));
          for (let i = 0; i < s.timestamps.length; i++) list.push({ t: s.timestamps[i], v: s.values[i] });
        }
      }
      res.statusCode = status;
      res.end(status < 300 ? '' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    requests,
    samples,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
