/**
 * Local targets for the probe tests (unit and compat): HTTP, HTTPS (certificates made by the openssl CLI),
 * a line-oriented TCP server and a tiny authoritative DNS server, all on 127.0.0.1 with ephemeral ports.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { gzipSync } from 'node:zlib';

export interface TestTargets {
  http: string;
  https: string;
  httpsExpiring: string;
  tcp: string;
  /** SMTP-like: "220 ready", STARTTLS upgrades, then "250 secure" after EHLO. */
  starttls: string;
  dns: string;
  dnsTcp: string;
  certFile: string;
  /** notAfter of the main certificate, unix seconds. */
  certNotAfter: number;
  expiringNotAfter: number;
  dir: string;
  close(): Promise<void>;
}

function makeCert(dir: string, name: string, days: number): { key: string; cert: string; notAfter: number } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      String(days),
      '-subj',
      `/CN=localhost/O=Osprey ${name}`,
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const end = execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', cert], { encoding: 'utf8' });
  const notAfter = Math.floor(Date.parse(end.replace(/^notAfter=/, '').trim()) / 1000);
  return { key, cert, notAfter };
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://x');
  switch (u.pathname) {
    case '/redirect':
      res.writeHead(302, { Location: '/' }).end();
      return;
    case '/redirect-chain':
      res.writeHead(301, { Location: '/redirect' }).end();
      return;
    case '/status/404':
      res.writeHead(404).end('not found');
      return;
    case '/auth':
      if (req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`) res.end('ok');
      else res.writeHead(401).end();
      return;
    case '/custom-auth':
      res.writeHead(req.headers.authorization === 'Custom secret' ? 200 : 403).end();
      return;
    case '/big':
      res.end('x'.repeat(5000));
      return;
    case '/bearer':
      res.writeHead(req.headers.authorization === 'Bearer tok' ? 200 : 403).end();
      return;
    case '/method':
      res.setHeader('X-Method', req.method ?? '');
      req.resume();
      req.on('end', () => res.writeHead(req.method === 'POST' ? 200 : 405).end(`method ${req.method}`));
      return;
    case '/headers':
      res.setHeader('X-Osprey', 'fancy value');
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.end('headers');
      return;
    case '/echo-header':
      res.end(`got ${req.headers['x-probe'] ?? ''}`);
      return;
    case '/gzip':
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync('compressed body that is long enough '.repeat(10)));
      return;
    case '/chunked':
      res.write('part one ');
      res.end('part two');
      return;
    default:
      res.setHeader('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT');
      res.end('hello osprey world');
  }
}

/** Lines: greets with "+OK osprey ready", answers "PING x" with "PONG x", "QUIT" closes. */
function tcpServer(): net.Server {
  return net.createServer((s) => {
    s.write('+OK osprey ready\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line.startsWith('PING ')) s.write(`PONG ${line.slice(5)}\n`);
        else if (line === 'QUIT') s.end('BYE\n');
        else s.write(`ERR ${line}\n`);
      }
    });
    s.on('error', () => {});
  });
}

function starttlsServer(key: Buffer, cert: Buffer): net.Server {
  return net.createServer((s) => {
    s.on('error', () => {});
    s.write('220 osprey ESMTP ready\r\n');
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (!buf.includes('\n')) return;
      const line = buf.slice(0, buf.indexOf('\n')).trim();
      buf = '';
      if (line !== 'STARTTLS') {
        s.write('500 unknown\r\n');
        return;
      }
      s.off('data', onData);
      s.write('220 go ahead\r\n', () => {
        const secure = new tls.TLSSocket(s, { isServer: true, key, cert });
        secure.on('error', () => {});
        secure.on('data', (x) => {
          if (x.toString().startsWith('EHLO')) secure.write('250 secure hello\r\n');
        });
      });
    };
    s.on('data', onData);
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

export async function startTestTargets(): Promise<TestTargets> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-probe-'));
  const main = makeCert(dir, 'main', 90);
  writeFileSync(join(dir, 'token'), 'tok\n');
  writeFileSync(join(dir, 'password'), 'p\n');
  const soon = makeCert(dir, 'soon', 1);
  const servers: net.Server[] = [];
  const h = http.createServer(handler);
  const hs = https.createServer({ key: readFileSync(main.key), cert: readFileSync(main.cert) }, handler);
  const he = https.createServer({ key: readFileSync(soon.key), cert: readFileSync(soon.cert) }, handler);
  const t = tcpServer();
  const stls = starttlsServer(readFileSync(main.key), readFileSync(main.cert));
  const dnsTcp = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const reply = dnsAnswer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(reply.length);
        s.end(Buffer.concat([len, reply]));
      }
    });
    s.on('error', () => {});
  });
  servers.push(h, hs, he, t, dnsTcp, stls);
  const sockets = new Set<net.Socket>();
  for (const s of servers) {
    s.on('connection', (c: net.Socket) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
  }
  const [hp, hsp, hep, tp, dtp, sp] = await Promise.all(servers.map(listen));
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    try {
      udp.send(dnsAnswer(msg), rinfo.port, rinfo.address);
    } catch {
      /* malformed query: no answer */
    }
  });
  const up = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
  return {
    http: `http://127.0.0.1:${hp}`,
    https: `https://127.0.0.1:${hsp}`,
    httpsExpiring: `https://127.0.0.1:${hep}`,
    tcp: `127.0.0.1:${tp}`,
    starttls: `127.0.0.1:${sp}`,
    dns: `127.0.0.1:${up}`,
    dnsTcp: `127.0.0.1:${dtp}`,
    certFile: main.cert,
    certNotAfter: main.notAfter,
    expiringNotAfter: soon.notAfter,
    dir,
    async close() {
      for (const c of sockets) c.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await new Promise<void>((r) => udp.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- DNS responder: zone "osprey.test." ---

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

function rr(name: string, type: number, ttl: number, rdata: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(1, 2);
  h.writeUInt32BE(ttl, 4);
  h.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name), h, rdata]);
}

const a = (ip: string) => Buffer.from(ip.split('.').map(Number));

function soaData(): Buffer {
  const nums = Buffer.alloc(20);
  const values = [2024112401, 7200, 3600, 1209600, 300];
  for (let i = 0; i < values.length; i++) nums.writeUInt32BE(values[i], i * 4);
  return Buffer.concat([encodeName('ns1.osprey.test.'), encodeName('hostmaster.osprey.test.'), nums]);
}

function dnsAnswer(q: Buffer): Buffer {
  const id = q.readUInt16BE(0);
  let off = 12;
  const labels: string[] = [];
  while (q[off] !== 0) {
    labels.push(q.subarray(off + 1, off + 1 + q[off]).toString());
    off += 1 + q[off];
  }
  const qtype = q.readUInt16BE(off + 1);
  const question = q.subarray(12, off + 5);
  const name = `${labels.join('.').toLowerCase()}.`;
  const answer: Buffer[] = [];
  const authority: Buffer[] = [];
  const additional: Buffer[] = [];
  let rcode = 0;
  const inZone = name === 'osprey.test.' || name.endsWith('.osprey.test.');
  if (!inZone) rcode = 5;
  else if (name === 'www.osprey.test.') {
    if (qtype === 1 || qtype === 255) answer.push(rr(name, 1, 300, a('127.0.0.1')), rr(name, 1, 300, a('127.0.0.2')));
    authority.push(rr('osprey.test.', 2, 3600, encodeName('ns1.osprey.test.')));
    additional.push(rr('ns1.osprey.test.', 1, 3600, a('127.0.0.53')));
  } else if (name === 'osprey.test.' && qtype === 6) answer.push(rr(name, 6, 3600, soaData()));
  else if (name === 'mail.osprey.test.' && qtype === 15) {
    const mx = Buffer.concat([Buffer.from([0, 10]), encodeName('mx.osprey.test.')]);
    answer.push(rr(name, 15, 300, mx));
  } else {
    rcode = 3;
    authority.push(rr('osprey.test.', 6, 300, soaData()));
  }
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x8400 | (q.readUInt16BE(2) & 0x0100) | rcode, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answer.length, 6);
  h.writeUInt16BE(authority.length, 8);
  h.writeUInt16BE(additional.length, 10);
  return Buffer.concat([h, question, ...answer, ...authority, ...additional]);
}

/** The module file both the unit tests and the blackbox compat test use; `{{CERT}}` is the CA file. */
export function testModulesYaml(certFile: string): string {
  const dir = dirname(certFile);
  return `modules:
  http_bearer_file:
    prober: http
    timeout: 5s
    http:
      bearer_token_file: ${JSON.stringify(join(dir, 'token'))}
  http_password_file:
    prober: http
    timeout: 5s
    http:
      basic_auth: {username: u, password_file: ${JSON.stringify(join(dir, 'password'))}}
  http_authorization:
    prober: http
    timeout: 5s
    http:
      authorization: {type: Custom, credentials: secret}
  http_body_limit:
    prober: http
    timeout: 5s
    http:
      body_size_limit: 1KiB
  tcp_source_ip:
    prober: tcp
    timeout: 5s
    tcp:
      source_ip_address: 127.0.0.1
  http_2xx:
    prober: http
    timeout: 5s
  http_post_2xx:
    prober: http
    timeout: 5s
    http:
      method: POST
      body: '{"x":1}'
  http_gzip:
    prober: http
    timeout: 5s
    http:
      compression: gzip
      fail_if_body_not_matches_regexp: ['compressed body that']
  http_no_redirect:
    prober: http
    timeout: 5s
    http:
      follow_redirects: false
  http_404_ok:
    prober: http
    timeout: 5s
    http:
      valid_status_codes: [404]
  http_body_match:
    prober: http
    timeout: 5s
    http:
      fail_if_body_not_matches_regexp: ['osprey']
  http_body_fail:
    prober: http
    timeout: 5s
    http:
      fail_if_body_matches_regexp: ['osp.ey w']
  http_header_fail:
    prober: http
    timeout: 5s
    http:
      fail_if_header_matches:
        - header: X-Osprey
          regexp: 'fan'
  http_header_missing_ok:
    prober: http
    timeout: 5s
    http:
      fail_if_header_not_matches:
        - header: X-Missing
          regexp: 'x'
          allow_missing: true
  http_basic_auth:
    prober: http
    timeout: 5s
    http:
      basic_auth: {username: u, password: p}
  http_bearer:
    prober: http
    timeout: 5s
    http:
      bearer_token: tok
  http_headers:
    prober: http
    timeout: 5s
    http:
      headers: {X-Probe: hello}
      fail_if_body_not_matches_regexp: ['got hello']
  http_versions:
    prober: http
    timeout: 5s
    http:
      valid_http_versions: ['HTTP/2.0']
  http_fail_if_not_ssl:
    prober: http
    timeout: 5s
    http:
      fail_if_not_ssl: true
  https_insecure:
    prober: http
    timeout: 5s
    http:
      tls_config: {insecure_skip_verify: true}
  https_ca:
    prober: http
    timeout: 5s
    http:
      fail_if_ssl: false
      tls_config: {ca_file: ${JSON.stringify(certFile)}}
  https_fail_if_ssl:
    prober: http
    timeout: 5s
    http:
      fail_if_ssl: true
      tls_config: {insecure_skip_verify: true}
  https_verify:
    prober: http
    timeout: 5s
  http_ip4:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
  tcp_connect:
    prober: tcp
    timeout: 5s
  tcp_banner:
    prober: tcp
    timeout: 5s
    tcp:
      query_response:
        - expect: '^\\+OK (\\w+)'
        - send: 'PING osprey'
        - expect: '^PONG (\\w+)'
          send: 'PING \${1}-again'
        - expect: 'PONG osprey-again'
        - send: QUIT
  tcp_banner_fail:
    prober: tcp
    timeout: 2s
    tcp:
      query_response:
        - expect: '^SSH-2.0-'
  tcp_starttls:
    prober: tcp
    timeout: 5s
    tcp:
      query_response:
        - expect: '^220 '
        - send: STARTTLS
        - expect: '^220 go'
        - starttls: true
        - send: EHLO prober
        - expect: '^250 secure'
      tls_config: {insecure_skip_verify: true}
  tcp_tls:
    prober: tcp
    timeout: 5s
    tcp:
      tls: true
      tls_config: {insecure_skip_verify: true}
  dns_a:
    prober: dns
    timeout: 5s
    dns:
      query_name: www.osprey.test
      query_type: A
      preferred_ip_protocol: ip4
      validate_answer_rrs:
        fail_if_not_matches_regexp: ['www\\.osprey\\.test\\.\\t300\\tIN\\tA\\t127\\.0\\.0\\.[12]']
      validate_authority_rrs:
        fail_if_none_matches_regexp: ['NS\\tns1\\.osprey\\.test\\.']
  dns_a_fail_regex:
    prober: dns
    timeout: 5s
    dns:
      query_name: www.osprey.test
      query_type: A
      validate_answer_rrs:
        fail_if_matches_regexp: ['127\\.0\\.0\\.2']
  dns_soa:
    prober: dns
    timeout: 5s
    dns:
      query_name: osprey.test
      query_type: SOA
  dns_mx:
    prober: dns
    timeout: 5s
    dns:
      query_name: mail.osprey.test
      query_type: MX
      validate_answer_rrs:
        fail_if_not_matches_regexp: ['MX\\t10 mx\\.osprey\\.test\\.$']
  dns_nxdomain:
    prober: dns
    timeout: 5s
    dns:
      query_name: nope.osprey.test
      query_type: A
  dns_nxdomain_ok:
    prober: dns
    timeout: 5s
    dns:
      query_name: nope.osprey.test
      query_type: A
      valid_rcodes: [NXDOMAIN]
  dns_tcp:
    prober: dns
    timeout: 5s
    dns:
      transport_protocol: tcp
      query_name: www.osprey.test
      query_type: A
  icmp:
    prober: icmp
    timeout: 2s
`;
}
