import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpositionParser, MetricSample, MetricType } from '../../exposition/types.ts';
import type { CollectContext, SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** Creates a pull parser over one page of text format 0.0.4; the caller supplies it (collectors do not own parsing). */
export type TextParserFactory = (text: string) => ExpositionParser;

interface ParsedFamily {
  type: MetricType;
  help: string;
  samples: MetricSample[];
}

/** Which declared family a series belongs to: its own name, or a histogram/summary base name. */
function familyOf(name: string, declared: Map<string, ParsedFamily>): string {
  if (declared.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = declared.get(base)?.type;
    if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
  }
  return name;
}

/** Parses one .prom file into families; throws on syntax errors and on client-side timestamps. */
function parseFile(text: string, path: string, makeParser: TextParserFactory): Map<string, ParsedFamily> {
  const fams = new Map<string, ParsedFamily>();
  const get = (name: string): ParsedFamily => {
    let f = fams.get(name);
    if (f === undefined) {
      f = { type: 'unknown', help: '', samples: [] };
      fams.set(name, f);
    }
    return f;
  };
  const p = makeParser(text);
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e === 'help') get(p.familyName()).help = p.help();
    else if (e === 'type') get(p.familyName()).type = p.type();
    else if (e === 'series') {
      if (p.timestamp() !== undefined) throw new Error(`${path}: client-side timestamps are not supported`);
      const labels = p.labels();
      get(familyOf(labels.metricName, fams)).samples.push({ labels, value: p.value() });
    }
  }
  for (const f of fams.values()) if (f.help === '') f.help = `Metric read from ${path}`;
  return fams;
}

/**
 * node_exporter's textfile collector: every *.prom file in `directory` is exposed as is, plus
 * node_textfile_mtime_seconds{file} per file read and node_textfile_scrape_error (1 if any file failed).
 * A file that fails to parse contributes nothing; the others still do.
 */
export function createTextfileCollector(
  directory: string,
  makeParser: TextParserFactory,
  onFileError?: (file: string, err: unknown) => void,
): SubCollector {
  return {
    name: 'textfile',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      let error = 0;
      let files: string[] = [];
      try {
        files = (await readdir(directory)).filter((f) => f.endsWith('.prom')).sort();
      } catch (e) {
        error = 1;
        onFileError?.(directory, e);
      }
      const paths = files.map((f) => join(directory, f));
      const loaded = await Promise.all(
        paths.map(async (path) => {
          try {
            const [text, st] = await Promise.all([ctx.read(path), stat(path)]);
            return { path, fams: parseFile(text, path, makeParser), mtime: Math.floor(st.mtimeMs / 1000) };
          } catch (e) {
            onFileError?.(path, e);
            return undefined;
          }
        }),
      );
      for (const l of loaded) {
        if (l === undefined) {
          error = 1;
          continue;
        }
        for (const [name, f] of l.fams) for (const s of f.samples) out.addSample(name, f.type, f.help, s);
        out.gauge(
          'node_textfile_mtime_seconds',
          'Unixtime mtime of textfiles successfully read.',
          l.mtime,
          'file',
          l.path,
        );
      }
      out.gauge('node_textfile_scrape_error', '1 if there was an error opening or reading a file, 0 otherwise', error);
    },
  };
}
