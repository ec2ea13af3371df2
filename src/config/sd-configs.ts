/**
 * Service-discovery sections other than static_configs/file_sd_configs. Osprey keeps them as parsed data
 * (other_sd_configs["<kind>_sd_configs"]) for the discovery part; here each kind gets the checks Prometheus
 * makes at load time, with Prometheus's messages. kubernetes, http and dns are strict (unknown fields are
 * errors); the other kinds accept unknown fields (see docs/configuration.md).
 *
 * Normalised form of one entry: the fields as written, plus the embedded HTTP client config normalised like
 * a scrape config's (bearer_token folded into authorization, defaults applied, file paths resolved), and
 * `refresh_interval` (and nerve/serverset `timeout`) in milliseconds with the kind's default applied.
 */
import { z } from 'zod';
import { buildHTTPClient, HTTP_CLIENT_KEYS, httpClientFields, joinDir, type RawHTTPClient } from './http-client.ts';
import { zanymap, zbool, zduration, zint, zmap, zstr, zstrlist } from './schema-scalars.ts';
import { type ConfigPath, goQuote, type IssueList } from './yaml-errors.ts';
import { unwrapLiterals, YamlLiteral } from './yaml-values.ts';

type Raw = Record<string, unknown>;

interface SDKind {
  /** Go type name used in "field X not found in type T" messages. */
  goType: string;
  schema: z.ZodType;
  /** Embeds Prometheus's HTTP client config. */
  http: boolean;
  /** Default refresh interval in ms (absent: the kind has none). */
  refresh?: number;
  /** Keys (besides the HTTP client's) that hold secrets. */
  secrets?: string[];
  /** Keys holding file paths, resolved against the config file's folder. */
  files?: string[];
  check?: (raw: Raw, add: (msg: string, field?: string) => void) => void;
}

const S = 1000;
const M = 60 * S;

const refresh = { refresh_interval: zduration.optional() };
const loose = (fields: Record<string, z.ZodType>, http = true) =>
  z.looseObject({ ...(http ? httpClientFields : {}), ...refresh, ...fields });

const str = (v: unknown): string =>
  v === undefined || v === null ? '' : v instanceof YamlLiteral ? v.source : String(v);

/** Go url.Parse-like checks used by http_sd and puppetdb. */
function checkHTTPURL(u: string, add: (msg: string, field?: string) => void, field = 'url'): void {
  if (u === '') {
    add('URL is missing', field);
    return;
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(u);
  const scheme = m ? m[1].toLowerCase() : '';
  if (scheme !== 'http' && scheme !== 'https') {
    add("URL scheme must be 'http' or 'https'", field);
    return;
  }
  const host = /^\/\/([^/?#]*)/.exec(m![2])?.[1]?.replace(/^[^@]*@/, '') ?? '';
  if (host === '') add('host is missing in URL', field);
}

function secretPair(raw: Raw, add: (msg: string, field?: string) => void): void {
  const a = str(raw.secret_key) !== '';
  const b = str(raw.secret_key_file) !== '';
  if (!a && !b) add('one of secret_key & secret_key_file must be configured');
  if (a && b) add('at most one of secret_key & secret_key_file must be configured');
}

const K8S_ROLES = ['pod', 'service', 'endpoints', 'endpointslice', 'node', 'ingress'];
const K8S_SELECTORS: Record<string, string[]> = {
  endpoints: ['pod', 'service', 'endpoints'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  ingress: ['ingress'],
  node: ['node'],
  pod: ['pod', 'node'],
  service: ['service'],
};

/** Kubernetes field selector syntax: comma-separated `key=value`, `key==value` or `key!=value`. */
function badFieldSelector(sel: string): string | null {
  if (sel === '') return null;
  for (const term of sel.split(',')) {
    if (!/^[^=!]+(==|!=|=)[^=]*$/.test(term.trim())) return term;
  }
  return null;
}

const kubernetesSchema = z.strictObject({
  ...httpClientFields,
  role: zstr.optional(),
  api_server: zstr.optional(),
  kubeconfig_file: zstr.optional(),
  namespaces: z.strictObject({ own_namespace: zbool.optional(), names: zstrlist().optional() }).optional(),
  selectors: z
    .array(z.strictObject({ role: zstr.optional(), label: zstr.optional(), field: zstr.optional() }))
    .optional(),
  attach_metadata: z.strictObject({ node: zbool.optional(), namespace: zbool.optional() }).optional(),
});

function customHTTP(raw: Raw): boolean {
  for (const k of HTTP_CLIENT_KEYS) {
    if (raw[k] === undefined) continue;
    if ((k === 'follow_redirects' || k === 'enable_http2') && raw[k] === true) continue;
    return true;
  }
  return false;
}

function checkKubernetes(raw: Raw, add: (msg: string, field?: string) => void): void {
  const role = str(raw.role);
  if (role === '') add(`role missing (one of: ${K8S_ROLES.join(', ')})`);
  else if (!K8S_ROLES.includes(role)) add(`unknown Kubernetes SD role ${goQuote(role)}`, 'role');
  const api = str(raw.api_server);
  const kubeconfig = str(raw.kubeconfig_file);
  const ownNs = (raw.namespaces as Raw | undefined)?.own_namespace === true;
  if (api && kubeconfig) add("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  if (kubeconfig && customHTTP(raw))
    add("cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  if (!api && !kubeconfig && customHTTP(raw))
    add("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  if (api && ownNs) add("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  if (kubeconfig && ownNs) add("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  const selectors = (raw.selectors as Raw[] | undefined) ?? [];
  const seen = new Set<string>();
  for (const sel of selectors) {
    const r = str(sel.role);
    if (seen.has(r)) {
      add(`duplicated selector role: ${r}`, 'selectors');
      continue;
    }
    seen.add(r);
    const allowed = K8S_SELECTORS[role];
    if (allowed && !allowed.includes(r)) {
      add(`${role} role supports only ${allowed.join(', ')} selectors`, 'selectors');
      continue;
    }
    const bad = badFieldSelector(str(sel.field));
    if (bad !== null) add(`invalid selector: '${str(sel.field)}'; can't understand '${bad}'`, 'selectors');
  }
}

const httpSDSchema = z.strictObject({ ...httpClientFields, ...refresh, url: zstr.optional() });
const dnsSchema = z.strictObject({
  ...refresh,
  names: zstrlist().optional(),
  type: zstr.optional(),
  port: zint.optional(),
});

const KINDS: Record<string, SDKind> = {
  kubernetes: {
    goType: 'kubernetes.plain',
    schema: kubernetesSchema,
    http: true,
    files: ['kubeconfig_file'],
    check: checkKubernetes,
  },
  http: {
    goType: 'http.plain',
    schema: httpSDSchema,
    http: true,
    refresh: M,
    check: (raw, add) => checkHTTPURL(str(raw.url), add),
  },
  dns: {
    goType: 'dns.plain',
    schema: dnsSchema,
    http: false,
    refresh: 30 * S,
    check: (raw, add) => {
      const names = (raw.names as string[] | undefined) ?? [];
      if (names.length === 0) add('DNS-SD config must contain at least one SRV record name');
      const type = (str(raw.type) || 'SRV').toUpperCase();
      if (!['SRV', 'A', 'AAAA', 'MX', 'NS'].includes(type)) add(`invalid DNS-SD records type ${str(raw.type)}`, 'type');
      else if (type !== 'SRV' && !raw.port) add('a port is required in DNS-SD configs for all record types except SRV');
    },
  },
  consul: {
    goType: 'consul.plain',
    schema: loose({
      server: zstr.optional(),
      token: zstr.optional(),
      services: zstrlist().optional(),
      tags: zstrlist().optional(),
      node_meta: zmap(zstr).optional(),
      allow_stale: zbool.optional(),
    }),
    http: true,
    refresh: 30 * S,
    secrets: ['token'],
    check: (raw, add) => {
      if (raw.server !== undefined && str(raw.server).trim() === '')
        add('consul SD configuration requires a server address', 'server');
    },
  },
  ec2: {
    goType: 'aws.plain',
    schema: loose({
      region: zstr.optional(),
      secret_key: zstr.optional(),
      port: zint.optional(),
      filters: z.array(z.strictObject({ name: zstr.optional(), values: zstrlist().optional() })).optional(),
    }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
    check: (raw, add) => {
      for (const f of (raw.filters as Raw[] | undefined) ?? [])
        if (!Array.isArray(f.values) || f.values.length === 0)
          add('EC2 SD configuration filter values cannot be empty', 'filters');
    },
  },
  ecs: {
    goType: 'aws.plain',
    schema: loose({ secret_key: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
  },
  rds: {
    goType: 'aws.plain',
    schema: loose({ secret_key: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
  },
  msk: {
    goType: 'aws.plain',
    schema: loose({ secret_key: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
  },
  elasticache: {
    goType: 'aws.plain',
    schema: loose({ secret_key: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
  },
  lightsail: {
    goType: 'aws.plain',
    schema: loose({ secret_key: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
  },
  azure: {
    goType: 'azure.plain',
    schema: loose({ port: zint.optional(), client_secret: zstr.optional() }),
    http: true,
    refresh: 5 * M,
    secrets: ['client_secret'],
    check: (raw, add) => {
      const method = str(raw.authentication_method) || 'OAuth';
      if (str(raw.subscription_id) === '') add('azure SD configuration requires a subscription_id');
      if (method === 'OAuth') {
        if (str(raw.tenant_id) === '') add('azure SD configuration requires a tenant_id');
        if (str(raw.client_id) === '') add('azure SD configuration requires a client_id');
        if (str(raw.client_secret) === '') add('azure SD configuration requires a client_secret');
      } else if (!['ManagedIdentity', 'SDK', 'WorkloadIdentity'].includes(method)) {
        add(
          `unknown authentication_type ${goQuote(method)}. Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity"`,
          'authentication_method',
        );
      }
    },
  },
  gce: { goType: 'gce.plain', schema: loose({ port: zint.optional() }, false), http: false, refresh: M },
  docker: {
    goType: 'moby.plain',
    schema: loose({ host: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    check: (raw, add) => {
      if (str(raw.host) === '') add('host missing');
    },
  },
  dockerswarm: {
    goType: 'moby.plain',
    schema: loose({ host: zstr.optional(), role: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    check: (raw, add) => {
      if (str(raw.host) === '') add('host missing');
      const role = str(raw.role);
      if (role === '') add('role missing (one of: tasks, services, nodes)');
      else if (!['tasks', 'services', 'nodes'].includes(role))
        add(`invalid role ${role}, expected tasks, services, or nodes`, 'role');
    },
  },
  eureka: {
    goType: 'eureka.plain',
    schema: loose({ server: zstr.optional() }),
    http: true,
    refresh: 30 * S,
    check: (raw, add) => {
      const s = str(raw.server);
      if (s === '') add('empty or null eureka server', 'server');
      else if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]+/.test(s)) add('invalid eureka server URL', 'server');
    },
  },
  hetzner: {
    goType: 'hetzner.plain',
    schema: loose({ role: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    check: (raw, add) => {
      const role = str(raw.role);
      if (role === '') add('role missing (one of: robot, hcloud)');
      else if (role !== 'robot' && role !== 'hcloud') add(`unknown role ${goQuote(role)}`, 'role');
    },
  },
  marathon: {
    goType: 'marathon.plain',
    schema: loose({ servers: zstrlist().optional(), auth_token: zstr.optional(), auth_token_file: zstr.optional() }),
    http: true,
    refresh: 30 * S,
    secrets: ['auth_token'],
    files: ['auth_token_file'],
    check: (raw, add) => {
      const servers = (raw.servers as string[] | undefined) ?? [];
      const tok = str(raw.auth_token) !== '';
      const tokFile = str(raw.auth_token_file) !== '';
      if (servers.length === 0) add('marathon_sd: must contain at least one Marathon server');
      if (tok && tokFile) add('marathon_sd: at most one of auth_token & auth_token_file must be configured');
      if (raw.basic_auth !== undefined && (tok || tokFile))
        add('marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured');
      if ((str(raw.bearer_token) !== '' || str(raw.bearer_token_file) !== '') && (tok || tokFile))
        add(
          'marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured',
        );
      if (raw.authorization !== undefined && (tok || tokFile))
        add('marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured');
    },
  },
  openstack: {
    goType: 'openstack.plain',
    schema: loose(
      {
        role: zstr.optional(),
        region: zstr.optional(),
        availability: zstr.optional(),
        port: zint.optional(),
        password: zstr.optional(),
        application_credential_secret: zstr.optional(),
      },
      false,
    ),
    http: false,
    refresh: M,
    secrets: ['password', 'application_credential_secret'],
    check: (raw, add) => {
      const av = str(raw.availability) || 'public';
      if (!['public', 'admin', 'internal'].includes(av))
        add(`unknown availability ${av}, must be one of admin, internal or public`, 'availability');
      const role = str(raw.role);
      if (role === '') add('role missing (one of: instance, hypervisor, loadbalancer)');
      else if (!['instance', 'hypervisor', 'loadbalancer'].includes(role))
        add(`unknown OpenStack SD role ${goQuote(role)}`, 'role');
      if (str(raw.region) === '') add('openstack SD configuration requires a region');
    },
  },
  oci: {
    goType: 'oci.plain',
    schema: loose({ key_passphrase: zstr.optional(), key_file: zstr.optional(), port: zint.optional() }, false),
    http: false,
    refresh: M,
    secrets: ['key_passphrase'],
    files: ['key_file'],
    check: (raw, add) => {
      const auth = str(raw.auth) || 'api_key';
      if (auth !== 'api_key' && auth !== 'instance_principal')
        add(`oci_sd: unknown auth method ${goQuote(auth)}, expected "api_key" or "instance_principal"`, 'auth');
    },
  },
  puppetdb: {
    goType: 'puppetdb.plain',
    schema: loose({
      url: zstr.optional(),
      query: zstr.optional(),
      include_parameters: zbool.optional(),
      port: zint.optional(),
    }),
    http: true,
    refresh: M,
    check: (raw, add) => {
      // Prometheus stops at the first URL problem before looking at the query.
      let urlProblems = 0;
      checkHTTPURL(str(raw.url), (m, f) => {
        urlProblems++;
        add(m, f);
      });
      if (urlProblems === 0 && str(raw.query) === '') add('query missing');
    },
  },
  scaleway: {
    goType: 'scaleway.plain',
    schema: loose({
      role: zstr.optional(),
      secret_key: zstr.optional(),
      secret_key_file: zstr.optional(),
      port: zint.optional(),
    }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
    files: ['secret_key_file'],
    check: (raw, add) => {
      const role = str(raw.role);
      if (role === '') add('role missing (one of: instance, baremetal)');
      else if (role !== 'instance' && role !== 'baremetal') add(`unknown role ${goQuote(role)}`, 'role');
      if (str(raw.project_id) === '') add('project_id is mandatory');
      secretPair(raw, add);
    },
  },
  outscale: {
    goType: 'outscale.plain',
    schema: loose({ region: zstr.optional(), secret_key: zstr.optional(), secret_key_file: zstr.optional() }),
    http: true,
    refresh: M,
    secrets: ['secret_key'],
    files: ['secret_key_file'],
    check: (raw, add) => {
      if (str(raw.region) === '') add('outscale SD configuration requires a region');
      secretPair(raw, add);
    },
  },
  ovhcloud: {
    goType: 'ovhcloud.plain',
    schema: loose({ application_secret: zstr.optional(), consumer_key: zstr.optional() }, false),
    http: false,
    refresh: M,
    secrets: ['application_secret', 'consumer_key'],
    check: (raw, add) => {
      if (str(raw.endpoint) === '') add('endpoint can not be empty');
      if (str(raw.application_key) === '') add('application key can not be empty');
      if (str(raw.application_secret) === '') add('application secret can not be empty');
      if (str(raw.consumer_key) === '') add('consumer key can not be empty');
      const svc = str(raw.service);
      if (svc !== 'vps' && svc !== 'dedicated_server') add(`unknown service: ${svc}`, 'service');
    },
  },
  uyuni: {
    goType: 'uyuni.plain',
    schema: loose({ server: zstr.optional(), password: zstr.optional() }),
    http: true,
    refresh: M,
    secrets: ['password'],
    check: (raw, add) => {
      if (str(raw.server) === '') add('Uyuni SD configuration requires server host');
      if (str(raw.username) === '') add('Uyuni SD configuration requires a username');
      if (str(raw.password) === '') add('Uyuni SD configuration requires a password');
    },
  },
  ionos: {
    goType: 'ionos.plain',
    schema: loose({ datacenter_id: zstr.optional(), port: zint.optional() }),
    http: true,
    refresh: M,
    check: (raw, add) => {
      if (str(raw.datacenter_id) === '') add("datacenter id can't be empty", 'datacenter_id');
    },
  },
  stackit: {
    goType: 'stackit.plain',
    schema: loose({ endpoint: zstr.optional(), service_account_key: zstr.optional(), private_key: zstr.optional() }),
    http: true,
    refresh: M,
    secrets: ['service_account_key', 'private_key'],
    files: ['service_account_key_path', 'private_key_path', 'credentials_file_path'],
    check: (raw, add) => {
      const ep = str(raw.endpoint);
      if (ep !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(ep)) add('invalid endpoint', 'endpoint');
      if (str(raw.project) === '') add('project parameter must be set');
    },
  },
  triton: { goType: 'triton.plain', schema: loose({ port: zint.optional() }, false), http: false, refresh: M },
  nomad: { goType: 'nomad.plain', schema: loose({ server: zstr.optional() }), http: true, refresh: 30 * S },
  kuma: {
    goType: 'xds.plain',
    schema: loose({ server: zstr.optional() }),
    http: true,
    refresh: 30 * S,
    check: (raw, add) => {
      if (str(raw.server) === '') add('kuma SD server must not be empty');
    },
  },
  linode: { goType: 'linode.plain', schema: loose({ port: zint.optional() }), http: true, refresh: M },
  digitalocean: { goType: 'digitalocean.plain', schema: loose({ port: zint.optional() }), http: true, refresh: M },
  vultr: { goType: 'vultr.plain', schema: loose({ port: zint.optional() }), http: true, refresh: M },
  nerve: {
    goType: 'zookeeper.plain',
    schema: z.looseObject({
      servers: zstrlist().optional(),
      paths: zstrlist().optional(),
      timeout: zduration.optional(),
    }),
    http: false,
    check: (raw, add) => {
      if (((raw.servers as string[] | undefined) ?? []).length === 0)
        add('nerve SD config must contain at least one Zookeeper server');
      if (((raw.paths as string[] | undefined) ?? []).length === 0)
        add('nerve SD config must contain at least one path');
    },
  },
  serverset: {
    goType: 'zookeeper.plain',
    schema: z.looseObject({
      servers: zstrlist().optional(),
      paths: zstrlist().optional(),
      timeout: zduration.optional(),
    }),
    http: false,
    check: (raw, add) => {
      if (((raw.servers as string[] | undefined) ?? []).length === 0)
        add('serverset SD config must contain at least one Zookeeper server');
      if (((raw.paths as string[] | undefined) ?? []).length === 0)
        add('serverset SD config must contain at least one path');
    },
  },
};

/** The `<kind>_sd_configs` keys a scrape config or alertmanager config accepts besides static/file. */
export const OTHER_SD_KEYS: readonly string[] = Object.keys(KINDS).map((k) => `${k}_sd_configs`);

/** zod fields to spread into scrape / alertmanager config objects. */
export const otherSDFields: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries(KINDS).map(([k, v]) => [`${k}_sd_configs`, z.array(v.schema.nullable()).optional()]),
);

/** Go type name of an SD entry for unknown-field messages, by its section key. */
export function sdGoType(sectionKey: string): string | undefined {
  return KINDS[sectionKey.replace(/_sd_configs$/, '')]?.goType;
}

/** Secret-holding keys of a kind (besides HTTP client secrets), for redaction. */
export function sdSecretKeys(sectionKey: string): readonly string[] {
  return KINDS[sectionKey.replace(/_sd_configs$/, '')]?.secrets ?? [];
}

export const SD_DURATION_KEYS: ReadonlySet<string> = new Set(['refresh_interval', 'timeout']);

/** Checks and normalises the other SD sections of one scrape/alertmanager config. */
export function buildOtherSD(raw: Raw, dir: string, path: ConfigPath, issues: IssueList): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [kind, spec] of Object.entries(KINDS)) {
    const key = `${kind}_sd_configs`;
    const list = raw[key] as (Raw | null)[] | undefined;
    if (!list) continue;
    const entries: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
      const p = [...path, key, i];
      const e = list[i];
      if (e === null) {
        issues.add(p, `empty or null section in ${key}`);
        continue;
      }
      spec.check?.(e, (msg, field) => issues.add(field && e[field] !== undefined ? [...p, field] : p, msg));
      // refresh_interval first, so a printed and re-read config has the same key order.
      const norm: Raw = spec.refresh !== undefined ? { refresh_interval: e.refresh_interval ?? spec.refresh } : {};
      for (const [k, v] of Object.entries(e)) if (!spec.http || !HTTP_CLIENT_KEYS.has(k)) norm[k] = unwrapLiterals(v);
      if (spec.http) Object.assign(norm, buildHTTPClient(e as RawHTTPClient, dir, p, issues));
      for (const f of spec.files ?? []) if (typeof norm[f] === 'string') norm[f] = joinDir(dir, norm[f] as string);
      entries.push(norm);
    }
    out[key] = entries;
  }
  return out;
}

/** Loose maps used by sections Osprey does not interpret (runtime, parts of storage/tracing). */
export const anyMap = zanymap;
