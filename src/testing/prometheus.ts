import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Debian's Prometheus, the differential oracle of the compat tests and benchmarks. */
export const PROMETHEUS = '/usr/bin/prometheus';

/** Starts Prometheus on `dir`/prometheus.yml with its data in `dir`/data, listening on 127.0.0.1:`port`. */
export function spawnPrometheus(dir: string, port: number, extraArgs: readonly string[] = []): ChildProcess {
  return spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
}
