import { Worker } from 'node:worker_threads';
import { compactBlocks } from './compact.ts';
import { type HeadBlockJob, writeHeadBlock } from './head-block.ts';
import type { BlockMeta } from './meta.ts';

/** A compaction that runs on its own: it reads and writes files and returns the new block's meta. */
export type CompactionJob =
  | { kind: 'head'; head: HeadBlockJob }
  /** Merge these block directories into one new block in dataDir (sources are left in place). */
  | { kind: 'merge'; dataDir: string; dirs: string[] };

/** Runs a job on the calling thread. */
export function runJobInProcess(job: CompactionJob): BlockMeta | null {
  if (job.kind === 'head') return writeHeadBlock(job.head);
  return compactBlocks(job.dataDir, job.dirs);
}

/**
 * Runs a job in a worker thread, so writing a block (encoding, index building, fsync) never blocks the
 * event loop. From lib/ the worker imports the compiled file; from src/ it loads the TypeScript sources
 * through tsx (registered inside the worker: Node 20 does not pass the main thread's module hooks on to
 * workers). `signal` terminates the worker; a block it was writing stays under a temporary name that is
 * removed on the next start.
 */
export function runCompactionJob(job: CompactionJob, signal?: AbortSignal): Promise<BlockMeta | null> {
  // Compiled (lib/, see bin/osprey.js): the worker imports the .js file directly, without tsx.
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(compiled ? './compaction-worker.js' : './compaction-worker.ts', import.meta.url).href;
  const boot = compiled
    ? `import(${JSON.stringify(entry)});`
    : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const h = job.kind === 'head' ? job.head : null;
  const transfer = h
    ? [h.bytes, h.chunkMeta, h.seriesChunks, h.labelLengths, h.labelCounts].map((a) => a.buffer as ArrayBuffer)
    : [];
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: job, transferList: transfer });
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      void worker.terminate();
      done(() => reject(new Error('compaction aborted')));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    worker.once('message', (m: { ok: boolean; meta?: BlockMeta | null; error?: string }) => {
      done(() => (m.ok ? resolve(m.meta ?? null) : reject(new Error(m.error))));
    });
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) => done(() => reject(new Error(`compaction worker exited with code ${code}`))));
  });
}
