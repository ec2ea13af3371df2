import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadWebConfigFile, parseWebConfig } from './web-config-index.ts';
import { ConfigError } from './yaml-errors.ts';

const HASH = '$2b$10$CaIogiwcRcinmM97yu5ID.pcnMsJsK7Y/zw9yklWb6chJq3DaASX2';

function dirWithCerts(): string {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-webcfg-'));
  for (const f of ['server.crt', 'server.key', 'ca.crt']) writeFileSync(join(dir, f), 'x');
  return dir;
}

function errorOf(text: string, file = '/etc/osprey/web.yml', checkFiles = false): ConfigError {
  try {
    parseWebConfig(text, file, { checkFiles });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected the web config to be rejected');
}

test('a full web config loads with relative paths resolved against its folder', () => {
  const dir = dirWithCerts();
  const file = join(dir, 'web.yml');
  writeFileSync(
    file,
    `tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_ca_file: ca.crt
  min_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  curve_preferences: [X25519, CurveP256]
http_server_config:
  http2: false
  headers:
    strict-transport-security: max-age=31536000
    X-Frame-Options: deny
    X-Content-Type-Options: NoSniff
basic_auth_users:
  alice: ${HASH}
`,
  );
  const cfg = loadWebConfigFile(file);
  assert.equal(cfg.source_file, file);
  assert.equal(cfg.tls_server_config?.cert_file, join(dir, 'server.crt'));
  assert.equal(cfg.tls_server_config?.client_ca_file, join(dir, 'ca.crt'));
  // A CA without an explicit type means "verify", as in the exporter toolkit.
  assert.equal(cfg.tls_server_config?.client_auth_type, 'RequireAndVerifyClientCert');
  assert.equal(cfg.tls_server_config?.min_version, 'TLS13');
  assert.deepEqual(cfg.tls_server_config?.curve_preferences, ['X25519', 'CurveP256']);
  assert.equal(cfg.http_server_config.http2, false);
  assert.deepEqual(cfg.http_server_config.headers, {
    'Strict-Transport-Security': 'max-age=31536000',
    'X-Frame-Options': 'deny',
    'X-Content-Type-Options': 'NoSniff',
  });
  assert.deepEqual(cfg.basic_auth_users, { alice: HASH });
});

test('an empty file is a valid config without TLS or users; http2 defaults on', () => {
  const cfg = parseWebConfig('', 'web.yml');
  assert.equal(cfg.tls_server_config, undefined);
  assert.deepEqual(cfg.basic_auth_users, {});
  assert.equal(cfg.http_server_config.http2, true);
});

test('unknown fields are reported with file:line:col', () => {
  const e = errorOf('basic_auth_users: {}\ntls_server_config:\n  cert_file: a\n  key_file: b\n  cert_fiel: c\n');
  assert.match(e.message, /^\/etc\/osprey\/web\.yml:5:3: tls_server_config\.cert_fiel: unknown field "cert_fiel"/);
  const top = errorOf('basic_auth_user:\n  a: b\n');
  assert.match(top.message, /web\.yml:1:1: basic_auth_user: unknown field "basic_auth_user"/);
});

test('a plain-text password is rejected without echoing it', () => {
  const e = errorOf('basic_auth_users:\n  bob: hunter2\n');
  assert.match(e.message, /web\.yml:2:8: basic_auth_users\.bob: not a bcrypt hash/);
  assert.ok(!e.message.includes('hunter2'));
});

test('TLS checks: missing files, bad versions, ciphers, curves and client auth', () => {
  assert.match(errorOf('tls_server_config:\n  key_file: k\n').message, /missing cert_file/);
  assert.match(
    errorOf('tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS14\n').message,
    /web\.yml:4:16: tls_server_config\.min_version: unknown TLS version: TLS14/,
  );
  assert.match(
    errorOf('tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS13\n  max_version: TLS12\n').message,
    /max_version TLS12 is lower than min_version TLS13/,
  );
  assert.match(
    errorOf('tls_server_config:\n  cert_file: c\n  key_file: k\n  cipher_suites: [TLS_FOO]\n').message,
    /web\.yml:4:19: tls_server_config\.cipher_suites\.0: unknown cipher: TLS_FOO/,
  );
  assert.match(
    errorOf('tls_server_config:\n  cert_file: c\n  key_file: k\n  curve_preferences: [P1]\n').message,
    /unknown curve: P1/,
  );
  assert.match(
    errorOf('tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: Sometimes\n').message,
    /invalid ClientAuth: Sometimes/,
  );
  assert.match(
    errorOf('tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: RequireAndVerifyClientCert\n')
      .message,
    /client_ca_file is required/,
  );
});

test('unreadable certificate files are reported when files are checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-webcfg-'));
  const file = join(dir, 'web.yml');
  writeFileSync(file, 'tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n');
  assert.throws(
    () => loadWebConfigFile(file),
    /web\.yml:2:14: tls_server_config\.cert_file: cannot read cert_file .*ENOENT/,
  );
});

test('headers: only the toolkit set, with checked values', () => {
  assert.match(
    errorOf('http_server_config:\n  headers:\n    Server: evil\n').message,
    /web\.yml:3:5: http_server_config\.headers\.Server: HTTP header "Server" can not be configured/,
  );
  assert.match(
    errorOf('http_server_config:\n  headers:\n    X-Frame-Options: allow\n').message,
    /invalid value for X-Frame-Options/,
  );
  assert.match(
    errorOf('http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n').message,
    /invalid value for X-Content-Type-Options/,
  );
});

test('all issues are collected in one error', () => {
  const e = errorOf('basic_auth_users:\n  a: x\n  b: y\nhttp_server_config:\n  headers:\n    Foo: bar\n');
  assert.equal(e.issues.length, 3);
});
