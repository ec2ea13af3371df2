import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RemoteWriteConfig } from '../config/types.ts';
import { type Labels, LabelsBuilder } from '../model/index.ts';
import { type CompiledRelabelConfig, compileRelabelConfigs, relabelBuilder, USER_AGENT } from '../scrape/index.ts';
import {
  decodeSamples,
  decodeSeries,
  lastCheckpoint,
  listSegments,
  RECORD_SAMPLES,
  RECORD_SERIES,
} from '../tsdb/wal/index.ts';
import { authHeaders, PostClient, sleep } from './http-client.ts';
import { readSegmentFrom } from './wal-tail.ts';
import { encodeLabelFields, WriteRequestBuilder } from './write-encoder.ts';
import {
  CONTENT_TYPE_V2,
  HEADER_SAMPLES_WRITTEN,
  PROTO_V1,
  PROTO_V2,
  VERSION_HEADER_V1,
  VERSION_HEADER_V2,
  WriteRequestV2Builder,
} from './write-v2.ts';

export interface QueueLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Counters with the meaning of Prometheus's prometheus_remote_storage_* metrics. */
export interface QueueStats {
  remoteName: string;
  url: string;
  samplesSent: number;
  samplesFailed: number;
  samplesRetried: number;
  /** Dropped by write_relabel_configs (or unknown series). */
  samplesDropped: number;
  samplesPending: number;
  shards: number;
  /** Seconds. */
  highestTimestampIn: number;
  highestSentTimestamp: number;
  requestsFailed: number;
  bytesSent: number;
  /** The protobuf message in use: the configured one, or 1.0 after a 2.0 receiver check failed. */
  protobufMessage: string;
}

export interface WALPosition {
  segment: number;
  offset: number;
}

interface SeriesEntry {
  /** Pre-encoded Label fields; null when relabeling dropped the series. */
  fields: Uint8Array | null;
  /** The labels as sent, kept only for remote write 2.0 (symbols are interned per request). */
  labels: Labels | null;
  shardHash: number;
}

export interface QueueManagerOptions {
  name: string;
  walDir: string;
  dataDir: string;
  cfg: RemoteWriteConfig;
  externalLabels: Labels;
  logger?: QueueLogger;
  /** How often the WAL is polled for new records (ms). */
  pollInterval?: number;
}

/**
 * Ships one remote_write endpoint's samples, tailing the WAL segments on disk (as Prometheus's WAL watcher does).
 * Work goes in cycles: read up to a bounded number of samples, send them on all shards (per-series order is kept
 * because a series always maps to the same shard), then persist the WAL position reached. After a restart or an
 * outage the queue resumes from that position, so the receiver gets every sample, in order, at least once.
 */
export class QueueManager {
  readonly stats: QueueStats;
  private readonly series = new Map<number, SeriesEntry>();
  private readonly relabelCfgs: CompiledRelabelConfig[];
  private readonly posFile: string;
  private pos: WALPosition = { segment: -1, offset: 0 };
  /** Samples before this position were sent by a previous run; their records only teach series. */
  private sendFrom: WALPosition = { segment: -1, offset: 0 };
  private refs: Float64Array;
  private ts: Float64Array;
  private vs: Float64Array;
  private n = 0;
  private firstPendingAt = 0;
  /** When the position file was last written; it is written at most once a second, and when the queue stops. */
  private savedAt = 0;
  private savedPos = '';
  private readonly abort = new AbortController();
  private readonly client = new PostClient();
  private running: Promise<void> | null = null;
  private readonly builders: WriteRequestBuilder[] = [];
  private readonly buildersV2: WriteRequestV2Builder[] = [];
  /** Remote write 2.0 is configured (labels are kept for it, even after a fallback to 1.0). */
  private readonly wantV2: boolean;
  private readonly cycleLimit: number;
  private readonly maxShards: number;
  private readonly minShards: number;
  private readonly maxPerSend: number;

  constructor(private readonly opts: QueueManagerOptions) {
    const q = opts.cfg.queue_config;
    this.maxPerSend = Math.max(1, q.max_samples_per_send || 2000);
    this.minShards = Math.max(1, q.min_shards || 1);
    this.maxShards = Math.max(this.minShards, q.max_shards || 50);
    // Memory stays bounded: at most this many samples are held between WAL and receiver.
    this.cycleLimit = Math.max(this.maxPerSend * this.maxShards, q.capacity || 10000);
    this.refs = new Float64Array(this.cycleLimit + 64 * 1024);
    this.ts = new Float64Array(this.refs.length);
    this.vs = new Float64Array(this.refs.length);
    this.relabelCfgs = compileRelabelConfigs(opts.cfg.write_relabel_configs ?? []);
    this.posFile = join(opts.dataDir, 'remote', `${opts.name}.json`);
    this.stats = {
      remoteName: opts.name,
      url: opts.cfg.url,
      samplesSent: 0,
      samplesFailed: 0,
      samplesRetried: 0,
      samplesDropped: 0,
      samplesPending: 0,
      shards: this.minShards,
      highestTimestampIn: 0,
      highestSentTimestamp: 0,
      requestsFailed: 0,
      bytesSent: 0,
      protobufMessage: opts.cfg.protobuf_message === PROTO_V2 ? PROTO_V2 : PROTO_V1,
    };
    this.wantV2 = this.stats.protobufMessage === PROTO_V2;
  }

  start(): void {
    if (this.running) return;
    this.running = this.run().catch((e) => {
      this.opts.logger?.error({ err: String(e), remote_name: this.opts.name }, 'remote write queue stopped');
    });
  }

  /** Stops after the request in flight; unsent samples are resent after the next start. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.client.destroy();
  }

  /** The WAL position everything before which has been delivered. */
  position(): WALPosition {
    return { ...this.pos };
  }

  private loadPosition(): WALPosition | null {
    try {
      const p = JSON.parse(readFileSync(this.posFile, 'utf8')) as WALPosition;
      if (Number.isInteger(p.segment) && Number.isInteger(p.offset)) return p;
    } catch {
      // no saved position
    }
    return null;
  }

  /**
   * Persists the delivered position. Between writes (at most one a second while shipping) a crash makes the queue
   * resend up to a second of samples: delivery is at-least-once either way, and receivers ignore exact duplicates.
   */
  private savePosition(force = true): void {
    const body = JSON.stringify({ segment: this.sendFrom.segment, offset: this.sendFrom.offset });
    if (body === this.savedPos || (!force && Date.now() - this.savedAt < 1000)) return;
    mkdirSync(join(this.opts.dataDir, 'remote'), { recursive: true });
    const tmp = `${this.posFile}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, this.posFile);
    this.savedAt = Date.now();
    this.savedPos = body;
  }

  private async run(): Promise<void> {
    const walDir = this.opts.walDir;
    const cp = lastCheckpoint(walDir);
    if (cp) {
      for (const seg of listSegments(cp.dir)) readSegmentFrom(cp.dir, seg, 0, (rec) => this.onSeriesOnly(rec));
    }
    const segs = listSegments(walDir);
    const saved = this.loadPosition();
    if (saved) {
      this.sendFrom = saved;
    } else {
      // A new remote starts with what is written from now on (as Prometheus does).
      const last = segs.length > 0 ? segs[segs.length - 1] : 0;
      const size = segs.length > 0 ? readSegmentFrom(walDir, last, Number.MAX_SAFE_INTEGER, () => true).size : 0;
      this.sendFrom = { segment: last, offset: Math.max(0, size) };
      this.savePosition();
    }
    const first = segs.filter((s) => s > (cp?.n ?? -1))[0] ?? this.sendFrom.segment;
    this.pos = { segment: first, offset: 0 };
    const signal = this.abort.signal;
    const poll = this.opts.pollInterval ?? 100;
    const deadline = this.opts.cfg.queue_config.batch_send_deadline || 5000;
    while (!signal.aborted) {
      const reachedEnd = this.readWAL();
      if (this.n === 0) {
        if (reachedEnd) await sleep(poll, signal);
        continue;
      }
      const full = this.n >= this.cycleLimit;
      if (!full && this.n < this.maxPerSend && Date.now() - this.firstPendingAt < deadline && reachedEnd) {
        await sleep(Math.min(poll, deadline), signal);
        continue;
      }
      this.scaleShards(full || !reachedEnd);
      const ok = await this.flush();
      if (!ok) break; // stopped while retrying: the position is not advanced
      this.sendFrom = { ...this.pos };
      this.savePosition(false);
    }
    this.savePosition();
  }

  /** Backlog grows the shard count, a drained WAL shrinks it. */
  private scaleShards(backlog: boolean): void {
    const s = this.stats.shards;
    if (backlog) this.stats.shards = Math.min(this.maxShards, s * 2);
    else if (this.n < this.maxPerSend * s) this.stats.shards = Math.max(this.minShards, Math.ceil(s / 2));
  }

  private onSeriesOnly(rec: Uint8Array): boolean {
    if (rec[0] === RECORD_SERIES) decodeSeries(rec, (ref, labels) => this.storeSeries(ref, labels));
    return true;
  }

  private storeSeries(ref: number, labels: Labels): void {
    const lb = new LabelsBuilder(labels);
    this.opts.externalLabels.forEach((n, v) => {
      if (!labels.has(n)) lb.set(n, v);
    });
    const keep = relabelBuilder(lb, this.relabelCfgs);
    const out = keep ? lb.labels() : null;
    this.series.set(ref, {
      fields: out && out.flat.length > 0 ? encodeLabelFields(out) : null,
      labels: this.wantV2 && out && out.flat.length > 0 ? out : null,
      shardHash: (out ?? labels).hash() >>> 0,
    });
  }

  /** Reads records into the pending arrays; returns true when the end of the WAL was reached. */
  private readWAL(): boolean {
    const walDir = this.opts.walDir;
    for (;;) {
      if (this.n >= this.cycleLimit) return false;
      const segs = listSegments(walDir);
      if (segs.length === 0) return true;
      if (!segs.includes(this.pos.segment)) {
        // Our segment was truncated away (checkpoint): continue at the next one that exists.
        const next = segs.find((s) => s > this.pos.segment);
        if (next === undefined) return true;
        this.opts.logger?.warn({ remote_name: this.opts.name, segment: next }, 'WAL segment gone; skipping ahead');
        this.pos = { segment: next, offset: 0 };
      }
      const hasNext = segs[segs.length - 1] > this.pos.segment;
      const seg = this.pos.segment;
      const startOffset = this.pos.offset;
      let stopped = false;
      const r = readSegmentFrom(walDir, seg, this.pos.offset, (rec, end) => {
        this.onRecord(rec, seg, end);
        this.pos.offset = end;
        if (this.n >= this.cycleLimit) {
          stopped = true;
          return false;
        }
        return true;
      });
      this.pos.offset = r.offset;
      if (stopped) return false;
      if (r.offset < r.size && r.size >= 0) {
        // Bytes left but no whole record: a read cap was hit, the tail is being written, or a torn tail.
        if (r.offset > startOffset) continue;
        if (!hasNext) return true;
      }
      if (!hasNext) return true;
      this.pos = { segment: segs.find((s) => s > seg) as number, offset: 0 };
    }
  }

  private onRecord(rec: Uint8Array, seg: number, end: number): void {
    const type = rec[0];
    if (type === RECORD_SERIES) {
      decodeSeries(rec, (ref, labels) => this.storeSeries(ref, labels));
      return;
    }
    if (type !== RECORD_SAMPLES) return;
    const old = seg < this.sendFrom.segment || (seg === this.sendFrom.segment && end <= this.sendFrom.offset);
    if (old) return;
    decodeSamples(rec, (ref, t, v) => {
      const s = this.series.get(ref);
      if (t / 1000 > this.stats.highestTimestampIn) this.stats.highestTimestampIn = t / 1000;
      if (!s || s.fields === null) {
        this.stats.samplesDropped++;
        return;
      }
      if (this.n === this.refs.length) this.grow();
      if (this.n === 0) this.firstPendingAt = Date.now();
      this.refs[this.n] = ref;
      this.ts[this.n] = t;
      this.vs[this.n] = v;
      this.n++;
    });
    this.stats.samplesPending = this.n;
  }

  private grow(): void {
    const size = this.refs.length * 2;
    for (const k of ['refs', 'ts', 'vs'] as const) {
      const b = new Float64Array(size);
      b.set(this[k]);
      this[k] = b;
    }
  }

  /** Sends every pending sample; false when stopped before all were delivered. */
  private async flush(): Promise<boolean> {
    const shards = this.stats.shards;
    const byShard: number[][] = Array.from({ length: shards }, () => []);
    for (let i = 0; i < this.n; i++) {
      const s = this.series.get(this.refs[i]) as SeriesEntry;
      byShard[s.shardHash % shards].push(i);
    }
    while (this.builders.length < shards) this.builders.push(new WriteRequestBuilder());
    while (this.wantV2 && this.buildersV2.length < shards) this.buildersV2.push(new WriteRequestV2Builder());
    const results = await Promise.all(byShard.map((idx, k) => this.sendShard(idx, k)));
    if (results.some((r) => !r)) return false;
    this.n = 0;
    this.stats.samplesPending = 0;
    return true;
  }

  private async sendShard(idx: number[], shard: number): Promise<boolean> {
    const refs = this.refs;
    // Group samples of a series into one TimeSeries; sort is stable so each series keeps its order.
    idx.sort((a, c) => refs[a] - refs[c] || a - c);
    for (let from = 0; from < idx.length; from += this.maxPerSend) {
      const to = Math.min(idx.length, from + this.maxPerSend);
      let maxT = 0;
      for (let k = from; k < to; k++) if (this.ts[idx[k]] > maxT) maxT = this.ts[idx[k]];
      const encode = (v2: boolean): Uint8Array => {
        const b1 = this.builders[shard];
        const b2 = this.buildersV2[shard];
        if (v2) b2.reset();
        else b1.reset();
        let i = from;
        while (i < to) {
          let j = i + 1;
          while (j < to && refs[idx[j]] === refs[idx[i]]) j++;
          const s = this.series.get(refs[idx[i]]) as SeriesEntry;
          if (v2) b2.series(s.labels as Labels, this.ts, this.vs, idx, i, j);
          else b1.series(s.fields as Uint8Array, this.ts, this.vs, idx, i, j);
          i = j;
        }
        return v2 ? b2.compressed() : b1.compressed();
      };
      const ok = await this.sendWithRetry(encode, to - from);
      if (ok === 'stopped') return false;
      if (ok === 'sent' && maxT / 1000 > this.stats.highestSentTimestamp) this.stats.highestSentTimestamp = maxT / 1000;
    }
    return true;
  }

  /** Remote write 2.0 is not understood by the receiver: this queue sends 1.0 from now on. */
  private fallBackToV1(reason: string): void {
    if (this.stats.protobufMessage === PROTO_V1) return;
    this.stats.protobufMessage = PROTO_V1;
    this.opts.logger?.warn(
      { remote_name: this.opts.name, url: this.opts.cfg.url, reason },
      'receiver does not accept remote write 2.0; falling back to 1.0 (prometheus.WriteRequest)',
    );
  }

  private async sendWithRetry(
    encode: (v2: boolean) => Uint8Array,
    count: number,
  ): Promise<'sent' | 'dropped' | 'stopped'> {
    const cfg = this.opts.cfg;
    const q = cfg.queue_config;
    let backoff = q.min_backoff || 30;
    const signal = this.abort.signal;
    let v2 = this.stats.protobufMessage === PROTO_V2;
    let body = encode(v2);
    for (;;) {
      if (signal.aborted) return 'stopped';
      if (v2 && this.stats.protobufMessage !== PROTO_V2) {
        // Another shard found out the receiver speaks 1.0 only.
        v2 = false;
        body = encode(false);
      }
      let status = 0;
      let retryAfter = 0;
      let errText = '';
      let samplesWritten: string | null = null;
      try {
        const res = await this.client.post(
          cfg.url,
          {
            ...authHeaders(cfg),
            'Content-Encoding': 'snappy',
            'Content-Type': v2 ? CONTENT_TYPE_V2 : 'application/x-protobuf',
            'User-Agent': USER_AGENT,
            'X-Prometheus-Remote-Write-Version': v2 ? VERSION_HEADER_V2 : VERSION_HEADER_V1,
          },
          body,
          { signal, timeoutMs: cfg.remote_timeout || 30000, followRedirects: cfg.follow_redirects !== false },
        );
        status = res.status;
        if (status >= 400) errText = res.text;
        const sw = res.headers[HEADER_SAMPLES_WRITTEN.toLowerCase()];
        samplesWritten = typeof sw === 'string' ? sw : null;
        const ra = res.headers['retry-after'];
        if (ra && /^\d+$/.test(ra)) retryAfter = Number(ra) * 1000;
      } catch (e) {
        if (signal.aborted) return 'stopped';
        errText = (e as Error).message;
      }
      if (v2 && (status === 415 || (status >= 200 && status < 300 && samplesWritten === null))) {
        // The 2.0 spec's negotiation: 415 means "send the 1.0 message". A 2xx without the mandatory
        // X-Prometheus-Remote-Write-Samples-Written header comes from a 1.0 receiver that ignored the content type
        // and wrote nothing; the batch is re-encoded and resent as 1.0 (an exact duplicate is harmless).
        this.fallBackToV1(
          status === 415 ? '415 Unsupported Media Type' : `${status} without ${HEADER_SAMPLES_WRITTEN}`,
        );
        v2 = false;
        body = encode(false);
        continue;
      }
      if (status >= 200 && status < 300) {
        const written = v2 ? Number(samplesWritten) : count;
        if (v2 && Number.isFinite(written) && written < count) {
          // A partial write confirmed by the receiver: the rest is not retried (the receiver chose to refuse it).
          this.stats.samplesFailed += count - written;
          this.stats.samplesSent += written;
          this.stats.bytesSent += body.length;
          return 'sent';
        }
        this.stats.samplesSent += count;
        this.stats.bytesSent += body.length;
        return 'sent';
      }
      this.stats.requestsFailed++;
      // 429 is always retried, as in Prometheus 3 (retry_on_http_429 is kept only for config compatibility).
      const retriable = status === 0 || status >= 500 || status === 429;
      if (!retriable) {
        this.stats.samplesFailed += count;
        this.opts.logger?.error(
          { remote_name: this.opts.name, url: cfg.url, status, err: errText, count },
          'non-recoverable error sending samples; dropped',
        );
        return 'dropped';
      }
      this.stats.samplesRetried += count;
      this.opts.logger?.warn({ remote_name: this.opts.name, status, err: errText }, 'failed to send batch, retrying');
      await sleep(Math.max(backoff, retryAfter), signal);
      backoff = Math.min(backoff * 2, q.max_backoff || 5000);
    }
  }
}
