import client from 'prom-client';

/**
 * Osprey's own metrics, served on /metrics. Names follow Prometheus's with an `osprey_` prefix where the
 * meaning is the same (osprey_tsdb_head_series ~ prometheus_tsdb_head_series).
 */
export interface SelfMetricSources {
  headSeries(): number;
  headSamplesAppended(): number;
  headChunks(): number;
  outOfOrderSamples(): number;
  targetsActive(): number;
  walCorruptions(): number;
  blockCorruptions(): number;
  walWriteFailures(): number;
  /** Queries evaluating or waiting for a slot (--query.max-concurrency). */
  queries?(): number;
  queriesConcurrentMax?(): number;
}

export class SelfMetrics {
  readonly registry = new client.Registry();
  readonly configLastReloadSuccessful: client.Gauge;
  readonly configLastReloadSuccessTimestamp: client.Gauge;
  readonly httpRequests: client.Counter<'handler' | 'code'>;
  readonly remoteWriteSamples: client.Counter;
  readonly queriesTotal: client.Counter<'kind'>;
  private readonly queryDuration: client.Summary<'slice'>;

  constructor(sources: SelfMetricSources, version: string) {
    const r = this.registry;
    client.collectDefaultMetrics({ register: r });
    new client.Gauge({
      name: 'osprey_build_info',
      help: 'A metric with a constant 1 value labeled by version and Node.js version.',
      labelNames: ['version', 'nodeversion'],
      registers: [r],
    }).set({ version, nodeversion: process.version }, 1);
    this.configLastReloadSuccessful = new client.Gauge({
      name: 'osprey_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers: [r],
    });
    this.configLastReloadSuccessTimestamp = new client.Gauge({
      name: 'osprey_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers: [r],
    });
    this.httpRequests = new client.Counter({
      name: 'osprey_http_requests_total',
      help: 'Counter of HTTP requests.',
      labelNames: ['handler', 'code'],
      registers: [r],
    });
    this.remoteWriteSamples = new client.Counter({
      name: 'osprey_remote_write_samples_received_total',
      help: 'Samples received through the remote-write receiver.',
      registers: [r],
    });
    this.queriesTotal = new client.Counter({
      name: 'osprey_engine_queries_total',
      help: 'Queries evaluated by the PromQL engine.',
      labelNames: ['kind'],
      registers: [r],
    });
    const gauge = (name: string, help: string, fn: () => number) =>
      new client.Gauge({
        name,
        help,
        registers: [r],
        collect() {
          this.set(fn());
        },
      });
    // Counters owned by other parts: reset and re-add on collect so the exposed TYPE stays counter.
    const counter = (name: string, help: string, fn: () => number) =>
      new client.Counter({
        name,
        help,
        registers: [r],
        collect() {
          this.reset();
          this.inc(fn());
        },
      });
    gauge('osprey_tsdb_head_series', 'Total number of series in the head block.', sources.headSeries);
    gauge('osprey_tsdb_head_chunks', 'Total number of chunks in the head block.', sources.headChunks);
    counter(
      'osprey_tsdb_head_samples_appended_total',
      'Total number of appended samples.',
      sources.headSamplesAppended,
    );
    counter(
      'osprey_tsdb_out_of_order_samples_total',
      'Total number of out of order samples ingestion failed attempts.',
      sources.outOfOrderSamples,
    );
    counter(
      'osprey_tsdb_wal_corruptions_total',
      'Total number of WAL corruptions repaired (torn or corrupt tails cut off).',
      sources.walCorruptions,
    );
    counter(
      'osprey_tsdb_block_corruptions_total',
      'Total number of unreadable blocks skipped at startup.',
      sources.blockCorruptions,
    );
    counter('osprey_tsdb_wal_write_failures_total', 'Total number of failed WAL writes.', sources.walWriteFailures);
    gauge('osprey_target_active', 'Number of active scrape targets.', sources.targetsActive);
    if (sources.queries)
      gauge('osprey_engine_queries', 'The current number of queries being executed or waiting.', sources.queries);
    if (sources.queriesConcurrentMax)
      gauge(
        'osprey_engine_queries_concurrent_max',
        'The max number of concurrent queries.',
        sources.queriesConcurrentMax,
      );
    this.queryDuration = new client.Summary({
      name: 'osprey_engine_query_duration_seconds',
      help: 'Query timings',
      labelNames: ['slice'],
      percentiles: [0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers: [r],
    });
  }

  /** Records one query's timings (seconds) under Prometheus's slice names. */
  observeQuery(t: {
    innerEvalTime: number;
    queryPreparationTime: number;
    execQueueTime: number;
    resultSortTime: number;
  }): void {
    this.queryDuration.observe({ slice: 'inner_eval' }, t.innerEvalTime);
    this.queryDuration.observe({ slice: 'prepare_time' }, t.queryPreparationTime);
    this.queryDuration.observe({ slice: 'queue_time' }, t.execQueueTime);
    this.queryDuration.observe({ slice: 'result_sort' }, t.resultSortTime);
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/** Rule-group metrics in exposition text, with Prometheus's names under the osprey_ prefix. */
export function renderRuleGroupMetrics(
  groups: readonly {
    group: string;
    interval: number;
    lastEvaluation: number;
    lastDuration: number;
    lastSamples: number;
    rules: number;
    evaluations: number;
    failures: number;
    missedIterations: number;
  }[],
): string {
  if (groups.length === 0) return '';
  const families: [string, string, string, (g: (typeof groups)[number]) => number][] = [
    ['osprey_rule_group_interval_seconds', 'gauge', 'The interval of a rule group.', (g) => g.interval],
    [
      'osprey_rule_group_last_duration_seconds',
      'gauge',
      'The duration of the last rule group evaluation.',
      (g) => g.lastDuration,
    ],
    [
      'osprey_rule_group_last_evaluation_timestamp_seconds',
      'gauge',
      'The timestamp of the last rule group evaluation in seconds.',
      (g) => g.lastEvaluation,
    ],
    [
      'osprey_rule_group_last_evaluation_samples',
      'gauge',
      'The number of samples returned during the last rule group evaluation.',
      (g) => g.lastSamples,
    ],
    ['osprey_rule_group_rules', 'gauge', 'The number of rules.', (g) => g.rules],
    ['osprey_rule_evaluations_total', 'counter', 'The total number of rule evaluations.', (g) => g.evaluations],
    [
      'osprey_rule_evaluation_failures_total',
      'counter',
      'The total number of rule evaluation failures.',
      (g) => g.failures,
    ],
    [
      'osprey_rule_group_iterations_missed_total',
      'counter',
      'The total number of rule group evaluations missed due to slow rule group evaluation.',
      (g) => g.missedIterations,
    ],
  ];
  let out = '';
  for (const [name, type, help, get] of families) {
    out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
    for (const g of groups) out += `${name}{rule_group=${JSON.stringify(g.group)}} ${get(g)}\n`;
  }
  return out;
}
