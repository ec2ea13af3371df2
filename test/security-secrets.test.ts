import { fileURLToPath } from 'node:url';
/**
 * Secrets never leak: every secret field of prometheus.yml and alertmanager.yml is printed as <secret> by
 * the redacting writers (synthetic configs with a marker in each secret field, plus every loadable upstream
 * conformance file), and a running server shows none of them in its API answers or its log lines.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import pino from 'pino';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { validateFlags } from '../src/cli/flags.ts';
import { alertmanagerConfigToYaml, loadAlertmanagerConfigFile } from '../src/config/alertmanager-index.ts';
import { configToYaml, loadPrometheusConfigFile } from '../src/config/index.ts';
import { OspreyServer } from '../src/server.ts';
import { startHttp, tempDir, waitFor } from './helpers.ts';
import {
  PROMETHEUS_SECRETS_YAML,
  ALERTMANAGER_SECRETS_YAML,
  ALERTMANAGER_LOCAL_SECRETS_YAML,
} from './security-fixtures.ts';

const CONFORMANCE = fileURLToPath(new URL('../../shared/conformance', import.meta.url));
const MARKER = /S3CRET[-\w]*/g;

/**
 * Secret fields by name, from the Prometheus and Alertmanager configuration docs (written independently of
 * the writers' own lists). Values under these keys are secrets; `*_file` keys are paths and are not.
 */
const ALWAYS_SECRET = new Set([
  'password',
  'credentials',
  'client_secret',
  'bearer_token',
  'secret_key',
  'auth_token',
  'application_credential_secret',
  'smtp_auth_password',
  'smtp_auth_secret',
  'slack_api_url',
  'opsgenie_api_key',
  'victorops_api_key',
  'wechat_api_secret',
  'telegram_bot_token',
  'rocketchat_token',
  'rocketchat_token_id',
  'mattermost_webhook_url',
  'auth_password',
  'auth_secret',
  'app_token',
  'service_key',
  'api_key',
  'user_key',
  'token',
  'token_id',
  'api_secret',
  'bot_token',
  'webhook_url',
]);

/** Keys that are secrets only below a given parent section. */
const SECRET_UNDER: Record<string, string[]> = {
  key: ['tls_config'],
  url: ['webhook_configs'],
  api_url: ['slack_configs'],
  routing_key: ['pagerduty_configs'],
};

/** Walks a YAML text and returns every string value stored under a secret key. */
function secretValues(text: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown, parents: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const v = pair.value;
        const secret = ALWAYS_SECRET.has(k) || (SECRET_UNDER[k]?.some((p) => parents.includes(p)) ?? false);
        if (secret && isScalar(v) && typeof v.value === 'string' && v.value.length >= 4 && v.value !== '<secret>')
          out.push(v.value);
        walk(v, [...parents, k]);
      }
    } else if (isSeq(node)) {
      for (const it of node.items) walk(it, parents);
    }
  };
  walk(parseDocument(text).contents, []);
  return out;
}

/**
 * Documented public defaults that some upstream files also put in a secret field (the old workaround of
 * setting slack_api_url to chat.postMessage); printing the default elsewhere is not a leak.
 */
const PUBLIC_DEFAULTS = new Set(['https://slack.com/api/chat.postMessage']);

/** Values that the file also uses in a non-secret field (`username: abcdef` beside `password: abcdef`). */
function alsoPublic(text: string, secrets: string[]): Set<string> {
  const all: string[] = [];
  const walk = (node: unknown) => {
    if (isMap(node)) for (const p of node.items) walk(p.value);
    else if (isSeq(node)) for (const it of node.items) walk(it);
    else if (isScalar(node) && typeof node.value === 'string') all.push(node.value);
  };
  walk(parseDocument(text).contents);
  const count = (v: string, list: string[]) => list.filter((x) => x === v).length;
  return new Set(secrets.filter((s) => count(s, all) > count(s, secrets)));
}

function assertNoneIn(printed: string, secrets: string[], what: string, source = ''): void {
  const skip = alsoPublic(source, secrets);
  for (const s of secrets)
    if (!PUBLIC_DEFAULTS.has(s) && !skip.has(s))
      assert.ok(!printed.includes(s), `${what}: secret ${JSON.stringify(s)} is printed`);
}

test('synthetic prometheus.yml: a marker in every secret field, none printed', () => {
  const dir = tempDir();
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, PROMETHEUS_SECRETS_YAML);
  const markers = PROMETHEUS_SECRETS_YAML.match(MARKER) ?? [];
  assert.ok(markers.length >= 11);
  const printed = configToYaml(loadPrometheusConfigFile(file));
  assert.deepEqual(printed.match(MARKER), null);
  assert.ok((printed.match(/<secret>/g) ?? []).length >= markers.length);
});

test('synthetic alertmanager.yml: a marker in every secret field, none printed (full and compact)', () => {
  const dir = tempDir();
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, ALERTMANAGER_SECRETS_YAML);
  const markers = ALERTMANAGER_SECRETS_YAML.match(MARKER) ?? [];
  assert.ok(markers.length >= 25);
  const cfg = loadAlertmanagerConfigFile(file);
  for (const compact of [false, true]) {
    const printed = alertmanagerConfigToYaml(cfg, { compact });
    assert.deepEqual(printed.match(MARKER), null, `compact=${compact}`);
    assert.ok((printed.match(/<secret>/g) ?? []).length >= markers.length);
  }
});

test('conformance prometheus-config/*.good.yml: no secret value printed', () => {
  const dir = join(CONFORMANCE, 'prometheus-config');
  let files = 0;
  let secrets = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.good.yml'))) {
    const path = join(dir, f);
    let printed: string;
    try {
      printed = configToYaml(loadPrometheusConfigFile(path));
    } catch {
      continue; // loading is the conformance runner's business (agent mode, env vars, ...)
    }
    const text = readFileSync(path, 'utf8');
    const values = secretValues(text);
    assertNoneIn(printed, values, f, text);
    assert.ok(!printed.includes('mysecret'), f);
    files++;
    secrets += values.length;
  }
  assert.ok(files >= 30, `only ${files} files loaded`);
  assert.ok(secrets >= 15, `only ${secrets} secret values found`);
});

test('conformance alertmanager-config: every loadable file prints no secret value', () => {
  const dir = join(CONFORMANCE, 'alertmanager-config');
  const bad = new Set(
    readFileSync(join(dir, 'expected-errors.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0]),
  );
  let files = 0;
  let secrets = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yml') && !bad.has(n))) {
    const path = join(dir, f);
    const cfg = loadAlertmanagerConfigFile(path);
    const text = readFileSync(path, 'utf8');
    const values = secretValues(text);
    for (const compact of [false, true]) {
      const printed = alertmanagerConfigToYaml(cfg, { compact });
      assertNoneIn(printed, values, f, text);
      assert.ok(!printed.includes('mysecret'), f);
    }
    files++;
    secrets += values.length;
  }
  assert.equal(files, 20);
  assert.ok(secrets >= 10, `only ${secrets} secret values found`);
});

// --- end to end: a running server with secrets in both configs -------------------------------------

const servers: OspreyServer[] = [];
const closers: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const c of closers) await c();
});

test('a running server shows no secret in API answers, reload errors or log lines', async () => {
  const dir = tempDir();
  const promFile = join(dir, 'prometheus.yml');
  writeFileSync(promFile, PROMETHEUS_SECRETS_YAML);
  // Beside prometheus.yml, so the server picks it up; its receivers point at closed local ports, so
  // notifications fail and their errors are logged.
  const hits: string[] = [];
  const hook = await startHttp((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver down');
  });
  closers.push(() => new Promise<void>((r) => hook.server.close(() => r())));
  const amYaml = ALERTMANAGER_LOCAL_SECRETS_YAML.replace('HOOK', hook.url);
  writeFileSync(join(dir, 'alertmanager.yml'), amYaml);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const server = new OspreyServer(
    validateFlags({
      'web.listen-address': '127.0.0.1:0',
      'storage.tsdb.path': join(dir, 'data'),
      'web.enable-lifecycle': 'true',
      'config.file': promFile,
    }),
    log,
  );
  await server.start();
  servers.push(server);
  const url = server.address;
  const markers = [...(PROMETHEUS_SECRETS_YAML.match(MARKER) ?? []), ...(amYaml.match(MARKER) ?? [])];

  // An alert, so the pipeline sends to every receiver and logs the failures.
  const post = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'LeakCheck' }, annotations: { summary: 'x' } }]),
  });
  assert.equal(post.status, 200);
  await waitFor(async () => hits.length > 0, 8000, 'the webhook receiver to be called');
  assert.match(hits[0], /S3CRET-local-webhook-url/);
  // Give the failed notifications (500 and closed ports) and scrapes time to be logged.
  await new Promise((r) => setTimeout(r, 1500));

  const bodies: string[] = [];
  for (const path of [
    '/api/v1/status/config',
    '/api/v1/status/flags',
    '/api/v1/status/runtimeinfo',
    '/api/v1/targets',
    '/api/v1/alertmanagers',
    '/api/v1/rules',
    '/api/v2/status',
    '/api/v2/receivers',
    '/api/v2/alerts',
  ]) {
    const r = await fetch(url + path);
    const text = await r.text();
    bodies.push(`${path}: ${text}`);
  }
  const cfgJson = JSON.parse(bodies[0].slice('/api/v1/status/config: '.length));
  assert.match(cfgJson.data.yaml, /<secret>/);
  const amStatus = bodies[6];
  assert.match(amStatus, /<secret>/);

  // A reload that fails because of the secret fields themselves: the error names the problem, not the value.
  writeFileSync(
    promFile,
    PROMETHEUS_SECRETS_YAML.replace(
      'scrape_configs:\n',
      "scrape_configs:\n  - job_name: broken\n    bearer_token: S3CRET-broken-bearer\n    authorization: {credentials: S3CRET-broken-credentials}\n    static_configs: [{targets: ['127.0.0.1:1']}]\n",
    ),
  );
  const reload = await fetch(`${url}/-/reload`, { method: 'POST' });
  const reloadText = await reload.text();
  assert.equal(reload.status, 500);
  assert.match(reloadText, /bearer_token|authorization/);
  bodies.push(`reload: ${reloadText}`);
  markers.push('S3CRET-broken-bearer', 'S3CRET-broken-credentials');

  const all = bodies.join('\n');
  const logText = lines.join('');
  for (const m of new Set(markers)) {
    assert.ok(!all.includes(m), `API answer contains ${m}`);
    assert.ok(!logText.includes(m), `a log line contains ${m}: ${lines.find((l) => l.includes(m))}`);
  }
  assert.ok(lines.length > 5, 'the logger captured the server log');
});
