import type { Command } from 'commander';

/**
 * `osprey query instant|range|series|labels SERVER ...`, in the manner of `promtool query`:
 * talks to any Prometheus-compatible API (Osprey, Prometheus, VictoriaMetrics, ...).
 */
export function registerQueryCommand(program: Command): void {
  const query = program.command('query').description('run queries against a Prometheus-compatible server');
  query
    .command('instant')
    .argument('<server>', 'server URL, e.g. http://localhost:9090')
    .argument('<expr>', 'PromQL expression')
    .option('--time <time>', 'evaluation time (RFC3339 or Unix seconds)')
    .option('-o, --format <format>', 'output format: promql or json', 'promql')
    .description('run an instant query')
    .action(async (server: string, expr: string, o: { time?: string; format: string }) => {
      const params: Record<string, string> = { query: expr };
      if (o.time) params.time = o.time;
      await run(server, '/api/v1/query', params, o.format);
    });
  query
    .command('range')
    .argument('<server>', 'server URL')
    .argument('<expr>', 'PromQL expression')
    .option('--start <time>', 'start time (default: 5 minutes before end)')
    .option('--end <time>', 'end time (default: now)')
    .option('--step <duration>', 'step (default: (end-start)/250, at least 1s)')
    .option('-o, --format <format>', 'output format: promql or json', 'promql')
    .description('run a range query')
    .action(
      async (server: string, expr: string, o: { start?: string; end?: string; step?: string; format: string }) => {
        const end = o.end ?? String(Date.now() / 1000);
        const start = o.start ?? String(Number(end) - 300);
        const step = o.step ?? String(Math.max(1, Math.round((Number(end) - Number(start)) / 250)));
        await run(server, '/api/v1/query_range', { query: expr, start, end, step }, o.format);
      },
    );
  query
    .command('series')
    .argument('<server>', 'server URL')
    .requiredOption('--match <selector...>', 'series selector (repeatable)')
    .option('--start <time>', 'start time')
    .option('--end <time>', 'end time')
    .option('-o, --format <format>', 'output format: promql or json', 'promql')
    .description('list series matching selectors')
    .action(async (server: string, o: { match: string[]; start?: string; end?: string; format: string }) => {
      const p = new URLSearchParams();
      for (const m of o.match) p.append('match[]', m);
      if (o.start) p.append('start', o.start);
      if (o.end) p.append('end', o.end);
      await run(server, '/api/v1/series', p, o.format);
    });
  query
    .command('labels')
    .argument('<server>', 'server URL')
    .argument('<name>', 'label name')
    .option('--match <selector...>', 'series selector (repeatable)')
    .option('-o, --format <format>', 'output format: promql or json', 'promql')
    .description('list the values of a label')
    .action(async (server: string, name: string, o: { match?: string[]; format: string }) => {
      const p = new URLSearchParams();
      for (const m of o.match ?? []) p.append('match[]', m);
      await run(server, `/api/v1/label/${encodeURIComponent(name)}/values`, p, o.format);
    });
}

async function run(server: string, path: string, params: Record<string, string> | URLSearchParams, format: string) {
  const url = `${server.replace(/\/$/, '')}${path}`;
  let res: Response;
  try {
    const body = new URLSearchParams(params).toString();
    // Label values is GET-only in the Prometheus API; the others take form POSTs (no URL length limit).
    res = path.includes('/label/')
      ? await fetch(body ? `${url}?${body}` : url)
      : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  } catch (e) {
    process.stderr.write(`query error: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const body = (await res.json().catch(() => ({}))) as { status?: string; error?: string; data?: any };
  if (body.status !== 'success') {
    process.stderr.write(`query error: ${body.error ?? `server returned HTTP status ${res.status}`}\n`);
    process.exit(1);
  }
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(body.data)}\n`);
    return;
  }
  process.stdout.write(formatPromQL(body.data));
}

/** promtool's "promql" output: series => value @[time]; matrix values one per line; lists one per line. */
export function formatPromQL(data: any): string {
  if (Array.isArray(data)) {
    return data.map((x) => (typeof x === 'string' ? x : metricString(x))).join('\n') + (data.length ? '\n' : '');
  }
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      return `scalar: ${data.result[1]} @[${data.result[0]}]\n`;
    case 'vector':
      return data.result.map((s: any) => `${metricString(s.metric)} => ${s.value[1]} @[${s.value[0]}]\n`).join('');
    case 'matrix':
      return data.result
        .map(
          (s: any) =>
            `${metricString(s.metric)} =>\n${s.values.map((v: [number, string]) => `${v[1]} @[${v[0]}]`).join('\n')}\n`,
        )
        .join('');
    default:
      return `${JSON.stringify(data)}\n`;
  }
}

function metricString(m: Record<string, string>): string {
  const name = m.__name__ ?? '';
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`);
  return `${name}{${rest.join(', ')}}`;
}
