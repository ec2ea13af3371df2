import { parseDuration } from '../model/index.ts';

/**
 * Osprey's server flags. Names and defaults follow Prometheus where the meaning is the same, so
 * scripts and unit files written for Prometheus keep working. Flags of later capabilities are accepted
 * and validated from the start.
 */
export interface FlagDef {
  name: string;
  help: string;
  default: string;
  kind: 'string' | 'duration' | 'bool' | 'int' | 'size' | 'list' | 'enum';
  choices?: string[];
}

export const SERVER_FLAGS: FlagDef[] = [
  {
    name: 'config.file',
    help: 'Osprey/Prometheus configuration file path (built-in default config when empty).',
    default: '',
    kind: 'string',
  },
  {
    name: 'config.auto-reload-interval',
    help: 'How often to check the config file for changes (0 = off).',
    default: '0s',
    kind: 'duration',
  },
  {
    name: 'web.listen-address',
    help: 'Address to listen on for UI, API, and telemetry.',
    default: '0.0.0.0:9090',
    kind: 'string',
  },
  {
    name: 'web.config.file',
    help: '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.',
    default: '',
    kind: 'string',
  },
  {
    name: 'web.read-timeout',
    help: 'Maximum duration before timing out read of the request, and closing idle connections.',
    default: '5m',
    kind: 'duration',
  },
  {
    name: 'web.max-connections',
    help: 'Maximum number of simultaneous connections across all listeners.',
    default: '512',
    kind: 'int',
  },
  {
    name: 'web.max-notifications-subscribers',
    help: 'Limits the maximum number of subscribers that can concurrently receive live notifications.',
    default: '16',
    kind: 'int',
  },
  {
    name: 'web.external-url',
    help: 'The URL under which Osprey is externally reachable.',
    default: '',
    kind: 'string',
  },
  { name: 'web.route-prefix', help: 'Prefix for the internal routes of web endpoints.', default: '', kind: 'string' },
  { name: 'web.user-assets', help: 'Path to static asset directory, available at /user.', default: '', kind: 'string' },
  {
    name: 'web.enable-lifecycle',
    help: 'Enable shutdown and reload via HTTP request.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'web.read-only',
    help: 'Serve queries only: refuse silences, alerts, reload, admin and remote write with 403.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'web.enable-admin-api',
    help: 'Enable API endpoints for admin control actions.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'web.enable-remote-write-receiver',
    help: 'Enable API endpoint accepting remote write requests.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'web.enable-otlp-receiver',
    help: 'Enable API endpoint accepting OTLP write requests.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'web.console.templates',
    help: 'Path to the console template directory.',
    default: 'consoles',
    kind: 'string',
  },
  {
    name: 'web.console.libraries',
    help: 'Path to the console library directory.',
    default: 'console_libraries',
    kind: 'string',
  },
  {
    name: 'web.page-title',
    help: 'Document title of the UI.',
    default: 'Osprey Time Series Collection and Processing Server',
    kind: 'string',
  },
  { name: 'web.cors.origin', help: 'Regex for CORS origin. It is fully anchored.', default: '.*', kind: 'string' },
  {
    name: 'web.dashboards.dir',
    help: 'Directory of dashboard definitions (YAML or JSON).',
    default: '',
    kind: 'string',
  },
  { name: 'storage.tsdb.path', help: 'Base path for metrics storage.', default: 'data/', kind: 'string' },
  {
    name: 'storage.tsdb.retention.time',
    help: 'How long to retain samples in storage (default 15d).',
    default: '0s',
    kind: 'duration',
  },
  {
    name: 'storage.tsdb.retention.size',
    help: 'Maximum number of bytes that can be stored for blocks (e.g. 512MB; 0 = off).',
    default: '0B',
    kind: 'size',
  },
  {
    name: 'storage.tsdb.min-block-duration',
    help: 'Minimum duration of a data block before being persisted (hidden in Prometheus; for testing).',
    default: '2h',
    kind: 'duration',
  },
  {
    name: 'storage.tsdb.max-block-duration',
    help: 'Maximum duration compacted blocks may span (hidden in Prometheus; default: 10% of the retention time, at most 31d).',
    default: '0s',
    kind: 'duration',
  },
  {
    name: 'storage.tsdb.no-lockfile',
    help: 'Do not create lockfile in data directory.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'storage.tsdb.head-chunks-write-queue-size',
    help: 'Size of the queue through which head chunks are written to the disk.',
    default: '0',
    kind: 'int',
  },
  {
    name: 'storage.remote.flush-deadline',
    help: 'How long to wait flushing sample on shutdown or config reload.',
    default: '1m',
    kind: 'duration',
  },
  {
    name: 'storage.remote.read-sample-limit',
    help: 'Maximum overall number of samples to return via the remote read interface.',
    default: '50000000',
    kind: 'int',
  },
  {
    name: 'storage.remote.read-concurrent-limit',
    help: 'Maximum number of concurrent remote read calls.',
    default: '10',
    kind: 'int',
  },
  {
    name: 'rules.alert.for-outage-tolerance',
    help: "Max time to tolerate Osprey outage for restoring 'for' state of alert.",
    default: '1h',
    kind: 'duration',
  },
  {
    name: 'rules.alert.for-grace-period',
    help: "Minimum duration between alert and restored 'for' state.",
    default: '10m',
    kind: 'duration',
  },
  {
    name: 'rules.alert.resend-delay',
    help: 'Minimum amount of time to wait before resending an alert to Alertmanager.',
    default: '1m',
    kind: 'duration',
  },
  {
    name: 'rules.max-concurrent-evals',
    help: 'Global concurrency limit for independent rules that can run concurrently.',
    default: '4',
    kind: 'int',
  },
  {
    name: 'alertmanager.notification-queue-capacity',
    help: 'The capacity of the queue for pending Alertmanager notifications.',
    default: '10000',
    kind: 'int',
  },
  {
    name: 'alertmanager.drain-notification-queue-on-shutdown',
    help: 'Send any outstanding Alertmanager notifications when shutting down.',
    default: 'true',
    kind: 'bool',
  },
  {
    name: 'alertmanager.config.file',
    help: 'Alertmanager configuration file for the built-in alert manager (alertmanager.yml).',
    default: '',
    kind: 'string',
  },
  {
    name: 'query.lookback-delta',
    help: 'The maximum lookback duration for retrieving metrics during expression evaluations.',
    default: '5m',
    kind: 'duration',
  },
  {
    name: 'query.timeout',
    help: 'Maximum time a query may take before being aborted.',
    default: '2m',
    kind: 'duration',
  },
  {
    name: 'query.max-concurrency',
    help: 'Maximum number of queries executed concurrently.',
    default: '20',
    kind: 'int',
  },
  {
    name: 'query.max-samples',
    help: 'Maximum number of samples a single query can load into memory.',
    default: '50000000',
    kind: 'int',
  },
  // Datasource mode (docs/datasource.md), named after vmalert's -datasource.* flags.
  {
    name: 'datasource.url',
    help: 'Prometheus-compatible query API (e.g. http://victoriametrics:8428) to evaluate rules against and to answer /api/v1/query, series and labels from. Overrides osprey.datasource.url.',
    default: '',
    kind: 'string',
  },
  {
    name: 'datasource.basicAuth.username',
    help: 'Basic auth username for --datasource.url.',
    default: '',
    kind: 'string',
  },
  {
    name: 'datasource.basicAuth.password',
    help: 'Basic auth password for --datasource.url.',
    default: '',
    kind: 'string',
  },
  {
    name: 'datasource.basicAuth.passwordFile',
    help: 'File with the basic auth password for --datasource.url (re-read on every request).',
    default: '',
    kind: 'string',
  },
  { name: 'datasource.bearerToken', help: 'Bearer token for --datasource.url.', default: '', kind: 'string' },
  {
    name: 'datasource.bearerTokenFile',
    help: 'File with the bearer token for --datasource.url (re-read on every request).',
    default: '',
    kind: 'string',
  },
  {
    name: 'datasource.headers',
    help: "Extra HTTP headers for --datasource.url, 'Name:value' pairs separated by '^^'.",
    default: '',
    kind: 'string',
  },
  { name: 'datasource.tlsCAFile', help: 'CA file to verify --datasource.url with.', default: '', kind: 'string' },
  {
    name: 'datasource.tlsInsecureSkipVerify',
    help: 'Do not verify the TLS certificate of --datasource.url.',
    default: 'false',
    kind: 'bool',
  },
  {
    name: 'datasource.queryStep',
    help: 'step parameter sent with rule queries (VictoriaMetrics uses it as the lookback window); empty = not sent.',
    default: '',
    kind: 'string',
  },
  { name: 'enable-feature', help: 'Comma separated feature names to enable.', default: '', kind: 'list' },
  { name: 'agent', help: 'Run in agent mode (not supported yet).', default: 'false', kind: 'bool' },
  {
    name: 'log.level',
    help: 'Only log messages with the given severity or above.',
    default: 'info',
    kind: 'enum',
    choices: ['debug', 'info', 'warn', 'error'],
  },
  {
    name: 'log.format',
    help: 'Output format of log messages.',
    default: 'logfmt',
    kind: 'enum',
    choices: ['logfmt', 'json'],
  },
  // node_exporter's, for the built-in host and process collectors (Osprey in a container reading host mounts).
  { name: 'path.procfs', help: 'procfs mountpoint (host and process collectors).', default: '/proc', kind: 'string' },
  { name: 'path.sysfs', help: 'sysfs mountpoint (host collector).', default: '/sys', kind: 'string' },
  { name: 'path.rootfs', help: 'rootfs mountpoint (host collector filesystems).', default: '/', kind: 'string' },
];

export class FlagError extends Error {}

export type FlagValues = Record<string, string>;

/** Validates flag values against their kinds; returns normalised strings (as /api/v1/status/flags shows). */
export function validateFlags(values: FlagValues): FlagValues {
  const out: FlagValues = {};
  for (const f of SERVER_FLAGS) {
    const v = values[f.name] ?? f.default;
    switch (f.kind) {
      case 'duration':
        try {
          parseDuration(v);
        } catch {
          throw new FlagError(`invalid value "${v}" for flag --${f.name}: not a valid duration string`);
        }
        break;
      case 'bool':
        if (v !== 'true' && v !== 'false')
          throw new FlagError(`invalid value "${v}" for flag --${f.name}: expected true or false`);
        break;
      case 'int':
        if (!/^-?\d+$/.test(v)) throw new FlagError(`invalid value "${v}" for flag --${f.name}: expected an integer`);
        break;
      case 'size':
        if (!/^\d+(B|KB|MB|GB|TB|PB|EB)?$/.test(v))
          throw new FlagError(`invalid value "${v}" for flag --${f.name}: expected a size like 512MB`);
        break;
      case 'enum':
        if (!f.choices!.includes(v)) {
          throw new FlagError(`invalid value "${v}" for flag --${f.name}: must be one of ${f.choices!.join(', ')}`);
        }
        break;
      default:
        break;
    }
    out[f.name] = v;
  }
  return out;
}

/** Parses "host:port" / ":port" into what net.listen takes. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new FlagError(`invalid --web.listen-address "${addr}": missing port`);
  let host = addr.slice(0, i);
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FlagError(`invalid --web.listen-address "${addr}": bad port`);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port };
}
