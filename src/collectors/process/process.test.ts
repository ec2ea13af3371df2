import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../config/index.ts';
import { type FakeTree, makeFakeTree, seriesValue, viewFamilies } from '../test-util.ts';
import { ProcessCollector, parseProcessGroups, processGroupsFromValue } from './index.ts';

function statLine(
  pid: number,
  comm: string,
  o: { utime: number; stime: number; threads: number; start: number; vsize: number; rss: number },
) {
  // Fields 3.. after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice num_threads itrealvalue starttime vsize rss ...
  return `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 150 0 3 0 ${o.utime} ${o.stime} 0 0 20 0 ${o.threads} 0 ${o.start} ${o.vsize} ${o.rss} 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;
}

async function addProc(
  tree: FakeTree,
  pid: number,
  comm: string,
  argv: string[],
  o: Parameters<typeof statLine>[2],
  fds = 3,
) {
  await tree.write(`proc/${pid}/stat`, statLine(pid, comm, o));
  await tree.write(`proc/${pid}/cmdline`, `${argv.join('\0')}\0`);
  await tree.write(
    `proc/${pid}/status`,
    `Name:\t${comm}\nVmSwap:\t     8 kB\nvoluntary_ctxt_switches:\t10\nnonvoluntary_ctxt_switches:\t2\n`,
  );
  await tree.write(`proc/${pid}/io`, 'rchar: 1\nwchar: 2\nread_bytes: 4096\nwrite_bytes: 8192\n');
  await tree.write(
    `proc/${pid}/limits`,
    'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 4096                 files\n',
  );
  for (let i = 0; i < fds; i++) await tree.write(`proc/${pid}/fd/${i}`, '');
}

const YAML = `
osprey:
  processes:
    - name: web
      comm: [nginx]
    - name: 'java-{{.Matches.app}}'
      cmdline: ['-jar (?P<app>\\w+)\\.jar']
    - name: '{{.ExeBase}}'
      exe: [/usr/bin/python3]
`;

describe('process groups config', () => {
  test('parses groups and reports bad ones with positions', () => {
    const g = parseProcessGroups(YAML);
    assert.deepEqual(
      g.map((x) => x.name),
      ['web', 'java-{{.Matches.app}}', '{{.ExeBase}}'],
    );
    assert.throws(
      () => parseProcessGroups('osprey:\n  processes:\n    - name: x\n      cmdline: ["(a"]\n', 'p.yml'),
      (e: unknown) =>
        e instanceof ConfigError &&
        /^p\.yml:4:\d+: osprey\.processes\.0\.cmdline\.0: error parsing regexp/.test(e.message),
    );
    assert.throws(() => processGroupsFromValue([{ name: 'x' }]), /needs at least one of comm, exe, cmdline/);
  });
});

describe('process collector', () => {
  let tree: FakeTree;
  after(() => tree?.cleanup());

  test('groups processes from a fake /proc and sums their resources', async () => {
    tree = await makeFakeTree({ 'proc/stat': 'cpu  1 2 3\nbtime 1700000000\n' });
    await addProc(
      tree,
      100,
      'nginx',
      ['nginx: master'],
      { utime: 250, stime: 50, threads: 1, start: 1000, vsize: 1000000, rss: 100 },
      5,
    );
    await addProc(
      tree,
      101,
      'nginx',
      ['nginx: worker'],
      { utime: 100, stime: 10, threads: 2, start: 2000, vsize: 2000000, rss: 50 },
      3,
    );
    await addProc(tree, 200, 'java', ['/usr/bin/java', '-Xmx1g', '-jar', 'billing.jar'], {
      utime: 10,
      stime: 0,
      threads: 30,
      start: 500,
      vsize: 1,
      rss: 1,
    });
    await addProc(tree, 300, 'python3', ['/usr/bin/python3', 'x.py'], {
      utime: 1,
      stime: 1,
      threads: 1,
      start: 500,
      vsize: 1,
      rss: 1,
    });
    await addProc(tree, 400, 'bash', ['bash'], { utime: 1, stime: 1, threads: 1, start: 500, vsize: 1, rss: 1 });
    const c = new ProcessCollector(parseProcessGroups(YAML), { procPath: tree.proc });
    let f = viewFamilies(await c.collect());
    const web = '{groupname="web"}';
    assert.equal(seriesValue(f, 'osprey_process_num_procs', web), 2);
    assert.equal(seriesValue(f, 'osprey_process_cpu_seconds_total', '{groupname="web", mode="user"}'), 3.5);
    assert.equal(seriesValue(f, 'osprey_process_cpu_seconds_total', '{groupname="web", mode="system"}'), 0.6);
    assert.equal(seriesValue(f, 'osprey_process_memory_bytes', '{groupname="web", memtype="resident"}'), 150 * 4096);
    assert.equal(seriesValue(f, 'osprey_process_memory_bytes', '{groupname="web", memtype="virtual"}'), 3000000);
    assert.equal(seriesValue(f, 'osprey_process_memory_bytes', '{groupname="web", memtype="swapped"}'), 2 * 8192);
    assert.equal(seriesValue(f, 'osprey_process_open_filedescs', web), 8);
    assert.equal(seriesValue(f, 'osprey_process_worst_fd_ratio', web), 5 / 1024);
    assert.equal(seriesValue(f, 'osprey_process_threads', web), 3);
    assert.equal(seriesValue(f, 'osprey_process_oldest_start_time_seconds', web), 1700000000 + 10);
    assert.equal(seriesValue(f, 'osprey_process_read_bytes_total', web), 8192);
    assert.equal(
      seriesValue(f, 'osprey_process_context_switches_total', '{ctxswitchtype="voluntary", groupname="web"}'),
      20,
    );
    assert.equal(seriesValue(f, 'osprey_process_num_procs', '{groupname="java-billing"}'), 1);
    assert.equal(seriesValue(f, 'osprey_process_threads', '{groupname="java-billing"}'), 30);
    assert.equal(seriesValue(f, 'osprey_process_num_procs', '{groupname="python3"}'), 1);
    assert.equal(f.get('osprey_process_num_procs')!.series.size, 3, 'bash is in no group');

    // Worker exits, master uses more CPU: the counter keeps the worker's share and grows.
    await rm(`${tree.proc}/101`, { recursive: true });
    await addProc(
      tree,
      100,
      'nginx',
      ['nginx: master'],
      { utime: 300, stime: 50, threads: 1, start: 1000, vsize: 1000000, rss: 100 },
      5,
    );
    f = viewFamilies(await c.collect());
    assert.equal(seriesValue(f, 'osprey_process_num_procs', web), 1);
    assert.equal(seriesValue(f, 'osprey_process_cpu_seconds_total', '{groupname="web", mode="user"}'), 4);
    // A new process with a recycled pid (another start time) counts from its own start.
    await addProc(tree, 101, 'nginx', ['nginx: worker'], {
      utime: 20,
      stime: 0,
      threads: 1,
      start: 9000,
      vsize: 1,
      rss: 1,
    });
    f = viewFamilies(await c.collect());
    assert.equal(seriesValue(f, 'osprey_process_cpu_seconds_total', '{groupname="web", mode="user"}'), 4.2);
    assert.equal(seriesValue(f, 'osprey_process_oldest_start_time_seconds', web), 1700000000 + 10);
  });

  test('a missing /proc gives 0 processes and a read error, not an exception', async () => {
    const c = new ProcessCollector(processGroupsFromValue([{ name: 'db', comm: ['postgres'] }]), {
      procPath: '/nonexistent/proc',
    });
    const f = viewFamilies(await c.collect());
    assert.equal(seriesValue(f, 'osprey_process_num_procs', '{groupname="db"}'), 0);
    assert.equal(seriesValue(f, 'osprey_process_scrape_procread_errors_total'), 1);
  });

  test('a static group with no process reports 0 processes', async () => {
    const t2 = await makeFakeTree({ 'proc/stat': 'btime 1\n' });
    const c = new ProcessCollector(processGroupsFromValue([{ name: 'db', comm: ['postgres'] }]), { procPath: t2.proc });
    const f = viewFamilies(await c.collect());
    await t2.cleanup();
    assert.equal(seriesValue(f, 'osprey_process_num_procs', '{groupname="db"}'), 0);
  });

  test('finds a real child process by its command line in /proc', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'osprey-process-test-marker'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const c = new ProcessCollector(
        processGroupsFromValue([{ name: 'marker', cmdline: ['osprey-process-test-marker'] }]),
      );
      const f = viewFamilies(await c.collect());
      assert.equal(seriesValue(f, 'osprey_process_num_procs', '{groupname="marker"}'), 1);
      assert.ok(seriesValue(f, 'osprey_process_memory_bytes', '{groupname="marker", memtype="resident"}') > 1e6);
      assert.ok(seriesValue(f, 'osprey_process_threads', '{groupname="marker"}') >= 1);
      assert.ok(seriesValue(f, 'osprey_process_open_filedescs', '{groupname="marker"}') >= 3);
      const start = seriesValue(f, 'osprey_process_oldest_start_time_seconds', '{groupname="marker"}');
      assert.ok(Math.abs(start - Date.now() / 1000) < 30, `start time ${start}`);
    } finally {
      child.kill();
    }
  });
});
