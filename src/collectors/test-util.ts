/**
 * Helpers shared by the collector tests (not part of the public surface): a fake /proc + /sys tree
 * in a temp dir, and a view of families that tests can assert on by series.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createParser } from '../exposition/index.ts';
import type { MetricFamily } from '../exposition/types.ts';

export interface FakeTree {
  root: string;
  proc: string;
  sys: string;
  rootfs: string;
  /** Writes a file relative to the tree root, e.g. write('proc/loadavg', '...'). */
  write(rel: string, content: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeFakeTree(files: Record<string, string> = {}): Promise<FakeTree> {
  const root = await mkdtemp(join(tmpdir(), 'osprey-host-'));
  const tree: FakeTree = {
    root,
    proc: join(root, 'proc'),
    sys: join(root, 'sys'),
    rootfs: join(root, 'rootfs'),
    async write(rel, content) {
      const p = join(root, rel);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, content);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await mkdir(tree.proc, { recursive: true });
  await mkdir(tree.sys, { recursive: true });
  await mkdir(tree.rootfs, { recursive: true });
  for (const [rel, content] of Object.entries(files)) await tree.write(rel, content);
  return tree;
}

export interface FamilyView {
  type: string;
  help: string;
  /** Series in Prometheus string form without the name, e.g. {cpu="0", mode="idle"} -> value (lat_sum{} for suffixed series). */
  series: Map<string, number>;
  /** Union of label names (without __name__) over all series. */
  labelNames: Set<string>;
}

/** Families keyed by name, from collector output. */
export function viewFamilies(families: MetricFamily[]): Map<string, FamilyView> {
  const out = new Map<string, FamilyView>();
  for (const f of families) {
    const v: FamilyView = out.get(f.name) ?? { type: f.type, help: f.help, series: new Map(), labelNames: new Set() };
    for (const s of f.samples) {
      const l = s.labels.withoutMetricName();
      // Histogram/summary series carry a suffix (lat_sum); key those by their full name.
      const metric = s.labels.metricName;
      const key = metric === f.name ? l.toString() : `${metric}${l.toString()}`;
      if (v.series.has(key)) throw new Error(`duplicate series ${f.name}${key}`);
      v.series.set(key, s.value);
      for (const n of l.names()) v.labelNames.add(n);
    }
    out.set(f.name, v);
  }
  return out;
}

/** Families keyed by name, from a text-format page (e.g. node_exporter's /metrics). */
export function parseTextFamilies(text: string): Map<string, FamilyView> {
  const out = new Map<string, FamilyView>();
  const get = (name: string): FamilyView => {
    let v = out.get(name);
    if (v === undefined) {
      v = { type: 'unknown', help: '', series: new Map(), labelNames: new Set() };
      out.set(name, v);
    }
    return v;
  };
  const p = createParser(text, 'text');
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e === 'help') get(p.familyName()).help = p.help();
    else if (e === 'type') get(p.familyName()).type = p.type();
    else if (e === 'series') {
      const labels = p.labels();
      const v = get(labels.metricName);
      const l = labels.withoutMetricName();
      v.series.set(l.toString(), p.value());
      for (const n of l.names()) v.labelNames.add(n);
    }
  }
  return out;
}

/** The value of one series, failing loudly when the family or series is missing. */
export function seriesValue(fams: Map<string, FamilyView>, name: string, series = '{}'): number {
  const f = fams.get(name);
  if (f === undefined) throw new Error(`family ${name} missing`);
  const v = f.series.get(series);
  if (v === undefined) throw new Error(`series ${name}${series} missing; have ${[...f.series.keys()].join(' ')}`);
  return v;
}
