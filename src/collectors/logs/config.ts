/**
 * The log collector's rules, under prometheus.yml's `osprey: logs:` key:
 *
 *   osprey:
 *     logs:
 *       - path: /var/log/app/*.log        # one glob or a list; wildcards in the last element
 *         from_beginning: false           # files present at start are read from their end (tail -F)
 *         metrics:
 *           - name: app_errors_total
 *             type: counter               # counter | gauge | histogram
 *             help: Errors by component.
 *             match: 'ERROR (?P<component>\w+)'   # RE2, searched anywhere in the line
 *             labels: {component: '$component'}
 *             value: '$latency'           # gauges and histograms (counters: optional increment)
 *             buckets: [0.1, 0.5, 1]      # histograms
 *             max_series: 1000            # new label sets beyond this are dropped and counted
 */
import { z } from 'zod';
import { parseWithSchema, YamlSource, zbool, zfloat, zint, zstr } from '../../config/index.ts';
import { isLegacyLabelName, isLegacyMetricName } from '../../model/index.ts';
import { compileSearchRegex, type SearchRegex } from '../probe/index.ts';

export type LogMetricType = 'counter' | 'gauge' | 'histogram';

export interface LogMetricRule {
  name: string;
  type: LogMetricType;
  help: string;
  match: SearchRegex;
  /** Label name -> template with $group / ${group} references. */
  labels: [string, string][];
  value?: string;
  buckets: number[];
  maxSeries: number;
}

export interface LogFileConfig {
  paths: string[];
  fromBeginning: boolean;
  /** Longer lines are skipped and counted as dropped. */
  maxLineBytes: number;
  metrics: LogMetricRule[];
}

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const DEFAULT_MAX_SERIES = 1000;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const metricSchema = z.strictObject({
  name: zstr,
  type: zstr.optional(),
  help: zstr.optional(),
  match: zstr,
  labels: z.record(z.string(), zstr).optional(),
  value: zstr.optional(),
  buckets: z.array(zfloat).optional(),
  max_series: zint.optional(),
});

const fileSchema = z.strictObject({
  path: z.union([zstr, z.array(zstr)]),
  from_beginning: zbool.optional(),
  max_line_bytes: zint.optional(),
  metrics: z.array(metricSchema),
});

export const logsSchema = z.array(fileSchema);

type RawFile = z.infer<typeof fileSchema>;

type Issue = { path: (string | number)[]; message: string };

/** Builds rules from the schema's output; problems go to `issues` with paths relative to the list. */
export function buildLogsConfig(raw: RawFile[], issues: Issue[]): LogFileConfig[] {
  const out: LogFileConfig[] = [];
  const names = new Map<string, string>();
  raw.forEach((f, fi) => {
    const paths = (Array.isArray(f.path) ? f.path : [f.path]).filter((p) => p !== '');
    if (paths.length === 0) issues.push({ path: [fi, 'path'], message: 'path must not be empty' });
    const metrics: LogMetricRule[] = [];
    f.metrics.forEach((m, mi) => {
      const at = (field: string, message: string) => issues.push({ path: [fi, 'metrics', mi, field], message });
      if (!isLegacyMetricName(m.name)) at('name', `invalid metric name ${JSON.stringify(m.name)}`);
      const type = (m.type ?? 'counter') as LogMetricType;
      if (type !== 'counter' && type !== 'gauge' && type !== 'histogram') {
        at('type', `invalid type ${JSON.stringify(m.type)}, expected one of: counter, gauge, histogram`);
      }
      const prev = names.get(m.name);
      if (prev !== undefined) {
        at('name', `metric ${m.name} is already defined at ${prev}; list several paths in one entry instead`);
      }
      names.set(m.name, `osprey.logs.${fi}.metrics.${mi}`);
      let match: SearchRegex | undefined;
      try {
        match = compileSearchRegex(m.match);
      } catch (e) {
        at('match', (e as Error).message);
      }
      const groups = match ? groupNames(match) : new Set<string>();
      const refs = (field: string, template: string) => {
        for (const r of templateRefs(template)) {
          if (!groups.has(r))
            at(field, `${JSON.stringify(template)} refers to $${r}, which is not a group of the match`);
        }
      };
      const labels = Object.entries(m.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [ln, tmpl] of labels) {
        if (!isLegacyLabelName(ln) || ln.startsWith('__') || ln === 'le')
          at('labels', `invalid label name ${JSON.stringify(ln)}`);
        refs('labels', tmpl);
      }
      if (m.value !== undefined) refs('value', m.value);
      else if (type !== 'counter') at('value', `value is required for a ${type}`);
      const buckets = m.buckets ?? DEFAULT_BUCKETS;
      for (let i = 1; i < buckets.length; i++) {
        if (!(buckets[i] > buckets[i - 1])) at('buckets', 'buckets must be in increasing order');
      }
      if (m.buckets !== undefined && type !== 'histogram') at('buckets', 'buckets are only for histograms');
      if (match !== undefined) {
        metrics.push({
          name: m.name,
          type,
          help: m.help ?? `Lines of ${paths.join(', ')} matching ${m.match}.`,
          match,
          labels,
          value: m.value,
          buckets: buckets.filter((b) => b !== Number.POSITIVE_INFINITY),
          maxSeries: m.max_series ?? DEFAULT_MAX_SERIES,
        });
      }
    });
    out.push({
      paths,
      fromBeginning: f.from_beginning ?? false,
      maxLineBytes: f.max_line_bytes ?? DEFAULT_MAX_LINE_BYTES,
      metrics,
    });
  });
  return out;
}

/** Named and numbered groups of a compiled pattern (numbers as strings). */
function groupNames(re: SearchRegex): Set<string> {
  const out = new Set<string>(Object.keys(re.namedGroups));
  for (let i = 0; i <= re.groupCount; i++) out.add(String(i));
  return out;
}

function templateRefs(t: string): string[] {
  const out: string[] = [];
  for (const m of t.matchAll(/\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))/g)) out.push(m[1] ?? m[2]);
  return out;
}

/** Rules from an already loaded `osprey.logs` value (plain JS). Throws Error naming the path of each problem. */
export function logsConfigFromValue(value: unknown): LogFileConfig[] {
  if (value === undefined || value === null) return [];
  const res = logsSchema.safeParse(value);
  const issues: Issue[] = [];
  if (!res.success) {
    for (const i of res.error.issues)
      issues.push({ path: ['osprey', 'logs', ...(i.path as (string | number)[])], message: i.message });
    throw new Error(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const cfg = buildLogsConfig(res.data, issues);
  if (issues.length > 0) throw new Error(issues.map((i) => `osprey.logs.${i.path.join('.')}: ${i.message}`).join('; '));
  return cfg;
}

const docSchema = z.looseObject({
  osprey: z.looseObject({ logs: logsSchema.optional() }).optional(),
});

/** Rules from a prometheus.yml text; errors are `file:line:col: osprey.logs...: message`. */
export function parseLogsConfig(text: string, file = 'prometheus.yml'): LogFileConfig[] {
  const src = new YamlSource(text, file);
  const doc = parseWithSchema(src, docSchema);
  const issues: Issue[] = [];
  const cfg = buildLogsConfig(doc.osprey?.logs ?? [], issues);
  src.throwIfAny(issues.map((i) => ({ path: ['osprey', 'logs', ...i.path], message: i.message })));
  return cfg;
}
