import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../testing/free-port.ts';

/** Test and benchmark helper: runs Debian's prometheus-node-exporter on a free loopback port. */
export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

export interface RunningExporter {
  url: string;
  stop(): Promise<void>;
}

export function haveNodeExporter(): boolean {
  return existsSync(NODE_EXPORTER);
}

/** Starts node_exporter (collectors that can block on D-Bus or network filesystems are off). */
export async function startNodeExporter(): Promise<RunningExporter> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    NODE_EXPORTER,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--no-collector.systemd',
      '--no-collector.nfs',
      '--no-collector.nfsd',
      '--no-collector.wifi',
      '--no-collector.textfile',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited: ${stderr}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`node_exporter did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
