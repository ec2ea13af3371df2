/**
 * Worker thread entry for compactions (started by runCompactionJob in compaction-jobs.ts): writes a head
 * range as a block, or merges blocks, and posts back the new block's meta. It reads and writes files only;
 * the main thread swaps blocks in and out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CompactionJob, runJobInProcess } from './compaction-jobs.ts';

const job = workerData as CompactionJob;
try {
  parentPort?.postMessage({ ok: true, meta: runJobInProcess(job) });
} catch (e) {
  parentPort?.postMessage({ ok: false, error: (e as Error).message });
}
