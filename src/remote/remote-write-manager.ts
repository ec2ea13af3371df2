import { createHash } from 'node:crypto';
import type { RemoteWriteConfig } from '../config/types.ts';
import type { Labels } from '../model/index.ts';
import { type QueueLogger, QueueManager, type QueueStats } from './queue-manager.ts';

export interface RemoteWriteManagerOptions {
  /** The TSDB's WAL directory (<data>/wal). */
  walDir: string;
  /** The data directory; queue positions are kept in <data>/remote/<name>.json. */
  dataDir: string;
  logger?: QueueLogger;
  /** WAL poll interval in ms (default 100). */
  pollInterval?: number;
}

/** The queue name: the configured name, else a short hash of the URL (stable across restarts). */
export function remoteName(cfg: RemoteWriteConfig): string {
  if (cfg.name) return cfg.name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return createHash('sha256').update(cfg.url).digest('hex').slice(0, 6);
}

/** One queue per remote_write entry; applyConfig restarts only the queues whose config changed. */
export class RemoteWriteManager {
  private queues = new Map<string, { key: string; queue: QueueManager }>();
  /** applyConfig calls run one after another (reloads may overlap). */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RemoteWriteManagerOptions) {}

  /** Starts, restarts or stops queues to match the config. Rejects on duplicate remote names. */
  applyConfig(remoteWrite: readonly RemoteWriteConfig[], externalLabels: Labels): Promise<void> {
    const run = this.chain.then(() => this.apply(remoteWrite, externalLabels));
    this.chain = run.catch(() => {});
    return run;
  }

  private async apply(remoteWrite: readonly RemoteWriteConfig[], externalLabels: Labels): Promise<void> {
    const next = new Map<string, { key: string; queue: QueueManager }>();
    const stops: Promise<void>[] = [];
    for (const cfg of remoteWrite) {
      const name = remoteName(cfg);
      if (next.has(name))
        throw new Error(`duplicate remote write configs are not allowed, found duplicate for URL: ${cfg.url}`);
      const key = JSON.stringify([cfg, externalLabels.flat]);
      const cur = this.queues.get(name);
      if (cur && cur.key === key) {
        next.set(name, cur);
        continue;
      }
      if (cur) await cur.queue.stop();
      const queue = new QueueManager({ name, cfg, externalLabels, ...this.opts });
      next.set(name, { key, queue });
    }
    for (const [name, cur] of this.queues) if (!next.has(name)) stops.push(cur.queue.stop());
    await Promise.all(stops);
    this.queues = next;
    for (const q of next.values()) q.queue.start();
  }

  stats(): QueueStats[] {
    return [...this.queues.values()].map((q) => ({ ...q.queue.stats }));
  }

  async stop(): Promise<void> {
    await this.chain;
    await Promise.all([...this.queues.values()].map((q) => q.queue.stop()));
    this.queues.clear();
  }
}

/** The queues' figures as Prometheus's prometheus_remote_storage_* metrics, in the text format. */
export function renderRemoteWriteMetrics(stats: readonly QueueStats[]): string {
  const metrics: [string, string, (s: QueueStats) => number][] = [
    ['prometheus_remote_storage_samples_total', 'counter', (s) => s.samplesSent],
    ['prometheus_remote_storage_samples_failed_total', 'counter', (s) => s.samplesFailed],
    ['prometheus_remote_storage_samples_retried_total', 'counter', (s) => s.samplesRetried],
    ['prometheus_remote_storage_samples_dropped_total', 'counter', (s) => s.samplesDropped],
    ['prometheus_remote_storage_samples_pending', 'gauge', (s) => s.samplesPending],
    ['prometheus_remote_storage_shards', 'gauge', (s) => s.shards],
    ['prometheus_remote_storage_bytes_total', 'counter', (s) => s.bytesSent],
    ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds', 'gauge', (s) => s.highestSentTimestamp],
  ];
  let out = '';
  for (const [name, type, get] of metrics) {
    out += `# TYPE ${name} ${type}\n`;
    for (const s of stats) {
      out += `${name}{remote_name="${escapeValue(s.remoteName)}",url="${escapeValue(s.url)}"} ${get(s)}\n`;
    }
  }
  if (stats.length > 0) {
    out += '# TYPE prometheus_remote_storage_highest_timestamp_in_seconds gauge\n';
    out += `prometheus_remote_storage_highest_timestamp_in_seconds ${Math.max(...stats.map((s) => s.highestTimestampIn))}\n`;
  }
  return out;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
