/**
 * blackbox_exporter's http prober: one request (following redirects unless told not to), judged by status
 * code, HTTP version, TLS use, and header/body regexes; timings per phase summed over redirects.
 * HTTP/1.1 only (node:http); a server that would negotiate HTTP/2 with blackbox is spoken to in HTTP/1.1.
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { HTTPProbeConfig } from './config.ts';
import type { ProbeContext } from './registry.ts';
import { resolveTarget } from './resolve.ts';
import { recordTLSMetrics, tlsOptions } from './tls-info.ts';

const MAX_REDIRECTS = 10;
const USER_AGENT = 'Blackbox Exporter/0.23.0 (Osprey)';

interface HopTiming {
  start: number;
  dnsDone: number;
  connectDone: number;
  tlsStart: number;
  tlsDone: number;
  gotConn: number;
  responseStart: number;
  end: number;
  tls: boolean;
}

interface HopResult {
  res: IncomingMessage;
  socket: Socket;
}

export async function probeHTTP(target: string, cfg: HTTPProbeConfig, ctx: ProbeContext): Promise<boolean> {
  const { registry } = ctx;
  const phases = registry.gaugeVec(
    'probe_http_duration_seconds',
    'Duration of http request by phase, summed over all redirects',
    ['phase'],
  );
  const contentLength = registry.gauge('probe_http_content_length', 'Length of http content response');
  const uncompressed = registry.gauge('probe_http_uncompressed_body_length', 'Length of uncompressed response body');
  const redirectsG = registry.gauge('probe_http_redirects', 'The number of redirects');
  const sslG = registry.gauge('probe_http_ssl', 'Indicates if SSL was used for the final redirect');
  const statusG = registry.gauge('probe_http_status_code', 'Response HTTP status code');
  const versionG = registry.gauge('probe_http_version', 'Returns the version of HTTP of the probe response');
  const regexG = registry.gauge('probe_failed_due_to_regex', 'Indicates if probe failed due to regex');
  for (const p of ['resolve', 'connect', 'tls', 'processing', 'transfer']) phases.with(p);

  if (!target.startsWith('http://') && !target.startsWith('https://')) target = `http://${target}`;
  let url: URL;
  try {
    url = new URL(target);
  } catch (e) {
    registry.log('error', 'Could not parse target URL', { err: e });
    return false;
  }
  let first: { address: string; family: 4 | 6 };
  try {
    const r = await resolveTarget(registry, url.hostname, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback);
    phases.with('resolve').add(r.lookupSeconds);
    first = r;
  } catch {
    return false;
  }

  let method = cfg.method;
  let body: string | undefined = cfg.body || undefined;
  let redirects = 0;
  let success = false;
  let final: HopResult | undefined;
  let notFollowed = false;
  let bodyBytes = 0;
  const timings: HopTiming[] = [];
  registry.log('info', 'Making HTTP request', { url: url.href, host: url.host });
  for (let hop = 0; ; hop++) {
    const t: HopTiming = {
      start: performance.now(),
      dnsDone: 0,
      connectDone: 0,
      tlsStart: 0,
      tlsDone: 0,
      gotConn: 0,
      responseStart: 0,
      end: 0,
      tls: url.protocol === 'https:',
    };
    timings.push(t);
    let address = first.address;
    let family = first.family;
    if (hop > 0) {
      try {
        const host = url.hostname.replace(/^\[|\]$/g, '');
        const a = await lookup(host, { family: cfg.preferred_ip_protocol === 'ip4' ? 4 : 6 }).catch(() =>
          cfg.ip_protocol_fallback ? lookup(host) : Promise.reject(new Error('unable to find ip; no fallback')),
        );
        address = a.address;
        family = a.family === 6 ? 6 : 4;
      } catch (e) {
        registry.log('error', 'Error for HTTP request', { err: e });
        break;
      }
    }
    t.dnsDone = performance.now();
    let hopRes: HopResult;
    try {
      hopRes = await doRequest(url, method, body, cfg, address, family, t, ctx.signal);
    } catch (e) {
      registry.log('error', 'Error for HTTP request', { err: e });
      break;
    }
    const { res } = hopRes;
    const location = res.headers.location;
    if (res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && location !== undefined) {
      registry.log('info', 'Received redirect', { location });
      redirects = hop + 1;
      if (redirects > MAX_REDIRECTS || !cfg.follow_redirects) {
        registry.log('info', 'Not following redirect');
        notFollowed = true;
        res.destroy();
        final = hopRes;
        break;
      }
      res.resume();
      await new Promise<void>((resolve) => {
        res.on('end', resolve);
        res.on('error', () => resolve());
        res.on('close', () => resolve());
      });
      t.end = performance.now();
      const code = res.statusCode;
      if (code === 301 || code === 302 || code === 303) {
        if (method !== 'GET' && method !== 'HEAD') method = 'GET';
        body = undefined;
      }
      try {
        url = new URL(location, url);
      } catch (e) {
        registry.log('error', 'Error for HTTP request', { err: e });
        break;
      }
      continue;
    }
    final = hopRes;
    break;
  }

  if (final !== undefined) {
    const { res, socket } = final;
    const code = res.statusCode ?? 0;
    const requestErrored = notFollowed;
    registry.log('info', 'Received HTTP response', { status_code: code });
    if (cfg.valid_status_codes.length > 0) success = cfg.valid_status_codes.includes(code);
    else success = code >= 200 && code < 300;
    if (!success) registry.log('info', 'Invalid HTTP response status code', { status_code: code });
    if (success && (cfg.fail_if_header_matches.length > 0 || cfg.fail_if_header_not_matches.length > 0)) {
      success = headersOk(res, cfg, ctx);
      regexG.set(success ? 0 : 1);
    }
    const t = timings[timings.length - 1];
    if (!requestErrored) {
      const wantBody = cfg.fail_if_body_matches_regexp.length > 0 || cfg.fail_if_body_not_matches_regexp.length > 0;
      try {
        const r = await readBody(res, cfg.compression, wantBody, cfg.body_size_limit);
        bodyBytes = r.bytes;
        if (r.error) throw r.error;
        if (success && wantBody) {
          success = bodyOk(r.text, cfg, ctx);
          regexG.set(success ? 0 : 1);
        }
      } catch (e) {
        registry.log('info', 'Failed to read HTTP response body', { err: e });
        success = false;
      }
    }
    t.end = performance.now();
    const lm = res.headers['last-modified'];
    if (lm !== undefined) {
      const ms = Date.parse(lm);
      if (!Number.isNaN(ms)) {
        registry
          .gauge(
            'probe_http_last_modified_timestamp_seconds',
            'Returns the Last-Modified HTTP response header in unixtime',
          )
          .set(Math.floor(ms / 1000));
      }
    }
    versionG.set(Number.parseFloat(res.httpVersion));
    if (cfg.valid_http_versions.length > 0 && !cfg.valid_http_versions.includes(`HTTP/${res.httpVersion}`)) {
      registry.log('error', 'Invalid HTTP version number', { version: `HTTP/${res.httpVersion}` });
      success = false;
    }
    const isTLS = (socket as TLSSocket).encrypted === true;
    if (isTLS) {
      sslG.set(1);
      recordTLSMetrics(registry, socket as TLSSocket);
      if (cfg.fail_if_ssl) {
        registry.log('error', 'Final request was over SSL');
        success = false;
      }
    } else if (cfg.fail_if_not_ssl) {
      registry.log('error', 'Final request was not over SSL');
      success = false;
    }
    statusG.set(code);
    const cl = res.headers['content-length'];
    contentLength.set(cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : -1);
    uncompressed.set(bodyBytes);
    socket.destroy();
  }
  redirectsG.set(redirects);

  for (let i = 0; i < timings.length; i++) {
    const t = timings[i];
    if (i !== 0) phases.with('resolve').add((t.dnsDone - t.start) / 1000);
    if (t.gotConn === 0) continue;
    if (t.tls) {
      phases.with('connect').add((t.connectDone - t.dnsDone) / 1000);
      phases.with('tls').add((t.tlsDone - t.tlsStart) / 1000);
    } else phases.with('connect').add((t.gotConn - t.dnsDone) / 1000);
    if (t.responseStart === 0) continue;
    phases.with('processing').add((t.responseStart - t.gotConn) / 1000);
    if (t.end === 0) continue;
    phases.with('transfer').add((t.end - t.responseStart) / 1000);
  }
  return success;
}

function doRequest(
  url: URL,
  method: string,
  body: string | undefined,
  cfg: HTTPProbeConfig,
  address: string,
  family: 4 | 6,
  t: HopTiming,
  signal: AbortSignal,
): Promise<HopResult> {
  const isTLS = url.protocol === 'https:';
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
  for (const [k, v] of Object.entries(cfg.headers)) headers[k] = v;
  if (cfg.compression && !Object.keys(headers).some((k) => k.toLowerCase() === 'accept-encoding')) {
    headers['Accept-Encoding'] = cfg.compression;
  }
  if (cfg.basic_auth) {
    const a = cfg.basic_auth;
    const password = a.password_file ? readSecret(a.password_file) : a.password;
    headers.Authorization = `Basic ${Buffer.from(`${a.username}:${password}`).toString('base64')}`;
  } else if (cfg.authorization) {
    const a = cfg.authorization;
    headers.Authorization = `${a.type} ${a.credentials_file ? readSecret(a.credentials_file) : a.credentials}`;
  }
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  const hostHeader = Object.keys(headers).find((k) => k.toLowerCase() === 'host');
  if (hostHeader === undefined) headers.Host = url.host;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const options: https.RequestOptions = {
    method,
    path: `${url.pathname}${url.search}`,
    headers,
    agent: false,
    signal,
    // Connect to the address resolved above (as blackbox does) while keeping the name for Host, SNI and verification.
    lookup: (_h, opts, cb) => {
      if ((opts as { all?: boolean }).all)
        (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
      else cb(null, address, family);
    },
    host: hostname,
    port: url.port || (isTLS ? 443 : 80),
  };
  if (isTLS) Object.assign(options, tlsOptions(cfg.tls_config, hostname));
  return new Promise<HopResult>((resolve, reject) => {
    const req = (isTLS ? https : http).request(options);
    let socket: Socket | undefined;
    req.on('socket', (s: Socket) => {
      socket = s;
      s.once('connect', () => {
        t.connectDone = performance.now();
        if (isTLS) t.tlsStart = t.connectDone;
        else t.gotConn = t.connectDone;
      });
      if (isTLS) {
        s.once('secureConnect', () => {
          t.tlsDone = performance.now();
          t.gotConn = t.tlsDone;
        });
      }
    });
    req.once('response', (res) => {
      t.responseStart = performance.now();
      resolve({ res, socket: socket ?? res.socket });
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** A secret file's content without surrounding whitespace (read per probe, so rotated secrets apply). */
function readSecret(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

async function readBody(
  res: IncomingMessage,
  compression: string,
  keepText: boolean,
  limit: number,
): Promise<{ bytes: number; text: string; error?: Error }> {
  let stream: NodeJS.ReadableStream = res;
  const enc = (res.headers['content-encoding'] ?? '').toLowerCase();
  if (compression && enc === compression) {
    const d =
      enc === 'gzip'
        ? createGunzip()
        : enc === 'br'
          ? createBrotliDecompress()
          : enc === 'deflate'
            ? createInflate()
            : null;
    if (d) stream = res.pipe(d);
  }
  let bytes = 0;
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) {
    bytes += c.length;
    if (limit > 0 && bytes > limit) {
      // As Go's MaxBytesReader: the first `limit` bytes were read, then the read failed.
      res.destroy();
      return { bytes: limit, text: '', error: new Error(`http: request body too large (body_size_limit ${limit})`) };
    }
    if (keepText) chunks.push(c);
  }
  return { bytes, text: keepText ? Buffer.concat(chunks).toString('utf8') : '' };
}

function headersOk(res: IncomingMessage, cfg: HTTPProbeConfig, ctx: ProbeContext): boolean {
  const values = (name: string): string[] => {
    const out: string[] = [];
    const want = name.toLowerCase();
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      if (res.rawHeaders[i].toLowerCase() === want) out.push(res.rawHeaders[i + 1]);
    }
    return out;
  };
  for (const m of cfg.fail_if_header_matches) {
    const vs = values(m.header);
    if (vs.length === 0) {
      if (m.allow_missing) continue;
      ctx.registry.log('error', 'Missing required header', { header: m.header });
      return false;
    }
    for (const v of vs) {
      if (m.regexp.test(v)) {
        ctx.registry.log('error', 'Header matched regular expression', {
          header: m.header,
          regexp: m.regexp.source,
          value_of_header: v,
        });
        return false;
      }
    }
  }
  for (const m of cfg.fail_if_header_not_matches) {
    const vs = values(m.header);
    if (vs.length === 0) {
      if (m.allow_missing) continue;
      ctx.registry.log('error', 'Missing required header', { header: m.header });
      return false;
    }
    if (!vs.some((v) => m.regexp.test(v))) {
      ctx.registry.log('error', 'Header did not match regular expression', {
        header: m.header,
        regexp: m.regexp.source,
      });
      return false;
    }
  }
  return true;
}

function bodyOk(text: string, cfg: HTTPProbeConfig, ctx: ProbeContext): boolean {
  for (const re of cfg.fail_if_body_matches_regexp) {
    if (re.test(text)) {
      ctx.registry.log('error', 'Body matched regular expression', { regexp: re.source });
      return false;
    }
  }
  for (const re of cfg.fail_if_body_not_matches_regexp) {
    if (!re.test(text)) {
      ctx.registry.log('error', 'Body did not match regular expression', { regexp: re.source });
      return false;
    }
  }
  return true;
}
