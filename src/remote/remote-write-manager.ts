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

  constructor(private readonly opts: RemoteWriteManagerOptions) {}

  async applyConfig(remoteWrite: readonly RemoteWriteConfig[], externalLabels: Labels): Promise<void> {
    const next = new Map<string, { key: string; queue: QueueManager }>();
    const stops: Promise<void>[] = [];
    for (const cfg of remoteWrite) {
      const name = remoteName(cfg);
      if (next.has(name)) throw new Error(`duplicate remote write configs are not allowed, found duplicate for URL: ${cfg.url}`);
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
    await Promise.all([...this.queues.values()].map((q) => q.queue.stop()));
    this.queues.clear();
  }
}
