/**
 * An alerting rule: evaluates its expression, keeps one Alert per output label set and moves it through
 * inactive -> pending -> firing (with `for` and `keep_firing_for`), producing ALERTS / ALERTS_FOR_STATE samples.
 */
import { Labels, LabelsBuilder } from '../model/index.ts';
import { type Expr, exprToString, parseExpr, type Sample, type Vector } from '../promql/index.ts';
import { queryVector } from './query.ts';
import { expandTemplate, type TemplateEnv } from './template-expand.ts';
import type { Alert, AlertState, RuleHealth, SentAlert } from './types.ts';
import { rfc3339 } from './types.ts';

const EMPTY_OBJECT: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Resolved alerts are still sent for this long (Prometheus's resolvedRetention). */
export const RESOLVED_RETENTION = 15 * 60 * 1000;

export interface AlertingRuleOptions {
  name: string;
  expr: string;
  holdDuration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** False until the `for` state was restored after startup; ALERTS series are only written once true. */
  restored: boolean;
}

export class AlertingRule {
  readonly kind = 'alerting' as const;
  readonly name: string;
  readonly expr: Expr;
  readonly query: string;
  readonly holdDuration: number;
  readonly keepFiringFor: number;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  restored: boolean;
  private readonly hasTemplates: boolean;
  /** Active (and recently resolved) alerts by label-set hash. */
  active = new Map<number, Alert>();
  health: RuleHealth = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationTime = 0;

  constructor(o: AlertingRuleOptions) {
    this.name = o.name;
    this.expr = parseExpr(o.expr);
    this.query = exprToString(this.expr);
    this.holdDuration = o.holdDuration;
    this.keepFiringFor = o.keepFiringFor;
    this.labels = o.labels;
    this.annotations = o.annotations;
    this.restored = o.restored;
    this.hasTemplates = [...Object.values(o.labels), ...Object.values(o.annotations)].some((v) => v.includes('{{'));
  }

  /** Identity used to carry state across reloads. */
  key(): string {
    return `alert\u0000${this.name}\u0000${this.query}\u0000${pairsKey(this.labels)}`;
  }

  /**
   * Evaluates at `ts` (the query runs at ts - queryOffset) and returns the ALERTS and ALERTS_FOR_STATE samples.
   * Throws on query errors, duplicate label sets and an exceeded limit.
   */
  eval(env: TemplateEnv, ts: number, queryOffset: number, limit: number, result?: Vector): Sample[] {
    const qt = ts - queryOffset;
    // `result`: the expression's value when it was queried elsewhere (an external engine).
    const vec = result ?? queryVector(env.engine, env.queryable, this.expr, qt);
    const resultHashes = new Set<number>();
    const fresh = new Map<number, Alert>();
    const labelEntries = Object.entries(this.labels);
    const annotationEntries = Object.entries(this.annotations);
    for (const s of vec) {
      const lbls = s.labels.withoutMetricName();
      // Template data only when some text is a template (most rules have none).
      const tmplLabels = this.hasTemplates ? lbls.toObject() : EMPTY_OBJECT;
      const lb = new LabelsBuilder(lbls);
      for (const [k, v] of labelEntries) {
        lb.set(k, expandTemplate(env, this.name, v, tmplLabels, s.v, ts));
      }
      lb.set('alertname', this.name);
      const labels = lb.labels();
      const annotations: Record<string, string> = {};
      for (const [k, v] of annotationEntries) {
        annotations[k] = expandTemplate(env, this.name, v, tmplLabels, s.v, ts);
      }
      const h = labels.hash();
      if (resultHashes.has(h))
        throw new Error('vector contains metrics with the same labelset after applying alert labels');
      resultHashes.add(h);
      fresh.set(h, newAlert(labels, annotations, s.v, ts));
    }
    for (const [h, a] of fresh) {
      const cur = this.active.get(h);
      if (cur && cur.state !== 'inactive') {
        cur.value = a.value;
        cur.annotations = a.annotations;
        continue;
      }
      this.active.set(h, a);
    }
    const out: Sample[] = [];
    let numActive = 0;
    for (const [h, a] of this.active) {
      if (!resultHashes.has(h)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringFor > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.keepFiringFor) keepFiring = true;
        }
        // Pending alerts vanish at once; resolved ones are kept (and sent) for RESOLVED_RETENTION.
        if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION)) {
          this.active.delete(h);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActive++;
      if (a.state === 'pending' && ts - a.activeAt >= this.holdDuration) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      if (this.restored) {
        out.push(alertsSample(a, qt), forStateSample(a, qt));
      }
    }
    if (limit > 0 && numActive > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${numActive} alerts`);
    }
    return out;
  }

  /** Whether label or annotation texts are templates (which may call `query`). */
  get templated(): boolean {
    return this.hasTemplates;
  }

  /** Expands every label and annotation template for `vec` without touching alert state (template prefetch). */
  expandTemplatesOnly(env: TemplateEnv, vec: Vector, ts: number): void {
    if (!this.hasTemplates) return;
    for (const s of vec) {
      const tmplLabels = s.labels.withoutMetricName().toObject();
      for (const v of Object.values(this.labels)) expandTemplate(env, this.name, v, tmplLabels, s.v, ts);
      for (const v of Object.values(this.annotations)) expandTemplate(env, this.name, v, tmplLabels, s.v, ts);
    }
  }

  /** Alerts that are pending or firing. */
  activeAlerts(): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) if (a.state !== 'inactive') out.push(a);
    return out;
  }

  /** The rule's state: firing if any alert fires, else pending if any is pending, else inactive. */
  state(): AlertState {
    let st: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') st = 'pending';
    }
    return st;
  }

  /**
   * Firing and recently resolved alerts due for (re)sending at `ts`: those resolved since their last send, or not
   * sent within `resendDelay`. endsAt of firing alerts is ts + 4 * max(resendDelay, interval).
   */
  alertsToSend(ts: number, resendDelay: number, interval: number, externalURL: string): SentAlert[] {
    const out: SentAlert[] = [];
    const delta = Math.max(resendDelay, interval);
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const due = (a.resolvedAt !== 0 && a.resolvedAt > a.lastSentAt) || a.lastSentAt + resendDelay < ts;
      if (!due) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * delta;
      out.push({
        labels: a.labels.toObject(),
        annotations: { ...a.annotations },
        startsAt: rfc3339(a.firedAt),
        endsAt: rfc3339(a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil),
        generatorURL: generatorURL(externalURL, this.query),
      });
    }
    return out;
  }
}

function newAlert(labels: Labels, annotations: Record<string, string>, value: number, ts: number): Alert {
  return {
    state: 'pending',
    labels,
    annotations,
    value,
    activeAt: ts,
    firedAt: 0,
    resolvedAt: 0,
    lastSentAt: Number.NEGATIVE_INFINITY,
    validUntil: 0,
    keepFiringSince: 0,
  };
}

function alertsSample(a: Alert, t: number): Sample {
  const lb = new LabelsBuilder(a.labels);
  lb.set('__name__', 'ALERTS');
  lb.set('alertstate', a.state);
  return { labels: lb.labels(), t, v: 1 };
}

function forStateSample(a: Alert, t: number): Sample {
  const lb = new LabelsBuilder(a.labels);
  lb.set('__name__', 'ALERTS_FOR_STATE');
  return { labels: lb.labels(), t, v: Math.floor(a.activeAt / 1000) };
}

/** Prometheus's link back to the expression: externalURL/graph?g0.expr=...&g0.tab=1. */
export function generatorURL(externalURL: string, query: string): string {
  return `${externalURL}/graph?g0.expr=${goQueryEscape(query)}&g0.tab=1`;
}

/** Go's url.QueryEscape (spaces become '+'). */
export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function pairsKey(o: Record<string, string>): string {
  return Object.keys(o)
    .sort()
    .map((k) => `${k}\u0001${o[k]}`)
    .join('\u0002');
}

export { Labels };
