// Template variables and legend templates of dashboard panels (pure functions, tested under Node).
import type { Labels } from './format.ts';

/** Parses label_values(label) / label_values(selector, label). */
export function parseLabelValues(q: string): { match?: string; label: string } | null {
  const m = /^\s*label_values\(\s*(?:(.*),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(q);
  if (!m) return null;
  return { match: m[1]?.trim() || undefined, label: m[2] };
}

export const ALL = '$__all';

/** Replaces $var and ${var} in an expression; "All" becomes ".*" (use it with =~). */
export function interpolate(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a, b) => {
    const name = a ?? b;
    if (!(name in vars)) return whole;
    const v = vars[name];
    return v === ALL ? '.*' : v;
  });
}

/** Legend template "{{instance}}"; falls back to the full series name. */
export function legendText(tpl: string | undefined, labels: Labels, fallback: (l: Labels) => string): string {
  if (!tpl) return fallback(labels);
  return tpl.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => labels[k] ?? '');
}
