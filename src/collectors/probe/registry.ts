/**
 * The per-probe metric registry and log, like blackbox_exporter's per-request prometheus.Registry:
 * a gauge registered but never set is still exported as 0; output is sorted by family name and labels.
 */
import type { MetricFamily } from '../../exposition/types.ts';
import { Labels } from '../../model/index.ts';

interface GaugeFamily {
  help: string;
  /** Label values key -> [pairs, value]; unlabeled gauges use key ''. */
  series: Map<string, { pairs: string[]; value: number }>;
}

export class ProbeRegistry {
  private readonly families = new Map<string, GaugeFamily>();
  readonly logs: string[] = [];

  /** Registers a gauge (value 0 unless set) and returns a setter. */
  gauge(name: string, help: string): Gauge {
    const f = this.family(name, help);
    const key = '';
    if (!f.series.has(key)) f.series.set(key, { pairs: [], value: 0 });
    const s = f.series.get(key)!;
    return {
      set: (v) => {
        s.value = v;
      },
      add: (v) => {
        s.value += v;
      },
      get: () => s.value,
    };
  }

  /** Registers a labelled gauge family; series appear once `with(...)` is called, as GaugeVec does. */
  gaugeVec(name: string, help: string, labelNames: string[]): GaugeVec {
    const f = this.family(name, help);
    return {
      with: (...values: string[]) => {
        const key = values.join('\xff');
        let s = f.series.get(key);
        if (s === undefined) {
          const pairs: string[] = [];
          for (let i = 0; i < labelNames.length; i++) pairs.push(labelNames[i], values[i] ?? '');
          s = { pairs, value: 0 };
          f.series.set(key, s);
        }
        const ss = s;
        return {
          set: (v) => {
            ss.value = v;
          },
          add: (v) => {
            ss.value += v;
          },
          get: () => ss.value,
        };
      },
    };
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    let line = `ts=${new Date().toISOString()} level=${level} msg=${JSON.stringify(msg)}`;
    for (const [k, v] of Object.entries(fields)) line += ` ${k}=${JSON.stringify(v instanceof Error ? v.message : v)}`;
    this.logs.push(line);
  }

  /** Value of an unlabelled gauge, or undefined (for tests and the handler). */
  value(name: string): number | undefined {
    return this.families.get(name)?.series.get('')?.value;
  }

  result(): MetricFamily[] {
    const names = [...this.families.keys()].sort();
    return names.map((name) => {
      const f = this.families.get(name)!;
      const series = [...f.series.values()].map((s) => ({
        labels: Labels.fromPairs(['__name__', name, ...s.pairs]),
        value: s.value,
      }));
      series.sort((a, b) => (a.labels.toString() < b.labels.toString() ? -1 : 1));
      return { name, help: f.help, type: 'gauge' as const, samples: series };
    });
  }

  private family(name: string, help: string): GaugeFamily {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { help, series: new Map() };
      this.families.set(name, f);
    }
    return f;
  }
}

export interface Gauge {
  set(v: number): void;
  add(v: number): void;
  get(): number;
}

export interface GaugeVec {
  with(...values: string[]): Gauge;
}

/** What every prober receives. */
export interface ProbeContext {
  registry: ProbeRegistry;
  /** Aborted when the module timeout passes. */
  signal: AbortSignal;
  /** Absolute deadline (ms since epoch). */
  deadline: number;
}
