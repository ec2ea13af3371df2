import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../config/index.ts';
import { parseTextFamilies, seriesValue, viewFamilies } from '../test-util.ts';
import { icmpSettings } from './icmp-prober.ts';
import { createProbeHandler, defaultProbeModules, type ProbeModules, parseProbeModules, probe } from './index.ts';
import { ipHash } from './resolve.ts';
import { startTestTargets, type TestTargets, testModulesYaml } from './test-servers.ts';

let t: TestTargets;
let modules: ProbeModules;

before(async () => {
  t = await startTestTargets();
  modules = parseProbeModules(testModulesYaml(t.certFile), 'test.yml');
});
after(() => t.close());

async function run(target: string, module: string) {
  const r = await probe(target, module, 10, modules);
  return { ...r, fams: viewFamilies(r.families) };
}
const v = (r: Awaited<ReturnType<typeof run>>, name: string, series = '{}') => seriesValue(r.fams, name, series);

describe('module file', () => {
  test('applies blackbox defaults', () => {
    const m = defaultProbeModules();
    assert.deepEqual([...m.keys()], ['http_2xx', 'http_post_2xx', 'tcp_connect', 'icmp', 'dns']);
    const h = m.get('http_2xx')!.http;
    assert.equal(h.method, 'GET');
    assert.equal(h.preferred_ip_protocol, 'ip6');
    assert.equal(h.ip_protocol_fallback, true);
    assert.equal(h.follow_redirects, true);
    assert.equal(m.get('http_post_2xx')!.http.method, 'POST');
    assert.deepEqual(m.get('dns')!.dns.valid_rcodes, ['NOERROR']);
  });

  test('rejects unknown fields, bad regexes and unknown probers with file:line:col', () => {
    const bad = (yaml: string, re: RegExp) => {
      assert.throws(
        () => parseProbeModules(yaml, 'bb.yml'),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    };
    bad('modules:\n  x:\n    prober: http\n    http:\n      metod: GET\n', /^bb\.yml:5:7: .*unknown field "metod"/);
    bad(
      'modules:\n  x:\n    prober: http\n    http:\n      fail_if_body_matches_regexp: ["(a"]\n',
      /^bb\.yml:5:\d+: .*missing closing \)/,
    );
    bad('modules:\n  x:\n    prober: smtp\n', /^bb\.yml:3:13: modules\.x\.prober: unknown prober "smtp"/);
    bad('modules:\n  x:\n    prober: dns\n', /query name must be set/);
    bad(
      'modules:\n  x:\n    prober: http\n    http:\n      proxy_url: http://p:3128\n',
      /^bb\.yml:5:18: modules\.x\.http\.proxy_url: proxy_url is not supported/,
    );
    bad('modules:\n  x:\n    prober: http\n    timeout: 5 seconds\n', /^bb\.yml:4:14: .*not a valid duration/);
  });
});

describe('http prober', () => {
  test('a 2xx page gives blackbox metrics', async () => {
    const r = await run(t.http, 'http_2xx');
    assert.equal(r.success, true);
    assert.equal(v(r, 'probe_success'), 1);
    assert.equal(v(r, 'probe_http_status_code'), 200);
    assert.equal(v(r, 'probe_http_content_length'), 'hello osprey world'.length);
    assert.equal(v(r, 'probe_http_uncompressed_body_length'), 'hello osprey world'.length);
    assert.equal(v(r, 'probe_http_version'), 1.1);
    assert.equal(v(r, 'probe_http_ssl'), 0);
    assert.equal(v(r, 'probe_http_redirects'), 0);
    assert.equal(v(r, 'probe_ip_protocol'), 4);
    assert.equal(v(r, 'probe_ip_addr_hash'), ipHash('127.0.0.1'));
    assert.equal(v(r, 'probe_failed_due_to_regex'), 0);
    assert.equal(v(r, 'probe_http_last_modified_timestamp_seconds'), 1445412480);
    const phases = [...r.fams.get('probe_http_duration_seconds')!.series.keys()].sort();
    assert.deepEqual(
      phases,
      ['connect', 'processing', 'resolve', 'tls', 'transfer'].map((p) => `{phase="${p}"}`),
    );
    assert.ok(v(r, 'probe_http_duration_seconds', '{phase="connect"}') > 0);
    assert.ok(v(r, 'probe_duration_seconds') > 0);
    assert.equal(r.fams.has('probe_ssl_earliest_cert_expiry'), false);
  });

  test('chunked responses report content length -1', async () => {
    const r = await run(`${t.http}/chunked`, 'http_2xx');
    assert.equal(v(r, 'probe_http_content_length'), -1);
    assert.equal(v(r, 'probe_http_uncompressed_body_length'), 'part one part two'.length);
  });

  test('compression: gzip bodies are decompressed for regexes and the uncompressed length', async () => {
    const r = await run(`${t.http}/gzip`, 'http_gzip');
    assert.equal(r.success, true, r.logs.join('\n'));
    assert.equal(v(r, 'probe_http_uncompressed_body_length'), 'compressed body that is long enough '.length * 10);
    assert.ok(v(r, 'probe_http_content_length') < 100);
  });

  test('method, body, headers and auth are sent', async () => {
    assert.equal((await run(`${t.http}/method`, 'http_post_2xx')).success, true);
    assert.equal((await run(`${t.http}/method`, 'http_2xx')).success, false);
    assert.equal((await run(`${t.http}/auth`, 'http_basic_auth')).success, true);
    assert.equal((await run(`${t.http}/auth`, 'http_2xx')).success, false);
    assert.equal((await run(`${t.http}/bearer`, 'http_bearer')).success, true);
    assert.equal((await run(`${t.http}/echo-header`, 'http_headers')).success, true);
    assert.equal((await run(`${t.http}/bearer`, 'http_bearer_file')).success, true);
    assert.equal((await run(`${t.http}/auth`, 'http_password_file')).success, true);
    assert.equal((await run(`${t.http}/custom-auth`, 'http_authorization')).success, true);
    assert.equal((await run(`${t.http}/custom-auth`, 'http_bearer')).success, false);
  });

  test('body_size_limit fails a probe whose body is larger', async () => {
    assert.equal((await run(`${t.http}/big`, 'http_body_limit')).success, false);
    assert.equal((await run(t.http, 'http_body_limit')).success, true);
  });

  test('source_ip_address binds the local end', async () => {
    assert.equal((await run(t.tcp, 'tcp_source_ip')).success, true);
  });

  test('redirects are followed and counted, or not followed when configured', async () => {
    const r = await run(`${t.http}/redirect-chain`, 'http_2xx');
    assert.equal(r.success, true);
    assert.equal(v(r, 'probe_http_redirects'), 2);
    assert.equal(v(r, 'probe_http_status_code'), 200);
    const n = await run(`${t.http}/redirect`, 'http_no_redirect');
    assert.equal(n.success, false);
    assert.equal(v(n, 'probe_http_redirects'), 1);
    assert.equal(v(n, 'probe_http_status_code'), 302);
  });

  test('valid_status_codes and valid_http_versions', async () => {
    assert.equal((await run(`${t.http}/status/404`, 'http_2xx')).success, false);
    const r = await run(`${t.http}/status/404`, 'http_404_ok');
    assert.equal(r.success, true);
    assert.equal(v(r, 'probe_http_status_code'), 404);
    assert.equal((await run(t.http, 'http_versions')).success, false);
  });

  test('body and header regexes search (unanchored) and set probe_failed_due_to_regex', async () => {
    const ok = await run(t.http, 'http_body_match');
    assert.equal(ok.success, true);
    assert.equal(v(ok, 'probe_failed_due_to_regex'), 0);
    const bad = await run(t.http, 'http_body_fail');
    assert.equal(bad.success, false);
    assert.equal(v(bad, 'probe_failed_due_to_regex'), 1);
    const hdr = await run(`${t.http}/headers`, 'http_header_fail');
    assert.equal(hdr.success, false);
    assert.equal(v(hdr, 'probe_failed_due_to_regex'), 1);
    assert.equal(
      (await run(`${t.http}/`, 'http_header_fail')).success,
      false,
      'a missing header fails unless allow_missing',
    );
    assert.equal((await run(`${t.http}/`, 'http_header_missing_ok')).success, true);
  });

  test('TLS: certificate expiry, version, chain info; verification; fail_if_ssl / fail_if_not_ssl', async () => {
    const r = await run(t.https, 'https_insecure');
    assert.equal(r.success, true);
    assert.equal(v(r, 'probe_http_ssl'), 1);
    assert.equal(v(r, 'probe_ssl_earliest_cert_expiry'), t.certNotAfter);
    assert.equal(v(r, 'probe_ssl_last_chain_expiry_timestamp_seconds'), -62135596800, 'nothing verified');
    assert.equal(v(r, 'probe_tls_version_info', '{version="TLS 1.3"}'), 1);
    const info = [...r.fams.get('probe_ssl_last_chain_info')!.series.keys()][0];
    assert.match(info, /fingerprint_sha256="[0-9a-f]{64}"/);
    assert.match(info, /subject="CN=localhost,O=Osprey main"/);
    assert.match(info, /subjectalternative="localhost"/);
    const ca = await run(t.https, 'https_ca');
    assert.equal(ca.success, true);
    assert.equal(v(ca, 'probe_ssl_last_chain_expiry_timestamp_seconds'), t.certNotAfter);
    assert.equal((await run(t.https, 'https_verify')).success, false, 'self-signed certificate is rejected');
    assert.equal((await run(t.https, 'https_fail_if_ssl')).success, false);
    assert.equal((await run(t.http, 'http_fail_if_not_ssl')).success, false);
    const soon = await run(t.httpsExpiring, 'https_insecure');
    assert.equal(v(soon, 'probe_ssl_earliest_cert_expiry'), t.expiringNotAfter);
    assert.ok(t.expiringNotAfter - Date.now() / 1000 < 2 * 86400);
  });

  test('unreachable and unresolvable targets fail without throwing', async () => {
    const closed = await run('127.0.0.1:1', 'http_2xx');
    assert.equal(closed.success, false);
    assert.equal(v(closed, 'probe_http_status_code'), 0);
    const nx = await run('http://does-not-exist.invalid/', 'http_2xx');
    assert.equal(nx.success, false);
    assert.equal(nx.fams.has('probe_dns_lookup_time_seconds'), true);
  });

  test('the module timeout is honoured against a server that never answers', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const m = parseProbeModules('modules:\n  slow:\n    prober: http\n    timeout: 300ms\n');
    const started = Date.now();
    const r = await probe(`127.0.0.1:${port}`, 'slow', 10, m);
    silent.close();
    assert.equal(r.success, false);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    assert.ok(r.durationSeconds >= 0.25);
  });
});

describe('tcp prober', () => {
  test('connect, query_response with group expansion, failed expect', async () => {
    assert.equal((await run(t.tcp, 'tcp_connect')).success, true);
    const b = await run(t.tcp, 'tcp_banner');
    assert.equal(b.success, true, b.logs.join('\n'));
    assert.equal(v(b, 'probe_failed_due_to_regex'), 0);
    assert.equal((await run('127.0.0.1:1', 'tcp_connect')).success, false);
    assert.equal((await run('no-port', 'tcp_connect')).success, false);
  });

  test('expect that never matches fails with probe_failed_due_to_regex 1 when the server closes', async () => {
    const srv = net.createServer((s) => s.end('hello\nworld\n'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const r = await run(`127.0.0.1:${(srv.address() as net.AddressInfo).port}`, 'tcp_banner_fail');
    srv.close();
    assert.equal(r.success, false);
    assert.equal(v(r, 'probe_failed_due_to_regex'), 1);
  });

  test('starttls upgrades the connection and reports certificate metrics', async () => {
    const r = await run(t.starttls, 'tcp_starttls');
    assert.equal(r.success, true, r.logs.join('\n'));
    assert.equal(v(r, 'probe_ssl_earliest_cert_expiry'), t.certNotAfter);
  });

  test('tls: true reports certificate metrics', async () => {
    const r = await run(t.https.replace('https://', ''), 'tcp_tls');
    assert.equal(r.success, true);
    assert.equal(v(r, 'probe_ssl_earliest_cert_expiry'), t.certNotAfter);
    assert.equal(v(r, 'probe_tls_version_info', '{version="TLS 1.3"}'), 1);
  });
});

describe('dns prober', () => {
  test('answers, authority and additional records are counted and validated', async () => {
    const r = await run(t.dns, 'dns_a');
    assert.equal(r.success, true, r.logs.join('\n'));
    assert.equal(v(r, 'probe_dns_answer_rrs'), 2);
    assert.equal(v(r, 'probe_dns_authority_rrs'), 1);
    assert.equal(v(r, 'probe_dns_additional_rrs'), 1);
    assert.equal(v(r, 'probe_dns_query_succeeded'), 1);
    assert.deepEqual([...r.fams.get('probe_dns_duration_seconds')!.series.keys()].sort(), [
      '{phase="connect"}',
      '{phase="request"}',
      '{phase="resolve"}',
    ]);
    assert.equal((await run(t.dns, 'dns_a_fail_regex')).success, false);
    const mx = await run(t.dns, 'dns_mx');
    assert.equal(mx.success, true, mx.logs.join('\n'));
  });

  test('SOA serial, rcodes, TCP transport', async () => {
    const soa = await run(t.dns, 'dns_soa');
    assert.equal(v(soa, 'probe_dns_serial'), 2024112401);
    const nx = await run(t.dns, 'dns_nxdomain');
    assert.equal(nx.success, false);
    assert.equal(v(nx, 'probe_dns_query_succeeded'), 1);
    assert.equal((await run(t.dns, 'dns_nxdomain_ok')).success, true);
    const tcp = await run(t.dnsTcp, 'dns_tcp');
    assert.equal(tcp.success, true);
    assert.equal(v(tcp, 'probe_dns_answer_rrs'), 2);
  });
});

describe('icmp prober', () => {
  test('without a ping binary the probe fails and says why', async () => {
    icmpSettings.pingPath = null;
    try {
      const r = await run('127.0.0.1', 'icmp');
      assert.equal(r.success, false);
      assert.ok(r.logs.some((l) => l.includes('ping')));
      assert.equal(v(r, 'probe_ip_protocol'), 4);
    } finally {
      icmpSettings.pingPath = undefined;
    }
  });

  test('with a ping binary the reply time and hop limit are reported', async () => {
    const fake = join(t.dir, 'ping');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "PING $9 56(84) bytes of data."\necho "64 bytes from 127.0.0.1: icmp_seq=1 ttl=61 time=0.250 ms"\n',
    );
    chmodSync(fake, 0o755);
    icmpSettings.pingPath = fake;
    try {
      const r = await run('127.0.0.1', 'icmp');
      assert.equal(r.success, true, r.logs.join('\n'));
      assert.equal(v(r, 'probe_icmp_reply_hop_limit'), 61);
      assert.equal(v(r, 'probe_icmp_duration_seconds', '{phase="rtt"}'), 0.00025);
    } finally {
      icmpSettings.pingPath = undefined;
    }
  });
});

describe('probe handler', () => {
  test('400 for an unknown module or a missing target, metrics otherwise, logs with debug', async () => {
    const h = createProbeHandler(modules);
    const unknown = await h({ target: t.http, module: 'nope' });
    assert.deepEqual([unknown.status, unknown.body], [400, 'Unknown module "nope"\n']);
    const missing = await h({ module: 'http_2xx' });
    assert.deepEqual([missing.status, missing.body], [400, 'Target parameter is missing\n']);
    const ok = await h({ target: t.http });
    assert.equal(ok.status, 200);
    assert.match(ok.contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(seriesValue(parseTextFamilies(ok.body), 'probe_success'), 1);
    const dbg = await h({ target: t.http, module: 'http_2xx', debug: 'true' });
    assert.match(dbg.body, /^Logs for the probe:\n.*msg="Beginning probe"/);
    assert.match(dbg.body, /Metrics that would have been returned:\n# HELP/);
    assert.match(dbg.body, /Module configuration:\nprober: http/);
  });
});
