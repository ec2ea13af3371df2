/** Test helpers: a temp rule file and a manager over a fresh Head with a recording AlertSender. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../model/index.ts';
import { Engine } from '../promql/index.ts';
import { Head } from '../tsdb/index.ts';
import { RuleManager, type RuleManagerOptions } from './manager.ts';
import type { AlertSender, SentAlert } from './types.ts';

export function writeTempRules(text: string, name = 'rules.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-rules-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export class RecordingSender implements AlertSender {
  batches: SentAlert[][] = [];
  send(alerts: SentAlert[]): void {
    this.batches.push(alerts);
  }
  get last(): SentAlert[] {
    return this.batches[this.batches.length - 1] ?? [];
  }
}

export function newTestManager(extra: Partial<RuleManagerOptions> = {}) {
  const head = extra.queryable instanceof Head ? extra.queryable : new Head();
  const sender = new RecordingSender();
  const clock = { t: 0 };
  const manager = new RuleManager({
    engine: new Engine(),
    queryable: head,
    appendable: head,
    sender,
    now: () => clock.t,
    ...extra,
  });
  return { head, sender, clock, manager };
}

export function appendSample(head: Head, labels: Record<string, string>, t: number, v: number): void {
  const app = head.appender();
  app.append(0, Labels.fromObject(labels), t, v);
  app.commit();
}

export function querySeries(engine: Engine, head: Head, q: string, t: number): { labels: string; v: number }[] {
  const r = engine.instantQuery(head, q, t).value;
  if (r.type !== 'vector') throw new Error(`expected vector, got ${r.type}`);
  return r.vector.map((s) => ({ labels: s.labels.toString(), v: s.v }));
}
