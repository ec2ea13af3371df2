/**
 * file_sd target files (JSON or YAML lists of target groups), read as Prometheus's file discovery does:
 * a null group is an error, label names and values must be valid, each group's source is `file:index`.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import { isValidLabelName, isWellFormed } from '../model/index.ts';
import { buildStaticConfigs } from './prometheus-build.ts';
import { staticConfigSchema } from './prometheus-schema.ts';
import { zmap, zstr, zstrlist } from './schema-scalars.ts';
import type { StaticConfig, TargetGroup } from './types.ts';
import { ConfigError, goQuote, IssueList, YamlSource } from './yaml-errors.ts';
import { parseWithSchema } from './yaml-schema.ts';

const fileSchema = z.array(staticConfigSchema.nullable());

function fail(file: string, msg: string): never {
  throw new ConfigError(file, 1, 1, '', [`${file}:1:1: ${msg}`]);
}

/** JSON target groups: encoding/json semantics (unknown fields ignored, wrong types are errors). */
function parseJSON(text: string, file: string): TargetGroup[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(file, (e as Error).message);
  }
  if (!Array.isArray(data)) fail(file, 'json: cannot unmarshal into []*targetgroup.Group: not a list');
  const groups = z.array(z.looseObject({ targets: zstrlist().optional(), labels: zmap(zstr).optional() }).nullable());
  const res = groups.safeParse(data);
  if (!res.success) {
    const iss = res.error.issues[0];
    fail(file, `${iss.path.join('.')}: ${iss.message}`);
  }
  const out: TargetGroup[] = [];
  res.data.forEach((g, i) => {
    if (g === null) fail(file, `nil target group item found (index ${i})`);
    const labels = g.labels ?? {};
    for (const [k, v] of Object.entries(labels)) {
      if (!isValidLabelName(k)) fail(file, `${i}.labels: ${goQuote(k)} is not a valid label name`);
      if (!isWellFormed(v)) fail(file, `${i}.labels.${k}: ${goQuote(v)} is not a valid label value`);
    }
    out.push({ targets: g.targets ?? [], labels, source: `${file}:${i}` });
  });
  return out;
}

/** Parses a file_sd file; the format follows the extension (.json, .yml, .yaml). Throws ConfigError. */
export function parseFileSD(text: string, file: string): TargetGroup[] {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return parseJSON(text, file);
  if (ext !== '.yml' && ext !== '.yaml') fail(file, `unsupported file extension ${goQuote(ext)}`);
  const src = new YamlSource(text, file);
  const raw =
    parseWithSchema(src, fileSchema, { typeNameAt: () => 'struct { Targets []string; Labels model.LabelSet }' }) ?? [];
  const issues = new IssueList();
  raw.forEach((g, i) => {
    if (g === null) issues.add([i], `nil target group item found (index ${i})`);
  });
  src.throwIfAny(issues.items);
  const groups: StaticConfig[] = buildStaticConfigs(raw, [], issues);
  src.throwIfAny(issues.items);
  return groups.map((g, i) => ({ ...g, source: `${file}:${i}` }));
}

/** One target group given as a YAML mapping (a single static_configs entry), strictly checked. */
export function parseTargetGroupYaml(text: string, file: string): StaticConfig {
  const src = new YamlSource(text, file);
  const raw = parseWithSchema(src, staticConfigSchema, {
    typeNameAt: () => 'struct { Targets []string; Labels model.LabelSet }',
  });
  const issues = new IssueList();
  const [g] = buildStaticConfigs([raw], [], issues);
  // buildStaticConfigs reports paths under a synthetic index 0; strip it for this single-group document.
  src.throwIfAny(issues.items.map((i) => ({ ...i, path: i.path.slice(1) })));
  return g;
}
