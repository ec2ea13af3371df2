import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeFakeTree, viewFamilies } from '../test-util.ts';
import { CollectContext } from './context.ts';
import { FamilyBuilder } from './family-builder.ts';
import { createFilesystemCollector, parseMounts, type StatFsResult } from './filesystem.ts';
import { LabelsCache } from './labels-cache.ts';

test('parseMounts undoes octal escapes and strips the rootfs prefix', () => {
  const m = parseMounts('/dev/sda1 /host/srv/my\\040data ext4 rw 0 0\n/dev/sda2 /host ext4 ro 0 0\n', '/host');
  assert.deepEqual(
    m.map((x) => [x.device, x.mountPoint, x.fsType, x.options]),
    [
      ['/dev/sda1', '/srv/my data', 'ext4', 'rw'],
      ['/dev/sda2', '/', 'ext4', 'ro'],
    ],
  );
});

test('a statfs that hangs marks the mount stuck until the call returns', async () => {
  const t = await makeFakeTree({ 'proc/1/mounts': 'nfs:/x /mnt/nfs nfs4 rw 0 0\n/dev/vda / ext4 rw 0 0\n' });
  try {
    const calls: string[] = [];
    let release: (() => void) | undefined;
    const ok: StatFsResult = { bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5 };
    const fsc = createFilesystemCollector({
      statfsTimeoutMs: 20,
      statfs: (p) => {
        calls.push(p);
        if (p.endsWith('/mnt/nfs')) return new Promise((resolve) => (release = () => resolve(ok)));
        return Promise.resolve(ok);
      },
    });
    const labels = new LabelsCache();
    const run = async () => {
      const out = new FamilyBuilder(labels);
      await fsc.collect(new CollectContext(t.proc, t.sys, t.rootfs), out);
      return viewFamilies(out.result());
    };
    const nfs = '{device="nfs:/x", fstype="nfs4", mountpoint="/mnt/nfs"}';
    const root = '{device="/dev/vda", fstype="ext4", mountpoint="/"}';

    let f = await run();
    assert.equal(f.get('node_filesystem_device_error')!.series.get(nfs), 1);
    assert.equal(f.get('node_filesystem_size_bytes')!.series.get(root), 409600);
    assert.equal(f.get('node_filesystem_avail_bytes')!.series.get(root), 163840);
    assert.equal(calls.filter((c) => c.endsWith('/mnt/nfs')).length, 1);

    f = await run();
    assert.equal(f.get('node_filesystem_device_error')!.series.get(nfs), 1);
    assert.equal(calls.filter((c) => c.endsWith('/mnt/nfs')).length, 1, 'a stuck mount is not asked again');

    release!();
    await new Promise((r) => setImmediate(r));
    f = await run();
    assert.equal(calls.filter((c) => c.endsWith('/mnt/nfs')).length, 2, 'asked again once the hung call returned');
  } finally {
    await t.cleanup();
  }
});
