import { parse as parseYAML } from 'yaml';
import type { TargetGroup } from '../config/types.ts';
import { isValidLabelName, isWellFormed } from '../model/index.ts';

/**
 * Parses a file_sd file: a list of {targets: [...], labels: {...}} in JSON (".json") or YAML.
 * Throws Error with a message naming the file. Used until src/config exports parseFileSD.
 */
export function parseFileSDContent(text: string, file: string): TargetGroup[] {
  let doc: unknown;
  const isJSON = file.endsWith('.json');
  try {
    doc = isJSON ? JSON.parse(text) : parseYAML(text, { uniqueKeys: true });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new Error(`${file}: expected a list of target groups`);
  const out: TargetGroup[] = [];
  doc.forEach((g, i) => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) {
      throw new Error(`${file}: target group ${i} is ${g === null ? 'null' : 'not an object'}`);
    }
    const rec = g as Record<string, unknown>;
    if (!isJSON) {
      for (const k of Object.keys(rec)) {
        if (k !== 'targets' && k !== 'labels') throw new Error(`${file}: group ${i}: field ${k} not found in type`);
      }
    }
    const targets = rec.targets ?? [];
    if (!Array.isArray(targets)) throw new Error(`${file}: group ${i}: targets must be a list of strings`);
    for (const t of targets) {
      if (typeof t !== 'string') throw new Error(`${file}: group ${i}: targets must be a list of strings`);
    }
    const labels: Record<string, string> = {};
    const rawLabels = rec.labels ?? {};
    if (rawLabels === null || typeof rawLabels !== 'object' || Array.isArray(rawLabels)) {
      throw new Error(`${file}: group ${i}: labels must be a map`);
    }
    for (const [n, v] of Object.entries(rawLabels as Record<string, unknown>)) {
      if (!isValidLabelName(n)) throw new Error(`${file}: group ${i}: invalid label name ${JSON.stringify(n)}`);
      const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
      if (s === null || !isWellFormed(s)) {
        throw new Error(`${file}: group ${i}: invalid value for label ${JSON.stringify(n)}`);
      }
      labels[n] = s;
    }
    out.push({ targets: targets as string[], labels });
  });
  return out;
}
