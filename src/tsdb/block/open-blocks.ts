import { Block, listBlockDirs } from './block.ts';

export interface OpenBlocksResult {
  /** Readable blocks, sorted by minTime then ULID. */
  blocks: Block[];
  /** Blocks that could not be opened (bad meta.json, index, chunk segment header, ...), to skip and report. */
  errors: { dir: string; error: Error }[];
}

/** Opens every block of a data directory; a corrupted block is reported, not fatal. */
export function openBlocks(dataDir: string): OpenBlocksResult {
  const blocks: Block[] = [];
  const errors: { dir: string; error: Error }[] = [];
  for (const dir of listBlockDirs(dataDir)) {
    try {
      blocks.push(new Block(dir));
    } catch (e) {
      errors.push({ dir, error: e as Error });
    }
  }
  blocks.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : 1));
  return { blocks, errors };
}
