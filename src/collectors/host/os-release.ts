import { type CollectContext, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

const INFO_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['build_id', 'BUILD_ID'],
  ['id', 'ID'],
  ['id_like', 'ID_LIKE'],
  ['image_id', 'IMAGE_ID'],
  ['image_version', 'IMAGE_VERSION'],
  ['name', 'NAME'],
  ['pretty_name', 'PRETTY_NAME'],
  ['variant', 'VARIANT'],
  ['variant_id', 'VARIANT_ID'],
  ['version', 'VERSION'],
  ['version_codename', 'VERSION_CODENAME'],
  ['version_id', 'VERSION_ID'],
];

/** Parses os-release(5): KEY=value lines, values optionally quoted with shell-style escapes. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1);
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
      v = v.slice(1, -1);
      if (line[eq + 1] === '"') v = v.replace(/\\([\\$"`])/g, '$1');
    }
    out.set(line.slice(0, eq), v);
  }
  return out;
}

/** node_os_info and node_os_version from /etc/os-release (or /usr/lib/os-release) under the rootfs. */
export const osCollector: SubCollector = {
  name: 'os',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    let text: string;
    try {
      text = await ctx.read(ctx.rootfs('etc/os-release'));
    } catch {
      text = await ctx.read(ctx.rootfs('usr/lib/os-release'));
    }
    const osr = parseOsRelease(text);
    const info: string[] = [];
    for (const [label, key] of INFO_LABELS) info.push(label, osr.get(key) ?? '');
    const names = INFO_LABELS.map((l) => l[0]).join(', ');
    out.gauge('node_os_info', `A metric with a constant '1' value labeled by ${names}.`, 1, ...info);
    // "22.04.1" -> 22.04: the major.minor part as a number.
    const m = /^(\d+)(\.\d+)?/.exec(osr.get('VERSION_ID') ?? '');
    if (m) {
      out.gauge(
        'node_os_version',
        'Metric containing the major.minor part of the OS version.',
        Number(m[1] + (m[2] ?? '')),
        'id',
        osr.get('ID') ?? '',
        'id_like',
        osr.get('ID_LIKE') ?? '',
        'name',
        osr.get('NAME') ?? '',
      );
    }
  },
};
