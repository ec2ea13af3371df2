/**
 * Log files to metrics: tails files (tailer.ts), matches each new line against the rules of its file
 * entry and serves the resulting counters, gauges and histograms, plus per-file self-metrics, as a Collector.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { MetricFamily } from '../../exposition/types.ts';
import { Labels } from '../../model/index.ts';
import type { Collector } from '../collector.ts';
import type { LogFileConfig } from './config.ts';
import { RuleMetric } from './log-metrics.ts';
import { FileTailer, type LineSink, type TailPosition } from './tailer.ts';

export interface LogCollectorOptions {
  /** How often files are checked for new lines (ms). Default 1000. */
  pollIntervalMs?: number;
  /** Where read positions are kept so a restart neither recounts nor skips lines (e.g. in the data directory). */
  positionsFile?: string;
  onError?: (file: string, err: unknown) => void;
}

interface FileStats {
  read: number;
  matched: number;
  errors: number;
  dropped: Map<string, number>;
}

interface Entry {
  config: LogFileConfig;
  rules: RuleMetric[];
  tailer: FileTailer;
}

export class LogCollector implements Collector {
  readonly name = 'logs';
  private readonly entries: Entry[] = [];
  /** All rules by metric name (several file entries may feed one metric). */
  private readonly stats = new Map<string, FileStats>();
  private timer: NodeJS.Timeout | null = null;
  private saved: Map<string, TailPosition> | undefined;
  private lastSaved = '';
  /** Position writes run one after another (a timer poll and a scrape may overlap). */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly configs: LogFileConfig[],
    private readonly opts: LogCollectorOptions = {},
  ) {}

  /** Loads saved positions, takes the first look at the files and starts polling. */
  async start(): Promise<void> {
    if (this.opts.positionsFile) this.saved = await loadPositions(this.opts.positionsFile);
    for (const config of this.configs) {
      const rules = config.metrics.map((m) => new RuleMetric(m));
      const entry: Entry = { config, rules, tailer: undefined as unknown as FileTailer };
      entry.tailer = new FileTailer(config.paths, this.sink(entry), {
        fromBeginning: config.fromBeginning,
        maxLineBytes: config.maxLineBytes,
        saved: this.saved,
      });
      this.entries.push(entry);
    }
    await this.poll();
    const every = this.opts.pollIntervalMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.poll().catch((e) => this.opts.onError?.('', e));
      }, every);
      this.timer.unref();
    }
  }

  /** Reads new lines now (also done on every collect, so a scrape sees all lines written before it). */
  async poll(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.tailer.poll()));
    this.saving = this.saving.then(() => this.savePositions());
    await this.saving;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.poll();
    await Promise.all(this.entries.map((e) => e.tailer.close()));
  }

  async collect(): Promise<MetricFamily[]> {
    await this.poll();
    const byName = new Map<string, MetricFamily>();
    for (const e of this.entries) {
      for (const r of e.rules) {
        const f = r.family();
        const prev = byName.get(f.name);
        if (prev === undefined) byName.set(f.name, f);
        else prev.samples.push(...f.samples);
      }
    }
    return [...byName.values(), ...this.selfFamilies()];
  }

  private sink(entry: Entry): LineSink {
    return {
      line: (file, text) => {
        const st = this.fileStats(file);
        st.read++;
        let matched = false;
        for (const r of entry.rules) {
          const groups = r.rule.match.exec(text);
          if (groups === null) continue;
          matched = true;
          const res = r.observe(groups);
          if (res !== 'ok') st.dropped.set(res, (st.dropped.get(res) ?? 0) + 1);
        }
        if (matched) st.matched++;
      },
      tooLong: (file) => {
        const st = this.fileStats(file);
        st.read++;
        st.dropped.set('line_too_long', (st.dropped.get('line_too_long') ?? 0) + 1);
      },
      readError: (file, err) => {
        this.fileStats(file).errors++;
        this.opts.onError?.(file, err);
      },
    };
  }

  private fileStats(file: string): FileStats {
    let s = this.stats.get(file);
    if (s === undefined) {
      s = { read: 0, matched: 0, errors: 0, dropped: new Map() };
      this.stats.set(file, s);
    }
    return s;
  }

  private selfFamilies(): MetricFamily[] {
    const fam = (name: string, help: string): MetricFamily => ({ name, help, type: 'counter', samples: [] });
    const read = fam('osprey_log_lines_read_total', 'Lines read from a log file.');
    const matched = fam('osprey_log_lines_matched_total', 'Lines of a log file that matched at least one rule.');
    const errors = fam('osprey_log_read_errors_total', 'Errors opening or reading a log file.');
    const dropped = fam(
      'osprey_log_lines_dropped_total',
      'Lines not counted: reason="series_limit" (a new label set over max_series), "bad_value" (value not a number), "line_too_long".',
    );
    for (const [file, s] of this.stats) {
      read.samples.push({ labels: Labels.fromPairs(['__name__', read.name, 'file', file]), value: s.read });
      matched.samples.push({ labels: Labels.fromPairs(['__name__', matched.name, 'file', file]), value: s.matched });
      errors.samples.push({ labels: Labels.fromPairs(['__name__', errors.name, 'file', file]), value: s.errors });
      for (const reason of ['series_limit', 'bad_value', 'line_too_long']) {
        dropped.samples.push({
          labels: Labels.fromPairs(['__name__', dropped.name, 'file', file, 'reason', reason]),
          value: s.dropped.get(reason) ?? 0,
        });
      }
    }
    return [read, matched, errors, dropped];
  }

  private async savePositions(): Promise<void> {
    const file = this.opts.positionsFile;
    if (!file) return;
    const all: Record<string, TailPosition> = {};
    for (const e of this.entries) for (const [k, p] of e.tailer.positions()) all[k] = p;
    const text = JSON.stringify(all);
    if (text === this.lastSaved) return;
    try {
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
      this.lastSaved = text;
    } catch (e) {
      this.opts.onError?.(file, e);
    }
  }
}

async function loadPositions(file: string): Promise<Map<string, TailPosition>> {
  try {
    const obj = JSON.parse(await readFile(file, 'utf8')) as Record<string, TailPosition>;
    const out = new Map<string, TailPosition>();
    for (const [k, v] of Object.entries(obj)) {
      if (v && typeof v.offset === 'number' && typeof v.path === 'string') out.set(k, v);
    }
    return out;
  } catch {
    return new Map();
  }
}
