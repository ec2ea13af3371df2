/**
 * YAML nodes -> plain JS the way Go's yaml decoder sees them. A plain (unquoted) number or boolean keeps
 * its source text in a YamlLiteral, because Go decodes such a scalar into a string field as the text
 * written (`version: 1.10` is "1.10", `env: yes` is "yes"), and into a number/bool field as the value.
 * Schemas read literals through the helpers in schema-scalars.ts; free-form sections get plain values
 * back with unwrapLiterals.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type ScalarTag } from 'yaml';

export class YamlLiteral {
  constructor(
    readonly value: number | boolean,
    readonly source: string,
  ) {}
}

/** YAML 1.1 booleans, as Go's yaml.v2 resolves them (the core schema only knows true/false). */
export const YAML11_BOOL_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (v: unknown) => typeof v === 'boolean',
  test: /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:y|yes|on)$/i.test(s),
};

const MERGE_KEY = Symbol.for('yaml.merge');

function isMergeKey(k: unknown): boolean {
  if (!isScalar(k)) return false;
  const v = k.value;
  return (typeof v === 'symbol' && (v === MERGE_KEY || v.description === '<<')) || (v === '<<' && k.type === 'PLAIN');
}

function keyString(k: unknown): string {
  if (isScalar(k)) {
    const v = k.value;
    if ((typeof v === 'number' || typeof v === 'boolean') && k.type === 'PLAIN' && k.source !== undefined)
      return String(k.source);
    return v === null ? '' : String(v);
  }
  return String(k);
}

/**
 * Converts a document to JS. Null mapping values become undefined (an unset field), except for keys in
 * `keepNull`, which become '' (Go's zero value where that differs from the default).
 */
export function documentToPlain(doc: Document.Parsed, keepNull: ReadonlySet<string>): unknown {
  let aliases = 0;
  const conv = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      if (++aliases > 10_000) throw new Error('excessive aliasing');
      return conv(node.resolve(doc));
    }
    if (isScalar(node)) {
      const v = node.value;
      if ((typeof v === 'number' || typeof v === 'boolean') && node.type === 'PLAIN')
        return new YamlLiteral(v, node.source === undefined ? String(v) : String(node.source));
      if (typeof v === 'bigint') return Number(v);
      return v;
    }
    if (isSeq(node)) return node.items.map((it) => conv(it));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          merges.push(pair.value);
          continue;
        }
        const k = keyString(pair.key);
        const v = conv(pair.value as Node | null);
        // The key stays (as undefined) so strict schemas still reject an unknown key with a null value.
        if (v === null) out[k] = keepNull.has(k) ? '' : undefined;
        else out[k] = v;
      }
      // Merge keys (<<: *anchor or a list of them): explicit keys win, earlier merges win over later ones.
      for (const m of merges) {
        const src = conv(m);
        for (const part of Array.isArray(src) ? src : [src]) {
          if (part === null || typeof part !== 'object' || part instanceof YamlLiteral) continue;
          for (const [k, v] of Object.entries(part)) if (!(k in out)) out[k] = v;
        }
      }
      return out;
    }
    return (node as { toJSON?: () => unknown }).toJSON?.() ?? node;
  };
  return conv(doc.contents);
}

/** Deep copy with every YamlLiteral replaced by its value (for free-form sections). */
export function unwrapLiterals(v: unknown): unknown {
  if (v instanceof YamlLiteral) return v.value;
  if (Array.isArray(v)) return v.map(unwrapLiterals);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrapLiterals(x);
    return out;
  }
  return v;
}
