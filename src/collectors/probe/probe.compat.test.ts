/**
 * Differential test against Debian's blackbox_exporter: the same module file, the same local targets;
 * every case must give the same metric families (HELP, type, label names), the same label sets where
 * they are deterministic, and the same values for the deterministic gauges (probe_success, status codes,
 * lengths, certificate expiry, DNS record counts, ...). Known differences are listed with reasons in
 * probe-compat-known-failures.tsv.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeText } from '../../exposition/index.ts';
import { freePort } from '../../testing/free-port.ts';
import { type FamilyView, parseTextFamilies } from '../test-util.ts';
import { parseProbeModules, probe } from './index.ts';
import { startTestTargets, type TestTargets, testModulesYaml } from './test-servers.ts';

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

/** Gauges whose values do not depend on timing and must agree exactly. */
const EXACT = new Set([
  'probe_success',
  'probe_http_status_code',
  'probe_http_content_length',
  'probe_http_uncompressed_body_length',
  'probe_http_redirects',
  'probe_http_ssl',
  'probe_http_version',
  'probe_http_last_modified_timestamp_seconds',
  'probe_ip_protocol',
  'probe_ip_addr_hash',
  'probe_failed_due_to_regex',
  'probe_ssl_earliest_cert_expiry',
  'probe_ssl_last_chain_expiry_timestamp_seconds',
  'probe_ssl_last_chain_info',
  'probe_tls_version_info',
  'probe_dns_answer_rrs',
  'probe_dns_authority_rrs',
  'probe_dns_additional_rrs',
  'probe_dns_query_succeeded',
  'probe_dns_serial',
  'probe_icmp_reply_hop_limit',
]);

let targets: TestTargets;
let bb: ChildProcess | undefined;
let bbURL = '';
let yamlText = '';

before(async () => {
  targets = await startTestTargets();
  yamlText = testModulesYaml(targets.certFile);
  const file = join(targets.dir, 'blackbox.yml');
  writeFileSync(file, yamlText);
  if (!existsSync(BLACKBOX)) return;
  const port = await freePort();
  bbURL = `http://127.0.0.1:${port}`;
  bb = spawn(BLACKBOX, [`--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${bbURL}/-/healthy`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('blackbox_exporter did not start');
});

after(async () => {
  bb?.kill();
  await targets?.close();
});

function cases(t: TestTargets): [string, string][] {
  return [
    [t.http, 'http_2xx'],
    [`${t.http}/chunked`, 'http_2xx'],
    [`${t.http}/gzip`, 'http_gzip'],
    [`${t.http}/gzip`, 'http_2xx'],
    [`${t.http}/method`, 'http_post_2xx'],
    [`${t.http}/method`, 'http_2xx'],
    [`${t.http}/redirect-chain`, 'http_2xx'],
    [`${t.http}/redirect`, 'http_no_redirect'],
    [`${t.http}/status/404`, 'http_2xx'],
    [`${t.http}/status/404`, 'http_404_ok'],
    [t.http, 'http_body_match'],
    [t.http, 'http_body_fail'],
    [`${t.http}/headers`, 'http_header_fail'],
    [t.http, 'http_header_missing_ok'],
    [`${t.http}/auth`, 'http_basic_auth'],
    [`${t.http}/bearer`, 'http_bearer'],
    [`${t.http}/bearer`, 'http_bearer_file'],
    [`${t.http}/auth`, 'http_password_file'],
    [`${t.http}/custom-auth`, 'http_authorization'],
    [`${t.http}/big`, 'http_body_limit'],
    [t.http, 'http_body_limit'],
    [t.tcp, 'tcp_source_ip'],
    [`${t.http}/echo-header`, 'http_headers'],
    [t.http, 'http_versions'],
    [t.http, 'http_fail_if_not_ssl'],
    [t.http, 'http_ip4'],
    [t.https, 'https_insecure'],
    [t.https, 'https_ca'],
    [t.https, 'https_verify'],
    [t.https, 'https_fail_if_ssl'],
    [t.httpsExpiring, 'https_insecure'],
    ['127.0.0.1:1', 'http_2xx'],
    [t.tcp, 'tcp_connect'],
    [t.tcp, 'tcp_banner'],
    [t.starttls, 'tcp_starttls'],
    ['127.0.0.1:1', 'tcp_connect'],
    [t.https.replace('https://', ''), 'tcp_tls'],
    [t.dns, 'dns_a'],
    [t.dns, 'dns_a_fail_regex'],
    [t.dns, 'dns_soa'],
    [t.dns, 'dns_mx'],
    [t.dns, 'dns_nxdomain'],
    [t.dns, 'dns_nxdomain_ok'],
    [t.dnsTcp, 'dns_tcp'],
    ['127.0.0.1', 'icmp'],
  ];
}

function labelNames(f: FamilyView): string {
  return [...f.labelNames].sort().join(',');
}

function compare(ours: Map<string, FamilyView>, theirs: Map<string, FamilyView>): string[] {
  const diffs: string[] = [];
  const names = new Set([...ours.keys(), ...theirs.keys()]);
  for (const n of [...names].sort()) {
    const a = ours.get(n);
    const b = theirs.get(n);
    if (!a) {
      diffs.push(`${n}: only in blackbox_exporter`);
      continue;
    }
    if (!b) {
      diffs.push(`${n}: only in Osprey`);
      continue;
    }
    if (a.help !== b.help) diffs.push(`${n}: HELP ${JSON.stringify(a.help)} != ${JSON.stringify(b.help)}`);
    if (a.type !== b.type) diffs.push(`${n}: type ${a.type} != ${b.type}`);
    if (labelNames(a) !== labelNames(b)) diffs.push(`${n}: labels {${labelNames(a)}} != {${labelNames(b)}}`);
    const as = [...a.series.keys()].sort().join(' ');
    const bs = [...b.series.keys()].sort().join(' ');
    if (as !== bs) diffs.push(`${n}: series ${as} != ${bs}`);
    else if (EXACT.has(n)) {
      for (const [k, v] of a.series) {
        if (v !== b.series.get(k)) diffs.push(`${n}${k === '{}' ? '' : k}: ${v} != ${b.series.get(k)}`);
      }
    }
  }
  return diffs;
}

test('probes agree with blackbox_exporter', {
  skip: !existsSync(BLACKBOX) && `${BLACKBOX} not installed`,
}, async () => {
  const known = new Map<string, string>();
  const kf = join(import.meta.dirname, 'probe-compat-known-failures.tsv');
  for (const line of readFileSync(kf, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [key, reason] = line.split('\t');
    known.set(key, reason);
  }
  const modules = parseProbeModules(yamlText, 'blackbox.yml');
  let passed = 0;
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  const list = cases(targets);
  for (const [target, module] of list) {
    const key = `${module} ${target.replace(/127\.0\.0\.1:\d{3,}/, '127.0.0.1:PORT')}`;
    const [ours, theirs] = await Promise.all([
      probe(target, module, 10, modules),
      fetch(`${bbURL}/probe?${new URLSearchParams({ target, module })}`).then((r) => r.text()),
    ]);
    const diffs = compare(parseTextFamilies(writeText(ours.families)), parseTextFamilies(theirs));
    if (diffs.length === 0) {
      passed++;
      if (known.has(key)) nowPassing.push(key);
    } else if (!known.has(key)) unexpected.push(`${key}:\n    ${diffs.join('\n    ')}`);
    else console.log(`known difference ${key}: ${known.get(key)}\n    ${diffs.join('\n    ')}`);
  }
  console.log(
    `blackbox compat: ${list.length} cases, ${passed} passed, ${list.length - passed} failed (${known.size} known)`,
  );
  if (nowPassing.length > 0) console.log(`known failures that now pass: ${nowPassing.join(', ')}`);
  assert.deepEqual(unexpected, []);
});
