/**
 * The notification template set (Osprey's defaults plus the user's `templates:` files) and a per-notification
 * renderer over Alertmanager's template data.
 */
import { statSync } from 'node:fs';
import type { AlertForNotify, NotifyContext } from '../alertmanager/notifier.ts';
import {
  alertmanagerTemplates,
  buildTemplateData,
  type Data,
  executeHTMLString,
  executeTextString,
  expandGlob,
  type Template,
} from '../template/index.ts';
import { DEFAULT_TEMPLATES } from './default-templates.ts';

/**
 * Caches parsed template sets by glob list. The key includes every matched file's mtime and size, so a config
 * reload after editing a template file picks the edit up, while reloads without changes reuse the set.
 */
export class TemplateCache {
  private readonly sets = new Map<string, Template>();
  constructor(private readonly now?: () => number) {}

  /** The default templates plus the files matched by `globs`. Throws TemplateParseError on a bad file. */
  get(globs: readonly string[]): Template {
    const key = cacheKey(globs);
    let t = this.sets.get(key);
    if (!t) {
      t = alertmanagerTemplates([...DEFAULT_TEMPLATES], [...globs], this.now ? { now: this.now } : {});
      // A config usually has one glob list; keep the cache small across edits.
      if (this.sets.size >= 8) this.sets.clear();
      this.sets.set(key, t);
    }
    return t;
  }
}

function cacheKey(globs: readonly string[]): string {
  const parts: string[] = [];
  for (const g of globs) {
    parts.push(g);
    for (const f of expandGlob(g)) {
      try {
        const st = statSync(f);
        parts.push(`${f}@${st.mtimeMs}:${st.size}`);
      } catch {
        parts.push(`${f}@?`);
      }
    }
  }
  return parts.join('\n');
}

/** The template data of one notification, as Alertmanager builds it (receiver quoted, common labels, ...). */
export function notificationData(ctx: NotifyContext, alerts: readonly AlertForNotify[]): Data {
  return buildTemplateData({
    receiver: ctx.receiver,
    groupLabels: ctx.groupLabels.toObject(),
    alerts: alerts as AlertForNotify[],
    externalURL: ctx.externalURL,
    now: ctx.now,
  });
}

/** Thrown for template execution errors: permanent, the notification is not retried. */
export class TemplateRenderError extends Error {}

/**
 * Renders config fields against one notification's data. Like Alertmanager's tmplText, a failing field
 * throws TemplateRenderError naming the field's text.
 */
export class Renderer {
  private made: Data | undefined;

  /** `data` may be given as a function: it is built on first use (a notifier that renders nothing skips it). */
  constructor(
    readonly templates: Template,
    private readonly source: Data | (() => Data),
  ) {}

  get data(): Data {
    this.made ??= typeof this.source === 'function' ? this.source() : this.source;
    return this.made;
  }

  text(tmpl: string | undefined): string {
    return this.run(tmpl, false);
  }

  html(tmpl: string | undefined): string {
    return this.run(tmpl, true);
  }

  /** Renders every value of a string map. */
  textMap(m: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m ?? {})) out[k] = this.text(v);
    return out;
  }

  private run(tmpl: string | undefined, html: boolean): string {
    if (!tmpl) return '';
    try {
      return html
        ? executeHTMLString(this.templates, tmpl, this.data)
        : executeTextString(this.templates, tmpl, this.data);
    } catch (e) {
      throw new TemplateRenderError(`template ${JSON.stringify(truncate(tmpl, 80))}: ${(e as Error).message}`);
    }
  }
}

/** Cuts `s` to at most `n` characters (code points), adding "…" when cut, as Alertmanager's notify.Truncate. */
export function truncate(s: string, n: number): string {
  const cps = Array.from(s);
  if (cps.length <= n) return s;
  if (n <= 0) return '';
  return `${cps.slice(0, n - 1).join('')}…`;
}
