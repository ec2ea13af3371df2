import type { Command } from 'commander';
import { parseDuration } from '../model/index.ts';

/**
 * `osprey tsdb list|analyze|dump|create-blocks-from openmetrics`, with promtool's arguments and defaults
 * (database path `data/`). The work is done by the functions in tsdb-commands.ts.
 */
export function registerTsdbCommand(
  program: Command,
  out: (s: string) => void = (s) => {
    process.stdout.write(s);
  },
): void {
  const tsdb = program.command('tsdb').description('inspect and backfill TSDB data directories (like promtool tsdb)');

  tsdb
    .command('list')
    .argument('[db path]', 'data directory', 'data/')
    .option('-r, --human-readable', 'print human-readable times and sizes', false)
    .description('list the blocks of a data directory')
    .action(async (dir: string, o: { humanReadable: boolean }) => {
      const { listBlocks } = await import('./tsdb-commands.ts');
      run(() => out(listBlocks(dir, o.humanReadable)));
    });

  tsdb
    .command('analyze')
    .argument('[db path]', 'data directory', 'data/')
    .argument('[block id]', 'block to analyze (default: the newest)')
    .option('--limit <n>', 'how many items to show in each list', '20')
    .description('show cardinality and churn of a block')
    .action(async (dir: string, block: string | undefined, o: { limit: string }) => {
      const { analyzeBlock } = await import('./tsdb-commands.ts');
      run(() => out(analyzeBlock(dir, block, { limit: Number(o.limit) })));
    });

  tsdb
    .command('dump')
    .argument('[db path]', 'data directory', 'data/')
    .option('--min-time <ms>', 'minimum timestamp to dump')
    .option('--max-time <ms>', 'maximum timestamp to dump')
    .option('--match <selector...>', 'series selector (repeatable)')
    .description('dump samples of the blocks as `{labels} value timestamp_ms` lines')
    .action(async (dir: string, o: { minTime?: string; maxTime?: string; match?: string[] }) => {
      const { dump } = await import('./tsdb-commands.ts');
      run(() =>
        dump(
          dir,
          {
            match: o.match,
            minTime: o.minTime === undefined ? undefined : Number(o.minTime),
            maxTime: o.maxTime === undefined ? undefined : Number(o.maxTime),
          },
          out,
        ),
      );
    });

  tsdb
    .command('create-blocks-from')
    .description('create blocks from other formats (backfill)')
    .command('openmetrics')
    .argument('<input file>', 'OpenMetrics file with timestamps on every sample')
    .argument('[output directory]', 'where to write the blocks', 'data/')
    .option('-r, --human-readable', 'print human-readable times and sizes', false)
    .option('-q, --quiet', 'do not print the created blocks', false)
    .option('--max-block-duration <duration>', 'longest block to create (2h, 6h, 18h, ... that fits)', '2h')
    .description('backfill blocks from an OpenMetrics file')
    .action(
      async (
        input: string,
        output: string,
        o: { humanReadable: boolean; quiet: boolean; maxBlockDuration: string },
      ) => {
        const { createBlocksFromOpenMetrics } = await import('./tsdb-commands.ts');
        const { compatibleBlockDuration } = await import('./tsdb-backfill.ts');
        run(() => {
          const blockDuration = compatibleBlockDuration(parseDuration(o.maxBlockDuration));
          const r = createBlocksFromOpenMetrics(input, output, { blockDuration, humanReadable: o.humanReadable });
          if (!o.quiet) out(r.output);
        });
      },
    );
}

function run(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    process.stderr.write(`osprey tsdb: error: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
