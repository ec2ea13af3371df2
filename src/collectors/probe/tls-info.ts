/**
 * TLS client options from a blackbox tls_config, and the certificate gauges blackbox_exporter derives
 * from a finished handshake (probe_ssl_*, probe_tls_version_info).
 */
import { readFileSync } from 'node:fs';
import { type ConnectionOptions, checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { ProbeTLSConfig } from './config.ts';
import type { ProbeRegistry } from './registry.ts';

const VERSIONS: Record<string, ConnectionOptions['minVersion']> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Node TLS options; `host` is the target host name (used for SNI and verification unless server_name is set). */
export function tlsOptions(cfg: ProbeTLSConfig, host: string): ConnectionOptions {
  const o: ConnectionOptions = { rejectUnauthorized: !cfg.insecure_skip_verify };
  if (cfg.ca_file) o.ca = readFileSync(cfg.ca_file);
  if (cfg.cert_file) o.cert = readFileSync(cfg.cert_file);
  if (cfg.key_file) o.key = readFileSync(cfg.key_file);
  if (cfg.min_version) o.minVersion = VERSIONS[cfg.min_version];
  if (cfg.max_version) o.maxVersion = VERSIONS[cfg.max_version];
  const name = cfg.server_name || host;
  // SNI must not be an IP address; verification still uses `name`.
  if (!/^[\d.]+$/.test(name) && !name.includes(':')) o.servername = name;
  if (cfg.server_name) {
    const serverName = cfg.server_name;
    o.checkServerIdentity = (_h, cert) => checkServerIdentity(serverName, cert);
  }
  return o;
}

/** Go's time.Time{}.Unix(): what blackbox reports for the last verified chain when nothing was verified. */
const GO_ZERO_TIME_UNIX = -62135596800;

/** Registers and sets probe_ssl_earliest_cert_expiry, _last_chain_expiry_timestamp_seconds, _last_chain_info, probe_tls_version_info. */
export function recordTLSMetrics(registry: ProbeRegistry, socket: TLSSocket): void {
  const earliest = registry.gauge('probe_ssl_earliest_cert_expiry', 'Returns last SSL chain expiry in unixtime');
  const version = registry.gaugeVec('probe_tls_version_info', 'Returns the TLS version used or NaN when unknown', [
    'version',
  ]);
  const lastChain = registry.gauge(
    'probe_ssl_last_chain_expiry_timestamp_seconds',
    'Returns last SSL chain expiry in timestamp',
  );
  const info = registry.gaugeVec('probe_ssl_last_chain_info', 'Contains SSL leaf certificate information', [
    'fingerprint_sha256',
    'subject',
    'issuer',
    'subjectalternative',
  ]);
  const chain = peerChain(socket);
  let min = Number.POSITIVE_INFINITY;
  for (const c of chain) min = Math.min(min, notAfter(c));
  if (chain.length > 0) earliest.set(min);
  version.with(tlsVersionName(socket.getProtocol())).set(1);
  // Node exposes one chain; it counts as verified only when the handshake was authorized.
  lastChain.set(socket.authorized && chain.length > 0 ? min : GO_ZERO_TIME_UNIX);
  const leaf = chain[0];
  if (leaf !== undefined) {
    info
      .with(
        (leaf.fingerprint256 ?? '').replaceAll(':', '').toLowerCase(),
        distinguishedName(leaf.subject),
        distinguishedName(leaf.issuer),
        dnsNames(leaf.subjectaltname),
      )
      .set(1);
  }
}

function peerChain(socket: TLSSocket): DetailedPeerCertificate[] {
  const out: DetailedPeerCertificate[] = [];
  let c = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  const seen = new Set<string>();
  while (c?.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(c);
    c = c.issuerCertificate;
  }
  return out;
}

function notAfter(c: DetailedPeerCertificate): number {
  return Math.floor(Date.parse(c.valid_to) / 1000);
}

/** "TLSv1.3" -> "TLS 1.3", as Go names versions. */
export function tlsVersionName(p: string | null): string {
  if (p === null) return 'unknown';
  const m = /^TLSv(\d(?:\.\d)?)$/.exec(p);
  if (!m) return p;
  return `TLS ${m[1].includes('.') ? m[1] : `${m[1]}.0`}`;
}

/** Go's pkix.Name order; String() prints these RDNs in reverse, one RDN per attribute type (values joined by +). */
const DN_ORDER = ['C', 'ST', 'L', 'street', 'postalCode', 'O', 'OU', 'CN', 'serialNumber'];
const DN_GO_NAME: Record<string, string> = { street: 'STREET', postalCode: 'POSTALCODE', serialNumber: 'SERIALNUMBER' };

/** Go's pkix.Name.String() for a parsed certificate name. */
function distinguishedName(n: object | undefined): string {
  if (!n) return '';
  const rec = n as Record<string, string | string[]>;
  const rdns: string[] = [];
  for (const k of DN_ORDER) {
    const v = rec[k];
    if (v === undefined) continue;
    const name = DN_GO_NAME[k] ?? k;
    rdns.push((Array.isArray(v) ? v : [v]).map((one) => `${name}=${escapeDN(one)}`).join('+'));
  }
  const extra: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (DN_ORDER.includes(k)) continue;
    for (const one of Array.isArray(v) ? v : [v]) extra.push(`${k}=${escapeDN(one)}`);
  }
  return [...rdns.reverse(), ...extra.reverse()].join(',');
}

function escapeDN(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1');
}

/** "DNS:a, IP Address:1.2.3.4, DNS:b" -> "a,b". */
function dnsNames(san: string | undefined): string {
  if (!san) return '';
  return san
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4))
    .join(',');
}
