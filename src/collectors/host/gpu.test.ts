import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { MetricFamily } from '../../exposition/types.ts';
import { type GpuCollectorOptions, NVIDIA_SMI_QUERY } from './gpu.ts';
import { HostCollector } from './host-collector.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-gpu-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in nvidia-smi: records its arguments, prints `stdout`, exits with `code`. */
function fakeSmi(name: string, stdout: string, code = 0): string {
  const p = join(dir, name);
  writeFileSync(
    p,
    `#!/bin/sh\necho "$@" > "${p}.args"\nprintf '%s' '${stdout.replace(/'/g, "'\\''")}'\nexit ${code}\n`,
  );
  chmodSync(p, 0o755);
  return p;
}

async function collect(gpu: GpuCollectorOptions): Promise<{ families: Map<string, MetricFamily>; success: number }> {
  const h = new HostCollector({ enabled: ['gpu'], gpu });
  const fams = await h.collect();
  const success = fams.find((f) => f.name === 'node_scrape_collector_success')!.samples[0].value;
  return { families: new Map(fams.filter((f) => f.name.startsWith('DCGM_')).map((f) => [f.name, f])), success };
}

test('nvidia-smi output becomes dcgm-exporter families, one series per GPU, N/A values left out', async () => {
  const smi = fakeSmi(
    'nvidia-smi',
    '0, GPU-aaaa-1111, NVIDIA A100-SXM4-40GB, 37, 12, 1024, 39512, 40536, 41, 45, 61.5, 400.00, 1410, 1215, [N/A], 4, 16\n' +
      '1, GPU-bbbb-2222, NVIDIA A100-SXM4-40GB, 0, 0, 0, 40536, 40536, 30, [N/A], 55.25, 400.00, 210, 1215, [Not Supported], 4, 16\n',
  );
  const { families, success } = await collect({ nvidiaSmiPath: smi });
  assert.equal(success, 1);
  assert.equal(
    readFileSync(`${smi}.args`, 'utf8').trim(),
    `--query-gpu=${NVIDIA_SMI_QUERY} --format=csv,noheader,nounits`,
  );
  const util = families.get('DCGM_FI_DEV_GPU_UTIL')!;
  assert.equal(util.type, 'gauge');
  assert.equal(util.samples.length, 2);
  const g0 = util.samples[0];
  assert.equal(g0.value, 37);
  assert.equal(g0.labels.get('gpu'), '0');
  assert.equal(g0.labels.get('UUID'), 'GPU-aaaa-1111');
  assert.equal(g0.labels.get('device'), 'nvidia0');
  assert.equal(g0.labels.get('modelName'), 'NVIDIA A100-SXM4-40GB');
  assert.ok(g0.labels.get('Hostname') !== '');
  assert.deepEqual(
    families.get('DCGM_FI_DEV_FB_USED')!.samples.map((s) => s.value),
    [1024, 0],
  );
  assert.deepEqual(
    families.get('DCGM_FI_DEV_POWER_USAGE')!.samples.map((s) => s.value),
    [61.5, 55.25],
  );
  assert.equal(families.get('DCGM_FI_DEV_MEMORY_TEMP')!.samples.length, 1, '[N/A] for GPU 1 is left out');
  assert.equal(families.has('DCGM_FI_DEV_FAN_SPEED'), false, 'no fan readings at all: no family');
  assert.equal(families.get('DCGM_FI_DEV_SM_CLOCK')!.samples[1].value, 210);
});

test('no nvidia-smi, or nvidia-smi without a GPU/driver: no families and no failure', async () => {
  const missing = await collect({ nvidiaSmiPath: join(dir, 'does-not-exist') });
  assert.equal(missing.success, 1);
  assert.equal(missing.families.size, 0);
  const noDevice = fakeSmi('nvidia-smi-nodev', 'No devices were found\n', 6);
  const r = await collect({ nvidiaSmiPath: noDevice });
  assert.equal(r.success, 1);
  assert.equal(r.families.size, 0);
  const noDriver = fakeSmi(
    'nvidia-smi-nodriver',
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
    9,
  );
  assert.equal((await collect({ nvidiaSmiPath: noDriver })).success, 1);
  // The lookup on PATH of this machine (no GPU here, or a real one): never a failure for a missing binary.
  const onPath = await collect({});
  assert.equal(onPath.success, 1);
});

test('nvidia-smi failing otherwise marks the sub-collector failed for that scrape', async () => {
  const broken = fakeSmi('nvidia-smi-broken', 'Unknown Error\n', 15);
  const r = await collect({ nvidiaSmiPath: broken });
  assert.equal(r.success, 0);
});
