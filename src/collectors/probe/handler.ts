/**
 * The `/probe?target=&module=&debug=` endpoint as blackbox_exporter serves it, framework-free so the HTTP
 * server (src/api or `osprey exporter`) can mount it: 400 with blackbox's wording for a missing target or
 * an unknown module, text exposition otherwise, logs and module config in front with debug=true.
 */
import { stringify } from 'yaml';
import { CONTENT_TYPE_TEXT, writeText } from '../../exposition/index.ts';
import type { ProbeModule, ProbeModules } from './config.ts';
import { runProbe } from './probe.ts';

export interface ProbeQuery {
  target?: string;
  module?: string;
  debug?: string | boolean;
  /** From the X-Prometheus-Scrape-Timeout-Seconds request header. */
  scrapeTimeoutSeconds?: number;
}

export interface ProbeResponse {
  status: number;
  body: string;
  contentType: string;
}

export type ProbeHandler = (query: ProbeQuery) => Promise<ProbeResponse>;

const PLAIN = 'text/plain; charset=utf-8';

/** `modules` may be a function so a reloaded module file takes effect without re-mounting the route. */
export function createProbeHandler(modules: ProbeModules | (() => ProbeModules)): ProbeHandler {
  const current = typeof modules === 'function' ? modules : () => modules;
  return async (q) => {
    const moduleName = q.module || 'http_2xx';
    const module = current().get(moduleName);
    if (module === undefined) return { status: 400, body: `Unknown module "${moduleName}"\n`, contentType: PLAIN };
    if (!q.target) return { status: 400, body: 'Target parameter is missing\n', contentType: PLAIN };
    const r = await runProbe(q.target, module, q.scrapeTimeoutSeconds);
    const metrics = writeText(r.families);
    if (q.debug === true || q.debug === 'true') {
      const body = `Logs for the probe:\n${r.logs.join('\n')}\n\n\n\nMetrics that would have been returned:\n${metrics}\n\n\nModule configuration:\n${moduleYaml(module)}`;
      return { status: 200, body, contentType: PLAIN };
    }
    return { status: 200, body: metrics, contentType: CONTENT_TYPE_TEXT };
  };
}

function moduleYaml(m: ProbeModule): string {
  const { prober, timeout } = m;
  const section = m[prober];
  return stringify({ prober, timeout: timeout > 0 ? `${timeout / 1000}s` : undefined, [prober]: section }, (_k, v) =>
    v && typeof v === 'object' && 'source' in v && 'test' in v ? v.source : v,
  );
}
