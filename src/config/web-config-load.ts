/**
 * Loading the exporter-toolkit web config (`--web.config.file`): strict schema, then the toolkit's checks
 * (required files, known TLS versions/ciphers/curves, allowed headers, bcrypt hashes). Every problem is a
 * ConfigError with `file:line:col: path: message`. Relative paths resolve against the file's folder.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  CLIENT_AUTH_TYPES,
  TLS_VERSIONS,
  type WebConfigRaw,
  webConfigSchema,
  webConfigTypeNameAt,
} from './web-config-schema.ts';
import { GO_CIPHER_SUITES, GO_CURVES } from './web-config-tls-names.ts';
import type {
  ClientAuthType,
  HttpServerConfig,
  TlsServerConfig,
  TlsVersionName,
  WebConfig,
} from './web-config-types.ts';
import { IssueList, YamlSource } from './yaml-errors.ts';
import { parseWithSchema } from './yaml-schema.ts';

/** Headers the toolkit lets a user set, by lower-case name -> canonical name. */
const ALLOWED_HEADERS = new Map(
  [
    'Strict-Transport-Security',
    'X-Content-Type-Options',
    'X-Frame-Options',
    'X-XSS-Protection',
    'Content-Security-Policy',
  ].map((h) => [h.toLowerCase(), h]),
);

const BCRYPT_HASH = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

export interface WebConfigParseOptions {
  /** Folder that relative paths resolve against; default: the folder of `file`. */
  baseDir?: string;
  /** Check that certificate and key files are readable (default true). */
  checkFiles?: boolean;
}

/** Parses web config text; `file` names the source in error messages. */
export function parseWebConfig(text: string, file: string, opts: WebConfigParseOptions = {}): WebConfig {
  const src = new YamlSource(text, file);
  const raw = parseWithSchema(src, webConfigSchema, { typeNameAt: webConfigTypeNameAt });
  const issues = new IssueList();
  const baseDir = opts.baseDir ?? dirname(resolve(file));
  const cfg = buildWebConfig(raw, baseDir, opts.checkFiles ?? true, issues);
  src.throwIfAny(issues.items);
  cfg.source_file = isAbsolute(file) ? file : resolve(file);
  return cfg;
}

/** Reads and parses a web config file. */
export function loadWebConfigFile(file: string, opts: WebConfigParseOptions = {}): WebConfig {
  const abs = resolve(file);
  return parseWebConfig(readFileSync(abs, 'utf8'), abs, opts);
}

function buildWebConfig(raw: WebConfigRaw, baseDir: string, checkFiles: boolean, issues: IssueList): WebConfig {
  const cfg: WebConfig = {
    source_file: '',
    http_server_config: buildHttp(raw.http_server_config ?? {}, issues),
    basic_auth_users: {},
  };
  for (const [user, hash] of Object.entries(raw.basic_auth_users ?? {})) {
    if (user.includes(':')) issues.add(['basic_auth_users', user], 'user name must not contain ":"', true);
    if (!BCRYPT_HASH.test(hash)) {
      // Never echo the value: a plain-text password pasted here by mistake must not reach logs.
      issues.add(['basic_auth_users', user], 'not a bcrypt hash (generate one with `osprey hash-password`)');
    }
    cfg.basic_auth_users[user] = hash;
  }
  if (raw.tls_server_config) cfg.tls_server_config = buildTls(raw.tls_server_config, baseDir, checkFiles, issues);
  return cfg;
}

function buildHttp(raw: NonNullable<WebConfigRaw['http_server_config']>, issues: IssueList): HttpServerConfig {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) {
    const canonical = ALLOWED_HEADERS.get(name.toLowerCase());
    const path = ['http_server_config', 'headers', name];
    if (!canonical) {
      issues.add(path, `HTTP header "${name}" can not be configured`, true);
      continue;
    }
    if (canonical === 'X-Content-Type-Options' && value.toLowerCase() !== 'nosniff') {
      issues.add(path, `invalid value for ${canonical}. Expected one of: ["NoSniff"], but got: "${value}"`);
    }
    if (canonical === 'X-Frame-Options' && !['deny', 'sameorigin'].includes(value.toLowerCase())) {
      issues.add(path, `invalid value for ${canonical}. Expected one of: ["Deny" "SameOrigin"], but got: "${value}"`);
    }
    headers[canonical] = value;
  }
  return { http2: raw.http2 ?? true, headers };
}

function buildTls(
  raw: NonNullable<WebConfigRaw['tls_server_config']>,
  baseDir: string,
  checkFiles: boolean,
  issues: IssueList,
): TlsServerConfig {
  const at = (k: string) => ['tls_server_config', k];
  const abs = (p: string | undefined) => (p ? resolve(baseDir, p) : '');
  const out: TlsServerConfig = {
    cert_file: abs(raw.cert_file),
    key_file: abs(raw.key_file),
    cert: raw.cert ?? '',
    key: raw.key ?? '',
    client_auth_type: 'NoClientCert',
    client_ca_file: abs(raw.client_ca_file),
    client_allowed_sans: raw.client_allowed_sans ?? [],
    min_version: 'TLS12',
    max_version: '',
    cipher_suites: raw.cipher_suites ?? [],
    prefer_server_cipher_suites: raw.prefer_server_cipher_suites ?? true,
    curve_preferences: raw.curve_preferences ?? [],
  };
  if (raw.client_ca) issues.add(at('client_ca'), 'inline client_ca is not supported; use client_ca_file', true);
  if (out.cert && out.cert_file) issues.add(at('cert'), 'cannot specify both cert and cert_file', true);
  if (out.key && out.key_file) issues.add(at('key'), 'cannot specify both key and key_file', true);
  if (!out.cert && !out.cert_file) issues.add(at('cert_file'), 'missing cert_file', true);
  if (!out.key && !out.key_file) issues.add(at('key_file'), 'missing key_file', true);
  if (checkFiles) {
    for (const k of ['cert_file', 'key_file', 'client_ca_file'] as const) {
      if (!out[k]) continue;
      try {
        accessSync(out[k], constants.R_OK);
      } catch (e) {
        issues.add(at(k), `cannot read ${k} "${out[k]}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  }
  if (raw.client_auth_type !== undefined && raw.client_auth_type !== '') {
    if ((CLIENT_AUTH_TYPES as readonly string[]).includes(raw.client_auth_type)) {
      out.client_auth_type = raw.client_auth_type as ClientAuthType;
    } else issues.add(at('client_auth_type'), `invalid ClientAuth: ${raw.client_auth_type}`);
  } else if (out.client_ca_file) {
    // The toolkit verifies client certificates whenever a CA is given without an explicit type.
    out.client_auth_type = 'RequireAndVerifyClientCert';
  }
  const verifies =
    out.client_auth_type === 'RequireAndVerifyClientCert' || out.client_auth_type === 'VerifyClientCertIfGiven';
  if (verifies && !out.client_ca_file) {
    issues.add(at('client_auth_type'), `client_ca_file is required with client_auth_type ${out.client_auth_type}`);
  }
  if (out.client_allowed_sans.length > 0 && !verifies) {
    issues.add(at('client_allowed_sans'), 'client_allowed_sans needs client certificates to be verified');
  }
  const version = (k: 'min_version' | 'max_version') => {
    const v = raw[k];
    if (v === undefined || v === '') return;
    if ((TLS_VERSIONS as readonly string[]).includes(v)) out[k] = v as TlsVersionName;
    else issues.add(at(k), `unknown TLS version: ${v}`);
  };
  version('min_version');
  version('max_version');
  if (out.max_version && out.max_version < out.min_version) {
    issues.add(at('max_version'), `max_version ${out.max_version} is lower than min_version ${out.min_version}`);
  }
  out.cipher_suites.forEach((c, i) => {
    if (!GO_CIPHER_SUITES.has(c)) issues.add(['tls_server_config', 'cipher_suites', i], `unknown cipher: ${c}`);
  });
  out.curve_preferences.forEach((c, i) => {
    if (!GO_CURVES.has(c)) issues.add(['tls_server_config', 'curve_preferences', i], `unknown curve: ${c}`);
  });
  return out;
}
