/**
 * blackbox_exporter's module file (blackbox.yml): `modules: { name: { prober, timeout, http|tcp|dns|icmp|grpc } }`,
 * with blackbox's defaults and its strict unknown-field checking. Errors are `file:line:col: path: message`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseWithSchema, YamlSource, zbool, zduration, zint, zsize, zstr, zstrlist } from '../../config/index.ts';
import { compileSearchRegex, type SearchRegex } from './regex.ts';

export type ProberKind = 'http' | 'tcp' | 'dns' | 'icmp' | 'grpc';

export interface ProbeTLSConfig {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify: boolean;
  min_version?: string;
  max_version?: string;
}

export interface HeaderMatch {
  header: string;
  regexp: SearchRegex;
  allow_missing: boolean;
}

export interface HTTPProbeConfig {
  valid_status_codes: number[];
  valid_http_versions: string[];
  preferred_ip_protocol: 'ip4' | 'ip6';
  ip_protocol_fallback: boolean;
  method: string;
  headers: Record<string, string>;
  body: string;
  fail_if_ssl: boolean;
  fail_if_not_ssl: boolean;
  fail_if_body_matches_regexp: SearchRegex[];
  fail_if_body_not_matches_regexp: SearchRegex[];
  fail_if_header_matches: HeaderMatch[];
  fail_if_header_not_matches: HeaderMatch[];
  compression: string;
  follow_redirects: boolean;
  tls_config: ProbeTLSConfig;
  basic_auth?: { username: string; password: string; password_file?: string };
  /** `Authorization: <type> <credentials>`; bearer_token(_file) become type Bearer. */
  authorization?: { type: string; credentials: string; credentials_file?: string };
  /** Bytes; 0 = no limit. A longer body fails the probe. */
  body_size_limit: number;
}

export interface QueryResponse {
  expect?: SearchRegex;
  send?: string;
  starttls: boolean;
}

export interface TCPProbeConfig {
  source_ip_address?: string;
  preferred_ip_protocol: 'ip4' | 'ip6';
  ip_protocol_fallback: boolean;
  query_response: QueryResponse[];
  tls: boolean;
  tls_config: ProbeTLSConfig;
}

export interface RRValidator {
  fail_if_matches_regexp: SearchRegex[];
  fail_if_all_match_regexp: SearchRegex[];
  fail_if_not_matches_regexp: SearchRegex[];
  fail_if_none_matches_regexp: SearchRegex[];
}

export interface DNSProbeConfig {
  source_ip_address?: string;
  preferred_ip_protocol: 'ip4' | 'ip6';
  ip_protocol_fallback: boolean;
  transport_protocol: 'udp' | 'tcp';
  query_class: string;
  query_name: string;
  query_type: string;
  recursion_desired: boolean;
  valid_rcodes: string[];
  validate_answer_rrs: RRValidator;
  validate_authority_rrs: RRValidator;
  validate_additional_rrs: RRValidator;
}

export interface ICMPProbeConfig {
  source_ip_address?: string;
  preferred_ip_protocol: 'ip4' | 'ip6';
  ip_protocol_fallback: boolean;
  payload_size: number;
  dont_fragment: boolean;
  ttl: number;
}

export interface GRPCProbeConfig {
  service: string;
  tls: boolean;
  preferred_ip_protocol: 'ip4' | 'ip6';
  ip_protocol_fallback: boolean;
}

export interface ProbeModule {
  prober: ProberKind;
  /** ms; 0 = take it from the scrape timeout. */
  timeout: number;
  http: HTTPProbeConfig;
  tcp: TCPProbeConfig;
  dns: DNSProbeConfig;
  icmp: ICMPProbeConfig;
  grpc: GRPCProbeConfig;
}

export type ProbeModules = Map<string, ProbeModule>;

const zregex = z.any().transform((v, ctx): SearchRegex => {
  const s = typeof v === 'string' ? v : String((v as { source?: string })?.source ?? v);
  try {
    return compileSearchRegex(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const zipProto = zstr.transform((v, ctx): 'ip4' | 'ip6' => {
  if (v === '' || v === 'ip6') return 'ip6';
  if (v === 'ip4') return 'ip4';
  ctx.addIssue({ code: 'custom', message: `invalid preferred_ip_protocol ${JSON.stringify(v)}, expected ip4 or ip6` });
  return z.NEVER;
});

const tlsSchema = z
  .strictObject({
    ca_file: zstr.optional(),
    cert_file: zstr.optional(),
    key_file: zstr.optional(),
    server_name: zstr.optional(),
    insecure_skip_verify: zbool.optional(),
    min_version: zstr.optional(),
    max_version: zstr.optional(),
  })
  .optional()
  .transform((t): ProbeTLSConfig => ({ ...t, insecure_skip_verify: t?.insecure_skip_verify ?? false }));

const headerMatchSchema = z
  .strictObject({ header: zstr, regexp: zregex, allow_missing: zbool.optional() })
  .transform((h): HeaderMatch => ({ header: h.header, regexp: h.regexp, allow_missing: h.allow_missing ?? false }));

const ipFields = {
  preferred_ip_protocol: zipProto.optional(),
  ip_protocol_fallback: zbool.optional(),
  source_ip_address: zstr.optional(),
};

const httpSchema = z.strictObject({
  ...ipFields,
  valid_status_codes: z.array(zint).optional(),
  valid_http_versions: zstrlist().optional(),
  method: zstr.optional(),
  headers: z.record(z.string(), zstr).optional(),
  body: zstr.optional(),
  fail_if_ssl: zbool.optional(),
  fail_if_not_ssl: zbool.optional(),
  fail_if_body_matches_regexp: z.array(zregex).optional(),
  fail_if_body_not_matches_regexp: z.array(zregex).optional(),
  fail_if_header_matches: z.array(headerMatchSchema).optional(),
  fail_if_header_not_matches: z.array(headerMatchSchema).optional(),
  compression: zstr.optional(),
  no_follow_redirects: zbool.optional(),
  follow_redirects: zbool.optional(),
  enable_http2: zbool.optional(),
  skip_resolve_phase_with_proxy: zbool.optional(),
  tls_config: tlsSchema,
  basic_auth: z
    .strictObject({ username: zstr.optional(), password: zstr.optional(), password_file: zstr.optional() })
    .optional(),
  bearer_token: zstr.optional(),
  bearer_token_file: zstr.optional(),
  authorization: z
    .strictObject({ type: zstr.optional(), credentials: zstr.optional(), credentials_file: zstr.optional() })
    .optional(),
  body_size_limit: zsize.optional(),
  // Known blackbox/common HTTP client settings Osprey does not implement: accepted by the schema so the
  // error says so clearly instead of "unknown field".
  proxy_url: zstr.optional(),
  no_proxy: zstr.optional(),
  proxy_from_environment: zbool.optional(),
  proxy_connect_header: z.unknown().optional(),
  oauth2: z.unknown().optional(),
  enable_http3: zbool.optional(),
});

const queryResponseSchema = z
  .strictObject({ expect: zregex.optional(), send: zstr.optional(), starttls: zbool.optional() })
  .transform((q): QueryResponse => ({ expect: q.expect, send: q.send, starttls: q.starttls ?? false }));

const tcpSchema = z.strictObject({
  ...ipFields,
  query_response: z.array(queryResponseSchema).optional(),
  tls: zbool.optional(),
  tls_config: tlsSchema,
});

const rrSchema = z
  .strictObject({
    fail_if_matches_regexp: z.array(zregex).optional(),
    fail_if_all_match_regexp: z.array(zregex).optional(),
    fail_if_not_matches_regexp: z.array(zregex).optional(),
    fail_if_none_matches_regexp: z.array(zregex).optional(),
  })
  .optional()
  .transform(
    (r): RRValidator => ({
      fail_if_matches_regexp: r?.fail_if_matches_regexp ?? [],
      fail_if_all_match_regexp: r?.fail_if_all_match_regexp ?? [],
      fail_if_not_matches_regexp: r?.fail_if_not_matches_regexp ?? [],
      fail_if_none_matches_regexp: r?.fail_if_none_matches_regexp ?? [],
    }),
  );

const dnsSchema = z.strictObject({
  ...ipFields,
  transport_protocol: zstr.optional(),
  query_class: zstr.optional(),
  query_name: zstr.optional(),
  query_type: zstr.optional(),
  recursion_desired: zbool.optional(),
  valid_rcodes: zstrlist().optional(),
  validate_answer_rrs: rrSchema,
  validate_authority_rrs: rrSchema,
  validate_additional_rrs: rrSchema,
  dns_over_tls: zbool.optional(),
  tls_config: tlsSchema,
});

const icmpSchema = z.strictObject({
  ...ipFields,
  payload_size: zint.optional(),
  dont_fragment: zbool.optional(),
  ttl: zint.optional(),
});

const grpcSchema = z.strictObject({
  ...ipFields,
  service: zstr.optional(),
  tls: zbool.optional(),
  tls_config: tlsSchema,
});

const moduleSchema = z.strictObject({
  prober: zstr.optional(),
  timeout: zduration.optional(),
  http: httpSchema.optional(),
  tcp: tcpSchema.optional(),
  dns: dnsSchema.optional(),
  icmp: icmpSchema.optional(),
  grpc: grpcSchema.optional(),
});

const fileSchema = z.strictObject({ modules: z.record(z.string(), moduleSchema.nullable()).optional() });

type RawModule = z.infer<typeof moduleSchema>;

const PROBERS = new Set(['http', 'tcp', 'dns', 'icmp', 'grpc']);
const DNS_TYPES = new Set(['A', 'AAAA', 'ANY', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'CAA']);

/** Parses a blackbox.yml text. Throws ConfigError with `file:line:col` positions. */
export function parseProbeModules(text: string, file = 'blackbox.yml'): ProbeModules {
  const src = new YamlSource(text, file);
  const raw = parseWithSchema(src, fileSchema);
  const issues: { path: (string | number)[]; message: string }[] = [];
  const out: ProbeModules = new Map();
  for (const [name, m] of Object.entries(raw.modules ?? {})) {
    const mod = buildModule(m ?? {}, (field, message) => issues.push({ path: ['modules', name, ...field], message }));
    out.set(name, mod);
  }
  src.throwIfAny(issues);
  return out;
}

/** Reads and parses a module file. */
export async function loadProbeModulesFile(path: string): Promise<ProbeModules> {
  return parseProbeModules(await readFile(path, 'utf8'), path);
}

function buildModule(m: RawModule, issue: (path: string[], message: string) => void): ProbeModule {
  const prober = m.prober ?? '';
  if (!PROBERS.has(prober)) issue(['prober'], `unknown prober ${JSON.stringify(prober)}`);
  const h = m.http ?? { tls_config: { insecure_skip_verify: false } };
  const t = m.tcp ?? { tls_config: { insecure_skip_verify: false } };
  const d = m.dns ?? {
    validate_answer_rrs: emptyRR(),
    validate_authority_rrs: emptyRR(),
    validate_additional_rrs: emptyRR(),
    tls_config: { insecure_skip_verify: false },
  };
  const i = m.icmp ?? {};
  const g = m.grpc ?? { tls_config: { insecure_skip_verify: false } };
  if (h.fail_if_ssl && h.fail_if_not_ssl) issue(['http'], 'fail_if_ssl and fail_if_not_ssl are mutually exclusive');
  const authKinds = [h.basic_auth, h.bearer_token || h.bearer_token_file, h.authorization].filter(Boolean).length;
  if (authKinds > 1)
    issue(['http'], 'at most one of basic_auth, bearer_token & bearer_token_file, authorization must be configured');
  if (h.bearer_token && h.bearer_token_file)
    issue(['http'], 'at most one of bearer_token & bearer_token_file must be configured');
  for (const k of [
    'proxy_url',
    'no_proxy',
    'proxy_from_environment',
    'proxy_connect_header',
    'oauth2',
    'enable_http3',
  ] as const) {
    if (h[k] !== undefined && h[k] !== false) issue(['http', k], `${k} is not supported by Osprey's http prober`);
  }
  const method = h.method ?? 'GET';
  const transport = (d.transport_protocol ?? 'udp') as 'udp' | 'tcp';
  if (transport !== 'udp' && transport !== 'tcp')
    issue(['dns', 'transport_protocol'], `unknown transport ${transport}`);
  const qtype = (d.query_type ?? 'ANY').toUpperCase();
  if (prober === 'dns') {
    if (!d.query_name) issue(['dns'], 'query name must be set for DNS module');
    if (!DNS_TYPES.has(qtype)) issue(['dns', 'query_type'], `query type '${qtype}' is not valid`);
  }
  if (d.dns_over_tls) issue(['dns', 'dns_over_tls'], 'dns_over_tls is not supported by Osprey');
  return {
    prober: prober as ProberKind,
    timeout: m.timeout ?? 0,
    http: {
      valid_status_codes: h.valid_status_codes ?? [],
      valid_http_versions: h.valid_http_versions ?? [],
      preferred_ip_protocol: h.preferred_ip_protocol ?? 'ip6',
      ip_protocol_fallback: h.ip_protocol_fallback ?? true,
      method: method.toUpperCase(),
      headers: h.headers ?? {},
      body: h.body ?? '',
      fail_if_ssl: h.fail_if_ssl ?? false,
      fail_if_not_ssl: h.fail_if_not_ssl ?? false,
      fail_if_body_matches_regexp: h.fail_if_body_matches_regexp ?? [],
      fail_if_body_not_matches_regexp: h.fail_if_body_not_matches_regexp ?? [],
      fail_if_header_matches: h.fail_if_header_matches ?? [],
      fail_if_header_not_matches: h.fail_if_header_not_matches ?? [],
      compression: h.compression ?? '',
      follow_redirects: h.no_follow_redirects ? false : (h.follow_redirects ?? true),
      tls_config: h.tls_config,
      basic_auth: h.basic_auth
        ? {
            username: h.basic_auth.username ?? '',
            password: h.basic_auth.password ?? '',
            password_file: h.basic_auth.password_file,
          }
        : undefined,
      authorization: h.authorization
        ? {
            type: h.authorization.type || 'Bearer',
            credentials: h.authorization.credentials ?? '',
            credentials_file: h.authorization.credentials_file,
          }
        : h.bearer_token || h.bearer_token_file
          ? { type: 'Bearer', credentials: h.bearer_token ?? '', credentials_file: h.bearer_token_file }
          : undefined,
      body_size_limit: h.body_size_limit ?? 0,
    },
    tcp: {
      source_ip_address: t.source_ip_address || undefined,
      preferred_ip_protocol: t.preferred_ip_protocol ?? 'ip6',
      ip_protocol_fallback: t.ip_protocol_fallback ?? true,
      query_response: t.query_response ?? [],
      tls: t.tls ?? false,
      tls_config: t.tls_config,
    },
    dns: {
      source_ip_address: d.source_ip_address || undefined,
      preferred_ip_protocol: d.preferred_ip_protocol ?? 'ip6',
      ip_protocol_fallback: d.ip_protocol_fallback ?? true,
      transport_protocol: transport,
      query_class: (d.query_class ?? 'IN').toUpperCase(),
      query_name: d.query_name ?? '',
      query_type: qtype,
      recursion_desired: d.recursion_desired ?? true,
      valid_rcodes: d.valid_rcodes ?? ['NOERROR'],
      validate_answer_rrs: d.validate_answer_rrs,
      validate_authority_rrs: d.validate_authority_rrs,
      validate_additional_rrs: d.validate_additional_rrs,
    },
    icmp: {
      source_ip_address: i.source_ip_address || undefined,
      preferred_ip_protocol: i.preferred_ip_protocol ?? 'ip6',
      ip_protocol_fallback: i.ip_protocol_fallback ?? true,
      payload_size: i.payload_size ?? 0,
      dont_fragment: i.dont_fragment ?? false,
      ttl: i.ttl ?? 0,
    },
    grpc: {
      service: g.service ?? '',
      tls: g.tls ?? false,
      preferred_ip_protocol: g.preferred_ip_protocol ?? 'ip6',
      ip_protocol_fallback: g.ip_protocol_fallback ?? true,
    },
  };
}

function emptyRR(): RRValidator {
  return {
    fail_if_matches_regexp: [],
    fail_if_all_match_regexp: [],
    fail_if_not_matches_regexp: [],
    fail_if_none_matches_regexp: [],
  };
}
