/**
 * Running against host mounts, as node_exporter documents for containers: --path.procfs / --path.sysfs /
 * --path.rootfs and --[no-]collector.<name>, for `osprey exporter` and for the server's built-in host collector.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../src/testing/free-port.ts';
import { startOsprey, tempDir, waitFor } from './helpers.ts';

function hostTree(): string {
  const root = tempDir('osprey-hostfs-');
  const files: Record<string, string> = {
    'proc/meminfo': 'MemTotal:       1000 kB\nMemFree:         500 kB\n',
    'proc/loadavg': '0.50 0.25 0.10 1/100 4242\n',
    'proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
    'sys/fs/cgroup/cgroup.controllers': 'cpu memory\n',
    'sys/fs/cgroup/kubepods/pod1/ctr/memory.max': '268435456\n',
    'sys/fs/cgroup/kubepods/pod1/ctr/memory.current': '1048576\n',
    'sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': '20000 100000\n',
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

test('osprey exporter --path.* reads host mounts; --collector.disable-defaults with --collector.<name> picks collectors', async () => {
  const root = hostTree();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      'bin/osprey.js',
      'exporter',
      `--web.listen-address=127.0.0.1:${port}`,
      '--collectors=host',
      `--path.procfs=${join(root, 'proc')}`,
      `--path.sysfs=${join(root, 'sys')}`,
      `--path.rootfs=${root}`,
      '--collector.disable-defaults',
      '--collector.meminfo',
      '--collector.container',
      '--collector.loadavg',
      '--no-collector.loadavg',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const text = await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/metrics`);
        return r.ok ? r.text() : undefined;
      },
      20_000,
      'exporter up',
    );
    assert.match(text, /^node_memory_MemTotal_bytes 1\.024e\+06$/m);
    assert.match(text, /^container_spec_memory_limit_bytes\{id="\/kubepods\/pod1\/ctr"\} 2\.68435456e\+08$/m);
    assert.match(text, /^container_spec_cpu_quota\{id="\/kubepods\/pod1\/ctr"\} 20000$/m);
    assert.doesNotMatch(text, /node_load1/, '--no-collector.loadavg wins over the earlier --collector.loadavg');
    assert.doesNotMatch(text, /node_cpu_seconds_total/, 'defaults disabled');
    const ran = [...text.matchAll(/^node_scrape_collector_success\{collector="([^"]+)"\} 1$/gm)].map((m) => m[1]);
    assert.deepEqual(ran.sort(), ['container', 'meminfo']);
  } finally {
    child.kill('SIGTERM');
  }
});

test('the server’s --path.procfs / --path.sysfs feed the built-in host collector', async () => {
  const root = hostTree();
  const o = await startOsprey('scrape_configs: []\n', {
    'path.procfs': join(root, 'proc'),
    'path.sysfs': join(root, 'sys'),
    'path.rootfs': root,
  });
  try {
    const text = await (await fetch(`${o.url}/collectors/host/metrics`)).text();
    assert.match(text, /^node_memory_MemTotal_bytes 1\.024e\+06$/m);
    assert.match(text, /^node_load1 0\.5$/m);
    assert.match(text, /^container_memory_usage_bytes\{id="\/kubepods\/pod1\/ctr"\} 1\.048576e\+06$/m);
  } finally {
    await o.server.stop();
  }
});
