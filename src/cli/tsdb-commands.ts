import { join } from 'node:path';
import { formatGoFloat } from '../exposition/index.ts';
import { compareLabels, type Labels, type Matcher } from '../model/index.ts';
import { parseMetricSelector } from '../promql/index.ts';
import { Block, type BlockMeta, openBlocks } from '../tsdb/block/index.ts';
import { backfillOpenMetrics, DEFAULT_BLOCK_DURATION_MS } from './tsdb-backfill.ts';
import { formatBase2Bytes, formatGoDurationMs, formatGoUTCSeconds, tabulate } from './tsdb-format.ts';

/**
 * `osprey tsdb ...` subcommands as plain functions returning their output text (promtool's formats).
 * The command-line wiring lives in main.ts.
 */

export { BackfillError, compatibleBlockDuration, DEFAULT_BLOCK_DURATION_MS } from './tsdb-backfill.ts';

export class TsdbCommandError extends Error {}

function closeAll(blocks: Block[]): void {
  for (const b of blocks) b.close();
}

function listTable(rows: { meta: BlockMeta; size: number }[], humanReadable: boolean): string {
  const table: string[][] = [
    ['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE'],
  ];
  for (const { meta, size } of rows) {
    const time = (t: number): string => (humanReadable ? formatGoUTCSeconds(t) : String(t));
    table.push([
      meta.ulid,
      time(meta.minTime),
      time(meta.maxTime),
      formatGoDurationMs(meta.maxTime - meta.minTime),
      String(meta.stats.numSamples),
      String(meta.stats.numChunks),
      String(meta.stats.numSeries),
      humanReadable ? formatBase2Bytes(size) : String(size),
    ]);
  }
  return tabulate(table);
}

/** `osprey tsdb list [-r] DIR`: one line per block, as `promtool tsdb list`. */
export function listBlocks(dir: string, humanReadable = false): string {
  const { blocks } = openBlocks(dir);
  try {
    return listTable(
      blocks.map((b) => ({ meta: b.meta, size: b.size() })),
      humanReadable,
    );
  } finally {
    closeAll(blocks);
  }
}

/**
 * `osprey tsdb create-blocks-from openmetrics FILE DIR`: backfill. Returns the created blocks' listing,
 * as promtool prints it.
 */
export function createBlocksFromOpenMetrics(
  file: string,
  dir: string,
  opts: { blockDuration?: number; humanReadable?: boolean } = {},
): { blocks: BlockMeta[]; output: string } {
  const metas = backfillOpenMetrics(file, dir, { blockDuration: opts.blockDuration ?? DEFAULT_BLOCK_DURATION_MS });
  const rows = metas.map((meta) => {
    const b = new Block(join(dir, meta.ulid));
    const size = b.size();
    b.close();
    return { meta, size };
  });
  return { blocks: metas, output: listTable(rows, opts.humanReadable ?? false) };
}

interface Counted {
  key: string;
  n: number;
}

function top(map: Map<string, number>, limit: number): Counted[] {
  return [...map.entries()]
    .map(([key, n]) => ({ key, n }))
    .sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}

/**
 * `osprey tsdb analyze DIR [BLOCK_ID]`: cardinality and churn of one block (default: the newest), in
 * `promtool tsdb analyze`'s layout. Churn counts how much of the block's range each label pair's series do
 * not cover, in whole block ranges.
 */
export function analyzeBlock(dir: string, blockId?: string, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 20;
  const { blocks } = openBlocks(dir);
  try {
    if (blocks.length === 0) throw new TsdbCommandError('no blocks found');
    const block = blockId === undefined ? blocks[blocks.length - 1] : blocks.find((b) => b.ulid === blockId);
    if (block === undefined) throw new TsdbCommandError(`block ${blockId} not found`);
    const meta = block.meta;
    const idx = block.index;
    const range = meta.maxTime - meta.minTime;
    const pairUncovered = new Map<string, number>();
    const nameUncovered = new Map<string, number>();
    const pairCount = new Map<string, number>();
    let entries = 0;
    let numSeries = 0;
    const metas = { mint: [] as number[], maxt: [] as number[], ref: [] as number[] };
    for (const ref of idx.allPostings()) {
      const flat = idx.series(ref, metas);
      numSeries++;
      const n = metas.mint.length;
      const uncovered = n === 0 ? range : Math.max(0, range - (metas.maxt[n - 1] - metas.mint[0]));
      for (let i = 0; i < flat.length; i += 2) {
        const pair = `${flat[i]}=${flat[i + 1]}`;
        pairUncovered.set(pair, (pairUncovered.get(pair) ?? 0) + uncovered);
        nameUncovered.set(flat[i], (nameUncovered.get(flat[i]) ?? 0) + uncovered);
        pairCount.set(pair, (pairCount.get(pair) ?? 0) + 1);
        entries++;
      }
    }
    const perRange = (m: Map<string, number>): Map<string, number> => {
      const out = new Map<string, number>();
      for (const [k, v] of m) out.set(k, range > 0 ? Math.floor(v / range) : 0);
      return out;
    };
    const valueLength = new Map<string, number>();
    const cardinality = new Map<string, number>();
    for (const name of idx.labelNames()) {
      const values = idx.labelValues(name);
      let len = 0;
      for (const v of values) len += Buffer.byteLength(v, 'utf8');
      valueLength.set(name, len);
      cardinality.set(name, values.length);
    }
    const metricNames = new Map<string, number>();
    for (const v of idx.labelValues('__name__')) metricNames.set(v, idx.postings('__name__', v).length);
    const lines: string[] = [
      `Block ID: ${meta.ulid}`,
      `Duration: ${formatGoDurationMs(range)}`,
      `Series: ${numSeries}`,
      `Label names: ${idx.labelNames().length}`,
      `Postings (unique label pairs): ${pairCount.size}`,
      `Postings entries (total label pairs): ${entries}`,
    ];
    const section = (title: string, items: Counted[]): void => {
      lines.push('', title);
      for (const it of items) lines.push(`${it.n} ${it.key}`);
    };
    section('Label pairs most involved in churning:', top(perRange(pairUncovered), limit));
    section('Label names most involved in churning:', top(perRange(nameUncovered), limit));
    section('Most common label pairs:', top(pairCount, limit));
    section('Label names with highest cumulative label value length:', top(valueLength, limit));
    section('Highest cardinality labels:', top(cardinality, limit));
    section('Highest cardinality metric names:', top(metricNames, limit));
    return `${lines.join('\n')}\n`;
  } finally {
    closeAll(blocks);
  }
}

export interface DumpOptions {
  /** Series selectors (PromQL syntax); series matching any of them are dumped. Default: all series. */
  match?: readonly string[];
  /** Inclusive time range in ms (default: everything). */
  minTime?: number;
  maxTime?: number;
}

/**
 * `osprey tsdb dump DIR`: every sample of the matching series over all blocks, one `{labels} value
 * timestamp_ms` line per sample, series in label order, as `promtool tsdb dump`. Lines go to `write` when
 * given (for large dumps), otherwise they are returned.
 */
export function dump(dir: string, opts: DumpOptions = {}, write?: (chunk: string) => void): string {
  const selectors: Matcher[][] = (opts.match ?? ['{__name__=~"(?s:.*)"}']).map(parseDumpSelector);
  const mint = opts.minTime ?? Number.MIN_SAFE_INTEGER;
  const maxt = opts.maxTime ?? Number.MAX_SAFE_INTEGER;
  const { blocks } = openBlocks(dir);
  let out = '';
  const emit = write ?? ((s: string) => (out += s));
  try {
    // series by labels -> the block series holding it, in block time order
    const found = new Map<string, { labels: Labels; parts: { block: Block; ref: number }[] }>();
    for (const b of blocks) {
      const q = b.querier();
      const seen = new Set<number>();
      for (const ms of selectors) {
        for (const s of q.select(ms, mint, maxt)) {
          if (seen.has(s.ref)) continue;
          seen.add(s.ref);
          const key = s.labels.toString();
          let e = found.get(key);
          if (e === undefined) {
            e = { labels: s.labels, parts: [] };
            found.set(key, e);
          }
          e.parts.push({ block: b, ref: s.ref });
        }
      }
    }
    const all = [...found.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    for (const e of all) {
      const prefix = `${e.labels.toString()} `;
      let last = Number.NEGATIVE_INFINITY;
      let buf = '';
      for (const part of e.parts) {
        const s = part.block.seriesView(part.ref, mint, maxt);
        if (s === null) continue;
        const it = s.iterator();
        while (it.next()) {
          if (it.t <= last) continue; // overlapping blocks: keep the first sample per timestamp
          last = it.t;
          buf += `${prefix}${formatGoFloat(it.v)} ${it.t}\n`;
        }
      }
      emit(buf);
    }
    return out;
  } finally {
    closeAll(blocks);
  }
}

const PLACEHOLDER = '__osprey_dump_placeholder__';

/**
 * Parses a --match selector. Unlike a PromQL query, promtool accepts selectors whose matchers all match the
 * empty string (its default is {__name__=~"(?s:.*)"}), so such a `{...}` selector is parsed with a
 * placeholder matcher added, which is then dropped.
 */
export function parseDumpSelector(sel: string): Matcher[] {
  try {
    return parseMetricSelector(sel);
  } catch (e) {
    const s = sel.trimStart();
    if (!s.startsWith('{') || !/non-empty matcher/.test((e as Error).message)) throw e;
    return parseMetricSelector(`{${PLACEHOLDER}="x",${s.slice(1)}`).filter((m) => m.name !== PLACEHOLDER);
  }
}
